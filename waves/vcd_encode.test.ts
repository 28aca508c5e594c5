// The byte encoders against definitions written here: JavaScript's own decimal conversion. (Binary digits are
// written by the expander of change records: vcd_records.test.ts.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { putDecimal } from './vcd_encode.ts';

const latin1 = (b: Uint8Array, from: number, to: number): string => String.fromCharCode(...b.subarray(from, to));

describe('putDecimal', () => {
  it('matches String() for any safe non-negative integer', () => {
    const buf = new Uint8Array(32);
    for (const n of [0, 9, 10, 99, 100, 2 ** 32, Number.MAX_SAFE_INTEGER]) expect(latin1(buf, 3, putDecimal(buf, 3, n))).toBe(String(n));
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), (n) => {
        expect(latin1(buf, 0, putDecimal(buf, 0, n))).toBe(String(n));
      }),
    );
  });
});
