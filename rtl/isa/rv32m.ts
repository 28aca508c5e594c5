// RV32M multiply/divide (unprivileged spec ch. 7). Division never traps: divide by zero and the signed overflow
// case have defined results (spec 7.2, table "Semantics for division by zero and division overflow").
import { R, enc32 } from './fields.ts';
import { base } from './rv32i.ts';
import type { InstrDef, TimingClass } from './types.ts';

/** High 32 bits of the unsigned 64-bit product, from 16-bit partial products (exact in doubles). */
export function mulhu(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536)) | 0;
}

/** High 32 bits of signed x signed (two's-complement correction of the unsigned product). */
export function mulh(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** High 32 bits of signed rs1 x unsigned rs2. */
export function mulhsu(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0)) | 0;
}

export function div(a: number, b: number): number {
  if (b === 0) return -1;
  if (a === -0x80000000 && b === -1) return a;
  return Math.trunc(a / b) | 0;
}

export function divu(a: number, b: number): number {
  if (b === 0) return -1;
  return Math.floor((a >>> 0) / (b >>> 0)) | 0;
}

export function rem(a: number, b: number): number {
  if (b === 0) return a;
  if (a === -0x80000000 && b === -1) return 0;
  return a % b | 0;
}

export function remu(a: number, b: number): number {
  if (b === 0) return a;
  return (a >>> 0) % (b >>> 0) | 0;
}

// PULP binutils' `p.mul`, `p.mulh*`, `p.div*`, `p.rem*` (group Xpulpslim, part of XpulpV2) are these encodings
// under another name (fact sheet ri5cy-isa-timing.md §2.3, omitted aliases).
function m(id: string, f3: number, timing: TimingClass, op: (a: number, b: number) => number): InstrDef {
  const e = enc32(id, 'rd, rs1, rs2', R(0x33, f3, 0x01));
  return base(id, 'M', timing, e, (h, o) => h.setX(o.rd, op(h.x(o.rs1) | 0, h.x(o.rs2) | 0)), `p.${id}`);
}

export const rv32mInstrs: InstrDef[] = [
  m('mul', 0, 'mul', (a, b) => Math.imul(a, b)),
  m('mulh', 1, 'mulh', mulh),
  m('mulhsu', 2, 'mulh', mulhsu),
  m('mulhu', 3, 'mulh', mulhu),
  m('div', 4, 'div', div),
  m('divu', 5, 'div', divu),
  m('rem', 6, 'div', rem),
  m('remu', 7, 'div', remu),
];
