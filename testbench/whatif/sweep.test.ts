// The sweep machinery takes the core's what-if parameters like any other: the committed example plans with them,
// bad values are refused before any run naming the entry, and a sweep over them on the signal-level core gives
// the RTL vector's cycles plus the hand-computed deltas of core_timing.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SweepError, loadSweep, parseSweep } from '../sweep/format.ts';
import { runSweep } from '../sweep/runner.ts';
import { timingVectors } from '../timing/vectors.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulpsim-whatif-sweep-'));

describe('core what-if parameters in sweeps', () => {
  it('sweeps/what_if_core.json plans 2 kernels x 5 variations with the core parameters set', () => {
    const p = loadSweep(join(import.meta.dirname, '../../sweeps/what_if_core.json'));
    expect(p.runs.length).toBe(10);
    const core = (id: string) => p.runs.find((r) => r.id === id)!.config.core;
    expect(core('u8_u8_i8/rtl')).toMatchObject({ branch: 'rtl', loadUseCycles: 1 });
    expect(core('u4_u4_i4/btfn+load-use-0')).toMatchObject({ branch: 'btfn', loadUseCycles: 0 });
    expect(core('u4_u4_i4/load-use-2')).toMatchObject({ branch: 'rtl', loadUseCycles: 2 });
  });

  it('refuses a bad core value before any run, naming the variation and the parameter', () => {
    let errors: string[] = [];
    try {
      parseSweep(
        JSON.stringify({
          jobs: [{ name: 'loop', kind: 'program', elf: resolve(timingVectors('ri5cy').find((v) => v.name === 'branch_loop')!.elf) }],
          variations: [{ name: 'ok' }, { name: 'bad', set: { 'core.branch': 'gshare' } }],
        }),
        join(dir, 'bad.json'),
        dir,
      );
    } catch (e) {
      if (!(e instanceof SweepError)) throw e;
      errors = e.errors;
    }
    expect(errors.join('\n')).toMatch(/variations\[1\] "bad".*core\.branch: expected one of rtl, btfn, got 'gshare'/);
  });

  it('a product over core.branch x core.loadUseCycles on branch_loop gives the hand-computed cycles', async () => {
    const v = timingVectors('ri5cy').find((x) => x.name === 'branch_loop')!;
    const plan = parseSweep(
      JSON.stringify({
        config: 'ri5cy',
        jobs: [{ name: 'loop', kind: 'program', elf: resolve(v.elf) }],
        product: { 'core.branch': ['rtl', 'btfn'], 'core.loadUseCycles': [1, 2] },
      }),
      join(dir, 'loop.json'),
      dir,
    );
    const r = await runSweep(plan, { workers: 0 });
    expect(r.rows.every((x) => x.status === 'ok')).toBe(true);
    const cycles = (branch: string, lu: number) =>
      r.rows.find((x) => x.params['core.branch'] === branch && x.params['core.loadUseCycles'] === lu)!.metrics.cycles;
    // the whole program: btfn saves 9 - 2 and 99 - 2 cycles in the two loops (core_timing.test.ts); a load-use of
    // 2 adds one cycle per iteration of the second loop (100); the rest of the program has no backward branch and
    // no load-use pair
    expect(cycles('rtl', 1)).toBe(v.total_cycles);
    expect(cycles('btfn', 1)).toBe(v.total_cycles - 7 - 97);
    expect(cycles('rtl', 2)).toBe(v.total_cycles + 100);
    expect(cycles('btfn', 2)).toBe(v.total_cycles - 7 - 97 + 100);
  });
});
