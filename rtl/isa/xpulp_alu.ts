// ALU extensions (XpulpAlu): abs, slet/sletu, min/max[u], exths/exthz/extbs/extbz, clip/clipu/clipr/clipur, the
// addN/subN family with normalisation and rounding (immediate and `...Nr` register forms), beqimm/bneimm.
// Encodings: XpulpV2 ri5cy-isa-timing.md §2.3 (0x33 funct7 0000010/0001000/0001010, 0x5b addN family, 0x63
// funct3 010/011); CORE-V §3.2 (0x2b funct3 011 by funct7, 0x5b funct3 010/011 with f2 = {round, unsigned},
// 0x0b funct3 110/111). Semantics §4.5/§4.6/§4.13 and RTL `riscv_alu.sv` (clip block, normalisation shifter).
import type { Encoding, InstrDef } from './types.ts';
import { bimm5, boff, enc, iAlias, is2, is3, rd, rs1, rs2, xdef } from './xpulp_common.ts';

const OP = 0x33;
const CUSTOM0 = 0x0b;
const CUSTOM1 = 0x2b;
const CUSTOM2 = 0x5b;
const BRANCH = 0x63;

function ri5cyRR(m: string, f3: number, f7: number): Encoding {
  return enc(m, 'rd, rs1, rs2', [[6, 0, OP], [14, 12, f3], [31, 25, f7]], [rd, rs1, rs2]);
}
function corevRR(m: string, f7: number): Encoding {
  return enc(m, 'rd, rs1, rs2', [[6, 0, CUSTOM1], [14, 12, 0b011], [31, 25, f7]], [rd, rs1, rs2]);
}
function ri5cyUnary(m: string, f3: number, f7: number): Encoding {
  return enc(m, 'rd, rs1', [[6, 0, OP], [14, 12, f3], [31, 25, f7], [24, 20, 0]], [rd, rs1]);
}
function corevUnary(m: string, f7: number): Encoding {
  return enc(m, 'rd, rs1', [[6, 0, CUSTOM1], [14, 12, 0b011], [31, 25, f7], [24, 20, 0]], [rd, rs1]);
}

/**
 * Signed clip to [~b, b] as the RTL computes it: the lower bound wins when a + b + 1 < 0 (the sign of the
 * unwrapped adder sum, `adder_result_expanded[36]`) or a == ~b; otherwise the signed minimum of a and b.
 */
export function clipSigned(a: number, b: number): number {
  const nb = ~b;
  if (a + b + 1 < 0 || a === nb) return nb;
  return a > b ? b : a;
}

/** Unsigned clip to [0, b]: negative or zero inputs give 0, otherwise the signed minimum of a and b. */
export function clipUnsigned(a: number, b: number): number {
  if (a <= 0) return 0;
  return a > b ? b : a;
}

/**
 * Upper bound of the immediate clips: (2^Is2 - 1) >> 1 (RTL `imm_clip_type`, shifted by one), so Is2 counts
 * the bits including the sign: Is2 = 8 -> 127 (`p.clipu` then clamps to [0, 127]); Is2 = 0 -> 0.
 */
export function clipBound(is2v: number): number {
  return is2v === 0 ? 0 : 2 ** (is2v - 1) - 1;
}

/**
 * Normalisation of the addN/subN family (§4.6, RTL adder + `adder_round_value` + shifter): the 32-bit wrapped
 * sum plus 2^(n-1) when rounding (nothing for n = 0), shifted right by n, arithmetically for the signed forms
 * and logically for the `u` forms.
 */
export function normShift(sum: number, n: number, round: boolean, unsigned: boolean): number {
  const r = round && n > 0 ? 2 ** (n - 1) : 0;
  const v = (sum + r) | 0;
  return unsigned ? (v >>> n) | 0 : v >> n;
}

interface NormOp {
  /** Mnemonic stem: addn, addun, addrn, addurn, subn, ... */
  name: string;
  sub: boolean;
  round: boolean;
  unsigned: boolean;
}

const normOps: NormOp[] = [];
for (const sub of [false, true]) {
  for (const round of [false, true]) {
    for (const unsigned of [false, true]) {
      const name = `${sub ? 'sub' : 'add'}${unsigned ? 'u' : ''}${round ? 'r' : ''}n`;
      normOps.push({ name, sub, round, unsigned });
    }
  }
}

function normDefs(n: NormOp): InstrDef[] {
  const f3 = (n.round ? 0b100 : 0) | (n.sub ? 0b011 : 0b010);
  const uBit = n.unsigned ? 1 : 0;
  // CORE-V: funct3 010 add / 011 sub, f2 = {round, unsigned}; `...Nr` funct7 1000 {sub, round, unsigned}.
  const cf2 = ((n.round ? 1 : 0) << 1) | uBit;
  const cf7 = 0b1000000 | ((n.sub ? 1 : 0) << 2) | ((n.round ? 1 : 0) << 1) | uBit;
  const combine = n.sub ? (a: number, b: number) => a - b : (a: number, b: number) => a + b;
  return [
    xdef(
      `p.${n.name}`,
      'XpulpAlu',
      'alu',
      {
        // GNU as also accepts p.addni, p.adduni, ..., p.suburni (same encoding).
        xpulpv2: iAlias(
          enc(`p.${n.name}`, 'rd, rs1, rs2, imm2', [[6, 0, CUSTOM2], [14, 12, f3], [31, 30, uBit << 1]], [rd, rs1, rs2, is3]),
        ),
        corev: enc(`cv.${n.name}`, 'rd, rs1, rs2, imm2', [[6, 0, CUSTOM2], [14, 12, n.sub ? 0b011 : 0b010], [31, 30, cf2]], [
          rd,
          rs1,
          rs2,
          is3,
        ]),
      },
      (h, o) => h.setX(o.rd, normShift(combine(h.x(o.rs1), h.x(o.rs2)) | 0, o.imm2, n.round, n.unsigned)),
    ),
    // Register variant: rD = (rD +- rs1) >> rs2[4:0]; rD is the first operand (RTL OP_A_REGC_OR_FWD).
    xdef(
      `p.${n.name}r`,
      'XpulpAlu',
      'alu',
      {
        xpulpv2: enc(`p.${n.name}r`, 'rd, rs1, rs2', [[6, 0, CUSTOM2], [14, 12, f3], [31, 25, (uBit << 6) | 0b0100000]], [
          rd,
          rs1,
          rs2,
        ]),
        corev: corevRR(`cv.${n.name}r`, cf7),
      },
      (h, o) => h.setX(o.rd, normShift(combine(h.x(o.rd), h.x(o.rs1)) | 0, h.x(o.rs2) & 31, n.round, n.unsigned)),
      ['rd', 'rs1', 'rs2'],
    ),
  ];
}

type Bin = (a: number, b: number) => number;

function rr(name: string, f3: number, f7: number, cf7: number, fn: Bin): InstrDef {
  return xdef(
    `p.${name}`,
    'XpulpAlu',
    'alu',
    { xpulpv2: ri5cyRR(`p.${name}`, f3, f7), corev: corevRR(`cv.${name}`, cf7) },
    (h, o) => h.setX(o.rd, fn(h.x(o.rs1), h.x(o.rs2))),
  );
}

function unary(name: string, f3: number, f7: number, cf7: number, fn: (a: number) => number): InstrDef {
  return xdef(
    `p.${name}`,
    'XpulpAlu',
    'alu',
    { xpulpv2: ri5cyUnary(`p.${name}`, f3, f7), corev: corevUnary(`cv.${name}`, cf7) },
    (h, o) => h.setX(o.rd, fn(h.x(o.rs1))),
  );
}

function clipImm(name: string, f3: number, cf7: number, fn: Bin): InstrDef {
  return xdef(
    `p.${name}`,
    'XpulpAlu',
    'alu',
    {
      // GNU as also accepts p.clipi / p.clipui (same encoding).
      xpulpv2: iAlias(enc(`p.${name}`, 'rd, rs1, imm', [[6, 0, OP], [14, 12, f3], [31, 25, 0b0001010]], [rd, rs1, is2])),
      corev: enc(`cv.${name}`, 'rd, rs1, imm', [[6, 0, CUSTOM1], [14, 12, 0b011], [31, 25, cf7]], [rd, rs1, is2]),
    },
    (h, o) => h.setX(o.rd, fn(h.x(o.rs1), clipBound(o.imm))),
  );
}

function branchImm(name: string, f3: number, cf3: number, eq: boolean): InstrDef {
  return xdef(
    `p.${name}`,
    'XpulpAlu',
    'branch',
    {
      xpulpv2: enc(`p.${name}`, 'rs1, imm, imm2', [[6, 0, BRANCH], [14, 12, f3]], [rs1, bimm5, boff]),
      corev: enc(`cv.${name}`, 'rs1, imm, imm2', [[6, 0, CUSTOM0], [14, 12, cf3]], [rs1, bimm5, boff]),
    },
    (h, o) => {
      if ((h.x(o.rs1) === o.imm) === eq) h.jump((h.pc + o.imm2) >>> 0);
    },
  );
}

const A2 = 0b0000010;
const EXT = 0b0001000;
const CLIP = 0b0001010;

export const xpulpAluInstrs: InstrDef[] = [
  // abs of INT_MIN stays INT_MIN (two's complement negate in the RTL adder).
  unary('abs', 0b000, A2, 0b0101000, (a) => (a < 0 ? -a | 0 : a)),
  rr('slet', 0b010, A2, 0b0101001, (a, b) => (a <= b ? 1 : 0)),
  rr('sletu', 0b011, A2, 0b0101010, (a, b) => (a >>> 0 <= b >>> 0 ? 1 : 0)),
  rr('min', 0b100, A2, 0b0101011, (a, b) => (a < b ? a : b)),
  rr('minu', 0b101, A2, 0b0101100, (a, b) => (a >>> 0 < b >>> 0 ? a : b)),
  rr('max', 0b110, A2, 0b0101101, (a, b) => (a > b ? a : b)),
  rr('maxu', 0b111, A2, 0b0101110, (a, b) => (a >>> 0 > b >>> 0 ? a : b)),
  unary('exths', 0b100, EXT, 0b0110000, (a) => (a << 16) >> 16),
  unary('exthz', 0b101, EXT, 0b0110001, (a) => a & 0xffff),
  unary('extbs', 0b110, EXT, 0b0110010, (a) => (a << 24) >> 24),
  unary('extbz', 0b111, EXT, 0b0110011, (a) => a & 0xff),
  clipImm('clip', 0b001, 0b0111000, clipSigned),
  clipImm('clipu', 0b010, 0b0111001, clipUnsigned),
  rr('clipr', 0b101, CLIP, 0b0111010, clipSigned),
  rr('clipur', 0b110, CLIP, 0b0111011, clipUnsigned),
  ...normOps.flatMap(normDefs),
  branchImm('beqimm', 0b010, 0b110, true),
  branchImm('bneimm', 0b011, 0b111, false),
];
