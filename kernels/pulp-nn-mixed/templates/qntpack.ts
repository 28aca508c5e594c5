/**
 * QntPack by output precision (CF'20 §2.2/§3, facts/pulp-nn-mixed.md §6): the F x P accumulators of a block
 * become packed output bytes at POUT (pixel 0) and POUT + OUTPIX (pixel 1).
 *
 * - 8-bit: y = clip((kappa[c]*acc + lambda[c]) >> shift, 0, 255): `mul`, `add`, `sra`, `clipu` per output,
 *   kappa and lambda loaded once per channel and shared by both pixels (facts §6a; the golden model's
 *   requantisation, kernels/golden/conv.ts).
 * - 4-/2-bit: y = #{k : acc > T[k]} found by a nested if-else binary search over the channel's int16
 *   thresholds (CF'20 §4.1; facts §6b): a balanced tree branching on `acc <= T[mid]`, 4 comparisons for
 *   4-bit (T[7], then T[3]/T[11], ...) and 2 for 2-bit (T[1], then T[0]/T[2]). Thresholds are stored with a
 *   16- / 4-entry stride per channel (2^b - 1 used, one pad). The 2-bit tree (3 nodes, 4 leaves) is inlined
 *   per output, comparing the accumulator register directly; the 4-bit tree (15 nodes, 16 leaves) is one
 *   routine called per output (a0 = acc, a1 = the channel's thresholds, result a2, temp a3), so that its code
 *   exists once: 8 inlined copies per block would be about 500 instructions of the I$'s working set. The
 *   call costs 4 instructions per output (mv, addi, jal, ret); CF'20 Table 1 has 16.64 cycles per 4-bit
 *   output against 8.02 for 2-bit.
 * - Packing: LSB-first with `insert` (4-bit: channel 2m+1 into bits 7:4; 2-bit: channels 4m+1..3 into bits
 *   3:2, 5:4, 7:6), one byte store per full byte (facts §3, §6a).
 */
import type { Precision } from '../../golden/layer.ts';
import { type Ctx, perByte } from './context.ts';
import { accReg } from './matmul.ts';

/** Bytes between two channels' thresholds: 16 int16 for 4-bit outputs, 4 for 2-bit (facts §3). */
export function thresholdStride(outBits: Precision): number {
  return 2 * (1 << outBits);
}

/**
 * An inlined binary search: result = #{k : acc > T[k]} with T[k] the int16 at `off + 2k` from `base`.
 * Clobbers `tmp`.
 */
function inlineTree(ctx: Ctx, bits: Precision, acc: string, base: string, off: number, result: string, tmp: string): string[] {
  const done = ctx.label('qt_done');
  const out: string[] = [];
  let lastLeaf = -1;
  const node = (lo: number, hi: number): void => {
    if (lo === hi) {
      out.push(`li ${result}, ${lo}`, `j ${done}`);
      lastLeaf = out.length - 1;
      return;
    }
    const mid = (lo + hi) >> 1;
    const left = ctx.label(`qt_le${mid}`);
    out.push(`lh ${tmp}, ${off + 2 * mid}(${base})`, `bge ${tmp}, ${acc}, ${left}`);
    node(mid + 1, hi);
    out.push(`${left}:`);
    node(lo, mid);
  };
  node(0, (1 << bits) - 1);
  // The last leaf falls through to the end.
  out.splice(lastLeaf, 1);
  out.push(`${done}:`);
  return out;
}

/** Whether the threshold search is inlined (2-bit) or a called routine (4-bit). */
export function treeInlined(outBits: Precision): boolean {
  return outBits === 2;
}

/** The binary-search routine for 4-bit outputs (nothing for the others). */
export function thresholdTree(ctx: Ctx): string[] {
  const bits = ctx.cfg.outBits;
  if (bits === 8 || treeInlined(bits)) return [];
  const out: string[] = [`${ctx.fixed('qnt_tree')}:`];
  const node = (lo: number, hi: number): void => {
    if (lo === hi) {
      out.push(`li a2, ${lo}`, 'ret');
      return;
    }
    const mid = (lo + hi) >> 1;
    const left = ctx.label(`qt_le${mid}`);
    // acc <= T[mid]: the result is in [lo, mid]; otherwise in [mid + 1, hi].
    out.push(`lh a3, ${2 * mid}(a1)`, `bge a3, a0, ${left}`);
    node(mid + 1, hi);
    out.push(`${left}:`);
    node(lo, mid);
  };
  node(0, (1 << bits) - 1);
  return out;
}

/** Quantizes and stores the F x P block in ACC, then advances POUT and the parameter pointers. */
export function qntPack(ctx: Ctx, F: number, P: number): string[] {
  const { fl } = ctx;
  const bits = ctx.cfg.outBits;
  const o = ['t5', 't6'];
  // qnt_<n>_begin / qnt_<n>_end delimit the code for profiles (Table 1 of CF'20 is QntPack cost per output).
  const tag = ctx.label('qnt');
  const out: string[] = [`${tag}_begin:`, ctx.ld(o[0]!, 'POUT')];
  if (P === 2) out.push(ctx.ld('t0', 'OUTPIX'), `add ${o[1]}, ${o[0]}, t0`);
  if (bits === 8) {
    out.push(ctx.ld('a5', 'QA'), ctx.ld('a6', 'QB'), ctx.ld('a7', 'SHIFT'));
    for (let f = 0; f < F; f++) {
      out.push(`lw a0, ${4 * f}(a5)`, `lw a1, ${4 * f}(a6)`);
      for (let p = 0; p < P; p++) {
        out.push(`mul a2, ${accReg(f, p, P)}, a0`, 'add a2, a2, a1', 'sra a2, a2, a7', fl.clipu('a2', 'a2', 9), `sb a2, ${f}(${o[p]})`);
      }
    }
    out.push(`addi a5, a5, ${4 * F}`, ctx.st('a5', 'QA'), `addi a6, a6, ${4 * F}`, ctx.st('a6', 'QB'), `addi ${o[0]}, ${o[0]}, ${F}`, ctx.st(o[0]!, 'POUT'));
    out.push(`${tag}_end:`);
    return out;
  }
  const per = perByte(bits);
  if (F % per !== 0) throw new Error(`QntPack: a block of ${F} channels does not fill whole ${bits}-bit output bytes`);
  const stride = thresholdStride(bits);
  out.push(ctx.ld('a5', 'QA'));
  for (let p = 0; p < P; p++) {
    for (let f = 0; f < F; f++) {
      if (treeInlined(bits)) out.push(...inlineTree(ctx, bits, accReg(f, p, P), 'a5', f * stride, 'a2', 'a3'));
      else out.push(`mv a0, ${accReg(f, p, P)}`, f === 0 ? 'mv a1, a5' : `addi a1, a5, ${f * stride}`, `jal ra, ${ctx.fixed('qnt_tree')}`);
      const slot = f % per;
      out.push(slot === 0 ? 'mv a4, a2' : fl.insert('a4', 'a2', bits, slot * bits));
      if (slot === per - 1) out.push(`sb a4, ${Math.floor(f / per)}(${o[p]})`);
    }
  }
  out.push(`addi a5, a5, ${F * stride}`, ctx.st('a5', 'QA'), `addi ${o[0]}, ${o[0]}, ${(F * bits) / 8}`, ctx.st(o[0]!, 'POUT'));
  out.push(`${tag}_end:`);
  return out;
}
