import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convAccumulators, convGolden, countExceeded, requantize8 } from './conv.ts';
import { generateLayer, referenceLayerShape } from './generate.ts';
import { readLayer, thresholdCount, type Layer, type LayerSpec, type Precision } from './layer.ts';
import { readNpy } from './npy.ts';

const LAYERS = fileURLToPath(new URL('./fixtures/layers/', import.meta.url));
const fixtureNames = readdirSync(LAYERS).sort();

describe('golden conv reproduces the NumPy fixtures', () => {
  it('has fixtures for every output and weight precision, both paddings and strides', () => {
    const specs = fixtureNames.map((n) => readLayer(join(LAYERS, n)).spec);
    for (const b of [2, 4, 8]) {
      expect(specs.some((s) => s.ofmap.bits === b)).toBe(true);
      expect(specs.some((s) => s.weights.bits === b)).toBe(true);
      expect(specs.some((s) => s.ifmap.bits === b)).toBe(true);
    }
    expect(new Set(specs.map((s) => s.padding))).toEqual(new Set([0, 1, 2]));
    expect(new Set(specs.map((s) => s.stride))).toEqual(new Set([1, 2]));
    expect(specs.some((s) => s.ifmap.w % 2 === 1)).toBe(true);
  });

  for (const name of fixtureNames) {
    it(`${name}: bit-exact y_ref`, () => {
      const dir = join(LAYERS, name);
      const layer = readLayer(dir);
      const ref = readNpy(join(dir, 'y_ref.npy'));
      expect(ref.dtype).toBe('|u1');
      const y = convGolden(layer);
      expect(y.length).toBe(ref.data.length);
      expect(Buffer.from(y).equals(Buffer.from(ref.data as Uint8Array))).toBe(true);
    });
  }

  it('the threshold fixtures pin the strict comparison: counting acc >= T would differ', () => {
    let differs = 0;
    for (const name of fixtureNames) {
      const dir = join(LAYERS, name);
      const layer = readLayer(dir);
      if (layer.spec.ofmap.bits === 8) continue;
      const acc = convAccumulators(layer);
      const n = thresholdCount(layer.spec.ofmap.bits);
      const ref = readNpy(join(dir, 'y_ref.npy')).data;
      for (let i = 0; i < acc.length; i++) {
        let geq = 0;
        for (let k = 0; k < n; k++) if (acc[i]! >= layer.thresholds![(i % layer.spec.ofmap.c) * n + k]!) geq++;
        if (geq !== ref[i]) differs++;
      }
    }
    expect(differs).toBeGreaterThan(0);
  });
});

/** A 1-channel 3x3 image and a Sobel-like kernel, worked out by hand below. */
function tiny(stride: number, out: { bits: 8; kappa: number; lambda: number; shift: number } | { bits: 2; thr: number[] }): Layer {
  const spec: LayerSpec = {
    ifmap: { h: 3, w: 3, c: 1, bits: 8 },
    weights: { kh: 3, kw: 3, bits: 4 },
    ofmap: { c: 1, bits: out.bits as Precision },
    stride,
    padding: 1,
  };
  const layer: Layer = {
    spec,
    x: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]),
    w: Int8Array.from([1, 0, -1, 2, 0, -2, 1, 0, -1]),
  };
  if (out.bits === 8) {
    spec.shift = out.shift;
    layer.kappa = Int32Array.of(out.kappa);
    layer.lambda = Int32Array.of(out.lambda);
  } else {
    layer.thresholds = Int16Array.from(out.thr);
  }
  return layer;
}

describe('hand-computed tiny convolution (3x3 image, 3x3 kernel, padding 1)', () => {
  // acc(oy,ox) = sum_ky [1,2,1][ky] * (x[oy-1+ky][ox-1] - x[oy-1+ky][ox+1]), zero outside:
  //   (0,0) = -(2*2 + 5)      = -9    (0,1) = (2*1+4) - (2*3+6) = -6   (0,2) = 2*2+5 = 9
  //   (1,0) = -(2 + 2*5 + 8)  = -20   (1,1) = 16 - 24 = -8             (1,2) = 20
  //   (2,0) = -(5 + 2*8)      = -21   (2,1) = 18 - 24 = -6             (2,2) = 21
  const ACC = [-9, -6, 9, -20, -8, 20, -21, -6, 21];

  it('accumulators', () => {
    expect(Array.from(convAccumulators(tiny(1, { bits: 8, kappa: 1, lambda: 0, shift: 0 })))).toEqual(ACC);
  });

  it('8-bit: (acc + 30) >> 1, clipped', () => {
    // (-9+30)>>1 = 10, (24)>>1 = 12, 39>>1 = 19, 10>>1 = 5, 22>>1 = 11, 50>>1 = 25, 9>>1 = 4, 12, 51>>1 = 25
    const y = convGolden(tiny(1, { bits: 8, kappa: 1, lambda: 30, shift: 1 }));
    expect(Array.from(y)).toEqual([10, 12, 19, 5, 11, 25, 4, 12, 25]);
  });

  it('8-bit with negative kappa: clip(-3*acc - 20) at both ends', () => {
    // -3*acc - 20: 7, -2->0, -47->0, 40, 4, -80->0, 43, -2->0, -83->0 ; none above 255
    const y = convGolden(tiny(1, { bits: 8, kappa: -3, lambda: -20, shift: 0 }));
    expect(Array.from(y)).toEqual([7, 0, 0, 40, 4, 0, 43, 0, 0]);
    // and a large kappa saturates at 255: 100*acc for the positive ones
    const z = convGolden(tiny(1, { bits: 8, kappa: 100, lambda: 0, shift: 0 }));
    expect(Array.from(z)).toEqual([0, 0, 255, 0, 0, 255, 0, 0, 255]);
  });

  it('stride 2 keeps the corners: ho = floor((3 + 2 - 3)/2) + 1 = 2', () => {
    const layer = tiny(2, { bits: 8, kappa: 1, lambda: 0, shift: 0 });
    expect(Array.from(convAccumulators(layer))).toEqual([-9, 9, -21, 21]);
  });

  it('2-bit thresholds [-9, 0, 20]: an accumulator equal to a threshold stays below it', () => {
    const y = convGolden(tiny(1, { bits: 2, thr: [-9, 0, 20] }));
    // -9 -> 0 (tie), -6 -> 1, 9 -> 2, -20 -> 0, -8 -> 1, 20 -> 2 (tie), -21 -> 0, -6 -> 1, 21 -> 3
    expect(Array.from(y)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 3]);
  });
});

describe('int32 semantics', () => {
  it('the accumulator wraps around in 32 bits', () => {
    // 2x2 image of 20000 channels, 2x2 kernel, no padding: one output over 80000 taps of
    // 255 * -128 = -32640; the true sum -2 611 200 000 is below -2^31.
    const cin = 20000;
    const layer: Layer = {
      spec: {
        ifmap: { h: 2, w: 2, c: cin, bits: 8 },
        weights: { kh: 2, kw: 2, bits: 8 },
        ofmap: { c: 1, bits: 8 },
        stride: 1,
        padding: 0,
        shift: 24,
      },
      x: new Uint8Array(4 * cin).fill(255),
      w: new Int8Array(4 * cin).fill(-128),
      kappa: Int32Array.of(1),
      lambda: Int32Array.of(0),
    };
    const wrapped = Number(BigInt.asIntN(32, -32640n * 80000n));
    expect(wrapped).toBe(-2611200000 + 2 ** 32);
    expect(convAccumulators(layer)[0]).toBe(wrapped);
    // 1 683 767 296 >> 24 = 100 (an unwrapped, negative accumulator would clip to 0)
    expect(convGolden(layer)[0]).toBe(100);
  });

  it('kappa*acc + lambda wraps in 32 bits before the shift', () => {
    // 65536 * 32768 = 2^31 wraps to -2^31; >> 24 = -128 -> 0 (unwrapped it would be 128)
    expect(requantize8(65536, 32768, 0, 24)).toBe(0);
    // 65535 * 32768 = 2 147 450 880 < 2^31; >> 23 = 255.99 -> 255
    expect(requantize8(65535, 32768, 0, 23)).toBe(255);
    // lambda overflow: 2^31 - 1 + 1 wraps to -2^31
    expect(requantize8(1, 1, 2 ** 31 - 1, 0)).toBe(0);
    // (2^31 - 1)^2 = 2^62 - 2^32 + 1 = 1 mod 2^32: needs a true 32-bit multiply (a double
    // product would have lost the low bits above 2^53)
    expect(Number(BigInt.asIntN(32, (2n ** 31n - 1n) ** 2n))).toBe(1);
    expect(requantize8(2 ** 31 - 1, 2 ** 31 - 1, 0, 0)).toBe(1);
    expect(requantize8(-(2 ** 31) + 1, 2 ** 31 - 1, 5, 0)).toBe(4); // -(2^31-1)^2 = -1 mod 2^32, + 5
  });

  it('the shift is arithmetic (floor), not logical and not rounding', () => {
    // -1 >> 1 = -1 (a logical shift would give 2^31 - 1 and clip to 255)
    expect(requantize8(-1, 1, 0, 1)).toBe(0);
    // 7 >> 1 = 3 (rounding would give 4); 255*2+1 >> 1 = 255
    expect(requantize8(7, 1, 0, 1)).toBe(3);
    expect(requantize8(511, 1, 0, 1)).toBe(255);
    expect(requantize8(512, 1, 0, 1)).toBe(255);
    expect(requantize8(-(2 ** 31), 1, 0, 31)).toBe(0);
  });

  it('countExceeded counts strictly greater thresholds only', () => {
    expect(countExceeded(5, [1, 5, 9], 0, 3)).toBe(1);
    expect(countExceeded(6, [1, 5, 9], 0, 3)).toBe(2);
    expect(countExceeded(-40000, [-32768, 0, 32767], 0, 3)).toBe(0);
    expect(countExceeded(40000, [-32768, 0, 32767], 0, 3)).toBe(3);
    expect(countExceeded(3, [9, 9, 1, 2, 4], 2, 3)).toBe(2);
  });
});

/** A second, independent definition: BigInt arithmetic, padded copy of the input, wrap at the end. */
function accBigInt(layer: Layer): number[] {
  const { ifmap, weights, ofmap, stride, padding: p } = layer.spec;
  const hp = ifmap.h + 2 * p;
  const wp = ifmap.w + 2 * p;
  const padded: bigint[] = new Array(hp * wp * ifmap.c).fill(0n);
  for (let y = 0; y < ifmap.h; y++)
    for (let x = 0; x < ifmap.w; x++)
      for (let c = 0; c < ifmap.c; c++) padded[((y + p) * wp + x + p) * ifmap.c + c] = BigInt(layer.x[(y * ifmap.w + x) * ifmap.c + c]!);
  const out: number[] = [];
  for (let oy = 0; oy + weights.kh <= hp; oy += stride)
    for (let ox = 0; ox + weights.kw <= wp; ox += stride)
      for (let o = 0; o < ofmap.c; o++) {
        let s = 0n;
        for (let ky = 0; ky < weights.kh; ky++)
          for (let kx = 0; kx < weights.kw; kx++)
            for (let c = 0; c < ifmap.c; c++)
              s += padded[((oy + ky) * wp + ox + kx) * ifmap.c + c]! * BigInt(layer.w[((o * weights.kh + ky) * weights.kw + kx) * ifmap.c + c]!);
        out.push(Number(BigInt.asIntN(32, s)));
      }
  return out;
}

describe('accumulators against an independent BigInt definition', () => {
  it('agree on random layers (property)', () => {
    const bits = fc.constantFrom<Precision>(2, 4, 8);
    fc.assert(
      fc.property(
        fc.record({
          inBits: bits,
          wBits: bits,
          outBits: bits,
          h: fc.integer({ min: 1, max: 6 }),
          w: fc.integer({ min: 1, max: 6 }),
          cin: fc.integer({ min: 1, max: 5 }),
          cout: fc.integer({ min: 1, max: 4 }),
          kh: fc.integer({ min: 1, max: 3 }),
          kw: fc.integer({ min: 1, max: 3 }),
          stride: fc.integer({ min: 1, max: 3 }),
          padding: fc.integer({ min: 0, max: 2 }),
          seed: fc.integer(),
        }),
        (o) => {
          fc.pre(o.h + 2 * o.padding >= o.kh && o.w + 2 * o.padding >= o.kw);
          const layer = generateLayer(o);
          expect(Array.from(convAccumulators(layer))).toEqual(accBigInt(layer));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('speed', () => {
  it('runs the CF\'20 reference layer (32x16x16 -> 64x16x16, 3x3) in well under a second', () => {
    const s = referenceLayerShape();
    const layer = generateLayer({ ...s, inBits: 8, wBits: 8, outBits: 8, seed: 1 });
    convGolden(layer); // warm-up: JIT compilation is not what we measure
    const t0 = performance.now();
    const y = convGolden(layer);
    const ms = performance.now() - t0;
    expect(y.length).toBe(16 * 16 * 64);
    expect(ms).toBeLessThan(500);
  });
});

describe('convGolden input checks', () => {
  it('refuses an invalid in-memory layer before computing', () => {
    const layer = tiny(1, { bits: 2, thr: [5, 0, 20] });
    expect(() => convGolden(layer)).toThrow(/<layer>\/thresholds\.npy: element \[0\]\[1\]: thresholds must be ascending/);
  });
});
