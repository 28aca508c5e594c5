import { describe, expect, it } from 'vitest';
import { extractField, fieldRange, immB, immI, immJ, immS, immU, insertField, sext } from './fields.ts';

// Expected words hand-assembled from the spec's format diagrams (unprivileged spec 2.3).
describe('fields', () => {
  it('sign-extends', () => {
    expect(sext(0xfff, 12)).toBe(-1);
    expect(sext(0x7ff, 12)).toBe(2047);
    expect(sext(0x800, 12)).toBe(-2048);
    expect(sext(0xffffffff, 32)).toBe(-1);
  });

  it('places I/S/B/U/J immediates as the spec draws them', () => {
    // addi x0, x0, -1: imm[11:0] = 0xfff in bits 31:20
    expect(insertField(0, immI, -1)).toBe(0xfff00000);
    // S: imm[11:5] in 31:25, imm[4:0] in 11:7; imm = 0x7e5 -> 0x3f in 31:25, 0x05 in 11:7
    expect(insertField(0, immS, 0x7e5)).toBe(((0x3f << 25) | (0x05 << 7)) >>> 0);
    // B: -2 -> all offset bits set except bit 0: bit 31, bit 7, 30:25, 11:8 all ones
    expect(insertField(0, immB, -2)).toBe(0xfe000f80);
    // B: offset 0x800 -> only imm[11] -> word bit 7
    expect(insertField(0, immB, 0x800)).toBe(0x80);
    // J: offset 0x800 -> imm[11] -> word bit 20
    expect(insertField(0, immJ, 0x800)).toBe(0x00100000);
    // J: offset 0x1000 -> imm[12] -> word bit 12
    expect(insertField(0, immJ, 0x1000)).toBe(0x1000);
    expect(insertField(0, immU, 0xfffff)).toBe(0xfffff000);
  });

  it('extracts what it inserts, with sign', () => {
    expect(extractField(0xfe000f80, immB)).toBe(-2);
    expect(extractField(0x80000000, immJ)).toBe(-(1 << 20));
    expect(extractField(0xfff00000, immI)).toBe(-1);
  });

  it('reports ranges and rejects values that do not fit, naming the operand', () => {
    expect(fieldRange(immB)).toEqual({ min: -4096, max: 4094, align: 1 });
    expect(() => insertField(0, immI, 2048, 'addi')).toThrow(/addi: operand imm = 2048 .*-2048\.\.2047/);
    expect(() => insertField(0, immB, 3)).toThrow(/multiple of 2/);
  });
});
