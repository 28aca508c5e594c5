/**
 * Sub-byte packing as the kernels consume it (facts/pulp-nn-mixed.md §3): LSB-first,
 * little-endian. Element k of a stream sits in byte floor(k / (8/b)) at bit offset
 * (k mod (8/b)) * b; 4-bit: even channel in the low nibble; 2-bit: channel 4m at bits 1:0.
 *
 * Tensors are packed along their fastest dimension (channels in HWC, c_in in the
 * [cout][kh][kw][cin] weights). The kernels address whole pixels and filter rows in bytes,
 * so that dimension times the precision must be a multiple of 8: channels a multiple of 2
 * for 4-bit and of 4 for 2-bit (the library README's limitation, §3). Then packing the
 * flattened tensor as one stream is the same as packing each pixel on its own.
 */
import type { LayerSpec, Precision } from './layer.ts';

export class PackError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'PackError';
  }
}

/** Elements per byte for a precision. */
export function perByte(bits: Precision): number {
  return 8 / bits;
}

function checkBits(bits: number): asserts bits is Precision {
  if (bits !== 2 && bits !== 4 && bits !== 8) throw new PackError(`precision must be 2, 4 or 8 bits, got ${bits}`);
}

/**
 * The reason a tensor whose fastest dimension is `channels` cannot be packed at `bits`,
 * or undefined if it can.
 */
export function channelConstraint(channels: number, bits: Precision, what = 'channels'): string | undefined {
  const m = perByte(bits);
  if (channels % m !== 0) {
    return `${what} (${channels}) must be a multiple of ${m} for ${bits}-bit packing, so that each pixel or filter row fills whole bytes`;
  }
  return undefined;
}

/**
 * Packs b-bit values LSB-first. Unsigned values must lie in [0, 2^b); signed values in
 * [-2^(b-1), 2^(b-1)) and are stored as their low b two's-complement bits.
 */
export function packBits(values: ArrayLike<number>, bits: Precision, signed = false): Uint8Array {
  checkBits(bits);
  const m = perByte(bits);
  if (values.length % m !== 0) {
    throw new PackError(`cannot pack ${values.length} ${bits}-bit values: the count must be a multiple of ${m}`);
  }
  const lo = signed ? -(1 << (bits - 1)) : 0;
  const hi = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(values.length / m);
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new PackError(`value ${v} at index ${k} is outside the ${bits}-bit ${signed ? 'signed' : 'unsigned'} range [${lo}, ${hi}]`);
    }
    out[Math.floor(k / m)]! |= (v & mask) << ((k % m) * bits);
  }
  return out;
}

/** Unpacks every value of a LSB-first packed stream; signed values are sign-extended. */
export function unpackBits(bytes: Uint8Array, bits: Precision, signed?: false): Uint8Array;
export function unpackBits(bytes: Uint8Array, bits: Precision, signed: true): Int8Array;
export function unpackBits(bytes: Uint8Array, bits: Precision, signed = false): Uint8Array | Int8Array {
  checkBits(bits);
  const m = perByte(bits);
  const n = bytes.length * m;
  const out = signed ? new Int8Array(n) : new Uint8Array(n);
  const mask = (1 << bits) - 1;
  const sign = 1 << (bits - 1);
  for (let k = 0; k < n; k++) {
    const field = (bytes[Math.floor(k / m)]! >> ((k % m) * bits)) & mask;
    out[k] = signed && field & sign ? field - (1 << bits) : field;
  }
  return out;
}

/** Packs an HWC (or any channel-fastest) tensor, checking the channel constraint first. */
export function packChannels(values: ArrayLike<number>, channels: number, bits: Precision, signed = false): Uint8Array {
  const why = channelConstraint(channels, bits);
  if (why) throw new PackError(why);
  if (values.length % channels !== 0) throw new PackError(`${values.length} values are not a whole number of ${channels}-channel pixels`);
  return packBits(values, bits, signed);
}

/**
 * Why the packed kernels cannot run this layer, if they cannot: input pixels, output
 * pixels and filter rows (kh*kw*cin weights, addressed as whole bytes, facts §3 and §4b)
 * must each fill whole bytes. The golden model itself has no such restriction.
 */
export function kernelConstraints(spec: LayerSpec): string[] {
  const out: string[] = [];
  const i = channelConstraint(spec.ifmap.c, spec.ifmap.bits, 'ifmap.c');
  if (i) out.push(i);
  const o = channelConstraint(spec.ofmap.c, spec.ofmap.bits, 'ofmap.c');
  if (o) out.push(o);
  const row = spec.weights.kh * spec.weights.kw * spec.ifmap.c;
  const w = channelConstraint(row, spec.weights.bits, 'the filter row length kh*kw*cin');
  if (w) out.push(w);
  return out;
}
