/**
 * MatMul by weight precision (facts/pulp-nn-mixed.md §4b): F output channels x P pixels of int32 accumulators
 * over one im2col column pair, activations already 8-bit, weights unpacked on the fly. The main block is
 * F = 4, P = 2 (8 accumulators); the same template makes the channel-leftover (F = 1 or 2) and odd-pixel
 * (P = 1) blocks.
 *
 * Inner loop per iteration, for F = 4, P = 2 (the paper's §3 counts, which these bodies reproduce):
 * - 8-bit weights: 2 activation + 4 weight word loads, 8 `sdotusp.b`: 14 instructions, 32 MACs.
 * - 4-bit weights: 4 activation + 4 weight words; per weight word 8 `extract` + 2 pack4 (packlo+packhi)
 *   = 12, then 2 sdotp per pixel: 8 + 32 + 16 + 16 = 72 instructions, 64 MACs.
 * - 2-bit weights: 8 activation + 4 weight words, 16 extracts + 4 pack4 per filter, 4 sdotp per pixel:
 *   12 + 64 + 32 + 32 = 140 instructions, 128 MACs.
 * The schedule is free of RI5CY load-use stalls (no instruction reads the register loaded by the instruction
 * just before it, also across the loop's wrap-around) and runs in a zero-overhead hardware loop, so on a core
 * retiring one instruction per cycle an iteration takes exactly 14 / 72 / 140 cycles. Weights are unpacked
 * filter by filter, one 4-byte vector at a time, and the next filter's weight word is loaded right after the
 * current one's last extract, leaving the pack and the sdotps between that load and its first use.
 *
 * Reduction leftover (kh*kw*cin mod 4/8/16): one weight byte per step, scalar `mac` per element and pixel.
 */
import type { Precision } from '../../golden/layer.ts';
import type { Ctx } from './context.ts';

export const ACC = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'] as const;
const ACT = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'] as const;
const PW = ['s8', 's9', 's10', 's11'] as const;
const PA = ['gp', 'tp'] as const;
const CNT = 't4';

/** Accumulator register of channel f, pixel p in an F x P block. */
export function accReg(f: number, p: number, P: number): string {
  return ACC[f * P + p]!;
}

/** Weight elements consumed per inner-loop iteration (per filter). */
export function elemsPerIter(wBits: Precision): number {
  return wBits === 8 ? 4 : 32 / wBits;
}

/** The inner-loop body (one iteration) of an F x P block. */
export function innerBody(ctx: Ctx, F: number, P: number, wBits: Precision): string[] {
  const { fl } = ctx;
  const K = elemsPerIter(wBits) / 4; // activation words per pixel = 4-byte vectors per filter
  const act = (p: number, k: number): string => ACT[p * K + k]!;
  const body: string[] = [];
  if (wBits === 8) {
    const W = ['t0', 't1', 't2', 't3'];
    for (let p = 0; p < P; p++) body.push(fl.loadInc('lw', act(p, 0), PA[p]!, 4));
    for (let f = 0; f < F; f++) body.push(fl.loadInc('lw', W[f]!, PW[f]!, 4));
    for (let f = 0; f < F; f++) for (let p = 0; p < P; p++) body.push(fl.sdotusp(accReg(f, p, P), act(p, 0), W[f]!));
    return body;
  }
  const [W, V, T0, T1] = ['t0', 't1', 't2', 't3'];
  body.push(fl.loadInc('lw', W, PW[0]!, 4));
  for (let p = 0; p < P; p++) for (let k = 0; k < K; k++) body.push(fl.loadInc('lw', act(p, k), PA[p]!, 4));
  const o = (e: number): number => e * wBits;
  for (let f = 0; f < F; f++) {
    for (let k = 0; k < K; k++) {
      body.push(fl.extract(T0, W, wBits, o(4 * k)), fl.extract(T1, W, wBits, o(4 * k + 1)), fl.packLo(V, T1, T0));
      body.push(fl.extract(T0, W, wBits, o(4 * k + 2)), fl.extract(T1, W, wBits, o(4 * k + 3)));
      // The next filter's word, as soon as this one's last field is out.
      if (k === K - 1 && f + 1 < F) body.push(fl.loadInc('lw', W, PW[f + 1]!, 4));
      body.push(fl.packHi(V, T1, T0));
      for (let p = 0; p < P; p++) body.push(fl.sdotusp(accReg(f, p, P), act(p, k), V));
    }
  }
  return body;
}

/** One weight byte of the reduction leftover for every filter (loop body; the caller loops). */
function leftoverBody(ctx: Ctx, F: number, P: number, wBits: Precision): string[] {
  const { fl } = ctx;
  const E = 8 / wBits;
  const act = (p: number, j: number): string => ACT[p * E + j]!;
  const out: string[] = [];
  for (let p = 0; p < P; p++) for (let j = 0; j < E; j++) out.push(fl.loadInc('lbu', act(p, j), PA[p]!, 1));
  for (let f = 0; f < F; f++) {
    out.push(fl.loadInc('lb', 't0', PW[f]!, 1));
    for (let j = 0; j < E; j++) {
      let val = 't0';
      if (wBits !== 8) {
        out.push(fl.extract('t2', 't0', wBits, j * wBits));
        val = 't2';
      }
      for (let p = 0; p < P; p++) out.push(fl.mac(accReg(f, p, P), act(p, j), val));
    }
  }
  return out;
}

/**
 * The accumulation of one F x P block: pointers from the frame (WCUR, WROW, BUF, NUMCOL), accumulators
 * cleared, hardware inner loop, reduction leftover; leaves the accumulators in ACC and the next block's first
 * filter address in WCUR.
 */
export function matmulBlock(ctx: Ctx, F: number, P: number, tag: string): string[] {
  const wBits = ctx.cfg.wBits;
  const skip = ctx.label(`${tag}_noloop`);
  const left = ctx.label(`${tag}_left`);
  const noLeft = ctx.label(`${tag}_noleft`);
  const out: string[] = [ctx.ld(PW[0]!, 'WCUR'), ctx.ld('t0', 'WROW')];
  for (let f = 1; f < F; f++) out.push(`add ${PW[f]}, ${PW[f - 1]}, t0`);
  out.push(ctx.ld(PA[0]!, 'BUF'));
  if (P === 2) out.push(ctx.ld('t1', 'NUMCOL'), `add ${PA[1]}, ${PA[0]}, t1`);
  for (let f = 0; f < F; f++) for (let p = 0; p < P; p++) out.push(`li ${accReg(f, p, P)}, 0`);
  out.push(ctx.ld(CNT, 'NIT'), `beqz ${CNT}, ${skip}`);
  out.push(...ctx.fl.hwloop(0, CNT, ctx.label(`${tag}_inner`), innerBody(ctx, F, P, wBits)));
  out.push(`${skip}:`, ctx.ld(CNT, 'LEFTB'), `beqz ${CNT}, ${noLeft}`, `${left}:`);
  out.push(...leftoverBody(ctx, F, P, wBits), `addi ${CNT}, ${CNT}, -1`, `bnez ${CNT}, ${left}`);
  // Filter rows are back to back: the last filter's pointer, one row on, is the next block's first row.
  out.push(`${noLeft}:`, ctx.st(PW[F - 1]!, 'WCUR'));
  return out;
}
