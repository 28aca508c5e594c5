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
 *   16- / 4-entry stride per channel (2^b - 1 used, one pad). A block is quantized channel by channel, both
 *   pixels of a channel sharing its thresholds, which are loaded ahead of the comparisons that use them (a
 *   comparison right after its threshold's `lh` would cost RI5CY a load-use stall per tree level). The 2-bit
 *   tree (3 nodes, 4 leaves) is inlined per output over the channel's 3 thresholds held in registers; the
 *   4-bit tree (15 nodes, 16 leaves) is one routine called per output, with the top 3 thresholds loaded by
 *   the caller per channel and each node loading its children's, so that its code exists once: 8 inlined
 *   copies per block would be about 500 instructions of the I$'s working set. The call costs 3 instructions
 *   per output (mv, jal, ret); CF'20 Table 1 has 16.64 cycles per 4-bit output against 8.02 for 2-bit.
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
 * The binary search over thresholds already in registers: result = #{k : acc > T[k]}, `thr[k]` the register
 * holding T[k]. No loads, so no load-use stall: the caller loads a channel's thresholds once for both pixels.
 */
function inlineTree(ctx: Ctx, bits: Precision, acc: string, thr: readonly string[], result: string): string[] {
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
    out.push(`bge ${thr[mid]}, ${acc}, ${left}`);
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

/** The registers of the 2-bit tree's thresholds T0, T1, T2, loaded once per channel. */
const THR2 = ['a1', 'a0', 'a6'] as const;
/** The 4-bit routine's root and its children, T7, T3, T11, loaded once per channel by the caller. */
const TOP4 = { root: 't0', left: 't1', right: 't2' } as const;
/** The routine's temporaries: the children of a depth-1 node, then those of a depth-2 node. */
const PAIRS4 = [['a3', 'a6'], ['t3', 't4']] as const;

/**
 * The binary-search routine for 4-bit outputs (nothing for the others): a0 = acc, a1 = the channel's thresholds,
 * T7 / T3 / T11 in t0 / t1 / t2; result in a2; clobbers a3, a6, t3, t4. Every node loads both of its children's
 * thresholds before it branches, so no comparison waits for the load just before it (RI5CY's load-use stall):
 * 2 loads and a branch per level below the top two, 10 instructions per output on every path.
 */
export function thresholdTree(ctx: Ctx): string[] {
  const bits = ctx.cfg.outBits;
  if (bits === 8 || treeInlined(bits)) return [];
  const out: string[] = [`${ctx.fixed('qnt_tree')}:`];
  const node = (lo: number, hi: number, reg: string, depth: number, children?: [string, string]): void => {
    if (lo === hi) {
      out.push(`li a2, ${lo}`, 'ret');
      return;
    }
    const mid = (lo + hi) >> 1;
    const kids: Array<[number, number]> = [[lo, mid], [mid + 1, hi]];
    let regs = children;
    if (!regs && kids.some(([a, b]) => a < b)) {
      const pair = PAIRS4[depth - 1];
      if (!pair) throw new Error(`threshold tree deeper than its temporaries (depth ${depth})`);
      regs = [pair[0], pair[1]];
      kids.forEach(([a, b], i) => {
        if (a < b) out.push(`lh ${regs![i]}, ${2 * ((a + b) >> 1)}(a1)`);
      });
    }
    const left = ctx.label(`qt_le${mid}`);
    // acc <= T[mid]: the result is in [lo, mid]; otherwise in [mid + 1, hi].
    out.push(`bge ${reg}, a0, ${left}`);
    node(mid + 1, hi, regs ? regs[1] : '', depth + 1);
    out.push(`${left}:`);
    node(lo, mid, regs ? regs[0] : '', depth + 1);
  };
  node(0, (1 << bits) - 1, TOP4.root, 0, [TOP4.left, TOP4.right]);
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
  // Channel by channel, both pixels: the channel's thresholds are loaded once and shared; each pixel packs its
  // outputs in its own byte register.
  const pack = ['a4', 'a7'];
  out.push(ctx.ld('a5', 'QA'));
  for (let f = 0; f < F; f++) {
    const off = f * stride;
    if (treeInlined(bits)) {
      // T1 first: the tree's first comparison is two instructions after its load.
      out.push(`lh ${THR2[1]}, ${off + 2}(a5)`, `lh ${THR2[0]}, ${off}(a5)`, `lh ${THR2[2]}, ${off + 4}(a5)`);
    } else {
      out.push(f === 0 ? 'mv a1, a5' : `addi a1, a5, ${off}`, `lh ${TOP4.root}, 14(a1)`, `lh ${TOP4.left}, 6(a1)`, `lh ${TOP4.right}, 22(a1)`);
    }
    for (let p = 0; p < P; p++) {
      if (treeInlined(bits)) out.push(...inlineTree(ctx, bits, accReg(f, p, P), THR2, 'a2'));
      else out.push(`mv a0, ${accReg(f, p, P)}`, `jal ra, ${ctx.fixed('qnt_tree')}`);
      const slot = f % per;
      out.push(slot === 0 ? `mv ${pack[p]}, a2` : fl.insert(pack[p]!, 'a2', bits, slot * bits));
      if (slot === per - 1) out.push(`sb ${pack[p]}, ${Math.floor(f / per)}(${o[p]})`);
    }
  }
  out.push(`addi a5, a5, ${F * stride}`, ctx.st('a5', 'QA'), `addi ${o[0]}, ${o[0]}, ${(F * bits) / 8}`, ctx.st(o[0]!, 'POUT'));
  out.push(`${tag}_end:`);
  return out;
}
