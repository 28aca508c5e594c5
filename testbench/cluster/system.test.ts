// The whole cluster against the RTL oracle testbench/fixtures/timing/cluster/system/: every entry of expected.json on
// the `gap8` preset at its L2 latency — total cycles, tohost, every core's region deltas (cycles, I-miss cycles, TCDM
// contention cycles), the computed values — and every transaction at the ports (the `.events.json` recordings).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gap8WithLatency } from './config.ts';
import { type ClusterEvents, firstDivergence, recordEvents } from './events.ts';
import { ClusterTestbench } from './testbench.ts';

const DIR = 'testbench/fixtures/timing/cluster/system/';

interface Entry {
  elf: string;
  L: number;
  total_cycles: number;
  tohost: number;
  results: {
    region_cycles: number[][];
    region_imiss_cycles: number[][];
    region_tcdm_contention_cycles: number[][];
    values: Record<string, number>;
  };
}

const expected = JSON.parse(readFileSync(DIR + 'expected.json', 'utf8')) as { programs: Record<string, Entry> };

describe('gap8 cluster: system programs, exact against the RTL', () => {
  for (const [key, e] of Object.entries(expected.programs)) {
    it(key, () => {
      const tb = new ClusterTestbench(gap8WithLatency(e.L), readFileSync(DIR + e.elf));
      const rec = JSON.parse(readFileSync(`${DIR}${key}.events.json`, 'utf8')) as ClusterEvents & { last_cycle: number };
      const ev = recordEvents(tb);
      const r = tb.run(e.total_cycles + 5000);
      expect(r.exit).toBe('tohost');
      expect(r.cycles).toBe(e.total_cycles);
      expect(r.tohost).toBe(e.tohost);
      const g = tb.regions();
      expect(g.cycles).toEqual(e.results.region_cycles);
      expect(g.imiss).toEqual(e.results.region_imiss_cycles);
      expect(g.contention).toEqual(e.results.region_tcdm_contention_cycles);
      for (const [a, v] of Object.entries(e.results.values)) expect(tb.readWord(Number(a)), a).toBe(v);
      expect(firstDivergence(rec, ev, rec.last_cycle)).toBeNull();
    }, 60_000);
  }
});

describe('gap8 cluster: clock gating and configuration', () => {
  it('a core asleep in the event unit does not clock: its active cycles stay below the run length', () => {
    const e = expected.programs['psum8@L5']!;
    const tb = new ClusterTestbench(gap8WithLatency(5), readFileSync(DIR + e.elf));
    tb.run(e.total_cycles + 100);
    const c = tb.counters();
    // Cores 1..7 finish early and sleep on EVT_WAIT_CLEAR while core 0 reduces; PCCR0 counts only clocked cycles.
    for (let k = 1; k < 8; k++) {
      expect(c[k]!.activeCycles).toBeLessThan(e.total_cycles - e.results.region_cycles[0]![1]!);
      expect(c[k]!.pccr[0]).toBeLessThanOrEqual(c[k]!.activeCycles);
    }
  }, 60_000);

  it('builds with fewer cores and with 16, and rejects core counts that are not a power of two up to 16', () => {
    const c = gap8WithLatency(5);
    c.cluster.cores = 4;
    expect(() => new ClusterTestbench(c, readFileSync(DIR + 'psum8.elf'))).not.toThrow();
    const d = gap8WithLatency(5);
    d.cluster.cores = 16;
    expect(new ClusterTestbench(d, readFileSync(DIR + 'psum8.elf')).top.icache.fetch_req.length).toBe(16);
    for (const bad of [3, 32]) {
      const e = gap8WithLatency(5);
      e.cluster.cores = bad;
      expect(() => new ClusterTestbench(e, readFileSync(DIR + 'psum8.elf'))).toThrow(`cluster.cores: must be a power of two 1..16, got ${bad}`);
    }
  });

  it('other L2 latencies: l2_data8 still passes its own checks and slows down with L', () => {
    const cycles: number[] = [];
    for (const L of [1, 37]) {
      const tb = new ClusterTestbench(gap8WithLatency(L), readFileSync(DIR + 'l2_data8.elf'));
      const r = tb.run(20_000);
      expect(r.tohost, `l2_data8 at L=${L}`).toBe(1);
      cycles.push(r.cycles);
    }
    const at5 = expected.programs['l2_data8@L5']!.total_cycles;
    const at20 = expected.programs['l2_data8@L20']!.total_cycles;
    expect(cycles[0]!).toBeLessThan(at5);
    expect(cycles[1]!).toBeGreaterThan(at20);
  }, 60_000);

  it('restart: one testbench runs the L5 programs in turn (each after another left its caches, TCDM and L2 behind) exactly as the RTL', () => {
    const order = ['matmul8@L5', 'psum8@L5', 'tas_lock8@L5', 'l2_data8@L5', 'matmul8@L5'];
    let tb: ClusterTestbench | null = null;
    for (const key of order) {
      const e = expected.programs[key]!;
      const elf = readFileSync(DIR + e.elf);
      if (tb) tb.restart(elf);
      else tb = new ClusterTestbench(gap8WithLatency(5), elf);
      const r = tb.run(e.total_cycles + 5000);
      expect(r.exit, key).toBe('tohost');
      expect(r.cycles, key).toBe(e.total_cycles);
      expect(tb.cycle, key).toBe(e.total_cycles + 1);
      expect(r.tohost, key).toBe(e.tohost);
      const g = tb.regions();
      expect(g.cycles, key).toEqual(e.results.region_cycles);
      expect(g.imiss, key).toEqual(e.results.region_imiss_cycles);
      expect(g.contention, key).toEqual(e.results.region_tcdm_contention_cycles);
      for (const [a, v] of Object.entries(e.results.values)) expect(tb.readWord(Number(a)), `${key} ${a}`).toBe(v);
    }
  }, 60_000);

  it('rejects a bad L2 latency with the field named', () => {
    expect(() => gap8WithLatency(0)).toThrow(/l2.latency/);
  });
});
