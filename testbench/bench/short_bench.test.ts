// The short-program bench runs the fixture's longest program to the RTL's cycle, again after a restart.
import { describe, expect, it } from 'vitest';
import { longestSystemProgram, runShortBench, runShortCommand } from './short_bench.ts';

describe('short-program bench', () => {
  it('picks matmul8@L20, the system program with the most cycles', () => {
    const { key, entry } = longestSystemProgram();
    expect(key).toBe('matmul8@L20');
    expect(entry.total_cycles).toBe(6144);
  });

  it('runs it to the RTL total cycles, then again after a restart', () => {
    const r = runShortBench({ runs: 2 });
    expect(r.runs.map((x) => x.cycles)).toEqual([6144, 6144]);
  }, 60_000);

  it('times the pulpsim command running it to the RTL total cycles and tohost (it throws otherwise)', () => {
    const [c] = runShortCommand(1);
    expect(c!.wallSeconds).toBeGreaterThan(0);
    expect(['bundle', 'bundle built', 'tsx']).toContain(c!.path);
  }, 60_000);

  it('refuses a run count that is not a whole number >= 1', () => {
    expect(() => runShortBench({ runs: 0 })).toThrow(/runs must be a whole number >= 1, got 0/);
  });
});
