/**
 * The XpulpNN variant of the 4- and 2-bit-weight kernels (facts/pulp-nn-mixed.md §10a "XpulpNN", §10b, §10c item 1):
 * the MatMul runs the nibble / crumb dot products (`pv.sdotusp.n`, `pv.sdotusp.c`: unsigned activation lanes times
 * signed weight lanes) on the packed weights as they are in memory, so the inner loop unpacks nothing. im2col
 * brings the activations to the weights' lane width, unpacking only where the precisions differ:
 *
 * | in x w | column in the im2col buffer                    | inner loop, 4 x 2 block        | MACs |
 * |--------|------------------------------------------------|--------------------------------|------|
 * | 4 x 4  | the packed nibbles, copied                     | 2 + 4 loads, 8 `sdotusp.n`     | 64   |
 * | 2 x 4  | crumbs widened to nibbles (zero-extended)      | 2 + 4 loads, 8 `sdotusp.n`     | 64   |
 * | 2 x 2  | the packed crumbs, copied                      | 2 + 4 loads, 8 `sdotusp.c`     | 128  |
 * | 4 x 2  | two crumb planes, a = 4*hi + lo                | 4 + 4 loads, 8 + 32 `sdotusp.c` | 128 |
 *
 * 4 x 2: a 4-bit activation does not fit a crumb lane, so im2col splits it into its low and high crumbs (two
 * planes of the column) and the MatMul adds the high plane's dot product four times (acc += lo.w + 4 * hi.w), which
 * keeps the 8 accumulators of the 4 x 2 block. 8-bit activations fit no sub-byte lane: those kernels keep the
 * 8-bit path (the library's XpulpNN unpacks the weights to 8 bits there, which is the baseline).
 *
 * Each column (plane) is zero-padded to whole words, so the inner loop has no reduction leftover: the padding's
 * zero activations meet whatever follows the filter row in memory (the next row, or the next block) and add 0.
 * A column takes COLB bytes (PB per plane, one or two planes); both of a pixel pair's columns sit in the core's
 * 2*kh*kw*cin-byte im2col buffer (`xpulpnnLimits` checks they fit).
 *
 * The extension exists in RI5CY's encoding only (rtl/isa/xpulpnn.ts), so the variant is `xpulpv2` flavour only.
 */
import type { LayerSpec, Precision } from '../../golden/layer.ts';
import { type Ctx, type KernelConfig } from './context.ts';
import { widenCopy } from './im2col.ts';
import { ACC, accReg } from './matmul.ts';

/** How im2col lays out a column for the variant. */
export type ColumnMode = 'copy' | 'widen' | 'planes';

export interface NnPlan {
  /** Lane width of the dot products: the weights' precision. */
  lane: 4 | 2;
  mode: ColumnMode;
  /** Planes per column (2 for 4-bit activations on crumb lanes). */
  planes: 1 | 2;
  /** Weight (= activation) lanes per 32-bit word. */
  lanesPerWord: number;
}

/** Why a precision triple / flavour has no XpulpNN variant (undefined when it has one). */
export function xpulpnnRefusal(cfg: Pick<KernelConfig, 'inBits' | 'wBits' | 'flavour'>): string | undefined {
  if (cfg.wBits === 8) return `the XpulpNN variant is for 4- and 2-bit weights; ${cfg.wBits}-bit weights use the 8-bit SIMD kernel`;
  if (cfg.inBits === 8) return `8-bit activations fit no nibble/crumb lane: the XpulpNN variant needs 4- or 2-bit activations`;
  if (cfg.flavour !== 'xpulpv2') return `the XpulpNN instructions exist in the xpulpv2 (RI5CY) encoding only, not ${cfg.flavour}`;
  return undefined;
}

export function nnPlan(inBits: Precision, wBits: Precision): NnPlan {
  const lane = wBits === 4 ? 4 : 2;
  const mode: ColumnMode = inBits === wBits ? 'copy' : inBits < wBits ? 'widen' : 'planes';
  return { lane, mode, planes: mode === 'planes' ? 2 : 1, lanesPerWord: 32 / lane };
}

/** Bytes of one plane of a padded column of `k` elements. */
export function planeBytes(k: number, lane: 4 | 2): number {
  return Math.ceil((k * lane) / 32) * 4;
}

/** Why the variant cannot run a layer (beyond the baseline's `layerLimits`). */
export function xpulpnnLimits(spec: LayerSpec): string[] {
  const out: string[] = [];
  const p = nnPlan(spec.ifmap.bits, spec.weights.bits);
  const k = spec.weights.kh * spec.weights.kw * spec.ifmap.c;
  // A tap of a crumb plane must be whole bytes: cin crumbs.
  if (p.mode === 'planes' && spec.ifmap.c % 4 !== 0) out.push(`XpulpNN 4-bit activations x 2-bit weights: ifmap.c (${spec.ifmap.c}) must be a multiple of 4 (crumb planes)`);
  const colb = p.planes * planeBytes(k, p.lane);
  if (colb > k) out.push(`XpulpNN: a padded column takes ${colb} bytes, more than the ${k} bytes per pixel of the im2col buffer (kh*kw*cin too small)`);
  return out;
}

const log2 = (n: number): number => Math.log2(n);

/** Frame values the variant adds after the baseline's (`derived` in conv.ts): NIT, LEFTB = pad bytes, PB, COLB. */
export function nnDerived(ctx: Ctx): string[] {
  const p = nnPlan(ctx.cfg.inBits, ctx.cfg.wBits);
  const L = p.lanesPerWord;
  return [
    ctx.ld('t3', 'NUMCOL'),
    `addi t4, t3, ${L - 1}`, `srli t4, t4, ${log2(L)}`, ctx.st('t4', 'NIT'),
    'slli t5, t4, 2', ctx.st('t5', 'PB'),
    // zero bytes after a plane's data: PB - k*lane/8
    `srli t6, t3, ${log2(8 / p.lane)}`, 'sub t6, t5, t6', ctx.st('t6', 'LEFTB'),
    ...(p.planes === 2 ? ['slli t5, t5, 1'] : []),
    ctx.st('t5', 'COLB'),
  ];
}

/** Writes `n` (register, clobbered) zero bytes at each pointer of `ptrs`, advancing them. Uses t3. */
function zeroBytes(ctx: Ctx, n: string, ptrs: readonly string[]): string[] {
  const { fl } = ctx;
  const words = ctx.label('nzw');
  const bytes = ctx.label('nzb');
  const tail = ctx.label('nzt');
  const done = ctx.label('nzd');
  return [
    `srli t3, ${n}, 2`,
    `andi ${n}, ${n}, 3`,
    `beqz t3, ${tail}`,
    `${words}:`,
    ...ptrs.map((p) => fl.storeInc('sw', 'zero', p, 4)),
    'addi t3, t3, -1',
    `bnez t3, ${words}`,
    `${tail}:`,
    `beqz ${n}, ${done}`,
    `${bytes}:`,
    ...ptrs.map((p) => fl.storeInc('sb', 'zero', p, 1)),
    `addi ${n}, ${n}, -1`,
    `bnez ${n}, ${bytes}`,
    `${done}:`,
  ];
}

/**
 * a5 source bytes of 2-bit activations from a6 to a0 as nibbles (one source byte, 4 crumbs, to one halfword).
 * The next byte is loaded two instructions before its first use (no load-use stall); the loop reads one byte
 * past the run. Uses t3, t5, t6; keeps a5.
 */
function widenCrumbs(ctx: Ctx): string[] {
  const { fl } = ctx;
  const skip = ctx.label('nw_skip');
  const body = [
    fl.extractu('t6', 't5', 2, 0),
    fl.extractu('t3', 't5', 2, 2), fl.insert('t6', 't3', 2, 4),
    fl.extractu('t3', 't5', 2, 4), fl.insert('t6', 't3', 2, 8),
    fl.extractu('t3', 't5', 2, 6),
    fl.loadInc('lbu', 't5', 'a6', 1),
    fl.insert('t6', 't3', 2, 12),
    fl.storeInc('sh', 't6', 'a0', 2),
  ];
  return [`beqz a5, ${skip}`, fl.loadInc('lbu', 't5', 'a6', 1), ...fl.hwloop(0, 'a5', ctx.label('nw_loop'), body), `${skip}:`];
}

/**
 * a5 source bytes of 4-bit activations from a6 split into the low-crumb plane (a0) and the high-crumb plane (s10):
 * one halfword (4 nibbles) to one byte of each. Uses t3, t5, t6, a7, s11; keeps a5 (even: cin is a multiple of 4).
 */
function splitNibbles(ctx: Ctx): string[] {
  const { fl } = ctx;
  const skip = ctx.label('ns_skip');
  const body = [
    fl.extractu('t6', 't5', 2, 0),
    fl.extractu('t3', 't5', 2, 4), fl.insert('t6', 't3', 2, 2),
    fl.extractu('t3', 't5', 2, 8), fl.insert('t6', 't3', 2, 4),
    fl.extractu('t3', 't5', 2, 12), fl.insert('t6', 't3', 2, 6),
    fl.extractu('a7', 't5', 2, 2),
    fl.extractu('t3', 't5', 2, 6), fl.insert('a7', 't3', 2, 2),
    fl.extractu('t3', 't5', 2, 10), fl.insert('a7', 't3', 2, 4),
    fl.extractu('t3', 't5', 2, 14),
    fl.loadInc('lhu', 't5', 'a6', 2),
    fl.insert('a7', 't3', 2, 6),
    fl.storeInc('sb', 't6', 'a0', 1),
    fl.storeInc('sb', 'a7', 's10', 1),
  ];
  return [`beqz a5, ${skip}`, 'srli s11, a5, 1', fl.loadInc('lhu', 't5', 'a6', 2), ...fl.hwloop(0, 's11', ctx.label('ns_loop'), body), `${skip}:`];
}

/**
 * The variant's im2col routine (same interface as im2col.ts: a0 = column, a1 = iy0, a2 = ix0; returns a0 just past
 * the column, COLB bytes on). Per kernel row: lz zero taps, the in-image run converted, rz zero taps (bytes of the
 * column's lane width per plane); then the plane's zero padding to whole words.
 */
export function nnIm2colRoutine(ctx: Ctx): string[] {
  const { fl } = ctx;
  const { inBits } = ctx.cfg;
  const p = nnPlan(inBits, ctx.cfg.wBits);
  const ptrs = p.planes === 2 ? ['a0', 's10'] : ['a0'];
  const ky = ctx.fixed('im2col_ky');
  const kyZero = ctx.fixed('im2col_ky_zero');
  const kyNext = ctx.fixed('im2col_ky_next');
  const convert = p.mode === 'copy' ? widenCopy(ctx, 8) : p.mode === 'widen' ? widenCrumbs(ctx) : splitNibbles(ctx);
  return [
    `${ctx.fixed('im2col')}:`,
    ctx.ld('t0', 'KW'),
    ctx.ld('t1', 'W'),
    ctx.ld('t2', 'CIN'),
    'neg a3, a2',
    fl.max('a3', 'a3', 'zero'),
    fl.min('a3', 'a3', 't0'),
    'add a4, a2, t0',
    'sub a4, a4, t1',
    fl.max('a4', 'a4', 'zero'),
    fl.min('a4', 'a4', 't0'),
    'add s0, a2, a3',
    ctx.ld('t3', 'INPIX'),
    'mul s0, s0, t3',
    // mid taps -> source bytes (a5); lz, rz taps -> bytes per plane (a3, a4); a whole row (s5)
    'sub a5, t0, a3',
    'sub a5, a5, a4',
    'mul a5, a5, t3',
    `srli s9, t2, ${log2(8 / p.lane)}`,
    'mul a3, a3, s9',
    'mul a4, a4, s9',
    'mul s5, t0, s9',
    ctx.ld('s6', 'INROW'),
    'mul s1, a1, s6',
    'add s1, s1, s0',
    ctx.ld('t3', 'XBASE'),
    'add s1, s1, t3',
    ctx.ld('s2', 'KH'),
    'mv s3, a1',
    ctx.ld('s4', 'H'),
    ...(p.planes === 2 ? [ctx.ld('s10', 'PB'), 'add s10, s10, a0'] : []),
    `${ky}:`,
    `bgeu s3, s4, ${kyZero}`,
    'mv a6, s1',
    'mv s8, a3',
    ...zeroBytes(ctx, 's8', ptrs),
    ...convert,
    'mv s8, a4',
    ...zeroBytes(ctx, 's8', ptrs),
    `j ${kyNext}`,
    `${kyZero}:`,
    'mv s8, s5',
    ...zeroBytes(ctx, 's8', ptrs),
    `${kyNext}:`,
    'addi s3, s3, 1',
    'add s1, s1, s6',
    'addi s2, s2, -1',
    `bnez s2, ${ky}`,
    ctx.ld('s8', 'LEFTB'),
    ...zeroBytes(ctx, 's8', ptrs),
    // past the high plane too
    ...(p.planes === 2 ? [ctx.ld('t3', 'PB'), 'add a0, a0, t3'] : []),
    'ret',
  ];
}

const ACT = ['a0', 'a1', 'a2', 'a3'] as const;
const WREG = ['t0', 't1', 't2', 't3'] as const;
const PW = ['s8', 's9', 's10', 's11'] as const;
/** Column pointers of pixel 0 and 1; the high planes' in t5, t6. */
const PA = ['gp', 'tp'] as const;
const PH = ['t5', 't6'] as const;
const CNT = 't4';

/** Instructions of one inner-loop iteration of an F x P block (for tests and documentation). */
export function nnInnerBody(ctx: Ctx, F: number, P: number): string[] {
  const p = nnPlan(ctx.cfg.inBits, ctx.cfg.wBits);
  const op = `pv.sdotusp.${p.lane === 4 ? 'n' : 'c'}`;
  const { fl } = ctx;
  const body: string[] = [];
  // Weights first, then activations: with 2 or more loads between a load and its use, no load-use stall in the
  // 4 x 2 block (the small leftover blocks may wait a cycle).
  for (let f = 0; f < F; f++) body.push(fl.loadInc('lw', WREG[f]!, PW[f]!, 4));
  for (let q = 0; q < P; q++) {
    body.push(fl.loadInc('lw', ACT[2 * q]!, PA[q]!, 4));
    if (p.planes === 2) body.push(fl.loadInc('lw', ACT[2 * q + 1]!, PH[q]!, 4));
  }
  for (let f = 0; f < F; f++) {
    for (let q = 0; q < P; q++) {
      const acc = accReg(f, q, P);
      body.push(`${op} ${acc}, ${ACT[2 * q]}, ${WREG[f]}`);
      if (p.planes === 2) for (let r = 0; r < 4; r++) body.push(`${op} ${acc}, ${ACT[2 * q + 1]}, ${WREG[f]}`);
    }
  }
  return body;
}

/**
 * The accumulation of one F x P block for the variant (same contract as matmul.ts `matmulBlock`): accumulators in
 * ACC, WCUR advanced by F filter rows. The loop runs NIT times (whole padded words, NIT >= 1 as kh*kw*cin >= 1).
 */
export function nnMatmulBlock(ctx: Ctx, F: number, P: number, tag: string): string[] {
  const p = nnPlan(ctx.cfg.inBits, ctx.cfg.wBits);
  const out: string[] = [ctx.ld(PW[0]!, 'WCUR'), ctx.ld('t0', 'WROW')];
  for (let f = 1; f < F; f++) out.push(`add ${PW[f]}, ${PW[f - 1]}, t0`);
  // Filter rows are back to back; the loop's pointers overrun a row by the column's padding, so the next
  // block's first row is computed here.
  out.push(`add t1, ${PW[F - 1]}, t0`, ctx.st('t1', 'WCUR'));
  out.push(ctx.ld(PA[0]!, 'BUF'));
  if (P === 2) out.push(ctx.ld('t1', 'COLB'), `add ${PA[1]}, ${PA[0]}, t1`);
  if (p.planes === 2) {
    out.push(ctx.ld('t2', 'PB'));
    for (let q = 0; q < P; q++) out.push(`add ${PH[q]}, ${PA[q]}, t2`);
  }
  for (let f = 0; f < F; f++) for (let q = 0; q < P; q++) out.push(`li ${accReg(f, q, P)}, 0`);
  out.push(ctx.ld(CNT, 'NIT'));
  out.push(...ctx.fl.hwloop(0, CNT, ctx.label(`${tag}_inner`), nnInnerBody(ctx, F, P)));
  return out;
}

export { ACC };
