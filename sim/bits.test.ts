import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bit, bits, cat, sext } from './bits.ts';

// Reference definitions over bit strings, independent of the shift/mask arithmetic under test.
const toBits = (x: number): string => (x >>> 0).toString(2).padStart(32, '0');
const fromBits = (s: string): number => (s.length === 0 ? 0 : parseInt(s, 2) >>> 0);

describe('bit helpers', () => {
  it('bits/bit slice like Verilog x[hi:lo]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 31 }), (x, a, b) => {
        const hi = Math.max(a, b);
        const lo = Math.min(a, b);
        const s = toBits(x);
        expect(bits(x, hi, lo)).toBe(fromBits(s.slice(31 - hi, 32 - lo)));
        expect(bit(x, lo)).toBe(Number(s[31 - lo]));
      }),
    );
  });

  it('sext replicates the sign bit; the RISC-V I-immediate of 0xfff00093 is -1', () => {
    expect(sext(bits(0xfff00093, 31, 20), 12)).toBe(-1);
    expect(sext(0x7ff, 12)).toBe(2047);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 32 }), (x, w) => {
        const s = toBits(x).slice(32 - w);
        const ext = fromBits(s.padStart(32, s[0]!));
        expect(sext(x, w) >>> 0).toBe(ext);
      }),
    );
  });

  it('cat concatenates most significant first', () => {
    expect(cat([0b1, 1], [0x3f, 6], [0b10, 2])).toBe(0b1_111111_10);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 8 })), { maxLength: 4 }), (fs) => {
        const s = fs.map(([v, w]) => toBits(v).slice(32 - w)).join('');
        expect(cat(...fs)).toBe(fromBits(s));
      }),
    );
  });
});
