// Ideal vs real shared I$ on pulp-nn-mixed kernels, 8 cores: the what-if parameter `icache.ideal` (rtl/config
// params.ts: "every fetch hits with no refill"; rtl/cluster/icache.ts: granted at once, answered in the next cycle)
// against the RTL's cache, for 8-, 4- and 2-bit weights on a small layer. Both must be bit-exact against the golden
// model; the ideal run must fetch exactly as the definition says, read nothing from L2 during the kernel (no
// refill), and not be slower. Measurements on larger layers: icache-ideal.md beside this file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLayer } from '../../kernels/golden/generate.ts';
import type { Precision } from '../../kernels/golden/layer.ts';
import { type Gap8Config, gap8 } from '../../rtl/config/index.ts';
import { applySets } from '../../rtl/config/params.ts';
import { ClusterTestbench } from '../cluster/testbench.ts';
import { type ConvRunResult, runConvOnCluster } from './conv_run.ts';

const CORES = 8;

/** Fetch and L2-read observations of one run, from the ports. */
interface PortLog {
  /** Per core: fetches granted, and those whose r_valid did not come in the cycle after the grant. */
  fetches: number[];
  slowFetches: number[];
  /** Per core: cycles with a fetch request and no grant. */
  fetchWaits: number[];
  /** Cycles of the AR handshakes at the L2 port. */
  ar: number[];
}

interface Measured {
  r: ConvRunResult;
  log: PortLog;
}

function run(config: Gap8Config, wBits: Precision): Measured {
  // 8-bit ifmap and ofmap, the paper's weight precisions; 8 output rows so that every core has work.
  const layer = generateLayer({ inBits: 8, wBits, outBits: 8, h: 8, w: 2, cin: 8, cout: 8, kh: 3, kw: 3, stride: 1, padding: 1, seed: 40 + wBits });
  const log: PortLog = { fetches: new Array<number>(CORES).fill(0), slowFetches: new Array<number>(CORES).fill(0), fetchWaits: new Array<number>(CORES).fill(0), ar: [] };
  const r = runConvOnCluster(layer, {
    config,
    cores: CORES,
    onTestbench: (tb) => {
      const top = tb.top;
      const grantedAt = new Int32Array(CORES).fill(-2);
      tb.sim.onSettled((c) => {
        if (top.l2.ar_valid.v && top.l2.ar_ready.v) log.ar.push(c);
        for (let k = 0; k < CORES; k++) {
          const i = top.regions[k]!.core.instr;
          // The port carries one fetch at a time: a granted fetch's r_valid comes before the next grant.
          if (grantedAt[k]! >= 0 && i.rvalid.v) {
            if (c !== grantedAt[k]! + 1) log.slowFetches[k]!++;
            grantedAt[k] = -2;
          }
          if (i.req.v && !i.gnt.v) log.fetchWaits[k]!++;
          if (i.req.v && i.gnt.v) {
            log.fetches[k]!++;
            grantedAt[k] = c;
          }
        }
      });
    },
  });
  return { r, log };
}

const inKernel = (m: Measured): number[] => {
  const from = Math.min(...m.r.perCore.map((c) => c.entryCycle));
  const to = Math.max(...m.r.perCore.map((c) => c.returnCycle));
  return m.log.ar.filter((c) => c >= from && c <= to);
};

const realRuns = new Map<Precision, Measured>();
/** The real cache's run of a precision, shared by the tests. */
const realOf = (wBits: Precision): Measured => {
  let m = realRuns.get(wBits);
  if (!m) realRuns.set(wBits, (m = run(gap8(), wBits)));
  return m;
};

describe('shared I$: ideal vs real on pulp-nn-mixed kernels (8 cores)', () => {
  for (const wBits of [8, 4, 2] as const) {
    it(`${wBits}-bit weights: the real cache refills during the kernel and its cores wait on fetches`, () => {
      const real = realOf(wBits);
      expect(real.r.bitExact, `${real.r.kernel}: ${real.r.mismatches} mismatches`).toBe(true);
      expect(inKernel(real).length).toBeGreaterThan(0);
      for (let k = 0; k < CORES; k++) {
        expect(real.r.perCore[k]!.counters.imissCycles, `core ${k} I-miss cycles`).toBeGreaterThan(0);
        expect(real.log.slowFetches[k]! + real.log.fetchWaits[k]!, `core ${k} fetches not answered at once`).toBeGreaterThan(0);
      }
    }, 120_000);

    it(`${wBits}-bit weights: ideal cache: bit-exact, no refill, every fetch answered in the next cycle, not slower`, () => {
      const real = realOf(wBits);
      const ideal = run(applySets(gap8(), ['icache.ideal=true']), wBits);
      expect(ideal.r.kernel).toBe(real.r.kernel);
      expect(real.r.bitExact, `${real.r.kernel} real: ${real.r.mismatches} mismatches`).toBe(true);
      expect(ideal.r.bitExact, `${ideal.r.kernel} ideal: ${ideal.r.mismatches} mismatches`).toBe(true);
      expect(Array.from(ideal.r.output)).toEqual(Array.from(real.r.output));
      // No refill: the kernel's code and data are in L2 and TCDM, so no AXI read at all while it runs.
      expect(inKernel(ideal)).toEqual([]);
      for (let k = 0; k < CORES; k++) {
        expect(ideal.log.fetches[k], `core ${k} fetches`).toBeGreaterThan(0);
        expect(ideal.log.fetchWaits[k], `core ${k}: cycles with a fetch request not granted`).toBe(0);
        expect(ideal.log.slowFetches[k], `core ${k}: fetches answered later than the next cycle`).toBe(0);
        // PCCR4 counts IF-empty cycles that are not redirects; with a one-cycle cache only the latency of fetches the
        // L0 buffer did not prefetch remains: a small fraction of the real cache's miss cycles.
        const im = ideal.r.perCore[k]!.counters.imissCycles;
        expect(im, `core ${k} I-miss cycles, ideal vs real`).toBeLessThan(real.r.perCore[k]!.counters.imissCycles / 10);
      }
      expect(ideal.r.cycles).toBeLessThanOrEqual(real.r.cycles);
    }, 120_000);
  }

  it('icache.ideal builds the cluster: the ideal cache reads its lines from L2, its grant is no combinational loop', () => {
    const elf = readFileSync(join(import.meta.dirname, '../fixtures/timing/cluster/system/psum8.elf'));
    const tb = new ClusterTestbench(applySets(gap8(), ['icache.ideal=true']), elf);
    expect(tb.top.icache.config.ideal).toBe(true);
    // psum8 runs to its end with the same result (tohost 1) as on the real cache, in fewer cycles.
    const ideal = tb.run(200_000);
    const real = new ClusterTestbench(gap8(), elf).run(200_000);
    expect(real.tohost).toBe(1);
    expect(ideal.tohost).toBe(real.tohost);
    expect(ideal.cycles).toBeLessThan(real.cycles);
  });
});
