// Activity-based evaluation skips a comb process, and a seq process declared stable (every seq process of
// rtl/cluster), while nothing it reads changed, so their read sets must be complete: the strict interpreter refuses
// any read outside them. System programs that exercise the event unit's barriers, the I$ refills, L2 reads and
// writes through per2axi and TCDM contention run to their end on it and must end in the RTL's cycle; hwloops8
// (both hardware loops through the cores' L0 prefetch buffer, misaligned TCDM accesses, mul/div; checked by the
// program itself) must end with tohost 1. testbench/bench/read_sets_sweep.ts runs every program and many more.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gap8WithLatency } from './config.ts';
import { buildClusterProgram } from './programs/build.ts';
import { ClusterTestbench } from './testbench.ts';

const DIR = 'testbench/fixtures/timing/cluster/system/';
const expected = JSON.parse(readFileSync(DIR + 'expected.json', 'utf8')) as { programs: Record<string, { elf: string; L: number; total_cycles: number }> };

describe('cluster read sets are complete (strict interpreter)', () => {
  for (const key of ['psum8@L5', 'l2_data8@L20', 'contention8@L5']) {
    it(key, () => {
      const e = expected.programs[key]!;
      const tb = new ClusterTestbench(gap8WithLatency(e.L), readFileSync(DIR + e.elf), { backend: 'interp', strictReads: true });
      const r = tb.run(e.total_cycles + 100);
      expect(r.exit).toBe('tohost');
      expect(r.cycles).toBe(e.total_cycles);
    }, 120_000);
  }
  it('hwloops8@L5', () => {
    const tb = new ClusterTestbench(gap8WithLatency(5), buildClusterProgram('hwloops8'), { backend: 'interp', strictReads: true });
    const r = tb.run(20_000);
    expect([r.exit, r.tohost], r.message).toEqual(['tohost', 1]);
  }, 120_000);
});
