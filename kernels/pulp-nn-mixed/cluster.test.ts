// The parallel kernels on the functional cluster ISS with the runtime: bit-exact on 8 cores (and 1, 2, 4),
// and each core writes exactly the outputs the work split of facts/pulp-nn-mixed.md §5 gives it (the split is
// re-derived here from the fact sheet's formulas and checked against the worked examples there).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateLayer, referenceLayerShape } from '../golden/generate.ts';
import { type Precision, outputShape } from '../golden/layer.ts';
import { kernelConstraints } from '../golden/pack.ts';
import { compareOnCluster } from './cluster_harness.ts';
import { PRECISION_TRIPLES, kernelName } from './generate.ts';
import { compareWithGolden, describeMismatch } from './harness.ts';

/** facts §5: rows and columns of core c of nc for an ho x wo output. */
function share(c: number, nc: number, ho: number, wo: number): { y0: number; y1: number; x0: number; x1: number } {
  if (ho % nc === 0 || wo === 1) {
    const chunk = Math.ceil(ho / nc);
    const y0 = Math.min(c * chunk, ho);
    return { y0, y1: Math.min(y0 + chunk, ho), x0: 0, x1: wo };
  }
  const chunk = Math.ceil(ho / (nc / 2));
  const y0 = Math.min((c >> 1) * chunk, ho);
  const half = Math.floor(wo / 2);
  return { y0, y1: Math.min(y0 + chunk, ho), x0: c & 1 ? half : 0, x1: c & 1 ? wo : half };
}

describe('work split of facts §5', () => {
  it('reproduces the worked examples (NC = 8)', () => {
    // H = 12: chunk 3, cores 0/1 rows 0-2 left/right, cores 2/3 rows 3-5
    expect(share(0, 8, 12, 10)).toEqual({ y0: 0, y1: 3, x0: 0, x1: 5 });
    expect(share(1, 8, 12, 10)).toEqual({ y0: 0, y1: 3, x0: 5, x1: 10 });
    expect(share(3, 8, 12, 10)).toEqual({ y0: 3, y1: 6, x0: 5, x1: 10 });
    // H = 7: rows [0,2), [2,4), [4,6), [6,7)
    expect([0, 2, 4, 6].map((c) => share(c, 8, 7, 4)).map((s) => [s.y0, s.y1])).toEqual([[0, 2], [2, 4], [4, 6], [6, 7]]);
    // H = 16: pure split, 2 rows per core
    expect(share(5, 8, 16, 16)).toEqual({ y0: 10, y1: 12, x0: 0, x1: 16 });
  });
});

function smallLayer(t: { inBits: Precision; wBits: Precision; outBits: Precision }, h: number, w: number, seed: number) {
  const cout = t.outBits === 2 ? 8 : t.outBits === 4 ? 6 : 7;
  return generateLayer({ ...t, h, w, cin: 4, cout, kh: 3, kw: 3, stride: 1, padding: 1, seed });
}

describe('27 kernels on 8 cores', () => {
  for (const t of PRECISION_TRIPLES) {
    it(`${kernelName(t)} (xpulpv2, RI5CY v1.0 cluster), paired-column split`, () => {
      // H = 6 is not a multiple of 8: cores work in pairs, left and right halves of W = 5.
      const c = compareOnCluster(smallLayer(t, 6, 5, 21), { cores: 8 });
      expect(c.mismatches, describeMismatch(c)).toBe(0);
    });
  }
  for (const t of PRECISION_TRIPLES.filter((_, i) => i % 4 === 0)) {
    it(`${kernelName(t)} (corev, CV32E40P cluster), row split`, () => {
      const c = compareOnCluster(smallLayer(t, 8, 3, 22), { cores: 8, flavour: 'corev' });
      expect(c.mismatches, describeMismatch(c)).toBe(0);
    });
  }
});

describe('each core writes its own share', () => {
  for (const [h, w, nc] of [[6, 5, 8], [16, 4, 8], [3, 7, 8], [5, 1, 4], [7, 6, 2]] as const) {
    it(`${h}x${w} output on ${nc} cores`, () => {
      const layer = generateLayer({ inBits: 8, wBits: 8, outBits: 8, h, w, cin: 4, cout: 4, kh: 3, kw: 3, stride: 1, padding: 1, seed: 3 });
      const o = outputShape(layer.spec);
      const writer = new Int32Array(o.ho * o.wo).fill(-1);
      const c = compareOnCluster(layer, {
        cores: nc,
        onLoad: (iss, image) => {
          iss.harts.forEach((hart, k) => {
            const step = hart.step.bind(hart);
            hart.step = () => {
              const r = step();
              for (const m of r.mem) {
                if (m.kind !== 'store' || m.addr < image.outAddr || m.addr >= image.outAddr + image.outBytes) continue;
                const px = Math.floor((m.addr - image.outAddr) / o.c);
                if (writer[px] !== -1 && writer[px] !== k) throw new Error(`pixel ${px} written by cores ${writer[px]} and ${k}`);
                writer[px] = k;
              }
              return r;
            };
          });
        },
      });
      expect(c.mismatches, describeMismatch(c)).toBe(0);
      for (let k = 0; k < nc; k++) {
        const s = share(k, nc, o.ho, o.wo);
        for (let y = 0; y < o.ho; y++) {
          for (let x = 0; x < o.wo; x++) {
            const mine = y >= s.y0 && y < s.y1 && x >= s.x0 && x < s.x1;
            expect(writer[y * o.wo + x] === k, `core ${k} at y=${y} x=${x}`).toBe(mine);
          }
        }
      }
    });
  }
});

describe('random layers on 1, 2, 4 and 8 cores', () => {
  const P = fc.constantFrom<Precision>(8, 4, 2);
  it('bit-exact', () => {
    fc.assert(
      fc.property(
        fc.record({
          inBits: P, wBits: P, outBits: P,
          h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }),
          cinUnits: fc.integer({ min: 1, max: 4 }), coutUnits: fc.integer({ min: 1, max: 5 }),
          k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 2 }), padding: fc.integer({ min: 0, max: 1 }),
          cores: fc.constantFrom(1, 2, 4, 8), seed: fc.nat(),
        }),
        (r) => {
          const o = {
            inBits: r.inBits, wBits: r.wBits, outBits: r.outBits, h: r.h, w: r.w,
            cin: r.cinUnits * (8 / r.inBits), cout: r.coutUnits * (8 / r.outBits),
            kh: r.k, kw: r.k, stride: r.stride, padding: r.padding, seed: r.seed,
          };
          fc.pre(o.kh <= o.h + 2 * o.padding && o.kw <= o.w + 2 * o.padding);
          const spec = { ifmap: { h: o.h, w: o.w, c: o.cin, bits: o.inBits }, weights: { kh: o.kh, kw: o.kw, bits: o.wBits }, ofmap: { c: o.cout, bits: o.outBits }, stride: o.stride, padding: o.padding };
          fc.pre(kernelConstraints(spec).length === 0);
          const c = compareOnCluster(generateLayer(o), { cores: r.cores });
          expect(c.mismatches, `${kernelName(o)} ${JSON.stringify(o)} on ${r.cores} cores: ${describeMismatch(c)}`).toBe(0);
        },
      ),
      { numRuns: 25, seed: 7 },
    );
  });
});

describe('reference layer on 8 cores', () => {
  it('conv_u8_u8_i8 bit-exact; balanced cores, instruction speed-up over one core above the paper\'s 7.5x', () => {
    const layer = generateLayer({ inBits: 8, wBits: 8, outBits: 8, ...referenceLayerShape(), seed: 7 });
    const c = compareOnCluster(layer, { cores: 8 });
    expect(c.mismatches, describeMismatch(c)).toBe(0);
    // 16 rows over 8 cores: a pure row split, 2 rows each, so the cores' counts are within a few percent.
    const max = Math.max(...c.run.instret);
    const min = Math.min(...c.run.instret);
    expect(max / min).toBeLessThan(1.01);
    // CF'20 §2.2 measures a 7.5x cycle speed-up on 8 cores; with no memory contention in a functional model the
    // instruction-count ratio can only be higher, and at most 8 plus the fork's own overhead.
    const single = compareWithGolden(layer).run.instret;
    expect(single / max).toBeGreaterThan(7.5);
    expect(single / max).toBeLessThan(8);
  });
});
