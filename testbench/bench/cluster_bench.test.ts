// The cluster bench's program does what its rows claim: with every core in the team, every core works most of the
// run; with a team of one (the "7 asleep" row), cores 1..7 stop in the dispatch wait right after boot and their
// clocks stay gated for the rest of the run, while core 0 does the work of the 1-core cluster.
import { describe, expect, it } from 'vitest';
import { runClusterBench } from './cluster_bench.ts';

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
