// The byte encoders against definitions written here: JavaScript's own radix conversion for the
// binary and decimal digits (IEEE 1364-2005 §18.2.3.5: a vector may drop leading zeros).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { putBinary, putDecimal } from './vcd_encode.ts';

const latin1 = (b: Uint8Array, from: number, to: number): string => String.fromCharCode(...b.subarray(from, to));

describe('putBinary', () => {
  const check = (v: number): void => {
    const buf = new Uint8Array(96).fill(0x7e);
    const end = putBinary(new DataView(buf.buffer), buf, 5, v);
    expect(latin1(buf, 5, end)).toBe(`b${v.toString(2)}`);
    // Nothing before the position is touched; at most 31 bytes of padding after the end.
    expect(latin1(buf, 0, 5)).toBe('~~~~~');
    expect(buf.subarray(end + 31).every((c) => c === 0x7e)).toBe(true);
  };

  it('writes the digits without leading zeros at the byte boundaries', () => {
    for (const v of [0, 1, 2, 3, 127, 128, 255, 256, 257, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff]) check(v);
    for (let k = 0; k < 32; k++) {
      check(2 ** k);
      check(2 ** k - 1);
    }
  });

  it('matches toString(2) for any 32-bit value', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => check(v)), { numRuns: 2000 });
  });
});

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
