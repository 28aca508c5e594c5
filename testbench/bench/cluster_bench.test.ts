// The cluster bench's program does what its rows claim: with every core in the team, every core works most of the
// run; with a team of one (the "7 asleep" row), cores 1..7 stop in the dispatch wait right after boot and their
// clocks stay gated for the rest of the run, while core 0 does the work of the 1-core cluster.
import { describe, expect, it } from 'vitest';
import { gap8 } from '../../rtl/config/index.ts';
import { buildClusterProgram } from '../../kernels/runtime/runtime.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { ClusterIss } from '../iss/cluster_iss.ts';
import { ClusterTestbench } from '../cluster/testbench.ts';
import { clusterBenchSource, runClusterBench } from './cluster_bench.ts';

// One word of the dot product by hand: mat_a's bytes 0xfc, 0x03, 0xfe, 0x01 (unsigned) times vec_b's 0x7f, 0x01,
// 0x80, 0x7f (signed), low byte first: 252 * 127 + 3 * 1 + 254 * -128 + 1 * 127.
const WORD_DOT = 252 * 127 + 3 * 1 + 254 * -128 + 1 * 127;

describe('cluster bench program', () => {
  it('keeps all 8 cores busy with the whole team', () => {
    const r = runClusterBench({ rounds: 20 });
    expect(r.activeCycles).toHaveLength(8);
    for (const a of r.activeCycles) expect(a).toBeGreaterThan(r.cycles / 2);
  });

  it('with a team of one, 7 cores sleep for all but their boot', () => {
    const short = runClusterBench({ rounds: 20, team: 1 });
    const long = runClusterBench({ rounds: 60, team: 1 });
    const one = runClusterBench({ rounds: 60, cores: 1 });
    expect(long.activeCycles[0]).toBeGreaterThan(long.cycles * 0.9);
    // Forty more rounds do not add one active cycle to cores 1..7: they wake only to boot.
    expect(long.cycles - short.cycles).toBeGreaterThan(40 * 50);
    expect(long.activeCycles.slice(1)).toEqual(short.activeCycles.slice(1));
    for (const a of long.activeCycles.slice(1)) expect(a).toBeLessThan(long.cycles / 10);
    // The same work as the 1-core cluster: within the few cycles the wider fork and join take.
    expect(Math.abs(long.cycles - one.cycles)).toBeLessThan(100);
  });

  // Core counts 1..16 on the functional ISS: the program's own check passes (tohost = 1) and every core's last sum
  // is that of its 4 * (4 + k) words of the fills, i.e. no row runs past its data and no store lands on another's
  // (at 16 cores the 8-core sizes let core 8's sum overwrite `result`: tohost = 3). The bench gives the cluster as
  // many barriers as cores (pulp_cluster's NB_BARR = NB_CORES) and the ISS stops at an access to any other.
  for (const cores of [1, 2, 4, 8, 16]) {
    it(`passes its own check on ${cores} core${cores === 1 ? '' : 's'} (ISS)`, () => {
      const cfg = gap8();
      cfg.cluster.cores = cores;
      cfg.cluster.eventUnit.barriers = cores;
      const p = buildClusterProgram([{ file: 'cluster_bench.S', text: clusterBenchSource(3, 0, cores) }], cfg);
      const c = new ClusterIss(cfg, { maxInstructions: 2_000_000 });
      c.load(readElf(p.elf, 'cluster_bench.elf'));
      const r = c.run();
      expect(r.tohost, r.message).toBe(1);
      const out = p.linked.symbols.find((x) => x.name === 'out')!.value;
      for (let k = 0; k < cores; k++) expect(c.memory.readWord(out + 4 * k) | 0, `out[${k}]`).toBe(4 * (4 + k) * WORD_DOT);
    });
  }

  it('on 1 core (1 barrier) the model sees no event-unit access to a barrier the cluster does not have', () => {
    // The event unit drops such an access silently (barrier add[8:5] >= NB_BARR, event_unit_flex pulp-v1.0), so
    // the model would run on where the ISS stops: watch every request of the demux port.
    const cfg = gap8();
    cfg.cluster.cores = 1;
    cfg.cluster.eventUnit.barriers = 1;
    const p = buildClusterProgram([{ file: 'cluster_bench.S', text: clusterBenchSource(3, 0, 1) }], cfg);
    const tb = new ClusterTestbench(cfg, p.elf);
    const eu = tb.top.eu;
    const bad: string[] = [];
    let barrierAccesses = 0;
    for (let t = 0; t < 200_000 && !tb.ended; t++) {
      if (tb.sim.peek(eu.req[0]!)) {
        const off = tb.sim.peek(eu.add[0]!) & 0x3ff;
        if (off & 0x200) {
          barrierAccesses++;
          const id = (off >>> 5) & 0xf;
          if (id >= eu.nbBarr) bad.push(`cycle ${tb.sim.cycle}: barrier ${id} offset 0x${(off & 0x1f).toString(16)}`);
        }
      }
      tb.sim.step();
    }
    expect(tb.ended).toBe(true);
    expect(tb.run(0).tohost).toBe(1);
    expect(barrierAccesses).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });

  it('runs on 16 cores (the model; the bench throws unless tohost = 1)', () => {
    const r = runClusterBench({ rounds: 3, cores: 16 });
    expect(r.activeCycles).toHaveLength(16);
  });

  it('runs the program again after a restart, cycle for cycle', () => {
    const r = runClusterBench({ rounds: 5, restarts: 2 });
    expect(r.restartRuns.map((x) => x.cycles)).toEqual([r.cycles, r.cycles]);
  });

  it('refuses a restart count that is not a whole number', () => {
    expect(() => runClusterBench({ rounds: 1, restarts: Number('x') })).toThrow(/restarts must be a whole number >= 0, got NaN/);
    expect(() => runClusterBench({ rounds: 1, restarts: -1 })).toThrow(/restarts must be a whole number >= 0, got -1/);
  });

  it('refuses a team larger than the cluster', () => {
    expect(() => runClusterBench({ rounds: 1, team: 9 })).toThrow(/team must be 1\.\.8 cores, got 9/);
  });
});
