// Random layers for a sample of kernels, both flavours: channel counts the packing allows, random sizes,
// padding 0..2, stride 1 and 2, odd widths and heights, leftovers in both MatMul dimensions (cout mod 4 and
// kh*kw*cin mod 4/8/16). Every one must be bit-exact against the golden model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateLayer } from '../golden/generate.ts';
import type { Precision } from '../golden/layer.ts';
import { kernelConstraints } from '../golden/pack.ts';
import { kernelName } from './generate.ts';
import { compareWithGolden, describeMismatch } from './harness.ts';

const P = fc.constantFrom<Precision>(8, 4, 2);

const layerArb = fc
  .record({
    inBits: P,
    wBits: P,
    outBits: P,
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    cinUnits: fc.integer({ min: 1, max: 6 }),
    coutUnits: fc.integer({ min: 1, max: 7 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    padding: fc.integer({ min: 0, max: 2 }),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
  })
  .map((r) => ({
    inBits: r.inBits,
    wBits: r.wBits,
    outBits: r.outBits,
    h: r.h,
    w: r.w,
    // the smallest unit each packing allows
    cin: r.cinUnits * (8 / r.inBits),
    cout: r.coutUnits * (8 / r.outBits),
    kh: r.kh,
    kw: r.kw,
    stride: r.stride,
    padding: r.padding,
    seed: r.seed,
  }))
  .filter((o) => o.kh <= o.h + 2 * o.padding && o.kw <= o.w + 2 * o.padding)
  .filter(
    (o) =>
      kernelConstraints({
        ifmap: { h: o.h, w: o.w, c: o.cin, bits: o.inBits },
        weights: { kh: o.kh, kw: o.kw, bits: o.wBits },
        ofmap: { c: o.cout, bits: o.outBits },
        stride: o.stride,
        padding: o.padding,
      }).length === 0,
  );

describe('random layers bit-exact', () => {
  for (const flavour of ['xpulpv2', 'corev'] as const) {
    it(`random kernels and shapes (${flavour})`, () => {
      fc.assert(
        fc.property(layerArb, (o) => {
          const layer = generateLayer(o);
          const c = compareWithGolden(layer, { flavour });
          expect(c.mismatches, `${kernelName(o)} ${JSON.stringify(o)}: ${describeMismatch(c)}`).toBe(0);
        }),
        { numRuns: 40, seed: flavour === 'xpulpv2' ? 20200511 : 20200513 },
      );
    });
  }
});
