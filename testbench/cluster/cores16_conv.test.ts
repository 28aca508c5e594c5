// The pulp-nn-mixed convolution kernels on a 16-core cluster: bit-exact against the golden model for the three
// ways the kernels split rows over NUM_CORES (fact sheet pulp-cluster.md §4: chunk = (H_out >> log2(NUM_CORES)) +
// (H_out & (NUM_CORES - 1) != 0); with H_out not a multiple of NUM_CORES and W_out > 1, NUM_CORES / 2 row groups
// times two W halves). Which cores get work follows from that rule, computed here independently of the kernels.
import { describe, expect, it } from 'vitest';
import { generateLayer } from '../../kernels/golden/generate.ts';
import type { Precision } from '../../kernels/golden/layer.ts';
import { runConvOnCluster } from '../kernels/conv_run.ts';

const CORES = 16;

/** Output rows and W halves core `k` computes, after the fact sheet's split rule. */
function workOf(k: number, ho: number, wo: number, n: number): number {
  const log2 = Math.log2(n);
  if (ho % n !== 0 && wo > 1) {
    // n/2 row groups, core k & 1 selects the W half.
    const groups = n / 2;
    const chunk = (ho >> Math.log2(groups)) + ((ho & (groups - 1)) !== 0 ? 1 : 0);
    const g = k >> 1;
    const start = Math.min(chunk * g, ho);
    return Math.min(start + chunk, ho) - start;
  }
  const chunk = (ho >> log2) + ((ho & (n - 1)) !== 0 ? 1 : 0);
  const start = Math.min(chunk * k, ho);
  return Math.min(start + chunk, ho) - start;
}

describe('pulp-nn-mixed convolutions on 16 cores', () => {
  const cases: { name: string; h: number; w: number; wBits: Precision }[] = [
    { name: 'H_out 16 = one row per core', h: 16, w: 1, wBits: 8 },
    { name: 'H_out 8, W_out 2: 8 row groups x 2 W halves', h: 8, w: 2, wBits: 4 },
    { name: 'H_out 5, W_out 1: 5 cores with a row, 11 idle', h: 5, w: 1, wBits: 2 },
  ];
  for (const c of cases) {
    it(`${c.name} (${c.wBits}-bit weights): bit-exact, work where the split rule puts it`, () => {
      const layer = generateLayer({ inBits: 8, wBits: c.wBits, outBits: 8, h: c.h, w: c.w, cin: 8, cout: 8, kh: 3, kw: 3, stride: 1, padding: 1, seed: 160 + c.h });
      const r = runConvOnCluster(layer, { cores: CORES });
      expect(r.cores).toBe(CORES);
      expect(r.bitExact, `${r.kernel}: ${r.mismatches} mismatches`).toBe(true);
      expect(r.perCore.length).toBe(CORES);
      for (let k = 0; k < CORES; k++) {
        const rows = workOf(k, c.h, c.w, CORES);
        const mm = r.perCore[k]!.phases.matmul;
        if (rows > 0) expect(mm, `core ${k}: ${rows} row(s), MatMul cycles`).toBeGreaterThan(0);
        else expect(mm, `core ${k}: no rows, MatMul cycles`).toBe(0);
      }
    }, 120_000);
  }
});
