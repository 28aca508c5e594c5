// Operand fields: moving operand values in and out of instruction words, and constructors for the standard
// RISC-V instruction formats (unprivileged spec ch. 2.2-2.3 "Base Instruction Formats", "Immediate Encoding
// Variants"). Every table file builds its encodings from these, so the bit placement of a format is written once.
import type { Encoding, OperandField, OperandName, Operands, Slice } from './types.ts';

/** Sign-extends the low `bits` bits of `v` to an int32. */
export function sext(v: number, bits: number): number {
  if (bits >= 32) return v | 0;
  const s = 32 - bits;
  return ((v << s) >> s) | 0;
}

/** Zero-extends the low `bits` bits of `v` (result in 0 .. 2^bits-1, as a non-negative number). */
export function zext(v: number, bits: number): number {
  if (bits >= 32) return v >>> 0;
  return (v & ((1 << bits) - 1)) >>> 0;
}

/** Mask of word bits [hi:lo]. */
export function bitMask(hi: number, lo: number): number {
  const w = hi - lo + 1;
  return (w >= 32 ? 0xffffffff : ((1 << w) - 1) << lo) >>> 0;
}

/** Width in value bits of a field (its top value bit + 1). */
export function fieldWidth(f: OperandField): number {
  let w = 0;
  for (const s of f.slices) w = Math.max(w, s.at + s.hi - s.lo + 1);
  return w;
}

/** Lowest value bit any slice provides; value bits below it are always zero (e.g. 1 for branch offsets). */
export function fieldAlign(f: OperandField): number {
  let a = 32;
  for (const s of f.slices) a = Math.min(a, s.at);
  return a;
}

/** Word bits a field occupies. */
export function fieldMask(f: OperandField): number {
  let m = 0;
  for (const s of f.slices) m |= bitMask(s.hi, s.lo);
  return m >>> 0;
}

/** Range of values a field can hold: min..max, multiples of 2^align. */
export function fieldRange(f: OperandField): { min: number; max: number; align: number } {
  const w = fieldWidth(f);
  const align = fieldAlign(f);
  const b = f.bias ?? 0;
  if (f.signed) return { min: b - 2 ** (w - 1), max: b + 2 ** (w - 1) - 2 ** align, align };
  return { min: b, max: b + 2 ** w - 2 ** align, align };
}

/** The operand value a field holds in `word` (sign-extended when the field is signed). */
export function extractField(word: number, f: OperandField): number {
  let v = 0;
  for (const s of f.slices) {
    const w = s.hi - s.lo + 1;
    const bits = w >= 32 ? word >>> 0 : (word >>> s.lo) & ((1 << w) - 1);
    v |= bits << s.at;
  }
  const width = fieldWidth(f);
  const r = f.signed ? sext(v, width) : zext(v, width);
  return f.bias ? r + f.bias : r;
}

/** Whether `value` is representable in the field. */
export function fitsField(f: OperandField, value: number): boolean {
  if (!Number.isInteger(value)) return false;
  const r = fieldRange(f);
  if (value < r.min || value > r.max) return false;
  return (value - (f.bias ?? 0)) % 2 ** r.align === 0;
}

/**
 * `word` with the field set to `value`. Throws when the value does not fit, naming the operand, the value and
 * the allowed range (`what` prefixes the message, e.g. the mnemonic).
 */
export function insertField(word: number, f: OperandField, value: number, what = ''): number {
  if (!fitsField(f, value)) {
    const r = fieldRange(f);
    const step = r.align > 0 ? `, multiple of ${2 ** r.align}` : '';
    const pre = what ? `${what}: ` : '';
    throw new RangeError(`${pre}operand ${f.name} = ${value} does not fit (allowed ${r.min}..${r.max}${step})`);
  }
  let w = word;
  const raw = value - (f.bias ?? 0);
  for (const s of f.slices) {
    const m = bitMask(s.hi, s.lo);
    const bits = Math.floor(raw / 2 ** s.at); // an arithmetic shift that is exact for negative values too
    w = (w & ~m) | ((bits << s.lo) & m);
  }
  return w >>> 0;
}

// ------------------------------------------------------------------------------------------------------------
// Building blocks.

/** A slice: word bits [hi:lo] become value bits starting at `at`. */
export function sl(hi: number, lo: number, at = 0): Slice {
  return { hi, lo, at };
}

export function field(name: OperandName, slices: Slice[], signed = false): OperandField {
  return { name, slices, signed };
}

/** Marks a field as a byte offset from the instruction's address (assembly shows the target). */
export function pcrel(f: OperandField): OperandField {
  return { ...f, pcrel: true };
}

/** A register operand in the usual 5-bit slot starting at `lo` (rd/rs3: 7, rs1: 15, rs2: 20). */
export function reg(name: OperandName, lo: number): OperandField {
  return field(name, [sl(lo + 4, lo)]);
}

/** Unsigned immediate in word bits [hi:lo]. */
export function uimm(name: OperandName, hi: number, lo: number): OperandField {
  return field(name, [sl(hi, lo)]);
}

/** Signed immediate in word bits [hi:lo]. */
export function simm(name: OperandName, hi: number, lo: number): OperandField {
  return field(name, [sl(hi, lo)], true);
}

/** An RVC 3-bit register field (x8..x15) in word bits [lo+2:lo]. */
export function creg(name: OperandName, lo: number): OperandField {
  return { name, slices: [sl(lo + 2, lo)], signed: false, bias: 8 };
}

export const rd = reg('rd', 7);
export const rs1 = reg('rs1', 15);
export const rs2 = reg('rs2', 20);
/** Offset register of the XpulpV2 register-register stores, in the rd slot. */
export const rs3InRd = reg('rs3', 7);

export const immI = simm('imm', 31, 20);
export const immS = field('imm', [sl(31, 25, 5), sl(11, 7, 0)], true);
export const immB = pcrel(field('imm', [sl(31, 31, 12), sl(7, 7, 11), sl(30, 25, 5), sl(11, 8, 1)], true));
/**
 * U-type immediate as written in assembly (`lui a0, 0x12345`): the 20-bit upper part, unscaled; the semantics
 * shift it by 12. Operand values generally equal what the assembly text shows.
 */
export const immU: OperandField = { ...uimm('imm', 31, 12), hex: true };
export const immJ = pcrel(field('imm', [sl(31, 31, 20), sl(19, 12, 12), sl(20, 20, 11), sl(30, 21, 1)], true));
export const shamt: OperandField = { ...uimm('imm', 24, 20), hex: true };
export const csrNum = uimm('csr', 31, 20);
/** CSR-immediate forms keep a 5-bit zero-extended immediate in the rs1 slot. */
export const csrUimm = uimm('imm', 19, 15);

// ------------------------------------------------------------------------------------------------------------
// Fixed bits and formats.

/** The part of an encoding that is not mnemonic/syntax. */
export interface Shape {
  match: number;
  mask: number;
  fields: OperandField[];
}

/** Fixed bit ranges: each `[hi, lo, value]` pins word bits [hi:lo] to `value`. */
export function fixed(...parts: Array<[number, number, number]>): { match: number; mask: number } {
  let match = 0;
  let mask = 0;
  for (const [hi, lo, v] of parts) {
    const m = bitMask(hi, lo);
    if (v < 0 || v > m >>> lo) throw new RangeError(`fixed bits [${hi}:${lo}] cannot hold ${v}`);
    match |= (v << lo) & m;
    mask |= m;
  }
  return { match: match >>> 0, mask: mask >>> 0 };
}

/** A shape from fixed bit ranges and operand fields. */
export function shape(fix: Array<[number, number, number]>, fields: OperandField[]): Shape {
  return { ...fixed(...fix), fields };
}

/** Adds more fixed bits to a shape (e.g. an rs2 slot fixed to 0 that the format would treat as an operand). */
export function pin(s: Shape, ...parts: Array<[number, number, number]>): Shape {
  const f = fixed(...parts);
  const fields = s.fields.filter((fl) => (fieldMask(fl) & f.mask) === 0);
  return { match: (s.match | f.match) >>> 0, mask: (s.mask | f.mask) >>> 0, fields };
}

export function R(opcode: number, funct3: number, funct7: number): Shape {
  return shape(
    [
      [6, 0, opcode],
      [14, 12, funct3],
      [31, 25, funct7],
    ],
    [rd, rs1, rs2],
  );
}

export function I(opcode: number, funct3: number): Shape {
  return shape(
    [
      [6, 0, opcode],
      [14, 12, funct3],
    ],
    [rd, rs1, immI],
  );
}

export function S(opcode: number, funct3: number): Shape {
  return shape(
    [
      [6, 0, opcode],
      [14, 12, funct3],
    ],
    [rs1, rs2, immS],
  );
}

export function B(opcode: number, funct3: number): Shape {
  return shape(
    [
      [6, 0, opcode],
      [14, 12, funct3],
    ],
    [rs1, rs2, immB],
  );
}

export function U(opcode: number): Shape {
  return shape([[6, 0, opcode]], [rd, immU]);
}

export function J(opcode: number): Shape {
  return shape([[6, 0, opcode]], [rd, immJ]);
}

/** RV32 shift-immediate: shamt[4:0] in bits 24:20, funct7 in 31:25. */
export function shiftImm(opcode: number, funct3: number, funct7: number): Shape {
  return shape(
    [
      [6, 0, opcode],
      [14, 12, funct3],
      [31, 25, funct7],
    ],
    [rd, rs1, shamt],
  );
}

/** Zicsr register form: rd, csr, rs1. */
export function CSR(funct3: number): Shape {
  return shape(
    [
      [6, 0, 0x73],
      [14, 12, funct3],
    ],
    [rd, csrNum, rs1],
  );
}

/** Zicsr immediate form: rd, csr, uimm5 (in the rs1 slot). */
export function CSRI(funct3: number): Shape {
  return shape(
    [
      [6, 0, 0x73],
      [14, 12, funct3],
    ],
    [rd, csrNum, csrUimm],
  );
}

/** A 32-bit encoding from a shape. */
export function enc32(mnemonic: string, syntax: string, s: Shape, valid?: (o: Operands) => boolean): Encoding {
  const e: Encoding = { mnemonic, syntax, size: 4, match: s.match, mask: s.mask, fields: s.fields };
  if (valid) e.valid = valid;
  return e;
}

/** A 16-bit (RVC) encoding from a shape. */
export function enc16(mnemonic: string, syntax: string, s: Shape, valid?: (o: Operands) => boolean): Encoding {
  const e: Encoding = { mnemonic, syntax, size: 2, match: s.match, mask: s.mask, fields: s.fields };
  if (valid) e.valid = valid;
  return e;
}

/** Operands with every value zero (absent operands of an encoding read as 0). */
export function zeroOperands(): Operands {
  return { rd: 0, rs1: 0, rs2: 0, rs3: 0, imm: 0, imm2: 0, csr: 0, L: 0, pred: 0, succ: 0 };
}

export const operandNames: readonly OperandName[] = ['rd', 'rs1', 'rs2', 'rs3', 'imm', 'imm2', 'csr', 'L', 'pred', 'succ'];
