/**
 * im2col by input precision (facts/pulp-nn-mixed.md §4a): one output pixel's column of kh*kw*cin activations,
 * widened to 8 bits, written to the core-private buffer; taps outside the ifmap are literal zeros (no zero
 * point, §3).
 *
 * Routine `im2col`: a0 = destination, a1 = iy0 = y*strideY - padTop, a2 = ix0 = x*strideX - padLeft; returns
 * a0 just past the column. Clobbers every register but sp (loop state is in the frame).
 *
 * Per kernel row ky the column holds lz zero taps, a contiguous run of in-image taps, and rz zero taps, with
 * lz = clamp(-ix0, 0, kw) and rz = clamp(ix0 + kw - w, 0, kw). HWC makes the in-image taps of one row one
 * contiguous run of (kw - lz - rz)*cin activations in memory (the originals' "interior" copy of kw*cin
 * elements), and the same split also covers their padding cases; rows outside the ifmap are all zeros.
 *
 * Widening per chunk (the originals' costs): 8-bit 2 words per iteration; 4-bit one word load, 8 `extractu`,
 * 2 pack4 and 2 word stores per 8 elements (15 instructions); 2-bit one load, 16 `extractu`, 4 pack4 and 4
 * stores per 16 elements (29). Word loads of the ifmap may be misaligned (cin*bits/8 not a multiple of 4).
 */
import type { Precision } from '../../golden/layer.ts';
import type { Ctx } from './context.ts';

/** Writes `n` (register, clobbered) zero bytes at a0, advancing a0. Uses t3. */
export function zeroFill(ctx: Ctx, n: string): string[] {
  const { fl } = ctx;
  const words = ctx.label('zw');
  const bytes = ctx.label('zb');
  const tail = ctx.label('zt');
  const done = ctx.label('zd');
  return [
    `srli t3, ${n}, 2`,
    `andi ${n}, ${n}, 3`,
    `beqz t3, ${tail}`,
    `${words}:`,
    fl.storeInc('sw', 'zero', 'a0', 4),
    'addi t3, t3, -1',
    `bnez t3, ${words}`,
    `${tail}:`,
    `beqz ${n}, ${done}`,
    `${bytes}:`,
    fl.storeInc('sb', 'zero', 'a0', 1),
    `addi ${n}, ${n}, -1`,
    `bnez ${n}, ${bytes}`,
    `${done}:`,
  ];
}

/** pack4 of four byte-valued registers into `vec` (2 instructions each half, facts §9). */
function extractPack(ctx: Ctx, vec: string, src: string, bits: number, first: number, t0: string, t1: string): string[] {
  const { fl } = ctx;
  const o = (k: number): number => (first + k) * bits;
  return [
    fl.extractu(t0, src, bits, o(0)),
    fl.extractu(t1, src, bits, o(1)),
    fl.packLo(vec, t1, t0),
    fl.extractu(t0, src, bits, o(2)),
    fl.extractu(t1, src, bits, o(3)),
    fl.packHi(vec, t1, t0),
  ];
}

/**
 * Copies `n` (register a5, kept) activations from a6 (advanced) to a0 (advanced), widened from `bits` to 8.
 * Uses t3..t6, a7, s7. `n` is a multiple of 8/bits (whole ifmap bytes; facts §3).
 */
export function widenCopy(ctx: Ctx, bits: Precision): string[] {
  const { fl } = ctx;
  const out: string[] = [];
  const skip = ctx.label('cw_skip');
  const tailLoop = ctx.label('cw_tail');
  const done = ctx.label('cw_done');
  const chunk = bits === 8 ? 8 : 32 / bits; // elements per loop iteration
  const shift = Math.log2(chunk);
  out.push(`srli t3, a5, ${shift}`, `andi t4, a5, ${chunk - 1}`);
  if (bits !== 8) out.push(`srli t4, t4, ${Math.log2(8 / bits)}`); // tail in bytes
  out.push(`beqz t3, ${skip}`);
  let body: string[];
  if (bits === 8) {
    // Two words per iteration: the second load hides the first one's load-use latency.
    body = [fl.loadInc('lw', 't5', 'a6', 4), fl.loadInc('lw', 't6', 'a6', 4), fl.storeInc('sw', 't5', 'a0', 4), fl.storeInc('sw', 't6', 'a0', 4)];
  } else {
    body = [fl.loadInc('lw', 't5', 'a6', 4)];
    for (let v = 0; v < 32 / bits / 4; v++) {
      body.push(...extractPack(ctx, 's7', 't5', bits, 4 * v, 't6', 'a7'), fl.storeInc('sw', 's7', 'a0', 4));
    }
  }
  out.push(...fl.hwloop(0, 't3', ctx.label('cw_loop'), body));
  out.push(`${skip}:`, `beqz t4, ${done}`, `${tailLoop}:`);
  if (bits === 8) {
    out.push(fl.loadInc('lbu', 't5', 'a6', 1), fl.storeInc('sb', 't5', 'a0', 1));
  } else {
    out.push(fl.loadInc('lbu', 't5', 'a6', 1));
    for (let k = 0; k < 8 / bits; k++) out.push(fl.extractu('t6', 't5', bits, k * bits), fl.storeInc('sb', 't6', 'a0', 1));
  }
  out.push('addi t4, t4, -1', `bnez t4, ${tailLoop}`, `${done}:`);
  return out;
}

/** The im2col routine (see the file comment). */
export function im2colRoutine(ctx: Ctx): string[] {
  const { fl } = ctx;
  const bits = ctx.cfg.inBits;
  const ky = ctx.fixed('im2col_ky');
  const kyZero = ctx.fixed('im2col_ky_zero');
  const kyNext = ctx.fixed('im2col_ky_next');
  return [
    `${ctx.fixed('im2col')}:`,
    ctx.ld('t0', 'KW'),
    ctx.ld('t1', 'W'),
    ctx.ld('t2', 'CIN'),
    // lz (a3) and rz (a4) in taps
    'neg a3, a2',
    fl.max('a3', 'a3', 'zero'),
    fl.min('a3', 'a3', 't0'),
    'add a4, a2, t0',
    'sub a4, a4, t1',
    fl.max('a4', 'a4', 'zero'),
    fl.min('a4', 'a4', 't0'),
    // first in-image tap's byte offset in its ifmap row: (ix0 + lz) * INPIX
    'add s0, a2, a3',
    ctx.ld('t3', 'INPIX'),
    'mul s0, s0, t3',
    // mid (a5) = kw - lz - rz taps; all three in elements (= im2col bytes)
    'sub a5, t0, a3',
    'sub a5, a5, a4',
    'mul a3, a3, t2',
    'mul a4, a4, t2',
    'mul a5, a5, t2',
    // s1: address of the run for ky = 0 (used only when that row is inside the ifmap)
    ctx.ld('s6', 'INROW'),
    'mul s1, a1, s6',
    'add s1, s1, s0',
    ctx.ld('t3', 'XBASE'),
    'add s1, s1, t3',
    ctx.ld('s2', 'KH'),
    'mv s3, a1',
    ctx.ld('s4', 'H'),
    ctx.ld('s5', 'KWCIN'),
    `${ky}:`,
    // unsigned compare: a negative iy is out of the ifmap too
    `bgeu s3, s4, ${kyZero}`,
    'mv a6, s1',
    'mv s8, a3',
    ...zeroFill(ctx, 's8'),
    ...widenCopy(ctx, bits),
    'mv s8, a4',
    ...zeroFill(ctx, 's8'),
    `j ${kyNext}`,
    `${kyZero}:`,
    'mv s8, s5',
    ...zeroFill(ctx, 's8'),
    `${kyNext}:`,
    'addi s3, s3, 1',
    'add s1, s1, s6',
    'addi s2, s2, -1',
    `bnez s2, ${ky}`,
    'ret',
  ];
}
