/**
 * How a Layer sits in memory for the kernels: packed tensors, quantisation parameters, output and im2col
 * buffers, and the descriptor that points at them. Everything the kernel reads or writes must fit the
 * cluster's L1 (TCDM); `layerLimits` says which limit a layer breaks before anything runs.
 *
 * - ifmap: HWC, LSB-first sub-byte packing (facts §3); weights [cout][kh][kw][cin] packed the same way, each
 *   filter row kh*kw*cin*wbits/8 bytes, rows back to back.
 * - 8-bit outputs: kappa and lambda, int32 per channel. 4-/2-bit outputs: int16 thresholds, 2^b - 1 per
 *   channel followed by one 0 pad (a stride of 16 / 4 entries, facts §3).
 * - im2col: 2*kh*kw*cin bytes per core.
 * Every block starts on a word boundary.
 */
import { gap8Cluster } from '../../rtl/config/index.ts';
import { outputShape, thresholdCount, type Layer, type LayerSpec } from '../golden/layer.ts';
import { kernelConstraints, packChannels } from '../golden/pack.ts';
import { type Descriptor, DESCRIPTOR_BYTES, encodeDescriptor } from './descriptor.ts';

/** GAP-8's TCDM: 16 banks of 1024 words (rtl/config gap8Cluster). */
export const DEFAULT_L1_BYTES = gap8Cluster.tcdm.banks * gap8Cluster.tcdm.bankWords * 4;

export interface PlacementOptions {
  /** Address of the first byte of the data (descriptor first). */
  base: number;
  /** Cores the im2col buffers are sized for. */
  cores: number;
  /** The L1 the data must fit (default GAP-8's 64 KiB TCDM). */
  l1Bytes?: number;
}

export interface Block {
  name: 'descriptor' | 'x' | 'w' | 'qa' | 'qb' | 'y' | 'im2col';
  addr: number;
  bytes: Uint8Array;
}

export interface LayerImage {
  descriptorAddr: number;
  descriptor: Descriptor;
  blocks: Block[];
  outAddr: number;
  outBytes: number;
  /** Total bytes from base to the end of the last block. */
  totalBytes: number;
}

export class LayerLimitError extends Error {
  constructor(readonly reasons: string[]) {
    super(`the kernels cannot run this layer: ${reasons.join('; ')}`);
    this.name = 'LayerLimitError';
  }
}

const align4 = (n: number): number => (n + 3) & ~3;

function sizes(spec: LayerSpec, cores: number): Record<Exclude<Block['name'], 'descriptor'>, number> {
  const o = outputShape(spec);
  const numCol = spec.weights.kh * spec.weights.kw * spec.ifmap.c;
  const q = spec.ofmap.bits === 8 ? 4 * spec.ofmap.c : 2 * (1 << spec.ofmap.bits) * spec.ofmap.c;
  return {
    x: (spec.ifmap.h * spec.ifmap.w * spec.ifmap.c * spec.ifmap.bits) / 8,
    w: (spec.ofmap.c * numCol * spec.weights.bits) / 8,
    qa: q,
    qb: spec.ofmap.bits === 8 ? 4 * spec.ofmap.c : 0,
    y: (o.ho * o.wo * o.c * spec.ofmap.bits) / 8,
    im2col: 2 * numCol * cores,
  };
}

/** Bytes of L1 the layer needs (descriptor and every buffer, word-aligned), for `cores` cores. */
export function l1Footprint(spec: LayerSpec, cores: number): number {
  const s = sizes(spec, cores);
  return Object.values(s).reduce((a, b) => a + align4(b), align4(DESCRIPTOR_BYTES));
}

/**
 * Why the kernels cannot run this layer, if they cannot: the packing constraints (channel counts and filter
 * rows that do not fill whole bytes), and the L1 capacity.
 */
export function layerLimits(spec: LayerSpec, cores: number, l1Bytes = DEFAULT_L1_BYTES): string[] {
  const out = kernelConstraints(spec);
  if (!Number.isInteger(cores) || cores < 1) out.push(`cores (${cores}) must be a positive integer`);
  else if (out.length === 0) {
    const need = l1Footprint(spec, cores);
    if (need > l1Bytes) {
      const s = sizes(spec, cores);
      const parts = Object.entries(s).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
      out.push(`L1: the layer needs ${need} bytes (${parts}, descriptor ${DESCRIPTOR_BYTES}) but the L1 holds ${l1Bytes}`);
    }
  }
  return out;
}

function int32Bytes(a: Int32Array): Uint8Array {
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

/** Thresholds with the kernels' per-channel stride: 2^b - 1 values, then a 0. */
export function packThresholds(t: Int16Array, cout: number, bits: 2 | 4): Uint8Array {
  const n = thresholdCount(bits);
  const stride = 1 << bits;
  const out = new Int16Array(cout * stride);
  for (let c = 0; c < cout; c++) for (let k = 0; k < n; k++) out[c * stride + k] = t[c * n + k]!;
  return new Uint8Array(out.buffer);
}

/** Places a layer at `base` (refusing layers the kernels cannot run). */
export function layerImage(layer: Layer, opts: PlacementOptions): LayerImage {
  const spec = layer.spec;
  const reasons = layerLimits(spec, opts.cores, opts.l1Bytes ?? DEFAULT_L1_BYTES);
  if (reasons.length > 0) throw new LayerLimitError(reasons);
  const s = sizes(spec, opts.cores);
  let at = opts.base;
  const place = (n: number): number => {
    const a = at;
    at += align4(n);
    return a;
  };
  const descAddr = place(DESCRIPTOR_BYTES);
  const x = packChannels(layer.x, spec.ifmap.c, spec.ifmap.bits);
  const w = packChannels(layer.w, spec.weights.kh * spec.weights.kw * spec.ifmap.c, spec.weights.bits, true);
  let qa: Uint8Array;
  let qb: Uint8Array = new Uint8Array(0);
  if (spec.ofmap.bits === 8) {
    qa = int32Bytes(layer.kappa!);
    qb = int32Bytes(layer.lambda!);
  } else {
    qa = packThresholds(layer.thresholds!, spec.ofmap.c, spec.ofmap.bits);
  }
  const blocks: Block[] = [];
  const add = (name: Block['name'], bytes: Uint8Array): number => {
    const addr = place(bytes.length);
    blocks.push({ name, addr, bytes });
    return addr;
  };
  const xA = add('x', x);
  const wA = add('w', w);
  const qaA = add('qa', qa);
  const qbA = qb.length > 0 ? add('qb', qb) : 0;
  // The output is pre-filled with a pattern so that an output the kernel never writes cannot pass as a 0.
  const yA = add('y', new Uint8Array(s.y).fill(0xa5));
  const imA = add('im2col', new Uint8Array(s.im2col));
  const o = outputShape(spec);
  const descriptor: Descriptor = {
    x: xA, w: wA, qa: qaA, qb: qbA, y: yA, im2col: imA,
    hIn: spec.ifmap.h, wIn: spec.ifmap.w, cIn: spec.ifmap.c,
    hOut: o.ho, wOut: o.wo, cOut: o.c,
    kh: spec.weights.kh, kw: spec.weights.kw,
    strideY: spec.stride, strideX: spec.stride,
    padTop: spec.padding, padLeft: spec.padding, padBottom: spec.padding, padRight: spec.padding,
    shift: spec.shift ?? 0,
  };
  blocks.unshift({ name: 'descriptor', addr: descAddr, bytes: encodeDescriptor(descriptor) });
  return { descriptorAddr: descAddr, descriptor, blocks, outAddr: yA, outBytes: s.y, totalBytes: at - opts.base };
}
