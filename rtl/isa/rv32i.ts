// RV32I base integer instructions (unprivileged spec ch. 2, RV32I Base Integer Instruction Set), identical in
// both flavours. fence.i lives in system.ts (Zifencei), the CSR instructions in zicsr.ts.
import { B, I, J, R, S, U, enc32, fixed, shape, shiftImm, uimm } from './fields.ts';
import type { Encoding, Ext, Flavour, Hart, InstrDef, Operands, TimingClass } from './types.ts';

/** The same encoding in both flavours (RV32 base instructions). */
export function both(e: Encoding): Partial<Record<Flavour, Encoding>> {
  return { xpulpv2: e, corev: e };
}

/**
 * A base-ISA table entry with one encoding shared by both flavours. `pulpAlias` names the `p.*` spelling PULP
 * GCC's assembler also accepts for it (same syntax, xpulpv2 flavour only).
 */
export function base(
  id: string,
  ext: Ext,
  timing: TimingClass,
  e: Encoding,
  exec: (h: Hart, o: Operands) => void,
  pulpAlias?: string,
): InstrDef {
  const enc = both(e);
  if (pulpAlias) enc.xpulpv2 = { ...e, aliases: [...(e.aliases ?? []), { mnemonic: pulpAlias, syntax: e.syntax }] };
  return { id, ext, timing, enc, exec };
}

const OP = 0x33;
const OP_IMM = 0x13;
const LOAD = 0x03;
const STORE = 0x23;
const BRANCH = 0x63;

type Bin = (a: number, b: number) => number;

function rr(id: string, f3: number, f7: number, op: Bin): InstrDef {
  return base(id, 'I', 'alu', enc32(id, 'rd, rs1, rs2', R(OP, f3, f7)), (h, o) => {
    h.setX(o.rd, op(h.x(o.rs1), h.x(o.rs2)) | 0);
  });
}

function ri(id: string, f3: number, op: Bin): InstrDef {
  return base(id, 'I', 'alu', enc32(id, 'rd, rs1, imm', I(OP_IMM, f3)), (h, o) => {
    h.setX(o.rd, op(h.x(o.rs1), o.imm) | 0);
  });
}

function sh(id: string, f3: number, f7: number, op: Bin): InstrDef {
  return base(id, 'I', 'alu', enc32(id, 'rd, rs1, imm', shiftImm(OP_IMM, f3, f7)), (h, o) => {
    h.setX(o.rd, op(h.x(o.rs1), o.imm) | 0);
  });
}

// PULP binutils also accept `p.lb ... p.sw` with the plain `imm(rs1)` operand (no `!`) for the RV32I
// loads/stores (fact sheet ri5cy-isa-timing.md §2.3, omitted aliases).
function ld(id: string, f3: number, bytes: 1 | 2 | 4, signed: boolean): InstrDef {
  const e = enc32(id, 'rd, imm(rs1)', I(LOAD, f3));
  return base(id, 'I', 'load', e, (h, o) => h.load(o.rd, (h.x(o.rs1) + o.imm) >>> 0, bytes, signed), `p.${id}`);
}

function st(id: string, f3: number, bytes: 1 | 2 | 4): InstrDef {
  const e = enc32(id, 'rs2, imm(rs1)', S(STORE, f3));
  return base(id, 'I', 'store', e, (h, o) => h.store((h.x(o.rs1) + o.imm) >>> 0, bytes, h.x(o.rs2)), `p.${id}`);
}

function br(id: string, f3: number, taken: (a: number, b: number) => boolean): InstrDef {
  return base(id, 'I', 'branch', enc32(id, 'rs1, rs2, imm', B(BRANCH, f3)), (h, o) => {
    if (taken(h.x(o.rs1), h.x(o.rs2))) h.jump((h.pc + o.imm) >>> 0);
  });
}

// Register shifts use the low five bits of rs2 (spec 2.4.2); JS shift operators do the same masking.
const sll: Bin = (a, b) => a << (b & 31);
const srl: Bin = (a, b) => a >>> (b & 31);
const sra: Bin = (a, b) => a >> (b & 31);
const lt = (a: number, b: number): boolean => (a | 0) < (b | 0);
const ltu = (a: number, b: number): boolean => a >>> 0 < b >>> 0;

export const rv32iInstrs: InstrDef[] = [
  base('lui', 'I', 'alu', enc32('lui', 'rd, imm', U(0x37)), (h, o) => {
    h.setX(o.rd, o.imm << 12);
  }),
  base('auipc', 'I', 'alu', enc32('auipc', 'rd, imm', U(0x17)), (h, o) => {
    h.setX(o.rd, (h.pc + (o.imm << 12)) | 0);
  }),
  base('jal', 'I', 'jal', enc32('jal', 'rd, imm', J(0x6f)), (h, o) => {
    h.setX(o.rd, (h.pc + h.size) | 0);
    h.jump((h.pc + o.imm) >>> 0);
  }),
  // The target uses rs1 as read before rd is written (rd may equal rs1) and has bit 0 cleared (spec 2.5).
  base('jalr', 'I', 'jalr', enc32('jalr', 'rd, imm(rs1)', I(0x67, 0)), (h, o) => {
    const target = ((h.x(o.rs1) + o.imm) & ~1) >>> 0;
    h.setX(o.rd, (h.pc + h.size) | 0);
    h.jump(target);
  }),
  br('beq', 0, (a, b) => a === b),
  br('bne', 1, (a, b) => a !== b),
  br('blt', 4, lt),
  br('bge', 5, (a, b) => !lt(a, b)),
  br('bltu', 6, ltu),
  br('bgeu', 7, (a, b) => !ltu(a, b)),
  ld('lb', 0, 1, true),
  ld('lh', 1, 2, true),
  ld('lw', 2, 4, true),
  ld('lbu', 4, 1, false),
  ld('lhu', 5, 2, false),
  st('sb', 0, 1),
  st('sh', 1, 2),
  st('sw', 2, 4),
  ri('addi', 0, (a, b) => a + b),
  ri('slti', 2, (a, b) => (lt(a, b) ? 1 : 0)),
  ri('sltiu', 3, (a, b) => (ltu(a, b) ? 1 : 0)),
  ri('xori', 4, (a, b) => a ^ b),
  ri('ori', 6, (a, b) => a | b),
  ri('andi', 7, (a, b) => a & b),
  sh('slli', 1, 0x00, sll),
  sh('srli', 5, 0x00, srl),
  sh('srai', 5, 0x20, sra),
  rr('add', 0, 0x00, (a, b) => a + b),
  rr('sub', 0, 0x20, (a, b) => a - b),
  rr('sll', 1, 0x00, sll),
  rr('slt', 2, 0x00, (a, b) => (lt(a, b) ? 1 : 0)),
  rr('sltu', 3, 0x00, (a, b) => (ltu(a, b) ? 1 : 0)),
  rr('xor', 4, 0x00, (a, b) => a ^ b),
  rr('srl', 5, 0x00, srl),
  rr('sra', 5, 0x20, sra),
  rr('or', 6, 0x00, (a, b) => a | b),
  rr('and', 7, 0x00, (a, b) => a & b),
  // fm, rs1 and rd are ignored (spec 2.7: reserved for finer-grained fences; fence.tso runs as a fence).
  base(
    'fence',
    'I',
    'fence',
    enc32('fence', 'pred, succ', shape([[6, 0, 0x0f], [14, 12, 0]], [uimm('pred', 27, 24), uimm('succ', 23, 20)])),
    (h) => h.system('fence'),
  ),
  // FENCE.TSO (fm = 1000, pred = succ = RW) is a fence at least as strong; listed for its spelling.
  base('fence.tso', 'I', 'fence', enc32('fence.tso', '', { ...fixed([31, 0, 0x8330000f]), fields: [] }), (h) =>
    h.system('fence'),
  ),
  base('ecall', 'I', 'ecall', enc32('ecall', '', { ...fixed([31, 0, 0x00000073]), fields: [] }), (h) =>
    h.system('ecall'),
  ),
  base('ebreak', 'I', 'ebreak', enc32('ebreak', '', { ...fixed([31, 0, 0x00100073]), fields: [] }), (h) =>
    h.system('ebreak'),
  ),
];
