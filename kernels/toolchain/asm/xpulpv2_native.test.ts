// XpulpV2 in PULP GCC's native syntax (`p.lw a0, 4(a1!)`, `pv.sdotusp.b`, `lp.setupi` with labels). Expected
// words are transcribed by hand from the fact sheet /work/shared/facts/ri5cy-isa-timing.md: MATCH values of
// §2.3/§2.4 OR'd with the operand fields placed as §2.2 describes (rd 11:7, rs1 19:15, rs2 24:20, rs3 in 11:7 of
// reg-reg stores, Is3 29:25, Is2 24:20, Imm6 = imm[0] in bit 25 and imm[5:1] in 24:20, hardware-loop L in bit 7,
// uimmL 31:20 and uimmS 19:15 holding byte_offset >> 1).
import { describe, expect, it } from 'vitest';
import { assemble } from './assembler.ts';

const a0 = 10;
const a1 = 11;
const a2 = 12;
const R = (rd: number, rs1: number, rs2: number): number => (rs2 << 20) | (rs1 << 15) | (rd << 7);
const I = (rd: number, rs1: number, imm: number): number => ((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7);
const S = (rs2: number, rs1: number, imm: number): number =>
  (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | ((imm & 31) << 7);
const imm6 = (v: number): number => ((v & 1) << 25) | (((v >> 1) & 31) << 20);

// [source line, expected word]
const cases: Array<[string, number]> = [
  ['p.lw a0, 4(a1!)', 0x0000200b | I(a0, a1, 4)],
  ['p.lw a0, -4(a1!)', 0x0000200b | I(a0, a1, -4)],
  ['p.lw a0, a2(a1!)', 0x2000700b | R(a0, a1, a2)],
  ['p.lw a0, a2(a1)', 0x20007003 | R(a0, a1, a2)],
  ['p.lbu a0, 1(a1!)', 0x0000400b | I(a0, a1, 1)],
  ['p.lb a0, a2(a1!)', 0x0000700b | R(a0, a1, a2)],
  ['p.lhu a0, a2(a1)', 0x50007003 | R(a0, a1, a2)],
  ['p.lh a0, -2048(a1!)', 0x0000100b | I(a0, a1, -2048)],
  ['p.sw a0, 4(a1!)', 0x0000202b | S(a0, a1, 4)],
  ['p.sw a0, a2(a1!)', 0x0000602b | R(a2, a1, a0)],
  ['p.sb a0, a2(a1)', 0x00004023 | R(a2, a1, a0)],
  ['p.sh a0, -2(a1!)', 0x0000102b | S(a0, a1, -2)],
  ['p.elw a0, 8(a1)', 0x00006003 | I(a0, a1, 8)],
  ['p.abs a0, a1', 0x04000033 | R(a0, a1, 0)],
  ['p.min a0, a1, a2', 0x04004033 | R(a0, a1, a2)],
  ['p.sletu a0, a1, a2', 0x04003033 | R(a0, a1, a2)],
  ['p.ror a0, a1, a2', 0x08005033 | R(a0, a1, a2)],
  ['p.cnt a0, a1', 0x10003033 | R(a0, a1, 0)],
  ['p.exthz a0, a1', 0x10005033 | R(a0, a1, 0)],
  ['p.clip a0, a1, 5', 0x14001033 | R(a0, a1, 5)],
  ['p.clipur a0, a1, a2', 0x14006033 | R(a0, a1, a2)],
  ['p.extract a0, a1, 7, 8', 0xc0000033 | (7 << 25) | R(a0, a1, 8)],
  ['p.bset a0, a1, 3, 4', 0xc0004033 | (3 << 25) | R(a0, a1, 4)],
  ['p.insertr a0, a1, a2', 0x80002033 | R(a0, a1, a2)],
  ['p.mac a0, a1, a2', 0x42000033 | R(a0, a1, a2)],
  ['p.msu a0, a1, a2', 0x42001033 | R(a0, a1, a2)],
  ['p.mulsn a0, a1, a2, 15', 0x8000005b | (15 << 25) | R(a0, a1, a2)],
  ['p.machhurn a0, a1, a2, 3', 0x4000505b | (3 << 25) | R(a0, a1, a2)],
  ['p.addn a0, a1, a2, 2', 0x0000205b | (2 << 25) | R(a0, a1, a2)],
  ['p.subunr a0, a1, a2', 0xc000305b | R(a0, a1, a2)],
  ['pv.add.h a0, a1, a2', 0x00000057 | R(a0, a1, a2)],
  ['pv.sdotusp.b a0, a1, a2', 0xa8000057 | (1 << 12) | R(a0, a1, a2)],
  ['pv.add.sci.h a0, a1, -3', 0x00000057 | (6 << 12) | imm6(-3) | R(a0, a1, 0)],
  ['pv.sll.sc.b a0, a1, a2', 0x50000057 | (5 << 12) | R(a0, a1, a2)],
  ['pv.extract.b a0, a1, 3', 0x78007057 | imm6(3) | R(a0, a1, 0)],
  ['pv.cmpeq.sc.h a0, a1, a2', 0x04000057 | (4 << 12) | R(a0, a1, a2)],
  ['pv.shufflei1.sci.b a0, a1, 5', 0xe8007057 | imm6(5) | R(a0, a1, 0)],
  ['pv.dotup.sci.b a0, a1, 63', 0x80000057 | (7 << 12) | imm6(63) | R(a0, a1, 0)],
];

function words(src: string): number[] {
  const { object } = assemble(src, 'native.S', { flavour: 'xpulpv2', rvc: false });
  const b = object.sections.find((s) => s.name === '.text')!.bytes;
  const out: number[] = [];
  for (let i = 0; i + 4 <= b.length; i += 4) out.push((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
  return out;
}

const hex = (w: number): string => `0x${(w >>> 0).toString(16).padStart(8, '0')}`;

describe('XpulpV2 native syntax against the fact sheet encodings', () => {
  it.each(cases)('%s', (src, expected) => {
    expect(words(src).map(hex)).toEqual([hex(expected)]);
  });

  it('hardware loops and p.beqimm take label operands (byte offset / 2 in the field)', () => {
    const src = [
      'hw: lp.starti 1, body', // 0: body at 24
      '  lp.endi 1, last', // 4: last at 32 -> 28
      '  lp.counti 1, 100', // 8
      '  lp.count 0, a1', // 12
      '  lp.setupi 0, 10, last', // 16 -> 16
      '  lp.setup 1, a0, last', // 20 -> 12
      'body: nop', // 24
      '  nop', // 28
      'last: nop', // 32
      '  p.beqimm a0, -5, tgt', // 36 -> 16
      '  p.bneimm a1, 15, hw', // 40 -> -40
      '  nop',
      '  nop',
      'tgt: nop', // 52
    ].join('\n');
    const b = (off: number): number => (((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (((off >> 1) & 15) << 8) | (((off >> 11) & 1) << 7);
    expect(words(src).map(hex)).toEqual(
      [
        0x0000007b | (12 << 20) | (1 << 7),
        0x0000107b | (14 << 20) | (1 << 7),
        0x0000307b | (100 << 20) | (1 << 7),
        0x0000207b | (a1 << 15),
        0x0000507b | (10 << 20) | (8 << 15),
        0x0000407b | (6 << 20) | (a0 << 15) | (1 << 7),
        0x13,
        0x13,
        0x13,
        0x00002063 | ((-5 & 31) << 20) | (a0 << 15) | b(16),
        0x00003063 | (15 << 20) | (a1 << 15) | b(-40),
        0x13,
        0x13,
        0x13,
      ].map(hex),
    );
  });

  it('never compresses XpulpV2 instructions, even with RVC on', () => {
    const { object } = assemble('p.abs a0, a1\npv.add.h s0, s0, s1', 'x.S', { flavour: 'xpulpv2', rvc: true });
    expect(object.sections.find((s) => s.name === '.text')!.size).toBe(8);
  });
});
