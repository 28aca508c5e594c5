// Pseudo-instructions: assembler syntax (RISC-V assembly programmer's manual, "Pseudoinstructions"), not
// instructions of the machine. Each expands to instructions of the table by mnemonic and operand names.
// `li` splits like GNU `as` load_const (and LLVM RISCVMatInt for RV32): lui of the rounded upper 20 bits when
// they are non-zero, then addi of the sign-extended low 12 bits when non-zero (or when there is no lui).
import { AsmError, type SourceLoc } from './diagnostics.ts';
import type { Value } from './expr.ts';
import type { ParsedOperand, ParsedOperands } from './encoder.ts';

/** One instruction a pseudo-instruction expands to. */
export interface Emit {
  mnemonic: string;
  ops: ParsedOperands;
}

export interface PseudoDef {
  /** Alternative operand templates (same notation as the table's `syntax`). */
  syntax: string[];
  /** `form` is the index of the template that matched; `here` is the address of the first emitted instruction. */
  expand(o: ParsedOperands, form: number, here: Value, loc: SourceLoc, dialect: 'gnu' | 'llvm'): Emit[];
}

const reg = (r: number): ParsedOperand => ({ kind: 'reg', reg: r, col: 0 });
const imm = (v: number | bigint): ParsedOperand => ({ kind: 'expr', value: { kind: 'abs', v: BigInt(v) }, col: 0 });
const X0 = reg(0);
const RA = reg(1);
const T1 = reg(6);

function get(o: ParsedOperands, name: keyof ParsedOperands): ParsedOperand {
  const v = o[name];
  if (!v) throw new Error(`pseudo-instruction operand ${name} missing`);
  return v;
}

function branchSwap(real: string): PseudoDef {
  return {
    syntax: ['rs1, rs2, imm'],
    expand: (o) => [{ mnemonic: real, ops: { rs1: get(o, 'rs2'), rs2: get(o, 'rs1'), imm: get(o, 'imm') } }],
  };
}

function branchZero(real: string, zeroFirst: boolean): PseudoDef {
  return {
    syntax: ['rs1, imm'],
    expand: (o) => [
      {
        mnemonic: real,
        ops: zeroFirst
          ? { rs1: X0, rs2: get(o, 'rs1'), imm: get(o, 'imm') }
          : { rs1: get(o, 'rs1'), rs2: X0, imm: get(o, 'imm') },
      },
    ],
  };
}

function unary(real: string, f: (rd: ParsedOperand, rs: ParsedOperand) => ParsedOperands): PseudoDef {
  return { syntax: ['rd, rs1'], expand: (o) => [{ mnemonic: real, ops: f(get(o, 'rd'), get(o, 'rs1')) }] };
}

/** csrr/csrw/...: the register form, or the immediate form when the operand is not a register (as GNU does). */
function csrWrite(real: string): PseudoDef {
  return {
    syntax: ['csr, rs1', 'csr, imm'],
    expand: (o, form) =>
      form === 0
        ? [{ mnemonic: real, ops: { rd: X0, csr: get(o, 'csr'), rs1: get(o, 'rs1') } }]
        : [{ mnemonic: real + 'i', ops: { rd: X0, csr: get(o, 'csr'), imm: get(o, 'imm') } }],
  };
}

function csrImm(real: string): PseudoDef {
  return {
    syntax: ['csr, imm'],
    expand: (o) => [{ mnemonic: real, ops: { rd: X0, csr: get(o, 'csr'), imm: get(o, 'imm') } }],
  };
}

function counter(csr: number): PseudoDef {
  return { syntax: ['rd'], expand: (o) => [{ mnemonic: 'csrrs', ops: { rd: get(o, 'rd'), csr: imm(csr), rs1: X0 } }] };
}

/** The value of `li` as a 32-bit pattern; GNU accepts anything that is a sign- or zero-extended 32-bit value. */
function liValue(v: Value, loc: SourceLoc): number {
  if (v.kind !== 'abs') throw new AsmError(loc, `li needs a constant, not a symbol (use la for addresses)`);
  if (v.v < -(1n << 31n) || v.v > 0xffffffffn) {
    throw new AsmError(loc, `li value ${v.v} does not fit in 32 bits`);
  }
  return Number(BigInt.asIntN(32, v.v));
}

/**
 * The instructions of `li rd, value` (RV32). GNU load_const: lui + addi. LLVM 19 RISCVMatInt::generateInstSeq
 * additionally rewrites an even value whose low 12 bits are non-zero as (value >> tz) then slli tz, when that is
 * shorter or the shifted value fits 6 bits (c.li-compressible), e.g. 0x1800 -> li 3; slli 11.
 */
export function liSequence(rd: number, value: number, dialect: 'gnu' | 'llvm' = 'gnu'): Emit[] {
  const base = luiAddi(rd, value);
  if (dialect === 'llvm' && (value & 0xfff) !== 0 && (value & 1) === 0 && base.length >= 2) {
    const tz = 31 - Math.clz32(value & -value);
    const shifted = value >> tz;
    const tmp = luiAddi(rd, shifted);
    if (tmp.length + 1 < base.length || (shifted >= -32 && shifted < 32)) {
      return [...tmp, { mnemonic: 'slli', ops: { rd: reg(rd), rs1: reg(rd), imm: imm(tz) } }];
    }
  }
  return base;
}

function luiAddi(rd: number, value: number): Emit[] {
  const lo = (value << 20) >> 20;
  const hi = ((value - lo) | 0) >>> 12;
  const out: Emit[] = [];
  if (hi !== 0) out.push({ mnemonic: 'lui', ops: { rd: reg(rd), imm: imm(hi & 0xfffff) } });
  if (lo !== 0 || hi === 0) {
    out.push({ mnemonic: 'addi', ops: { rd: reg(rd), rs1: reg(hi !== 0 ? rd : 0), imm: imm(lo) } });
  }
  return out;
}

function fnOp(fn: 'hi' | 'lo' | 'pcrel_hi' | 'pcrel_lo', arg: Value): ParsedOperand {
  return { kind: 'expr', value: { kind: 'fn', fn, arg }, col: 0 };
}

/** auipc + a second instruction addressing `target` pc-relatively (la, call, tail). */
function pcrelPair(rd: ParsedOperand, target: ParsedOperand, here: Value, second: Emit): Emit[] {
  if (target.kind !== 'expr' || target.value.kind === 'fn') throw new Error('pcrel pair needs an address');
  return [{ mnemonic: 'auipc', ops: { rd, imm: fnOp('pcrel_hi', target.value) } }, second].map((e, i) =>
    i === 1 ? { ...e, ops: { ...e.ops, imm: fnOp('pcrel_lo', here) } } : e,
  );
}

export const pseudos: Record<string, PseudoDef> = {
  // LLVM's spelling of the c.addi x0 HINT (c.nop with a non-zero immediate), as llvm-objdump prints it.
  'c.nop': { syntax: ['imm'], expand: (o) => [{ mnemonic: 'c.addi', ops: { rd: X0, imm: get(o, 'imm') } }] },
  nop: { syntax: [''], expand: () => [{ mnemonic: 'addi', ops: { rd: X0, rs1: X0, imm: imm(0) } }] },
  li: {
    syntax: ['rd, imm'],
    expand: (o, _f, _h, loc, dialect) => {
      const e = get(o, 'imm');
      const rd = get(o, 'rd');
      if (e.kind !== 'expr' || e.value.kind === 'fn' || rd.kind !== 'reg') throw new AsmError(loc, 'li needs a register and a constant');
      return liSequence(rd.reg, liValue(e.value, { ...loc, col: e.col || loc.col }), dialect);
    },
  },
  la: {
    syntax: ['rd, imm'],
    expand: (o, _f, here) =>
      pcrelPair(get(o, 'rd'), get(o, 'imm'), here, { mnemonic: 'addi', ops: { rd: get(o, 'rd'), rs1: get(o, 'rd') } }),
  },
  lla: {
    syntax: ['rd, imm'],
    expand: (o, _f, here) =>
      pcrelPair(get(o, 'rd'), get(o, 'imm'), here, { mnemonic: 'addi', ops: { rd: get(o, 'rd'), rs1: get(o, 'rd') } }),
  },
  call: {
    syntax: ['imm', 'rd, imm'],
    // `call f` goes through ra in both; `call rd, f` takes its auipc temporary from t1 in GNU as 2.40 and uses rd
    // itself in LLVM 19 (objdump of both assemblers' output).
    expand: (o, f, here, _loc, dialect) => {
      const rd = f === 0 ? RA : get(o, 'rd');
      const tmp = f === 1 && dialect === 'gnu' ? T1 : rd;
      return pcrelPair(tmp, get(o, 'imm'), here, { mnemonic: 'jalr', ops: { rd, rs1: tmp } });
    },
  },
  tail: {
    syntax: ['imm'],
    expand: (o, _f, here) => pcrelPair(T1, get(o, 'imm'), here, { mnemonic: 'jalr', ops: { rd: X0, rs1: T1 } }),
  },
  mv: unary('addi', (rd, rs) => ({ rd, rs1: rs, imm: imm(0) })),
  not: unary('xori', (rd, rs) => ({ rd, rs1: rs, imm: imm(-1) })),
  neg: unary('sub', (rd, rs) => ({ rd, rs1: X0, rs2: rs })),
  seqz: unary('sltiu', (rd, rs) => ({ rd, rs1: rs, imm: imm(1) })),
  snez: unary('sltu', (rd, rs) => ({ rd, rs1: X0, rs2: rs })),
  sltz: unary('slt', (rd, rs) => ({ rd, rs1: rs, rs2: X0 })),
  sgtz: unary('slt', (rd, rs) => ({ rd, rs1: X0, rs2: rs })),
  'zext.b': unary('andi', (rd, rs) => ({ rd, rs1: rs, imm: imm(255) })),
  sgt: {
    syntax: ['rd, rs1, rs2'],
    expand: (o) => [{ mnemonic: 'slt', ops: { rd: get(o, 'rd'), rs1: get(o, 'rs2'), rs2: get(o, 'rs1') } }],
  },
  sgtu: {
    syntax: ['rd, rs1, rs2'],
    expand: (o) => [{ mnemonic: 'sltu', ops: { rd: get(o, 'rd'), rs1: get(o, 'rs2'), rs2: get(o, 'rs1') } }],
  },
  beqz: branchZero('beq', false),
  bnez: branchZero('bne', false),
  blez: branchZero('bge', true),
  bgez: branchZero('bge', false),
  bltz: branchZero('blt', false),
  bgtz: branchZero('blt', true),
  bgt: branchSwap('blt'),
  ble: branchSwap('bge'),
  bgtu: branchSwap('bltu'),
  bleu: branchSwap('bgeu'),
  j: { syntax: ['imm'], expand: (o) => [{ mnemonic: 'jal', ops: { rd: X0, imm: get(o, 'imm') } }] },
  jal: { syntax: ['imm'], expand: (o) => [{ mnemonic: 'jal', ops: { rd: RA, imm: get(o, 'imm') } }] },
  jr: {
    syntax: ['rs1', 'rs1, imm'],
    expand: (o, f) => [{ mnemonic: 'jalr', ops: { rd: X0, rs1: get(o, 'rs1'), imm: f === 0 ? imm(0) : get(o, 'imm') } }],
  },
  jalr: {
    syntax: ['rs1', 'rd, rs1', 'rd, rs1, imm'],
    expand: (o, f) => [
      {
        mnemonic: 'jalr',
        ops: { rd: f === 0 ? RA : get(o, 'rd'), rs1: get(o, 'rs1'), imm: f === 2 ? get(o, 'imm') : imm(0) },
      },
    ],
  },
  ret: { syntax: [''], expand: () => [{ mnemonic: 'jalr', ops: { rd: X0, rs1: RA, imm: imm(0) } }] },
  fence: { syntax: [''], expand: () => [{ mnemonic: 'fence', ops: { pred: imm(15), succ: imm(15) } }] },
  csrr: {
    syntax: ['rd, csr'],
    expand: (o) => [{ mnemonic: 'csrrs', ops: { rd: get(o, 'rd'), csr: get(o, 'csr'), rs1: X0 } }],
  },
  csrw: csrWrite('csrrw'),
  csrs: csrWrite('csrrs'),
  csrc: csrWrite('csrrc'),
  csrwi: csrImm('csrrwi'),
  csrsi: csrImm('csrrsi'),
  csrci: csrImm('csrrci'),
  rdcycle: counter(0xc00),
  rdtime: counter(0xc01),
  rdinstret: counter(0xc02),
  rdcycleh: counter(0xc80),
  rdtimeh: counter(0xc81),
  rdinstreth: counter(0xc82),
};
