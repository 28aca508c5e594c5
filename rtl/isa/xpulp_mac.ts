// Multiply-accumulate (XpulpMac): 32-bit p.mac/p.msu and the 16x16 multiplies/MACs with normalisation and
// rounding. Encodings: XpulpV2 ri5cy-isa-timing.md §2.3 (0x33 funct7 0100001; 0x5b funct3 = {round, 0, mac},
// f2 = {signed, hh}, Is3 in 29:25); CORE-V §3.2 (0x2b funct3 011 funct7 1001000/1001001; 0x5b funct3 100 mul
// signed, 101 mul unsigned, 110 mac signed, 111 mac unsigned, f2 = {round, hh}).
// Semantics §4.7 and RTL `riscv_mult.sv` (short_mac / short_result): the 16-bit halves (low, or high for `hh`)
// are sign- or zero-extended, multiplied exactly, the accumulator (rD for mac) and the rounding constant
// 2^(Is3-1) are added, the sum wraps to 32 bits, and the result is shifted right by Is3, arithmetically for the
// signed forms and logically for the unsigned ones.
import type { Encoding, InstrDef } from './types.ts';
import { enc, is3, rd, rs1, rs2, withAliases, xdef } from './xpulp_common.ts';

const OP = 0x33;
const CUSTOM1 = 0x2b;
const CUSTOM2 = 0x5b;

export function mul16(a: number, b: number, acc: number, hh: boolean, signed: boolean, n: number, round: boolean): number {
  const x = hh ? a >>> 16 : a & 0xffff;
  const y = hh ? b >>> 16 : b & 0xffff;
  const xs = signed ? (x << 16) >> 16 : x;
  const ys = signed ? (y << 16) >> 16 : y;
  const r = round && n > 0 ? 2 ** (n - 1) : 0;
  const v = (xs * ys + acc + r) | 0;
  return signed ? v >> n : (v >>> n) | 0;
}

interface MulOp {
  name: string;
  mac: boolean;
  signed: boolean;
  hh: boolean;
  round: boolean;
}

const mulOps: MulOp[] = [];
for (const mac of [false, true]) {
  for (const signed of [true, false]) {
    for (const round of [false, true]) {
      for (const hh of [false, true]) {
        const name = `${mac ? 'mac' : 'mul'}${hh ? 'hh' : ''}${signed ? 's' : 'u'}${round ? 'r' : ''}n`;
        mulOps.push({ name, mac, signed, hh, round });
      }
    }
  }
}

/**
 * The plain 16x16 forms are the N forms with Is3 = 0 under a short name: PULP binutils has p.muls, p.mulhhs,
 * p.mulu, p.mulhhu, p.macs, p.machhs, p.macu, p.machhu; LLVM 19 has only cv.muls, cv.mulhhs, cv.mulu, cv.mulhhu.
 */
function shortForm(m: MulOp, prefix: 'p' | 'cv'): string | undefined {
  if (m.round) return undefined;
  if (prefix === 'cv' && m.mac) return undefined;
  return `${prefix}.${m.mac ? 'mac' : 'mul'}${m.hh ? 'hh' : ''}${m.signed ? 's' : 'u'}`;
}

function aliased(e: Encoding, short: string | undefined): Encoding {
  return short ? withAliases(e, { mnemonic: short, syntax: 'rd, rs1, rs2', fixed: { imm2: 0 } }) : e;
}

function mulDef(m: MulOp): InstrDef {
  const f3 = (m.round ? 0b100 : 0) | (m.mac ? 0b001 : 0);
  const f2 = ((m.signed ? 1 : 0) << 1) | (m.hh ? 1 : 0);
  const cf3 = 0b100 | (m.mac ? 0b010 : 0) | (m.signed ? 0 : 0b001);
  const cf2 = ((m.round ? 1 : 0) << 1) | (m.hh ? 1 : 0);
  return xdef(
    `p.${m.name}`,
    'XpulpMac',
    'mul',
    {
      xpulpv2: aliased(
        enc(`p.${m.name}`, 'rd, rs1, rs2, imm2', [[6, 0, CUSTOM2], [14, 12, f3], [31, 30, f2]], [rd, rs1, rs2, is3]),
        shortForm(m, 'p'),
      ),
      corev: aliased(
        enc(`cv.${m.name}`, 'rd, rs1, rs2, imm2', [[6, 0, CUSTOM2], [14, 12, cf3], [31, 30, cf2]], [rd, rs1, rs2, is3]),
        shortForm(m, 'cv'),
      ),
    },
    m.mac
      ? (h, o) => h.setX(o.rd, mul16(h.x(o.rs1), h.x(o.rs2), h.x(o.rd), m.hh, m.signed, o.imm2, m.round))
      : (h, o) => h.setX(o.rd, mul16(h.x(o.rs1), h.x(o.rs2), 0, m.hh, m.signed, o.imm2, m.round)),
    m.mac ? ['rd', 'rs1', 'rs2'] : undefined,
  );
}

export const xpulpMacInstrs: InstrDef[] = [
  xdef(
    'p.mac',
    'XpulpMac',
    'mul',
    {
      xpulpv2: enc('p.mac', 'rd, rs1, rs2', [[6, 0, OP], [14, 12, 0b000], [31, 25, 0b0100001]], [rd, rs1, rs2]),
      corev: enc('cv.mac', 'rd, rs1, rs2', [[6, 0, CUSTOM1], [14, 12, 0b011], [31, 25, 0b1001000]], [rd, rs1, rs2]),
    },
    (h, o) => h.setX(o.rd, (h.x(o.rd) + Math.imul(h.x(o.rs1), h.x(o.rs2))) | 0),
    ['rd', 'rs1', 'rs2'],
  ),
  xdef(
    'p.msu',
    'XpulpMac',
    'mul',
    {
      xpulpv2: enc('p.msu', 'rd, rs1, rs2', [[6, 0, OP], [14, 12, 0b001], [31, 25, 0b0100001]], [rd, rs1, rs2]),
      corev: enc('cv.msu', 'rd, rs1, rs2', [[6, 0, CUSTOM1], [14, 12, 0b011], [31, 25, 0b1001001]], [rd, rs1, rs2]),
    },
    (h, o) => h.setX(o.rd, (h.x(o.rd) - Math.imul(h.x(o.rs1), h.x(o.rs2))) | 0),
    ['rd', 'rs1', 'rs2'],
  ),
  ...mulOps.map(mulDef),
];
