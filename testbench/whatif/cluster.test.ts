// The 8-core cluster under the core's what-if timing: the RTL oracle's system programs (fork/join, event-unit
// sleep, test-and-set locks, TCDM contention, L2 data) still end with tohost 1 and compute the values the RTL
// computed (testbench/fixtures/timing/cluster/system/expected.json), while their cycles change.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CoreTiming } from '../../rtl/config/index.ts';
import { gap8WithLatency } from '../cluster/config.ts';
import { ClusterTestbench } from '../cluster/testbench.ts';

const DIR = 'testbench/fixtures/timing/cluster/system/';
const expected = JSON.parse(readFileSync(DIR + 'expected.json', 'utf8')) as {
  programs: Record<string, { elf: string; L: number; total_cycles: number; results: { values: Record<string, number> } }>;
};

// Each program once (at L = 5), under one of two variants that together set every parameter off its RTL value.
const VARIANTS: Array<[string, Partial<CoreTiming>, string[]]> = [
  ['btfn, load-use 0, mul 2, div 5', { branch: 'btfn', loadUseCycles: 0, mulCycles: 2, divCycles: 5 }, ['psum8', 'matmul8', 'tas_lock8']],
  ['load-use 3, mulh 9, div 1', { loadUseCycles: 3, mulhCycles: 9, divCycles: 1 }, ['contention8', 'l2_data8']],
];

describe.each(VARIANTS)('gap8 cluster with %s', (_name, timing, programs) => {
  const runs = programs.map((p) => [p, expected.programs[`${p}@L5`]!] as const);
  it.each(runs)('%s: the RTL\'s values', (_key, e) => {
    const cfg = gap8WithLatency(e.L);
    Object.assign(cfg.core, timing);
    const tb = new ClusterTestbench(cfg, readFileSync(DIR + e.elf));
    const r = tb.run(e.total_cycles * 3 + 5000);
    expect(r.exit).toBe('tohost');
    expect(r.tohost).toBe(1);
    for (const [a, v] of Object.entries(e.results.values)) expect(tb.readWord(Number(a)), a).toBe(v);
    expect(r.cycles, 'the timing changed').not.toBe(e.total_cycles);
  }, 60_000);
});
