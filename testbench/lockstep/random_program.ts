// Random test programs for lockstep runs (fast-check): chains of ALU / mul / mulh / div instructions over a few
// registers (so dependencies are frequent), loads and stores at aligned and misaligned offsets of a data buffer
// (with post-increment forms), forward branches, and nested hardware loops with straight-line bodies. Each
// program ends with a store of 1 to `tohost`. Assembled by our own toolchain for the configured flavour.
import fc from 'fast-check';
import type { SystemConfig } from '../../rtl/config/index.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { type Elf, readElf } from '../../kernels/toolchain/elf.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';

/** Registers the generated code computes with (t0-t2, a0-a5); a6 holds the buffer pointer. */
const REGS = ['t0', 't1', 't2', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5'];
const PTR = 'a6';
const BUF_BYTES = 256;

export type Op =
  | { k: 'alu'; op: string; rd: number; rs1: number; rs2: number }
  | { k: 'alui'; op: string; rd: number; rs1: number; imm: number }
  | { k: 'mul'; op: string; rd: number; rs1: number; rs2: number }
  | { k: 'load'; op: string; rd: number; off: number }
  | { k: 'store'; op: string; rs2: number; off: number }
  | { k: 'postload'; op: string; rd: number; inc: number }
  | { k: 'branch'; op: string; rs1: number; rs2: number; skip: Op[] }
  | { k: 'loop'; count: number; body: Op[]; inner?: { count: number; body: Op[] } };

const reg = fc.integer({ min: 0, max: REGS.length - 1 });
const aluOp = fc.constantFrom('add', 'sub', 'xor', 'or', 'and', 'sll', 'srl', 'sra', 'slt', 'sltu');
const aluiOp = fc.constantFrom('addi', 'xori', 'ori', 'andi', 'slti', 'sltiu', 'slli', 'srli', 'srai');
const mulOp = fc.constantFrom('mul', 'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu');

const simple: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('alu' as const), op: aluOp, rd: reg, rs1: reg, rs2: reg }) },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant('alui' as const), op: aluiOp, rd: reg, rs1: reg, imm: fc.integer({ min: -2048, max: 2047 }) }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('mul' as const), op: mulOp, rd: reg, rs1: reg, rs2: reg }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('load' as const),
      op: fc.constantFrom('lw', 'lh', 'lhu', 'lb', 'lbu'),
      rd: reg,
      off: fc.integer({ min: 0, max: BUF_BYTES - 8 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('store' as const),
      op: fc.constantFrom('sw', 'sh', 'sb'),
      rs2: reg,
      off: fc.integer({ min: 0, max: BUF_BYTES - 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('postload' as const),
      op: fc.constantFrom('lw', 'lh', 'lbu'),
      rd: reg,
      inc: fc.integer({ min: -3, max: 3 }),
    }),
  },
);

const branch: fc.Arbitrary<Op> = fc.record({
  k: fc.constant('branch' as const),
  op: fc.constantFrom('beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'),
  rs1: reg,
  rs2: reg,
  skip: fc.array(simple, { minLength: 1, maxLength: 3 }),
});

// Loop bodies: straight-line, no post-increment (the pointer stays in range); at least 2 instructions on RI5CY,
// 3 on CV32E40P (fact sheet §4.10).
const bodyOp = simple.filter((o) => o.k !== 'postload');
function loopArb(minBody: number): fc.Arbitrary<Op> {
  return fc.record(
    {
      k: fc.constant('loop' as const),
      count: fc.integer({ min: 1, max: 4 }),
      body: fc.array(bodyOp, { minLength: minBody, maxLength: minBody + 2 }),
      inner: fc.record({
        count: fc.integer({ min: 1, max: 3 }),
        body: fc.array(bodyOp, { minLength: minBody, maxLength: minBody + 1 }),
      }),
    },
    { requiredKeys: ['k', 'count', 'body'] },
  );
}

export interface ProgramSpec {
  init: number[];
  data: number[];
  ops: Op[];
  /** Let the assembler compress what it can (mixes 16- and 32-bit instructions, unaligned 32-bit ones). */
  rvc: boolean;
}

export function programArb(opts: { hwloops: boolean; corev?: boolean }): fc.Arbitrary<ProgramSpec> {
  const loop = loopArb(opts.corev ? 3 : 2);
  const op = opts.hwloops
    ? fc.oneof({ weight: 8, arbitrary: simple }, { weight: 1, arbitrary: branch }, { weight: 1, arbitrary: loop })
    : fc.oneof({ weight: 8, arbitrary: simple }, { weight: 1, arbitrary: branch });
  return fc.record({
    init: fc.array(fc.oneof(fc.integer({ min: -8, max: 8 }), fc.integer({ min: -0x80000000, max: 0x7fffffff })), {
      minLength: REGS.length,
      maxLength: REGS.length,
    }),
    data: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: BUF_BYTES / 4, maxLength: BUF_BYTES / 4 }),
    ops: fc.array(op, { minLength: 1, maxLength: 24 }),
    rvc: fc.boolean(),
  });
}

/** Assembly text of a program (GNU syntax, PULP or CORE-V spellings per flavour). */
export function programSource(p: ProgramSpec, flavour: SystemConfig['core']['flavour']): string {
  const rvcOn = p.rvc ? '.option rvc' : '.option norvc';
  const out: string[] = [rvcOn, '.text', '.globl _start', 'trap_vector:', '  j fail', '.org 0x80', '_start:'];
  p.init.forEach((v, i) => out.push(`  li ${REGS[i]}, ${v | 0}`));
  out.push(`  la ${PTR}, buf + 64`);
  let label = 0;
  const r = (i: number): string => REGS[i]!;
  const emit = (o: Op, inLoop: boolean): void => {
    switch (o.k) {
      case 'alu':
      case 'mul':
        out.push(`  ${o.op} ${r(o.rd)}, ${r(o.rs1)}, ${r(o.rs2)}`);
        break;
      case 'alui': {
        const shift = o.op === 'slli' || o.op === 'srli' || o.op === 'srai';
        out.push(`  ${o.op} ${r(o.rd)}, ${r(o.rs1)}, ${shift ? o.imm & 31 : o.imm}`);
        break;
      }
      case 'load':
        out.push(`  ${o.op} ${r(o.rd)}, ${o.off - 64}(${PTR})`);
        break;
      case 'store':
        out.push(`  ${o.op} ${r(o.rs2)}, ${o.off - 64}(${PTR})`);
        break;
      case 'postload':
        if (flavour === 'corev') out.push(`  cv.${o.op} ${r(o.rd)}, (${PTR}), ${o.inc}`);
        else out.push(`  p.${o.op} ${r(o.rd)}, ${o.inc}(${PTR}!)`);
        break;
      case 'branch': {
        const l = `skip${label++}`;
        out.push(`  ${o.op} ${r(o.rs1)}, ${r(o.rs2)}, ${l}`);
        o.skip.forEach((s) => emit(s, inLoop));
        out.push(`${l}:`);
        break;
      }
      case 'loop': {
        const setup = flavour === 'corev' ? 'cv.setupi' : 'lp.setupi';
        // CV32E40P loops must be word-aligned 32-bit code (fact sheet §4.10): no RVC inside, aligned start
        if (flavour === 'corev' && p.rvc) out.push('  .option rvc', '  .balign 4', '  .option norvc');
        const outer = `lpo${label++}`;
        if (o.inner) {
          const inner = `lpi${label++}`;
          out.push(`  ${setup} 1, ${o.count}, ${outer}`);
          o.body.forEach((s) => emit(s, true));
          out.push(`  ${setup} 0, ${o.inner.count}, ${inner}`);
          o.inner.body.slice(0, -1).forEach((s) => emit(s, true));
          if (flavour === 'corev') {
            // CV32E40P: the outer end must be at least two instructions after the inner end
            emit(o.inner.body[o.inner.body.length - 1]!, true);
            out.push(`${inner}:`);
            out.push('  nop');
            out.push('  nop');
            out.push(`${outer}:`);
          } else {
            out.push(`${inner}:`);
            emit(o.inner.body[o.inner.body.length - 1]!, true);
            out.push('  nop');
            out.push(`${outer}:`);
            out.push('  nop');
          }
        } else {
          out.push(`  ${setup} 0, ${o.count}, ${outer}`);
          o.body.slice(0, -1).forEach((s) => emit(s, true));
          if (flavour === 'corev') {
            emit(o.body[o.body.length - 1]!, true);
            out.push(`${outer}:`);
          } else {
            out.push(`${outer}:`);
            emit(o.body[o.body.length - 1]!, true);
          }
        }
        out.push('  nop');
        if (flavour === 'corev' && p.rvc) out.push('  .option rvc');
        break;
      }
    }
    void inLoop;
  };
  for (const o of p.ops) emit(o, false);
  out.push('  li t6, 1', '  la t5, tohost', '  sw t6, 0(t5)', '1: j 1b', 'fail:', '  li t6, 3', '  la t5, tohost', '  sw t6, 0(t5)', '2: j 2b');
  // guard space around the buffer: post-increments move the pointer by up to 72 bytes either way
  out.push('  .balign 64', '  .globl tohost', 'tohost: .word 0', '  .balign 16', '  .space 128', 'buf:');
  for (const w of p.data) out.push(`  .word ${w >>> 0}`);
  out.push('  .space 128');
  return out.join('\n') + '\n';
}

/** Assembles and links a generated program for `cfg`. */
export function buildProgram(p: ProgramSpec, cfg: SystemConfig): { elf: Elf; source: string } {
  const source = programSource(p, cfg.core.flavour);
  const { object } = assemble(source, 'random.S', { flavour: cfg.core.flavour, rvc: cfg.core.rvc });
  return { elf: readElf(linkedElf(link([object], { textBase: 0, memory: cfg.memory })), 'random.elf'), source };
}
