// RV32C (unprivileged spec ch. 16, "C" Standard Extension), without the F/D load/store forms: every entry is a
// 16-bit encoding that expands to a 32-bit base instruction (RI5CY expands in IF, `riscv_compressed_decoder`).
// HINT forms (rd = x0, zero immediates where the spec allows them) are legal and expand like the base form;
// reserved forms fail `valid` and decode as illegal, as does the all-zero word (c.unimp).
import { creg, enc16, field, pcrel, reg, shape, sl } from './fields.ts';
import type { Shape } from './fields.ts';
import { zeroOperands } from './fields.ts';
import { rv32iInstrs } from './rv32i.ts';
import type { Encoding, InstrDef, OperandField, Operands } from './types.ts';

const rd5 = reg('rd', 7);
const rs1_5 = reg('rs1', 7);
const rs2_5 = reg('rs2', 2);
const rdP2 = creg('rd', 2); // rd' in 4:2
const rs2P2 = creg('rs2', 2); // rs2' in 4:2
const rs1P7 = creg('rs1', 7); // rs1' in 9:7
const rdP7 = creg('rd', 7); // rd'/rs1' in 9:7 (quadrant-1 arithmetic)

const imm6 = field('imm', [sl(12, 12, 5), sl(6, 2, 0)], true);
/** c.lui's immediate: the upper-immediate value (GNU prints it in 20-bit hex, e.g. 0xfffe0 for -32). */
const luiImm6: OperandField = { ...imm6, hex: true };
const shamt5: OperandField = { ...field('imm', [sl(6, 2, 0)]), hex: true };
const addi4spnImm = field('imm', [sl(12, 11, 4), sl(10, 7, 6), sl(6, 6, 2), sl(5, 5, 3)]);
const lwImm = field('imm', [sl(12, 10, 3), sl(6, 6, 2), sl(5, 5, 6)]);
const lwspImm = field('imm', [sl(12, 12, 5), sl(6, 4, 2), sl(3, 2, 6)]);
const swspImm = field('imm', [sl(12, 9, 2), sl(8, 7, 6)]);
const addi16spImm = field('imm', [sl(12, 12, 9), sl(6, 6, 4), sl(5, 5, 6), sl(4, 3, 7), sl(2, 2, 5)], true);
const jImm = pcrel(
  field(
    'imm',
    [sl(12, 12, 11), sl(11, 11, 4), sl(10, 9, 8), sl(8, 8, 10), sl(7, 7, 6), sl(6, 6, 7), sl(5, 3, 1), sl(2, 2, 5)],
    true,
  ),
);
const bImm = pcrel(field('imm', [sl(12, 12, 8), sl(11, 10, 3), sl(6, 5, 6), sl(4, 3, 1), sl(2, 2, 5)], true));

/** Quadrant `op` (bits 1:0), funct3 (15:13), more fixed bits, fields. */
function q(op: number, f3: number, more: Array<[number, number, number]>, fields: OperandField[]): Shape {
  return shape([[1, 0, op], [15, 13, f3], ...more], fields);
}

const targets = new Map(rv32iInstrs.map((d) => [d.id, d]));

function c(
  id: string,
  expandsTo: string,
  e: Encoding,
  expand: (o: Operands) => Partial<Operands>,
): InstrDef {
  const t = targets.get(expandsTo);
  if (!t) throw new Error(`rtl/isa/rvc.ts: ${id} expands to unknown '${expandsTo}'`);
  return {
    id,
    ext: 'C',
    timing: t.timing,
    enc: { xpulpv2: e, corev: e },
    expandsTo,
    expand: (o) => ({ ...zeroOperands(), ...expand(o) }),
  };
}

const e = enc16;

export const rvcInstrs: InstrDef[] = [
  // Quadrant 0
  c('c.addi4spn', 'addi', e('c.addi4spn', 'rd, sp, imm', q(0, 0, [], [rdP2, addi4spnImm]), (o) => o.imm !== 0), (o) => ({
    rd: o.rd,
    rs1: 2,
    imm: o.imm,
  })),
  c('c.lw', 'lw', e('c.lw', 'rd, imm(rs1)', q(0, 2, [], [rdP2, rs1P7, lwImm])), (o) => ({ rd: o.rd, rs1: o.rs1, imm: o.imm })),
  c('c.sw', 'sw', e('c.sw', 'rs2, imm(rs1)', q(0, 6, [], [rs2P2, rs1P7, lwImm])), (o) => ({
    rs1: o.rs1,
    rs2: o.rs2,
    imm: o.imm,
  })),

  // Quadrant 1
  c('c.nop', 'addi', e('c.nop', '', q(1, 0, [[12, 2, 0]], [])), () => ({})),
  c('c.addi', 'addi', e('c.addi', 'rd, imm', q(1, 0, [], [rd5, imm6])), (o) => ({ rd: o.rd, rs1: o.rd, imm: o.imm })),
  c('c.jal', 'jal', e('c.jal', 'imm', q(1, 1, [], [jImm])), (o) => ({ rd: 1, imm: o.imm })),
  c('c.li', 'addi', e('c.li', 'rd, imm', q(1, 2, [], [rd5, imm6])), (o) => ({ rd: o.rd, rs1: 0, imm: o.imm })),
  c('c.addi16sp', 'addi', e('c.addi16sp', 'sp, imm', q(1, 3, [[11, 7, 2]], [addi16spImm]), (o) => o.imm !== 0), (o) => ({
    rd: 2,
    rs1: 2,
    imm: o.imm,
  })),
  // rd = x2 is c.addi16sp; the 6-bit immediate is the upper-immediate value, sign-extended to 20 bits.
  c('c.lui', 'lui', e('c.lui', 'rd, imm', q(1, 3, [], [rd5, luiImm6]), (o) => o.imm !== 0 && o.rd !== 2), (o) => ({
    rd: o.rd,
    imm: o.imm & 0xfffff,
  })),
  // RV32C: shamt[5] (bit 12) = 1 is reserved (spec 16.5), so it is fixed to 0 here.
  c('c.srli', 'srli', e('c.srli', 'rd, imm', q(1, 4, [[12, 12, 0], [11, 10, 0]], [rdP7, shamt5])), (o) => ({
    rd: o.rd,
    rs1: o.rd,
    imm: o.imm,
  })),
  c('c.srai', 'srai', e('c.srai', 'rd, imm', q(1, 4, [[12, 12, 0], [11, 10, 1]], [rdP7, shamt5])), (o) => ({
    rd: o.rd,
    rs1: o.rd,
    imm: o.imm,
  })),
  c('c.andi', 'andi', e('c.andi', 'rd, imm', q(1, 4, [[11, 10, 2]], [rdP7, imm6])), (o) => ({
    rd: o.rd,
    rs1: o.rd,
    imm: o.imm,
  })),
  ...(
    [
      ['c.sub', 'sub', 0],
      ['c.xor', 'xor', 1],
      ['c.or', 'or', 2],
      ['c.and', 'and', 3],
    ] as const
  ).map(([id, to, f2]) =>
    c(id, to, e(id, 'rd, rs2', q(1, 4, [[12, 10, 3], [6, 5, f2]], [rdP7, rs2P2])), (o) => ({
      rd: o.rd,
      rs1: o.rd,
      rs2: o.rs2,
    })),
  ),
  c('c.j', 'jal', e('c.j', 'imm', q(1, 5, [], [jImm])), (o) => ({ rd: 0, imm: o.imm })),
  c('c.beqz', 'beq', e('c.beqz', 'rs1, imm', q(1, 6, [], [rs1P7, bImm])), (o) => ({ rs1: o.rs1, rs2: 0, imm: o.imm })),
  c('c.bnez', 'bne', e('c.bnez', 'rs1, imm', q(1, 7, [], [rs1P7, bImm])), (o) => ({ rs1: o.rs1, rs2: 0, imm: o.imm })),

  // Quadrant 2
  c('c.slli', 'slli', e('c.slli', 'rd, imm', q(2, 0, [[12, 12, 0]], [rd5, shamt5])), (o) => ({
    rd: o.rd,
    rs1: o.rd,
    imm: o.imm,
  })),
  c('c.lwsp', 'lw', e('c.lwsp', 'rd, imm(sp)', q(2, 2, [], [rd5, lwspImm]), (o) => o.rd !== 0), (o) => ({
    rd: o.rd,
    rs1: 2,
    imm: o.imm,
  })),
  c('c.jr', 'jalr', e('c.jr', 'rs1', q(2, 4, [[12, 12, 0], [6, 2, 0]], [rs1_5]), (o) => o.rs1 !== 0), (o) => ({
    rd: 0,
    rs1: o.rs1,
    imm: 0,
  })),
  c('c.mv', 'add', e('c.mv', 'rd, rs2', q(2, 4, [[12, 12, 0]], [rd5, rs2_5]), (o) => o.rs2 !== 0), (o) => ({
    rd: o.rd,
    rs1: 0,
    rs2: o.rs2,
  })),
  c('c.ebreak', 'ebreak', e('c.ebreak', '', q(2, 4, [[12, 2, 0x400]], [])), () => ({})),
  c('c.jalr', 'jalr', e('c.jalr', 'rs1', q(2, 4, [[12, 12, 1], [6, 2, 0]], [rs1_5]), (o) => o.rs1 !== 0), (o) => ({
    rd: 1,
    rs1: o.rs1,
    imm: 0,
  })),
  c('c.add', 'add', e('c.add', 'rd, rs2', q(2, 4, [[12, 12, 1]], [rd5, rs2_5]), (o) => o.rs2 !== 0), (o) => ({
    rd: o.rd,
    rs1: o.rd,
    rs2: o.rs2,
  })),
  c('c.swsp', 'sw', e('c.swsp', 'rs2, imm(sp)', q(2, 6, [], [rs2_5, swspImm])), (o) => ({
    rs1: 2,
    rs2: o.rs2,
    imm: o.imm,
  })),
];
