// Bit manipulation (XpulpBitman): extract/extractu/insert/bclr/bset (immediate and register forms), bitrev,
// ff1/fl1/clb/cnt, ror. Encodings: XpulpV2 ri5cy-isa-timing.md §2.3 (opcode 0x33: f2 = 11 immediate forms,
// funct7 1000000 register forms); CORE-V §3.2 (0x5b immediate forms, 0x2b funct3 011 register forms).
// Semantics: §4.1–§4.4 and RTL `riscv_alu.sv` (bit-manipulation and bit-reverse blocks): the field is Is3+1 bits
// wide at offset Is2; register forms take width-1 from rs2[9:5] and the offset from rs2[4:0].
import type { Encoding, Hart, InstrDef, Operands } from './types.ts';
import { enc, iAlias, is2, is3, rd, rs1, rs2, xdef } from './xpulp_common.ts';
import { uimm } from './fields.ts';

/** Mask of the bit field: Is3+1 ones shifted to Is2 (RTL `bmask = ~(32'hFFFFFFFE << Is3) << Is2`). */
export function bitMask(w3: number, off: number): number {
  return (~(-2 << w3) << off) >>> 0;
}

/** Sign-extending extract: the arithmetic shift by Is2, then the sign taken from bit Is3 of the shifted value. */
export function bextract(v: number, w3: number, off: number): number {
  const s = 31 - w3;
  return ((v >> off) << s) >> s;
}

export function bextractu(v: number, w3: number, off: number): number {
  return ((v >>> off) & ~(-2 << w3)) | 0;
}

/** rD with bits [Is2+Is3:Is2] replaced by rs1[Is3:0]; the other bits of rD are kept. */
export function binsert(old: number, v: number, w3: number, off: number): number {
  const m = bitMask(w3, off);
  return ((v << off) & m) | (old & ~m) | 0;
}

export function bclr(v: number, w3: number, off: number): number {
  return (v & ~bitMask(w3, off)) | 0;
}

export function bset(v: number, w3: number, off: number): number {
  return (v | bitMask(w3, off)) | 0;
}

/** Index of the lowest set bit; 32 when none (§4.4). */
export function ff1(v: number): number {
  return v === 0 ? 32 : 31 - Math.clz32(v & -v);
}

/** Index of the highest set bit; 32 when none (§4.4). */
export function fl1(v: number): number {
  return v === 0 ? 32 : 31 - Math.clz32(v);
}

/** Redundant sign bits: leading bits equal to the sign bit, minus one; 0 for 0 (§4.4, RTL `clb_result`). */
export function clb(v: number): number {
  if (v === 0) return 0;
  return Math.clz32(v < 0 ? ~v : v) - 1;
}

export function cnt(v: number): number {
  let x = v >>> 0;
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function ror(v: number, n: number): number {
  const s = n & 31;
  return ((v >>> s) | (v << (32 - s))) | 0;
}

/**
 * Bit reverse (RTL `ALU_BREV`): rs1 is shifted left by Is2, then reversed in groups of 1, 2 or 3 bits selected by
 * Is3[1:0] = 0/1/2 (radix 2/4/8; 3 falls back to radix 2). Radix 8 reverses ten 3-bit groups from the top and
 * leaves result bits 31:30 zero.
 */
export function bitrev(v: number, w3: number, off: number): number {
  const s = (v << off) >>> 0;
  const radix = w3 & 3;
  const g = radix === 1 ? 2 : radix === 2 ? 3 : 1;
  const groups = Math.floor(32 / g);
  const gm = (1 << g) - 1;
  let r = 0;
  for (let j = 0; j < groups; j++) {
    const src = (s >>> (32 - g * (j + 1))) & gm;
    r |= src << (g * j);
  }
  return r | 0;
}

const OP = 0x33;
const CUSTOM1 = 0x2b;
const CUSTOM2 = 0x5b;

/** XpulpV2 immediate bit-manip: opcode 0x33, f2 = 11, funct3 = op; Is3 in 29:25, Is2 in 24:20. */
function ri5cyImm(m: string, f3: number): Encoding {
  return enc(m, 'rd, rs1, imm2, imm', [[6, 0, OP], [14, 12, f3], [31, 30, 0b11]], [rd, rs1, is3, is2]);
}
/** CORE-V immediate bit-manip: opcode 0x5b, funct3 000/001, f2 selects the op. */
function corevImm(m: string, f3: number, f2: number): Encoding {
  return enc(m, 'rd, rs1, imm2, imm', [[6, 0, CUSTOM2], [14, 12, f3], [31, 30, f2]], [rd, rs1, is3, is2]);
}
function ri5cyReg(m: string, f3: number, f7: number): Encoding {
  return enc(m, 'rd, rs1, rs2', [[6, 0, OP], [14, 12, f3], [31, 25, f7]], [rd, rs1, rs2]);
}
function corevReg(m: string, f7: number): Encoding {
  return enc(m, 'rd, rs1, rs2', [[6, 0, CUSTOM1], [14, 12, 0b011], [31, 25, f7]], [rd, rs1, rs2]);
}
function ri5cyUnary(m: string, f3: number, f7: number): Encoding {
  return enc(m, 'rd, rs1', [[6, 0, OP], [14, 12, f3], [31, 25, f7], [24, 20, 0]], [rd, rs1]);
}
function corevUnary(m: string, f7: number): Encoding {
  return enc(m, 'rd, rs1', [[6, 0, CUSTOM1], [14, 12, 0b011], [31, 25, f7], [24, 20, 0]], [rd, rs1]);
}

type Field3 = (v: number, w3: number, off: number) => number;

interface FieldOp {
  name: 'extract' | 'extractu' | 'insert' | 'bclr' | 'bset';
  /** The semantics of the non-insert ops (insert also reads rD). */
  fn: Field3 | null;
  /** XpulpV2 funct3 (immediate and register forms share it). */
  f3: number;
  /** CORE-V immediate funct3 and f2. */
  cf3: number;
  cf2: number;
  /** CORE-V funct7 of the register form. */
  cf7: number;
}

const fieldOps: FieldOp[] = [
  { name: 'extract', fn: bextract, f3: 0b000, cf3: 0b000, cf2: 0b00, cf7: 0b0011000 },
  { name: 'extractu', fn: bextractu, f3: 0b001, cf3: 0b000, cf2: 0b01, cf7: 0b0011001 },
  { name: 'insert', fn: null, f3: 0b010, cf3: 0b000, cf2: 0b10, cf7: 0b0011010 },
  { name: 'bclr', fn: bclr, f3: 0b011, cf3: 0b001, cf2: 0b00, cf7: 0b0011100 },
  { name: 'bset', fn: bset, f3: 0b100, cf3: 0b001, cf2: 0b01, cf7: 0b0011101 },
];

/** Width-1 and offset of the register forms: rs2[9:5] and rs2[4:0]. */
const regW3 = (v: number): number => (v >>> 5) & 31;
const regOff = (v: number): number => v & 31;

function fieldDefs(f: FieldOp): InstrDef[] {
  const fn = f.fn;
  const isInsert = fn === null;
  const immExec = isInsert
    ? (h: Hart, o: Operands) => h.setX(o.rd, binsert(h.x(o.rd), h.x(o.rs1), o.imm2, o.imm))
    : (h: Hart, o: Operands) => h.setX(o.rd, fn(h.x(o.rs1), o.imm2, o.imm));
  const regExec = isInsert
    ? (h: Hart, o: Operands) => {
        const b = h.x(o.rs2);
        h.setX(o.rd, binsert(h.x(o.rd), h.x(o.rs1), regW3(b), regOff(b)));
      }
    : (h: Hart, o: Operands) => {
        const b = h.x(o.rs2);
        h.setX(o.rd, fn(h.x(o.rs1), regW3(b), regOff(b)));
      };
  return [
    xdef(
      `p.${f.name}`,
      'XpulpBitman',
      'alu',
      // GNU as also accepts p.extracti, p.extractui, p.inserti, p.bclri, p.bseti (same encoding).
      { xpulpv2: iAlias(ri5cyImm(`p.${f.name}`, f.f3)), corev: corevImm(`cv.${f.name}`, f.cf3, f.cf2) },
      immExec,
      isInsert ? ['rd', 'rs1'] : undefined,
    ),
    xdef(
      `p.${f.name}r`,
      'XpulpBitman',
      'alu',
      { xpulpv2: ri5cyReg(`p.${f.name}r`, f.f3, 0b1000000), corev: corevReg(`cv.${f.name}r`, f.cf7) },
      regExec,
      isInsert ? ['rd', 'rs1', 'rs2'] : undefined,
    ),
  ];
}

type Unary = (v: number) => number;

function unaryDef(name: string, fn: Unary, f3: number, cf7: number): InstrDef {
  return xdef(
    `p.${name}`,
    'XpulpBitman',
    'alu',
    { xpulpv2: ri5cyUnary(`p.${name}`, f3, 0b0001000), corev: corevUnary(`cv.${name}`, cf7) },
    (h, o) => h.setX(o.rd, fn(h.x(o.rs1))),
  );
}

export const xpulpBitmanInstrs: InstrDef[] = [
  ...fieldOps.flatMap(fieldDefs),
  // Not in PULP binutils' Xpulpv2 group but decoded by the RTL (funct3 101, f2 11; GAP-8's p.bitrev); CORE-V
  // keeps Is3 as a 2-bit radix in bits 26:25 (LLVM accepts 0..3) with bits 29:27 zero. The RI5CY decoder marks
  // rD as read for it (`regc_used_o`, REGC_RD), which matters for the hazard logic only.
  xdef(
    'p.bitrev',
    'XpulpBitman',
    'alu',
    {
      xpulpv2: ri5cyImm('p.bitrev', 0b101),
      corev: enc(
        'cv.bitrev',
        'rd, rs1, imm2, imm',
        [[6, 0, CUSTOM2], [14, 12, 0b001], [31, 30, 0b11], [29, 27, 0]],
        [rd, rs1, uimm('imm2', 26, 25), is2],
      ),
    },
    (h, o) => h.setX(o.rd, bitrev(h.x(o.rs1), o.imm2, o.imm)),
    ['rs1', 'rd'],
  ),
  unaryDef('ff1', ff1, 0b000, 0b0100001),
  unaryDef('fl1', fl1, 0b001, 0b0100010),
  unaryDef('clb', clb, 0b010, 0b0100011),
  unaryDef('cnt', cnt, 0b011, 0b0100100),
  xdef(
    'p.ror',
    'XpulpBitman',
    'alu',
    { xpulpv2: ri5cyReg('p.ror', 0b101, 0b0000100), corev: corevReg('cv.ror', 0b0100000) },
    (h, o) => h.setX(o.rd, ror(h.x(o.rs1), h.x(o.rs2))),
  ),
];
