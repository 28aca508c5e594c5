/**
 * The layer descriptor the kernels read their parameters from: one binary serves every layer whose descriptor
 * it is given. One 32-bit little-endian word per field, in this order; the generator and the harness both take
 * the offsets from here.
 *
 * Padding is given per side (the kernels only need top and left: rows and columns beyond the ifmap are
 * detected by bounds); strides per axis. `qa`/`qb` are kappa/lambda (int32 per output channel) for 8-bit
 * outputs, and the thresholds (int16, 16 or 4 per channel) / unused for 4- and 2-bit outputs.
 */
export const DESCRIPTOR_FIELDS = [
  'x', // packed ifmap, HWC
  'w', // packed weights, [cout][kh][kw][cin]
  'qa', // kappa (8-bit out) or thresholds (4/2-bit out)
  'qb', // lambda (8-bit out) or 0
  'y', // packed ofmap, HWC
  'im2col', // base of the im2col buffers, 2*kh*kw*cin bytes per core
  'hIn',
  'wIn',
  'cIn',
  'hOut',
  'wOut',
  'cOut',
  'kh',
  'kw',
  'strideY',
  'strideX',
  'padTop',
  'padLeft',
  'padBottom',
  'padRight',
  'shift',
] as const;

export type DescriptorField = (typeof DESCRIPTOR_FIELDS)[number];

export type Descriptor = Record<DescriptorField, number>;

/** Byte offset of a field. */
export function descOffset(f: DescriptorField): number {
  return DESCRIPTOR_FIELDS.indexOf(f) * 4;
}

export const DESCRIPTOR_BYTES = DESCRIPTOR_FIELDS.length * 4;

/** The descriptor as little-endian bytes. */
export function encodeDescriptor(d: Descriptor): Uint8Array {
  const out = new Uint8Array(DESCRIPTOR_BYTES);
  const view = new DataView(out.buffer);
  for (const f of DESCRIPTOR_FIELDS) {
    const v = d[f];
    if (!Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 32 - 1) throw new RangeError(`descriptor field ${f}: ${v} does not fit a 32-bit word`);
    view.setUint32(descOffset(f), v >>> 0, true);
  }
  return out;
}
