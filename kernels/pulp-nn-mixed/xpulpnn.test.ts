// The XpulpNN variant of the 4- and 2-bit-weight kernels: bit-exact against the golden model on the ISS for every
// (in, w, out) with in, w in {4, 2}, on fixed and random small layers; the inner loop's instruction count per
// iteration (hand-counted from facts §10b: 6 loads + 8 sdotp; 8 loads + 8 + 32 sdotp for the crumb planes); and
// the refusals (8-bit activations or weights, the corev flavour, layers the planes cannot hold).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateLayer } from '../golden/generate.ts';
import type { Precision } from '../golden/layer.ts';
import { isInstruction } from './flavour.ts';
import { generateKernel } from './generate.ts';
import { Ctx } from './templates/context.ts';
import { nnInnerBody, xpulpnnLimits } from './templates/xpulpnn.ts';
import { describeMismatch } from './harness.ts';
import { runOnIss } from './xpulpnn_harness.ts';

const SUB: Precision[] = [4, 2];
const OUT: Precision[] = [8, 4, 2];

describe('XpulpNN variant on the ISS', () => {
  for (const inBits of SUB) {
    for (const wBits of SUB) {
      for (const outBits of OUT) {
        it(`conv_u${inBits}_u${outBits}_i${wBits}_nn is bit-exact (5x6x8 -> 12, 3x3, pad 1) and runs fewer instructions`, () => {
          const layer = generateLayer({ inBits, wBits, outBits, h: 5, w: 6, cin: 8, cout: 12, kh: 3, kw: 3, stride: 1, padding: 1, seed: 11 });
          const nn = runOnIss(layer, { xpulpnn: true });
          expect(nn.mismatches, describeMismatch(nn)).toBe(0);
          expect(nn.kernel.source).toMatch(wBits === 4 ? /pv\.sdotusp\.n/ : /pv\.sdotusp\.c/);
          expect(nn.kernel.source).not.toMatch(/pv\.sdotusp\.b/);
          const base = runOnIss(layer, { xpulpnn: false });
          expect(base.mismatches).toBe(0);
          expect(nn.instret).toBeLessThan(base.instret);
        });
      }
    }
  }

  it('is bit-exact on random small layers (stride, padding, odd widths, channel leftovers)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Precision>(4, 2),
        fc.constantFrom<Precision>(4, 2),
        fc.constantFrom<Precision>(8, 4, 2),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 1000 }),
        (inBits, wBits, outBits, h, w, cin4, coutK, stride, padding, k, seed) => {
          const cin = 4 * cin4;
          const cout = outBits === 2 ? 4 * coutK : outBits === 4 ? 2 * coutK + 4 : coutK + 4;
          const kk = Math.min(k, h + 2 * padding, w + 2 * padding);
          const layer = generateLayer({ inBits, wBits, outBits, h, w, cin, cout, kh: kk, kw: kk, stride, padding, seed });
          if (xpulpnnLimits(layer.spec).length > 0) return;
          const r = runOnIss(layer, { xpulpnn: true });
          expect(r.mismatches, describeMismatch(r)).toBe(0);
        },
      ),
      { numRuns: 25, seed: 4242 },
    );
  });
});

describe('XpulpNN inner loop', () => {
  const count = (inBits: Precision, wBits: Precision): number =>
    nnInnerBody(new Ctx({ inBits, wBits, outBits: 8, flavour: 'xpulpv2', xpulpnn: true }), 4, 2).filter(isInstruction).length;
  it('4 x 2 block: 2 activation + 4 weight loads and 8 dot products where the lanes match (14 instructions)', () => {
    expect(count(4, 4)).toBe(14);
    expect(count(2, 2)).toBe(14);
    expect(count(2, 4)).toBe(14);
  });
  it('4-bit activations x 2-bit weights: 4 plane + 4 weight loads, 8 x (1 + 4) crumb dot products (48)', () => {
    expect(count(4, 2)).toBe(48);
  });
});

describe('XpulpNN refusals', () => {
  it('has no variant for 8-bit activations, 8-bit weights or the corev flavour', () => {
    expect(() => generateKernel({ inBits: 8, wBits: 4, outBits: 8, flavour: 'xpulpv2', xpulpnn: true })).toThrow(/conv_u8_u8_i4_nn: 8-bit activations/);
    expect(() => generateKernel({ inBits: 4, wBits: 8, outBits: 8, flavour: 'xpulpv2', xpulpnn: true })).toThrow(/4- and 2-bit weights/);
    expect(() => generateKernel({ inBits: 4, wBits: 4, outBits: 8, flavour: 'corev', xpulpnn: true })).toThrow(/xpulpv2 \(RI5CY\) encoding only/);
  });
  it('needs cin a multiple of 4 for the crumb planes and a column that fits the im2col buffer', () => {
    const spec = generateLayer({ inBits: 4, wBits: 2, outBits: 8, h: 3, w: 3, cin: 6, cout: 4, kh: 3, kw: 3, stride: 1, padding: 1, seed: 1 }).spec;
    expect(xpulpnnLimits(spec).join()).toMatch(/ifmap\.c \(6\) must be a multiple of 4/);
    // 1x1 kernel, 4 channels: 4 elements, two crumb planes of one word each = 8 bytes > 4.
    const tiny = generateLayer({ inBits: 4, wBits: 2, outBits: 8, h: 2, w: 2, cin: 4, cout: 4, kh: 1, kw: 1, stride: 1, padding: 0, seed: 1 }).spec;
    expect(xpulpnnLimits(tiny).join()).toMatch(/8 bytes, more than the 4 bytes/);
  });
});
