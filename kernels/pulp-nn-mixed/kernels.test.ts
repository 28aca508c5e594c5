// All 27 kernels, both flavours, bit-exact against the golden model on the single-core ISS for a small layer
// that exercises padding on every side, the channel leftover (cout mod 4, where the output packing allows it),
// the reduction leftover (kh*kw*cin mod 4/8/16) and an odd output width (the single-pixel path).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLayer } from '../golden/generate.ts';
import { type Precision, readLayer } from '../golden/layer.ts';
import { readNpy } from '../golden/npy.ts';
import { PRECISION_TRIPLES, kernelName } from './generate.ts';
import { compareWithGolden, describeMismatch, runLayer } from './harness.ts';
import { LayerLimitError, layerLimits } from './layout.ts';

/** The largest channel count <= n that the output precision's packing allows. */
function coutFor(outBits: Precision): number {
  return outBits === 2 ? 8 : outBits === 4 ? 6 : 7;
}

describe('27 kernels bit-exact on a small layer', () => {
  for (const flavour of ['xpulpv2', 'corev'] as const) {
    for (const t of PRECISION_TRIPLES) {
      it(`${kernelName(t)} (${flavour})`, () => {
        // cin 4: kh*kw*cin = 36 leaves a reduction leftover for every weight precision (36 mod 8 = 4,
        // 36 mod 16 = 4); w 5 gives odd output rows.
        const layer = generateLayer({ ...t, h: 4, w: 5, cin: 4, cout: coutFor(t.outBits), kh: 3, kw: 3, stride: 1, padding: 1, seed: 11 });
        const c = compareWithGolden(layer, { flavour });
        expect(c.mismatches, describeMismatch(c)).toBe(0);
        // The output really came from the kernel: the harness pre-fills it with 0xa5, and the golden output
        // has more than one distinct value.
        expect(new Set(c.expected).size).toBeGreaterThan(1);
      });
    }
  }
});

// The golden model's fixture layers, whose y_ref.npy NumPy computed independently (kernels/golden/fixtures):
// the kernels must reproduce them, including int32 wrap-around of kappa*acc and edge thresholds.
describe('golden fixture layers', () => {
  const dir = 'kernels/golden/fixtures/layers';
  for (const name of readdirSync(dir).sort()) {
    const layer = readLayer(join(dir, name));
    const why = layerLimits(layer.spec, 1);
    it(`${name}: ${why.length ? 'refused' : 'bit-exact y_ref'}`, () => {
      if (why.length > 0) {
        expect(() => runLayer(layer)).toThrow(LayerLimitError);
        return;
      }
      const ref = readNpy(join(dir, name, 'y_ref.npy')).data;
      for (const flavour of ['xpulpv2', 'corev'] as const) {
        expect(Array.from(runLayer(layer, { flavour }).output)).toEqual(Array.from(ref));
      }
    });
  }
});
