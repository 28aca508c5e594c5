// The CF'20 reference layer (32x16x16 ifmap, 64 output channels, 3x3, pad 1, stride 1; an im2col column of 288)
// on the single-core ISS for a representative subset of the kernels: every input, weight and output precision
// and both flavours appear at least once. `npx tsx kernels/pulp-nn-mixed/reference.ts [--cores 8]` runs all 27.
//
// Besides bit-exactness, the MatMul inner loops must account for exactly
//   (256 output pixels / 2 per pair) x (64 / 4 channel blocks) x (288 / elements per iteration) x (14 | 72 | 140)
// instructions: the paper's per-iteration counts (CF'20 §3) times the iterations the layer needs; the reference
// layer has no leftover in either MatMul dimension and no odd pixel.
import { describe, expect, it } from 'vitest';
import { generateLayer, referenceLayerShape } from '../golden/generate.ts';
import type { Precision } from '../golden/layer.ts';
import { kernelName } from './generate.ts';
import { compareOutputs, describeMismatch } from './harness.ts';
import { profileLayer } from './profile.ts';

const PER_ITER: Record<Precision, { elems: number; instrs: number }> = {
  8: { elems: 4, instrs: 14 },
  4: { elems: 8, instrs: 72 },
  2: { elems: 16, instrs: 140 },
};

const SUBSET = [
  { inBits: 8, wBits: 8, outBits: 8, flavour: 'xpulpv2' },
  { inBits: 4, wBits: 4, outBits: 4, flavour: 'xpulpv2' },
  { inBits: 2, wBits: 2, outBits: 2, flavour: 'xpulpv2' },
  { inBits: 4, wBits: 8, outBits: 2, flavour: 'xpulpv2' },
  { inBits: 2, wBits: 4, outBits: 8, flavour: 'corev' },
  { inBits: 8, wBits: 2, outBits: 4, flavour: 'corev' },
] as const;

describe('reference layer, single core', () => {
  for (const k of SUBSET) {
    it(`${kernelName(k)} (${k.flavour})`, () => {
      const layer = generateLayer({ ...k, ...referenceLayerShape(), seed: 2020 });
      const p = profileLayer(layer, k.flavour);
      const cmp = compareOutputs(layer, p.run.output);
      expect(cmp.mismatches, describeMismatch(cmp)).toBe(0);
      const it = PER_ITER[k.wBits];
      expect(p.phases.inner).toBe((256 / 2) * (64 / 4) * (288 / it.elems) * it.instrs);
      expect(p.macs).toBe(256 * 64 * 288);
    });
  }
});
