// The XpulpNN kernel variants on the cycle-accurate 8-core cluster: bit-exact against the golden model for each
// pairing of 4/2-bit activations and weights (the four im2col layouts of templates/xpulpnn.ts), faster than the
// 8-bit-SIMD kernel of the same layer, and refused by the assembler-free check when the layer breaks the planes'
// channel rule.
import { describe, expect, it } from 'vitest';
import { generateLayer } from '../../kernels/golden/generate.ts';
import type { Precision } from '../../kernels/golden/layer.ts';
import { gap8 } from '../../rtl/config/index.ts';
import { convLimits, runConvOnCluster } from './conv_run.ts';

const nnGap8 = () => {
  const c = gap8();
  c.core.isa = { xpulpnn: true };
  return c;
};

describe('XpulpNN variants on 8 cores', () => {
  const cases: Array<[Precision, Precision, Precision]> = [[4, 4, 8], [2, 4, 4], [2, 2, 2], [4, 2, 8]];
  for (const [inBits, wBits, outBits] of cases) {
    it(`conv_u${inBits}_u${outBits}_i${wBits}_nn is bit-exact (8x2x8 -> 4, 3x3, pad 1) and beats the 8-bit SIMD kernel`, () => {
      const layer = generateLayer({ inBits, wBits, outBits, h: 8, w: 2, cin: 8, cout: 4, kh: 3, kw: 3, stride: 1, padding: 1, seed: 5 });
      const nn = runConvOnCluster(layer, { config: nnGap8(), cores: 8, xpulpnn: true });
      expect(nn.kernel).toBe(`conv_u${inBits}_u${outBits}_i${wBits}_nn`);
      expect(nn.bitExact).toBe(true);
      const base = runConvOnCluster(layer, { config: nnGap8(), cores: 8 });
      expect(base.bitExact).toBe(true);
      expect(nn.phases.matmul).toBeLessThan(base.phases.matmul);
    });
  }

  it('lists the crumb planes rule among the limits of a 4-bit x 2-bit layer with 6 channels (2x2 filters: whole-byte rows for the 8-bit path)', () => {
    const layer = generateLayer({ inBits: 4, wBits: 2, outBits: 8, h: 4, w: 4, cin: 6, cout: 8, kh: 2, kw: 2, stride: 1, padding: 0, seed: 5 });
    expect(convLimits(layer, nnGap8(), true).join()).toMatch(/ifmap\.c \(6\) must be a multiple of 4/);
    expect(convLimits(layer, nnGap8(), false)).toEqual([]);
  });
});
