// Hardware-loop set-up (XpulpHwloop). The two flavours are separate entries because their loop registers
// mean different things:
// * RI5CY `lp.*` (ri5cy-isa-timing.md §2.2/§2.3, §4.10): opcode 0x7b, funct3 = operation; targets are
//   half-word offsets (field << 1); lpend = address of the LAST instruction of the body (inclusive);
//   `lp.setup(i)` start = the next instruction (RTL `hwloop_start_mux` = pc_if = pc + 4); no register start/end.
// * CORE-V `cv.*` (§3.2 table, CV `instruction_set_extensions.rst`; not in LLVM 19): opcode 0x2b funct3 100,
//   funct4 in bits 11:8; targets are word offsets (field << 2); lpend = address of the instruction AFTER the
//   body (exclusive); adds `cv.start`/`cv.end` from a register. The CV32E40P loop registers drop the two low
//   address bits (`cv32e40p_hwloop_regs.sv`: `{data[31:2], 2'b0}`), so the entries store addresses & ~3.
// The operand value of a target is the byte offset from the set-up instruction (assembly shows a label).
import { field, pcrel, rs1, sl, uimm } from './fields.ts';
import type { InstrDef } from './types.ts';
import { enc, loopL, xdef } from './xpulp_common.ts';

const HWLOOP = 0x7b;
const CUSTOM1 = 0x2b;

/** RI5CY uimmL in bits 31:20 as a half-word offset. */
const offL1 = pcrel(field('imm', [sl(31, 20, 1)]));
/** RI5CY `lp.setupi` uimmS in bits 19:15 as a half-word offset. */
const offS1 = pcrel(field('imm2', [sl(19, 15, 1)]));
/** CORE-V uimmL in bits 31:20 as a word offset. */
const offL2 = pcrel(field('imm', [sl(31, 20, 2)]));
/** CORE-V `cv.setupi` uimmS in bits 19:15 as a word offset. */
const offS2 = pcrel(field('imm2', [sl(19, 15, 2)]));
/** Loop count immediate uimmL in bits 31:20. */
const count12 = uimm('imm', 31, 20);

const ri5cy = (f3: number): Array<[number, number, number]> => [
  [6, 0, HWLOOP],
  [14, 12, f3],
];
const corev = (funct4: number): Array<[number, number, number]> => [
  [6, 0, CUSTOM1],
  [14, 12, 0b100],
  [11, 8, funct4],
];
const noRs1: [number, number, number] = [19, 15, 0];
const noImm: [number, number, number] = [31, 20, 0];

/** CV32E40P stores loop addresses without their two low bits. */
const word = (a: number): number => (a & ~3) >>> 0;

export const xpulpHwloopInstrs: InstrDef[] = [
  // ---- RI5CY / PULP GCC
  xdef('lp.starti', 'XpulpHwloop', 'hwloop', { xpulpv2: enc('lp.starti', 'L, imm', [...ri5cy(0b000), noRs1], [loopL, offL1]) }, (h, o) =>
    h.setLoop(o.L, 'start', (h.pc + o.imm) >>> 0),
  ),
  xdef('lp.endi', 'XpulpHwloop', 'hwloop', { xpulpv2: enc('lp.endi', 'L, imm', [...ri5cy(0b001), noRs1], [loopL, offL1]) }, (h, o) =>
    h.setLoop(o.L, 'end', (h.pc + o.imm) >>> 0),
  ),
  xdef('lp.count', 'XpulpHwloop', 'hwloop', { xpulpv2: enc('lp.count', 'L, rs1', [...ri5cy(0b010), noImm], [loopL, rs1]) }, (h, o) =>
    h.setLoop(o.L, 'count', h.x(o.rs1)),
  ),
  xdef('lp.counti', 'XpulpHwloop', 'hwloop', { xpulpv2: enc('lp.counti', 'L, imm', [...ri5cy(0b011), noRs1], [loopL, count12]) }, (h, o) =>
    h.setLoop(o.L, 'count', o.imm),
  ),
  xdef('lp.setup', 'XpulpHwloop', 'hwloop', { xpulpv2: enc('lp.setup', 'L, rs1, imm', ri5cy(0b100), [loopL, rs1, offL1]) }, (h, o) => {
    h.setLoop(o.L, 'start', (h.pc + 4) >>> 0);
    h.setLoop(o.L, 'end', (h.pc + o.imm) >>> 0);
    h.setLoop(o.L, 'count', h.x(o.rs1));
  }),
  xdef(
    'lp.setupi',
    'XpulpHwloop',
    'hwloop',
    { xpulpv2: enc('lp.setupi', 'L, imm, imm2', ri5cy(0b101), [loopL, count12, offS1]) },
    (h, o) => {
      h.setLoop(o.L, 'start', (h.pc + 4) >>> 0);
      h.setLoop(o.L, 'end', (h.pc + o.imm2) >>> 0);
      h.setLoop(o.L, 'count', o.imm);
    },
  ),
  // ---- CORE-V v2
  xdef('cv.starti', 'XpulpHwloop', 'hwloop', { corev: enc('cv.starti', 'L, imm', [...corev(0b0000), noRs1], [loopL, offL2]) }, (h, o) =>
    h.setLoop(o.L, 'start', word(h.pc + o.imm)),
  ),
  xdef('cv.start', 'XpulpHwloop', 'hwloop', { corev: enc('cv.start', 'L, rs1', [...corev(0b0001), noImm], [loopL, rs1]) }, (h, o) =>
    h.setLoop(o.L, 'start', word(h.x(o.rs1))),
  ),
  xdef('cv.endi', 'XpulpHwloop', 'hwloop', { corev: enc('cv.endi', 'L, imm', [...corev(0b0010), noRs1], [loopL, offL2]) }, (h, o) =>
    h.setLoop(o.L, 'end', word(h.pc + o.imm)),
  ),
  xdef('cv.end', 'XpulpHwloop', 'hwloop', { corev: enc('cv.end', 'L, rs1', [...corev(0b0011), noImm], [loopL, rs1]) }, (h, o) =>
    h.setLoop(o.L, 'end', word(h.x(o.rs1))),
  ),
  xdef('cv.counti', 'XpulpHwloop', 'hwloop', { corev: enc('cv.counti', 'L, imm', [...corev(0b0100), noRs1], [loopL, count12]) }, (h, o) =>
    h.setLoop(o.L, 'count', o.imm),
  ),
  xdef('cv.count', 'XpulpHwloop', 'hwloop', { corev: enc('cv.count', 'L, rs1', [...corev(0b0101), noImm], [loopL, rs1]) }, (h, o) =>
    h.setLoop(o.L, 'count', h.x(o.rs1)),
  ),
  xdef('cv.setupi', 'XpulpHwloop', 'hwloop', { corev: enc('cv.setupi', 'L, imm, imm2', corev(0b0110), [loopL, count12, offS2]) }, (h, o) => {
    h.setLoop(o.L, 'start', word(h.pc + 4));
    h.setLoop(o.L, 'end', word(h.pc + o.imm2));
    h.setLoop(o.L, 'count', o.imm);
  }),
  xdef('cv.setup', 'XpulpHwloop', 'hwloop', { corev: enc('cv.setup', 'L, rs1, imm', corev(0b0111), [loopL, rs1, offL2]) }, (h, o) => {
    h.setLoop(o.L, 'start', word(h.pc + 4));
    h.setLoop(o.L, 'end', word(h.pc + o.imm));
    h.setLoop(o.L, 'count', h.x(o.rs1));
  }),
];
