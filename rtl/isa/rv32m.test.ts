import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TestHart } from './testHart.ts';

// Reference: exact BigInt arithmetic, written independently of the table's 16-bit partial-product code.
const S = (v: number) => BigInt(v | 0);
const U = (v: number) => BigInt(v >>> 0);
const hi = (p: bigint) => Number(BigInt.asIntN(32, p >> 32n));

function exec(id: string, a: number, b: number): number {
  const h = new TestHart();
  h.regs[1] = a;
  h.regs[2] = b;
  return h.run(id, { rd: 3, rs1: 1, rs2: 2 }).regs[3]!;
}

const INT_MIN = -0x80000000;

describe('RV32M', () => {
  it('mul keeps the low 32 bits', () => {
    expect(exec('mul', 0x12345678, 0x9abcdef0)).toBe(Number(BigInt.asIntN(32, 0x12345678n * 0x9abcdef0n)));
    expect(exec('mul', -3, 7)).toBe(-21);
    expect(exec('mul', INT_MIN, -1)).toBe(INT_MIN);
  });

  it('mulh/mulhsu/mulhu give the high word (hand values)', () => {
    expect(exec('mulh', -1, -1)).toBe(0); // 1
    expect(exec('mulhu', -1, -1)).toBe(-2); // 0xfffffffe_00000001
    expect(exec('mulhsu', -1, -1)).toBe(-1); // -1 * 0xffffffff = -0xffffffff -> 0xffffffff_00000001
    expect(exec('mulh', INT_MIN, INT_MIN)).toBe(0x40000000);
    expect(exec('mulhsu', INT_MIN, -1)).toBe(-0x80000000); // -2^31 * (2^32-1)
    expect(exec('mulhu', 0x10000, 0x10000)).toBe(1);
  });

  it('high multiplies agree with exact arithmetic', () => {
    fc.assert(
      fc.property(fc.integer({ min: INT_MIN, max: 0x7fffffff }), fc.integer({ min: INT_MIN, max: 0x7fffffff }), (a, b) => {
        expect(exec('mulh', a, b)).toBe(hi(S(a) * S(b)));
        expect(exec('mulhsu', a, b)).toBe(hi(S(a) * U(b)));
        expect(exec('mulhu', a, b)).toBe(hi(U(a) * U(b)));
      }),
      { numRuns: 2000 },
    );
  });

  it('division by zero (spec table 7.1)', () => {
    expect(exec('div', 17, 0)).toBe(-1);
    expect(exec('divu', 17, 0)).toBe(-1); // 2^32-1
    expect(exec('rem', -17, 0)).toBe(-17);
    expect(exec('remu', 17, 0)).toBe(17);
  });

  it('signed overflow (spec table 7.1)', () => {
    expect(exec('div', INT_MIN, -1)).toBe(INT_MIN);
    expect(exec('rem', INT_MIN, -1)).toBe(0);
  });

  it('rounds toward zero, remainder takes the dividend sign', () => {
    expect(exec('div', -7, 2)).toBe(-3);
    expect(exec('rem', -7, 2)).toBe(-1);
    expect(exec('div', 7, -2)).toBe(-3);
    expect(exec('rem', 7, -2)).toBe(1);
    expect(exec('divu', -7, 2)).toBe(0x7ffffffc); // 0xfffffff9 / 2
    expect(exec('remu', -7, 2)).toBe(1);
  });

  it('division agrees with exact arithmetic', () => {
    fc.assert(
      fc.property(fc.integer({ min: INT_MIN, max: 0x7fffffff }), fc.integer({ min: INT_MIN, max: 0x7fffffff }), (a, b) => {
        fc.pre(b !== 0 && !(a === INT_MIN && b === -1));
        expect(exec('div', a, b)).toBe(Number(S(a) / S(b)));
        expect(exec('rem', a, b)).toBe(Number(S(a) % S(b)));
        expect(exec('divu', a, b)).toBe(Number(BigInt.asIntN(32, U(a) / U(b))));
        expect(exec('remu', a, b)).toBe(Number(BigInt.asIntN(32, U(a) % U(b))));
      }),
      { numRuns: 2000 },
    );
  });
});
