/**
 * Golden model of the mixed-precision quantized convolution (CF'20 semantics, as in
 * facts/pulp-nn-mixed.md §6): written for obviousness, independently of the kernels.
 *
 * - acc: int32 sum over the window of x * w with two's-complement wrap-around (the kernels
 *   accumulate with `pv.sdotusp.b` into a 32-bit register), zero outside the ifmap (the
 *   im2col writes literal zeros for padding, §3).
 * - 8-bit outputs: y = clip((kappa*acc + lambda) >> shift, 0, 255), product and sum wrapping
 *   in 32 bits, arithmetic (floor) shift, no rounding term (§6a).
 * - 4/2-bit outputs: y = number of thresholds T[k] with acc > T[k]. The kernels' binary
 *   tree branches on `acc <= T[i]` and returns the smallest k with acc <= T[k] (or 2^b-1),
 *   which for non-decreasing thresholds is exactly the count of T[k] < acc (§6b): so
 *   "exceeds" is strict, and an accumulator equal to a threshold stays on the lower level.
 */
import { outputShape, thresholdCount, validateLayer, type Layer } from './layer.ts';

/** The int32 accumulators of every output, HWC order ([ho][wo][cout]). */
export function convAccumulators(layer: Layer): Int32Array {
  const { ifmap, weights, ofmap, stride, padding } = layer.spec;
  const { ho, wo } = outputShape(layer.spec);
  const { h, w, c: cin } = ifmap;
  const { kh, kw } = weights;
  const cout = ofmap.c;
  const out = new Int32Array(ho * wo * cout);
  for (let oy = 0; oy < ho; oy++) {
    for (let ox = 0; ox < wo; ox++) {
      for (let co = 0; co < cout; co++) {
        let acc = 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * stride - padding + ky;
          if (iy < 0 || iy >= h) continue; // zero padding contributes nothing
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * stride - padding + kx;
            if (ix < 0 || ix >= w) continue;
            const xBase = (iy * w + ix) * cin;
            const wBase = ((co * kh + ky) * kw + kx) * cin;
            for (let ci = 0; ci < cin; ci++) {
              acc = (acc + Math.imul(layer.x[xBase + ci]!, layer.w[wBase + ci]!)) | 0;
            }
          }
        }
        out[(oy * wo + ox) * cout + co] = acc;
      }
    }
  }
  return out;
}

/** 8-bit requantisation of one accumulator: clip((kappa*acc + lambda) >> shift, 0, 255) in int32. */
export function requantize8(acc: number, kappa: number, lambda: number, shift: number): number {
  const t = (Math.imul(kappa, acc) + lambda) | 0;
  const q = t >> shift;
  return q < 0 ? 0 : q > 255 ? 255 : q;
}

/** Number of the `n` thresholds starting at `thr[offset]` that `acc` strictly exceeds. */
export function countExceeded(acc: number, thr: ArrayLike<number>, offset: number, n: number): number {
  let y = 0;
  for (let k = 0; k < n; k++) if (acc > thr[offset + k]!) y++;
  return y;
}

/** Quantizes accumulators (HWC) with the layer's kappa/lambda/shift or thresholds. */
export function quantize(layer: Layer, acc: Int32Array): Uint8Array {
  const { ofmap, shift } = layer.spec;
  const cout = ofmap.c;
  const y = new Uint8Array(acc.length);
  if (ofmap.bits === 8) {
    const kappa = layer.kappa!;
    const lambda = layer.lambda!;
    for (let i = 0; i < acc.length; i++) {
      const c = i % cout;
      y[i] = requantize8(acc[i]!, kappa[c]!, lambda[c]!, shift!);
    }
  } else {
    const n = thresholdCount(ofmap.bits);
    const thr = layer.thresholds!;
    for (let i = 0; i < acc.length; i++) y[i] = countExceeded(acc[i]!, thr, (i % cout) * n, n);
  }
  return y;
}

/** The layer's output, HWC ([ho][wo][cout]), one unpacked value per element. Validates first. */
export function convGolden(layer: Layer): Uint8Array {
  validateLayer(layer, '<layer>');
  return quantize(layer, convAccumulators(layer));
}
