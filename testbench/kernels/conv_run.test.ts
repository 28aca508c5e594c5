// The 27 pulp-nn-mixed kernels on the cycle-accurate cluster: bit-exact against the golden model on small layers
// (all 27 on 1 core; one kernel per weight precision on 8 cores, with a row count that forces the paired-column
// split), the MatMul inner loop's cycles per iteration (CF'20 §3: 14 / 72 / 140 for 8 / 4 / 2-bit weights), and
// the QntPack threshold search's branch counts, derived here from the golden accumulators.
import { beforeAll, describe, expect, it } from 'vitest';
import { convAccumulators } from '../../kernels/golden/conv.ts';
import { generateLayer } from '../../kernels/golden/generate.ts';
import { type Layer, outputShape, type Precision } from '../../kernels/golden/layer.ts';
import { PRECISION_TRIPLES } from '../../kernels/pulp-nn-mixed/generate.ts';
import { type ConvRunResult, KEPT_TESTBENCHES, keptTestbenches, layerMacs, runConvOnCluster } from './conv_run.ts';
import { PHASES } from './phases.ts';

function tinyLayer(t: { inBits: Precision; wBits: Precision; outBits: Precision }, seed: number, h = 3): Layer {
  // 3 columns: one pixel pair and the odd pixel of every row; 6 output channels (one 4-channel block and the
  // channel leftover) unless 2-bit outputs need a multiple of 4.
  return generateLayer({ ...t, h, w: 3, cin: 4, cout: t.outBits === 2 ? 4 : 6, kh: 3, kw: 3, stride: 1, padding: 1, seed });
}

const runs = new Map<string, { layer: Layer; r: ConvRunResult }>();

/**
 * Taken branches of the threshold search, by an independent definition: the kernels' tree compares with the
 * middle threshold of the remaining range [lo, hi] and branches (to the lower half) when acc <= T[mid].
 */
function expectedTaken(layer: Layer): number {
  const bits = layer.spec.ofmap.bits;
  const n = (1 << bits) - 1;
  const acc = convAccumulators(layer);
  const c = layer.spec.ofmap.c;
  let taken = 0;
  for (let i = 0; i < acc.length; i++) {
    const t = layer.thresholds!.subarray((i % c) * n, (i % c) * n + n);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (acc[i]! <= t[mid]!) {
        taken++;
        hi = mid;
      } else lo = mid + 1;
    }
  }
  return taken;
}

describe('pulp-nn-mixed kernels on the cycle-accurate cluster', () => {
  beforeAll(() => {
    let seed = 100;
    for (const t of PRECISION_TRIPLES) {
      const layer = tinyLayer(t, seed++, 2);
      runs.set(`${t.inBits}${t.wBits}${t.outBits}`, { layer, r: runConvOnCluster(layer, { cores: 1 }) });
    }
  }, 300_000);

  it('all 27 kernels are bit-exact on 1 core', () => {
    const bad = [...runs.values()].filter(({ r }) => !r.bitExact).map(({ r }) => `${r.kernel}: ${r.mismatches} mismatches`);
    expect(bad).toEqual([]);
    expect(runs.size).toBe(27);
  });

  it('counts MACs as kh*kw*cin per output and accounts every cycle of the call to one phase', () => {
    for (const { layer, r } of runs.values()) {
      const s = layer.spec;
      const o = outputShape(s);
      expect(r.macs).toBe(o.ho * o.wo * o.c * 9 * s.ifmap.c);
      expect(layerMacs(layer)).toBe(r.macs);
      const core = r.perCore[0]!;
      expect(PHASES.reduce((a, p) => a + core.phases[p], 0)).toBe(core.returnCycle - core.entryCycle);
      // The PCCR cycle counter runs from just before the call to just after it.
      expect(core.counters.cycles).toBeGreaterThanOrEqual(r.cycles);
      expect(core.counters.cycles).toBeLessThan(r.cycles + 100);
    }
  });

  it('QntPack: 4 conditional branches per 4-bit output, 2 per 2-bit output, none for 8-bit; taken as the tree decides', () => {
    for (const { layer, r } of runs.values()) {
      const q = r.phaseEvents.qntpack;
      const bits = layer.spec.ofmap.bits;
      expect(q.branches, r.kernel).toBe(bits === 8 ? 0 : Math.log2(1 << bits) * r.outputs);
      expect(q.takenBranches, r.kernel).toBe(bits === 8 ? 0 : expectedTaken(layer));
    }
  });

  const picks = [
    { inBits: 8, wBits: 8, outBits: 8 },
    { inBits: 4, wBits: 4, outBits: 2 },
    { inBits: 2, wBits: 2, outBits: 4 },
  ] as const;
  const on8: { layer: Layer; r: ConvRunResult }[] = [];

  it('runs on 8 cores bit-exact (H_out mod 8 != 0: the paired-column split), each core in the kernel', () => {
    for (const t of picks) {
      const layer = tinyLayer(t, 7, 4);
      const r = runConvOnCluster(layer, { cores: 8 });
      on8.push({ layer, r });
      expect(r.bitExact, `${r.kernel}: ${r.mismatches} mismatches`).toBe(true);
      expect(r.perCore).toHaveLength(8);
      for (const c of r.perCore) expect(c.entryCycle).toBeGreaterThan(0);
    }
  }, 120_000);

  it('a kept testbench (reuse: restarted for each run) gives every number a new one gives, on 1 and 8 cores', () => {
    const same = (r: ConvRunResult): unknown => ({ ...r, seconds: 0, cyclesPerSecond: 0 });
    // Each kernel after another one ran on the same testbench: 8 cores, then 1 core (first run builds it).
    for (const { layer, r } of [...on8, ...on8.slice(0, 1)]) expect(same(runConvOnCluster(layer, { cores: 8, reuse: true })), r.kernel).toEqual(same(r));
    const ones = [...runs.values()].slice(0, 4);
    for (const { layer, r } of ones) expect(same(runConvOnCluster(layer, { cores: 1, reuse: true })), r.kernel).toEqual(same(r));
    // A third configuration evicts the least recently used (8 cores); 8 cores again is built anew, same numbers.
    const r2 = runConvOnCluster(on8[0]!.layer, { cores: 2, reuse: true });
    expect(r2.bitExact).toBe(true);
    expect(keptTestbenches()).toBe(KEPT_TESTBENCHES);
    expect(same(runConvOnCluster(on8[1]!.layer, { cores: 8, reuse: true }))).toEqual(same(on8[1]!.r));
    expect(keptTestbenches()).toBe(KEPT_TESTBENCHES);
  }, 120_000);
});

describe('MatMul inner loop on the cycle model', () => {
  // One pixel pair, 1x1 filters over 128 channels: long inner loops (32 / 16 / 8 iterations per 4-channel block).
  const paper: Record<Precision, number> = { 8: 14, 4: 72, 2: 140 };
  for (const wBits of [8, 4, 2] as const) {
    it(`${wBits}-bit weights: ${paper[wBits]} cycles per iteration on one core (CF'20 §3)`, () => {
      const layer = generateLayer({ inBits: 8, wBits, outBits: 8, h: 1, w: 2, cin: 128, cout: 8, kh: 1, kw: 1, stride: 1, padding: 0, seed: 5 });
      const r = runConvOnCluster(layer, { cores: 1 });
      expect(r.bitExact).toBe(true);
      expect(r.inner.instructions).toBe(paper[wBits]);
      expect(r.inner.iterations).toBe(2 * (128 / (wBits === 8 ? 4 : 32 / wBits)));
      // Every iteration followed by another takes exactly the body's length (zero-overhead loop, no stalls), but
      // the very first, which fetches the body into the cold I$.
      expect(r.inner.steadyCycles).toBe(paper[wBits]);
      expect(r.inner.otherLengths).toBe(1);
      // The mean only adds the cold I$ misses of the first pass over the body.
      expect(r.inner.cyclesPerIteration).toBeGreaterThanOrEqual(paper[wBits]);
      expect(r.inner.cycles - paper[wBits] * r.inner.iterations).toBeLessThanOrEqual(r.phaseEvents.matmul.imissCycles);
    }, 60_000);
  }
});
