/**
 * The convolution driver (facts/pulp-nn-mixed.md §4a, §5): composes im2col (by input precision), MatMul (by
 * weight precision) and QntPack (by output precision) into `conv_u<in>_u<out>_i<w>`.
 *
 * Calling convention: a0 = descriptor (descriptor.ts), a1 = this core's id, a2 = number of cores. Callee-saved
 * registers, gp and tp are preserved; the kernel ends with one call to the barrier function and returns.
 *
 * Work split: with H_out mod NC == 0 or W_out == 1, core c takes rows [c*chunk, min(c*chunk + chunk, H_out)),
 * chunk = ceil(H_out / NC). Otherwise cores work in pairs: pair c>>1 takes rows by chunk = ceil(H_out / (NC/2)),
 * and c&1 picks the left columns [0, floor(W_out/2)) or the right ones [floor(W_out/2), W_out). Every core
 * writes disjoint outputs and uses its own im2col buffer (BUF = im2col + core*2*kh*kw*cin), so the only
 * synchronisation is the final barrier.
 *
 * Per row of its share, a core builds the im2col columns of two adjacent output pixels and runs the 4x2
 * MatMul over all channel blocks (then the channel leftover, 1 channel per block for 8-bit outputs, 2 for
 * 4-bit; 2-bit outputs have none since their channel count is a multiple of 4); a last odd pixel of the row
 * share runs the same blocks with one pixel. Pairs never span rows.
 */
import { descOffset, type DescriptorField } from '../descriptor.ts';
import { Ctx, FRAME_BYTES, type FrameSlot, type KernelConfig, SAVED_REGS, perByte, savedOffset } from './context.ts';
import { im2colRoutine } from './im2col.ts';
import { elemsPerIter, matmulBlock } from './matmul.ts';
import { qntPack, thresholdTree } from './qntpack.ts';
import { nnDerived, nnIm2colRoutine, nnMatmulBlock } from './xpulpnn.ts';

/** Channels per leftover block: whole output bytes (1 for 8-bit, 2 for 4-bit), or none for 2-bit outputs. */
export function leftoverChannels(outBits: number): number {
  return outBits === 8 ? 1 : outBits === 4 ? 2 : 0;
}

function prologue(ctx: Ctx): string[] {
  const out: string[] = [`addi sp, sp, -${FRAME_BYTES}`];
  for (const r of SAVED_REGS) out.push(`sw ${r}, ${savedOffset(r)}(sp)`);
  out.push(ctx.st('a0', 'DESC'), ctx.st('a1', 'CORE'), ctx.st('a2', 'NC'));
  const copy: Array<[DescriptorField, FrameSlot]> = [
    ['hIn', 'H'], ['wIn', 'W'], ['cIn', 'CIN'], ['hOut', 'HO'], ['wOut', 'WO'], ['kh', 'KH'], ['kw', 'KW'],
    ['strideY', 'SY'], ['strideX', 'SX'], ['padTop', 'PT'], ['padLeft', 'PL'], ['shift', 'SHIFT'],
    ['x', 'XBASE'], ['y', 'OUT'], ['w', 'W0'], ['qa', 'QA0'], ['qb', 'QB0'],
  ];
  for (const [f, s] of copy) out.push(`lw t0, ${descOffset(f)}(a0)`, ctx.st('t0', s));
  return out;
}

function derived(ctx: Ctx): string[] {
  const { inBits, wBits, outBits } = ctx.cfg;
  const E = elemsPerIter(wBits);
  const lb = (b: number): number => Math.log2(perByte(b as 2 | 4 | 8));
  const fl = leftoverChannels(outBits);
  const out: string[] = [
    ctx.ld('t0', 'KH'), ctx.ld('t1', 'KW'), ctx.ld('t2', 'CIN'),
    'mul t3, t1, t2', ctx.st('t3', 'KWCIN'),
    'mul t3, t3, t0', ctx.st('t3', 'NUMCOL'),
    `srli t4, t3, ${lb(wBits)}`, ctx.st('t4', 'WROW'),
    `srli t4, t3, ${Math.log2(E)}`, ctx.st('t4', 'NIT'),
    `andi t4, t3, ${E - 1}`, `srli t4, t4, ${lb(wBits)}`, ctx.st('t4', 'LEFTB'),
    // BUF = im2col + core * 2 * NUMCOL
    `lw t4, ${descOffset('im2col')}(a0)`, ctx.ld('t5', 'CORE'), 'slli t6, t3, 1', 'mul t6, t6, t5', 'add t4, t4, t6', ctx.st('t4', 'BUF'),
    `srli t4, t2, ${lb(inBits)}`, ctx.st('t4', 'INPIX'),
    ctx.ld('t5', 'W'), 'mul t4, t4, t5', ctx.st('t4', 'INROW'),
    `lw t4, ${descOffset('cOut')}(a0)`,
    `srli t5, t4, ${lb(outBits)}`, ctx.st('t5', 'OUTPIX'),
    'srli t5, t4, 2', ctx.st('t5', 'NBLK'),
    'andi t5, t4, 3',
  ];
  if (fl === 2) out.push('srli t5, t5, 1');
  if (fl === 0) out.push('li t5, 0');
  out.push(ctx.st('t5', 'NLEFT'));
  if (ctx.cfg.xpulpnn) out.push(...nnDerived(ctx));
  return out;
}

function workSplit(ctx: Ctx): string[] {
  const { fl } = ctx;
  const byRows = ctx.fixed('split_rows');
  const done = ctx.fixed('split_done');
  const right = ctx.fixed('split_right');
  return [
    ctx.ld('t0', 'HO'), ctx.ld('t1', 'WO'), ctx.ld('t2', 'NC'), ctx.ld('t3', 'CORE'),
    'remu t4, t0, t2', `beqz t4, ${byRows}`, 'li t5, 1', `beq t1, t5, ${byRows}`,
    // pairs of cores: rows by pair, columns by section
    'srli t2, t2, 1', 'srli t5, t3, 1',
    'add t4, t0, t2', 'addi t4, t4, -1', 'divu t4, t4, t2',
    'mul t5, t5, t4', fl.min('t5', 't5', 't0'), ctx.st('t5', 'YS'),
    'add t5, t5, t4', fl.min('t5', 't5', 't0'), ctx.st('t5', 'YE'),
    'srli t6, t1, 1', 'andi t3, t3, 1', `bnez t3, ${right}`,
    ctx.st('zero', 'XS'), ctx.st('t6', 'XE'), `j ${done}`,
    `${right}:`, ctx.st('t6', 'XS'), ctx.st('t1', 'XE'), `j ${done}`,
    `${byRows}:`,
    'add t4, t0, t2', 'addi t4, t4, -1', 'divu t4, t4, t2',
    'mul t5, t3, t4', fl.min('t5', 't5', 't0'), ctx.st('t5', 'YS'),
    'add t5, t5, t4', fl.min('t5', 't5', 't0'), ctx.st('t5', 'YE'),
    ctx.st('zero', 'XS'), ctx.st('t1', 'XE'),
    `${done}:`,
  ];
}

/** a2 = x*SX - PL for the column x in `xReg`. */
function ix0(ctx: Ctx, xReg: string): string[] {
  return [ctx.ld('t3', 'SX'), `mul a2, ${xReg}, t3`, ctx.ld('t4', 'PL'), 'sub a2, a2, t4'];
}

function rowLoop(ctx: Ctx): string[] {
  const row = ctx.fixed('row');
  const pair = ctx.fixed('pair');
  const odd = ctx.fixed('odd');
  const next = ctx.fixed('row_next');
  const end = ctx.fixed('rows_done');
  return [
    ctx.ld('t0', 'YS'), ctx.st('t0', 'Y'),
    `${row}:`,
    ctx.ld('t0', 'Y'), ctx.ld('t1', 'YE'), `bge t0, t1, ${end}`,
    // POUT = OUT + (y*WO + XS) * OUTPIX
    ctx.ld('t2', 'WO'), 'mul t3, t0, t2', ctx.ld('t4', 'XS'), 'add t3, t3, t4', ctx.ld('t5', 'OUTPIX'), 'mul t3, t3, t5',
    ctx.ld('t6', 'OUT'), 'add t3, t3, t6', ctx.st('t3', 'POUT'),
    ctx.ld('t2', 'SY'), 'mul t3, t0, t2', ctx.ld('t2', 'PT'), 'sub t3, t3, t2', ctx.st('t3', 'IY0'),
    ctx.st('t4', 'X'),
    `${pair}:`,
    ctx.ld('t0', 'X'), ctx.ld('t1', 'XE'), 'addi t2, t0, 1', `bge t2, t1, ${odd}`,
    ctx.ld('a0', 'BUF'), ctx.ld('a1', 'IY0'), ...ix0(ctx, 't0'), `jal ra, ${ctx.fixed('im2col')}`,
    // a0 is now the second column
    ctx.ld('t0', 'X'), 'addi t0, t0, 1', ctx.ld('a1', 'IY0'), ...ix0(ctx, 't0'), `jal ra, ${ctx.fixed('im2col')}`,
    `jal ra, ${ctx.fixed('matmul_p2')}`,
    ctx.ld('t0', 'X'), 'addi t0, t0, 2', ctx.st('t0', 'X'), `j ${pair}`,
    `${odd}:`,
    `bge t0, t1, ${next}`,
    ctx.ld('a0', 'BUF'), ctx.ld('a1', 'IY0'), ...ix0(ctx, 't0'), `jal ra, ${ctx.fixed('im2col')}`,
    `jal ra, ${ctx.fixed('matmul_p1')}`,
    `${next}:`,
    ctx.ld('t0', 'Y'), 'addi t0, t0, 1', ctx.st('t0', 'Y'), `j ${row}`,
    `${end}:`,
  ];
}

/** MatMul + QntPack over every output channel for P pixels (routine `matmul_p<P>`). */
function matmulRoutine(ctx: Ctx, P: number): string[] {
  const tag = `mm_p${P}`;
  const blk = ctx.fixed(`${tag}_blk`);
  const left = ctx.fixed(`${tag}_left`);
  const lblk = ctx.fixed(`${tag}_lblk`);
  const done = ctx.fixed(`${tag}_done`);
  const Fl = leftoverChannels(ctx.cfg.outBits);
  const block = ctx.cfg.xpulpnn ? nnMatmulBlock : matmulBlock;
  const out: string[] = [
    `${ctx.fixed(`matmul_p${P}`)}:`,
    ctx.st('ra', 'RA2'),
    ctx.ld('t0', 'W0'), ctx.st('t0', 'WCUR'),
    ctx.ld('t0', 'QA0'), ctx.st('t0', 'QA'),
    ctx.ld('t0', 'QB0'), ctx.st('t0', 'QB'),
    ctx.ld('t0', 'NBLK'), ctx.st('t0', 'BLK'),
    `${blk}:`,
    ctx.ld('t0', 'BLK'), `beqz t0, ${left}`, 'addi t0, t0, -1', ctx.st('t0', 'BLK'),
    ...block(ctx, 4, P, `${tag}_b4`),
    ...qntPack(ctx, 4, P),
    `j ${blk}`,
    `${left}:`,
  ];
  if (Fl > 0) {
    out.push(
      ctx.ld('t0', 'NLEFT'), ctx.st('t0', 'BLK'),
      `${lblk}:`,
      ctx.ld('t0', 'BLK'), `beqz t0, ${done}`, 'addi t0, t0, -1', ctx.st('t0', 'BLK'),
      ...block(ctx, Fl, P, `${tag}_b${Fl}`),
      ...qntPack(ctx, Fl, P),
      `j ${lblk}`,
    );
  }
  out.push(`${done}:`);
  if (P === 2) out.push(ctx.ld('t0', 'POUT'), ctx.ld('t1', 'OUTPIX'), 'add t0, t0, t1', ctx.st('t0', 'POUT'));
  out.push(ctx.ld('ra', 'RA2'), 'ret');
  return out;
}

export interface KernelSource {
  name: string;
  config: KernelConfig;
  /** GNU assembler text defining the global function `name`. */
  source: string;
}

function indent(lines: string[]): string {
  return lines.map((l) => (l.endsWith(':') || l.startsWith('.') ? l : `\t${l}`)).join('\n');
}

/** The kernel's assembly source. */
export function convKernel(cfg: KernelConfig): KernelSource {
  const ctx = new Ctx(cfg);
  const barrier = cfg.barrierSymbol ?? 'pulp_nn_barrier';
  const { inBits, wBits, outBits, flavour } = cfg;
  const lines: string[] = [
    `# ${ctx.name}: ${inBits}-bit unsigned ifmap, ${wBits}-bit signed weights, ${outBits}-bit unsigned ofmap (${flavour}${cfg.xpulpnn ? ', XpulpNN' : ''}).`,
    '# Generated by kernels/pulp-nn-mixed/generate.ts from the im2col, MatMul and QntPack templates.',
    // The variant's dot products belong to the XpulpNN extension: the source says so, as it would say `.option arch`.
    ...(cfg.xpulpnn ? ['.option xpulpnn'] : []),
    '.text',
    `.globl ${ctx.name}`,
    `.type ${ctx.name}, @function`,
    `${ctx.name}:`,
    ...prologue(ctx),
    ...derived(ctx),
    ...workSplit(ctx),
    ...rowLoop(ctx),
    `call ${barrier}`,
  ];
  for (const r of SAVED_REGS) lines.push(`lw ${r}, ${savedOffset(r)}(sp)`);
  lines.push(`addi sp, sp, ${FRAME_BYTES}`, 'ret');
  lines.push(...(cfg.xpulpnn ? nnIm2colRoutine(ctx) : im2colRoutine(ctx)), ...matmulRoutine(ctx, 2), ...matmulRoutine(ctx, 1), ...thresholdTree(ctx));
  lines.push(`.size ${ctx.name}, . - ${ctx.name}`);
  return { name: ctx.name, config: cfg, source: indent(lines) + '\n' };
}
