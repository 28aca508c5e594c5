/**
 * Seeded generator of test layers for any precision triple and shape.
 *
 * Randomness: mulberry32, a 32-bit-state generator (one add of 0x6D2B79F5 per draw, then
 * an xorshift-multiply mix). Chosen because it is tiny, fast in plain integer JS, and its
 * whole state is the seed, so a layer is reproduced from (options, seed) alone, on any
 * platform. It is not a cryptographic generator and need not be.
 *
 * Draw order (part of the reproducibility contract): x in HWC order, then w in
 * [cout][kh][kw][cin] order, then the quantisation parameters.
 *
 * Quantisation parameters are fitted to the layer's own accumulators, so outputs use many
 * levels rather than saturating:
 * - 8-bit: per channel, the 2nd..98th percentile of acc is mapped onto roughly [0, 255]
 *   with one per-layer shift (as the kernels take one out_shift, facts §3) and a
 *   per-channel kappa; kappa*acc stays below 2^30 in magnitude for the observed acc, so the
 *   generated layers do not depend on int32 wrap-around.
 * - 4/2-bit: the 2^b-1 thresholds are the accumulator quantiles at k/2^b (so each level
 *   holds about the same share), taken among the values representable in int16. Where acc
 *   mostly lies outside int16 (8-bit x and w over long windows), the outer levels collect
 *   the rest: the int16 threshold format (facts §3) cannot do better.
 */
import { convAccumulators } from './conv.ts';
import { thresholdCount, validateSpec, type Layer, type LayerSpec, type Precision } from './layer.ts';

export { packBits, unpackBits, packChannels, channelConstraint } from './pack.ts';

export interface GenerateOptions {
  inBits: Precision;
  wBits: Precision;
  outBits: Precision;
  h: number;
  w: number;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number;
  padding: number;
  seed: number;
}

export interface LayerShape {
  h: number;
  w: number;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number;
  padding: number;
}

/**
 * The CF'20 "Reference Layer": 32x16x16 ifmaps, 64x16x16 ofmaps, 3x3 filters (an im2col
 * column of 288 = 3*3*32). Same-size output with a 3x3 kernel implies padding 1, stride 1.
 */
export function referenceLayerShape(): LayerShape {
  return { h: 16, w: 16, cin: 32, cout: 64, kh: 3, kw: 3, stride: 1, padding: 1 };
}

/** mulberry32: returns a function yielding uniform uint32 values. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform integer in [lo, hi] (inclusive); the tiny modulo bias is irrelevant here. */
function uniformInt(next: () => number, lo: number, hi: number): number {
  return lo + Math.floor((next() / 2 ** 32) * (hi - lo + 1));
}

function channelValues(acc: Int32Array, cout: number, c: number): number[] {
  const v: number[] = [];
  for (let i = c; i < acc.length; i += cout) v.push(acc[i]!);
  return v.sort((a, b) => a - b);
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))]!;
}

const I16_MIN = -32768;
const I16_MAX = 32767;
const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

function fitThresholds(acc: Int32Array, cout: number, bits: Precision): Int16Array {
  const n = thresholdCount(bits);
  const levels = n + 1;
  const thr = new Int16Array(cout * n);
  for (let c = 0; c < cout; c++) {
    const inRange = channelValues(acc, cout, c).filter((v) => v >= I16_MIN && v <= I16_MAX);
    for (let k = 0; k < n; k++) {
      thr[c * n + k] =
        inRange.length > 0
          ? quantile(inRange, (k + 1) / levels)
          : I16_MIN + Math.round(((k + 1) * (I16_MAX - I16_MIN)) / levels);
    }
  }
  return thr;
}

function fitRequant(acc: Int32Array, cout: number, next: () => number): { kappa: Int32Array; lambda: Int32Array; shift: number } {
  const lo: number[] = [];
  const span: number[] = [];
  const maxAbs: number[] = [];
  for (let c = 0; c < cout; c++) {
    const v = channelValues(acc, cout, c);
    lo.push(quantile(v, 0.02));
    span.push(Math.max(1, quantile(v, 0.98) - quantile(v, 0.02)));
    maxAbs.push(Math.max(1, Math.abs(v[0]!), Math.abs(v[v.length - 1]!)));
  }
  const median = [...span].sort((a, b) => a - b)[Math.floor(cout / 2)]!;
  // One shift per layer, picked so a typical channel gets a kappa around 64..255 (the
  // library's generator draws kappa from [0, 256), facts §6c).
  const kTarget = uniformInt(next, 64, 255);
  const shift = Math.min(31, Math.max(0, Math.floor(Math.log2((kTarget * median) / 256))));
  const kappa = new Int32Array(cout);
  const lambda = new Int32Array(cout);
  for (let c = 0; c < cout; c++) {
    const kMax = Math.max(1, Math.floor(2 ** 30 / maxAbs[c]!));
    const k = Math.min(kMax, Math.max(1, Math.round((256 * 2 ** shift) / span[c]!)));
    const jitter = uniformInt(next, 0, 2 ** shift - 1);
    kappa[c] = k;
    lambda[c] = Math.min(I32_MAX, Math.max(I32_MIN, -k * lo[c]! + jitter));
  }
  return { kappa, lambda, shift };
}

/** A valid random layer; deterministic in its options (seed included). */
export function generateLayer(opts: GenerateOptions): Layer {
  const raw = {
    ifmap: { h: opts.h, w: opts.w, c: opts.cin, bits: opts.inBits },
    weights: { kh: opts.kh, kw: opts.kw, bits: opts.wBits },
    ofmap: { c: opts.cout, bits: opts.outBits },
    stride: opts.stride,
    padding: opts.padding,
    ...(opts.outBits === 8 ? { shift: 0 } : {}),
  };
  const spec: LayerSpec = validateSpec(raw, '<generateLayer options>');
  if (!Number.isInteger(opts.seed)) throw new Error(`<generateLayer options>: seed: expected an integer, got ${opts.seed}`);
  const next = mulberry32(opts.seed);
  const x = new Uint8Array(opts.h * opts.w * opts.cin);
  for (let i = 0; i < x.length; i++) x[i] = uniformInt(next, 0, (1 << opts.inBits) - 1);
  const half = 1 << (opts.wBits - 1);
  const w = new Int8Array(opts.cout * opts.kh * opts.kw * opts.cin);
  for (let i = 0; i < w.length; i++) w[i] = uniformInt(next, -half, half - 1);
  const layer: Layer = { spec, x, w };
  const acc = convAccumulators(layer);
  if (opts.outBits === 8) {
    const { kappa, lambda, shift } = fitRequant(acc, opts.cout, next);
    layer.kappa = kappa;
    layer.lambda = lambda;
    spec.shift = shift;
  } else {
    layer.thresholds = fitThresholds(acc, opts.cout, opts.outBits);
  }
  return layer;
}
