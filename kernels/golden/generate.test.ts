import { describe, expect, it } from 'vitest';
import { convGolden } from './conv.ts';
import { generateLayer, mulberry32, referenceLayerShape, type GenerateOptions } from './generate.ts';
import { outputShape, thresholdCount, validateLayer, type Precision } from './layer.ts';

const PRECISIONS: Precision[] = [2, 4, 8];

function small(inBits: Precision, wBits: Precision, outBits: Precision, seed: number): GenerateOptions {
  return { inBits, wBits, outBits, h: 6, w: 5, cin: 8, cout: 4, kh: 3, kw: 3, stride: 1, padding: 1, seed };
}

function levels(y: Uint8Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const v of y) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

describe('referenceLayerShape', () => {
  it('is the CF\'20 reference layer: 32x16x16 in, 64x16x16 out, 3x3, im2col column of 288', () => {
    const s = referenceLayerShape();
    expect([s.cin, s.h, s.w, s.cout, s.kh, s.kw]).toEqual([32, 16, 16, 64, 3, 3]);
    expect(s.kh * s.kw * s.cin).toBe(288);
    const layer = generateLayer({ ...s, inBits: 8, wBits: 8, outBits: 8, seed: 0 });
    expect(outputShape(layer.spec)).toEqual({ ho: 16, wo: 16, c: 64 });
  });
});

describe('mulberry32', () => {
  it('is deterministic, seed-dependent and roughly uniform', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const sa = Array.from({ length: 1000 }, a);
    expect(Array.from({ length: 1000 }, b)).toEqual(sa);
    expect(Array.from({ length: 1000 }, c)).not.toEqual(sa);
    for (const v of sa) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
    // mean of 1000 uniforms on [0, 1): 0.5 +- 0.0091 (1 sigma); allow 5 sigma
    const mean = sa.reduce((s, v) => s + v / 2 ** 32, 0) / sa.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.046);
    // every byte value of the top bits shows up over 20000 draws
    const d = mulberry32(7);
    const seen = new Set<number>();
    for (let i = 0; i < 20000; i++) seen.add(d() >>> 24);
    expect(seen.size).toBe(256);
  });
});

describe('generateLayer', () => {
  it('is deterministic per seed and different across seeds', () => {
    const a = generateLayer(small(4, 2, 8, 11));
    const b = generateLayer(small(4, 2, 8, 11));
    const c = generateLayer(small(4, 2, 8, 12));
    expect(b).toEqual(a);
    expect(Array.from(c.x)).not.toEqual(Array.from(a.x));
    expect(Array.from(c.w)).not.toEqual(Array.from(a.w));
  });

  for (const inBits of PRECISIONS)
    for (const wBits of PRECISIONS)
      for (const outBits of PRECISIONS) {
        it(`u${inBits}_u${outBits}_i${wBits}: valid, values in range, outputs over several levels`, () => {
          for (const seed of [1, 2]) {
            const layer = generateLayer(small(inBits, wBits, outBits, seed));
            expect(() => validateLayer(layer)).not.toThrow();
            // every activation and weight value of the precision is drawn (240 x, 288 w)
            if (inBits < 8) expect(new Set(layer.x).size).toBe(1 << inBits);
            if (wBits < 8) expect(new Set(layer.w).size).toBe(1 << wBits);
            const y = convGolden(layer);
            const hist = levels(y);
            expect(hist.size).toBeGreaterThan(1);
            const top = (1 << outBits) - 1;
            const clipped = ((hist.get(0) ?? 0) + (hist.get(top) ?? 0)) / y.length;
            expect(clipped).toBeLessThan(1);
            if (outBits === 8) {
              expect(hist.size).toBeGreaterThan(20);
            } else {
              const n = thresholdCount(outBits);
              for (let c = 0; c < layer.spec.ofmap.c; c++)
                for (let k = 1; k < n; k++) expect(layer.thresholds![c * n + k]!).toBeGreaterThanOrEqual(layer.thresholds![c * n + k - 1]!);
              // 120 outputs over 4 or 16 levels: the quantile thresholds use most of them
              expect(hist.size).toBeGreaterThanOrEqual(outBits === 2 ? 4 : 12);
            }
          }
        });
      }

  it('spreads the reference layer\'s outputs over all levels', () => {
    for (const [inBits, wBits, outBits] of [[8, 8, 8], [4, 2, 4], [2, 2, 2], [8, 4, 2]] as const) {
      const layer = generateLayer({ ...referenceLayerShape(), inBits, wBits, outBits, seed: 3 });
      const hist = levels(convGolden(layer));
      expect(hist.size, `u${inBits}_u${outBits}_i${wBits}`).toBe(1 << outBits);
      if (outBits === 8) {
        const clipped = ((hist.get(0) ?? 0) + (hist.get(255) ?? 0)) / (16 * 16 * 64);
        expect(clipped).toBeLessThan(0.1);
      }
    }
  });

  it('keeps kappa*acc + lambda inside int32 (generated layers never rely on wrap-around)', () => {
    const layer = generateLayer({ ...referenceLayerShape(), inBits: 8, wBits: 8, outBits: 8, seed: 9 });
    const shape = outputShape(layer.spec);
    // an independent accumulation in doubles (exact below 2^53)
    const { ifmap, weights, padding } = layer.spec;
    let worst = 0;
    for (let oy = 0; oy < shape.ho; oy += 5)
      for (let ox = 0; ox < shape.wo; ox += 5)
        for (let o = 0; o < shape.c; o++) {
          let acc = 0;
          for (let ky = 0; ky < weights.kh; ky++)
            for (let kx = 0; kx < weights.kw; kx++) {
              const iy = oy - padding + ky;
              const ix = ox - padding + kx;
              if (iy < 0 || ix < 0 || iy >= ifmap.h || ix >= ifmap.w) continue;
              for (let c = 0; c < ifmap.c; c++)
                acc += layer.x[(iy * ifmap.w + ix) * ifmap.c + c]! * layer.w[((o * weights.kh + ky) * weights.kw + kx) * ifmap.c + c]!;
            }
          worst = Math.max(worst, Math.abs(layer.kappa![o]! * acc + layer.lambda![o]!));
        }
    expect(worst).toBeLessThan(2 ** 31);
    expect(layer.spec.shift).toBeGreaterThan(0);
  });

  it('rejects invalid options with the field named', () => {
    expect(() => generateLayer({ ...small(4, 4, 4, 1), inBits: 3 as Precision })).toThrow(/<generateLayer options>: ifmap\.bits: expected one of 2, 4, 8, got 3/);
    expect(() => generateLayer({ ...small(4, 4, 4, 1), stride: 0 })).toThrow(/<generateLayer options>: stride: expected an integer/);
    expect(() => generateLayer({ ...small(4, 4, 4, 1), seed: 0.5 })).toThrow(/seed: expected an integer/);
  });
});
