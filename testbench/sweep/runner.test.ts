import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkXml } from '../report/svg_xml_check.ts';
import { parseSweep } from './format.ts';
import { chartData, sweepHtml, writeSweepOutputs } from './report.ts';
import { type SweepResult, mergeResults, readResult, toCsv } from './results.ts';
import { runSweep } from './runner.ts';
import { inShard, parseShard } from './shard.ts';

const FIX = join(import.meta.dirname, '../fixtures/timing/ri5cy');
const dir = mkdtempSync(join(tmpdir(), 'pulpsim-sweeprun-'));
writeFileSync(join(dir, 'junk.elf'), 'not an ELF file');
const iss = (name: string, extra: object = {}) => ({ name, kind: 'program', model: 'iss', elf: join(FIX, `${name}.elf`), ...extra });

/** ISS jobs (fast, and independent of the signal-level model), one that hits its limit and one unreadable ELF. */
const issSweep = parseSweep(
  JSON.stringify({
    name: 'iss mix',
    jobs: [iss('alu_chain'), iss('branch_loop'), iss('div_divu'), iss('call_return', { maxCycles: 10 }), { name: 'junk', kind: 'program', model: 'iss', elf: 'junk.elf' }],
    product: { 'core.version': ['ri5cy', 'ri5cy_v1'], 'imem.responseDelay': [1, 2] },
  }),
  join(dir, 'iss.json'),
  dir,
);
const withoutTime = (r: SweepResult) => r.rows.map(({ seconds, ...row }) => (void seconds, row));

describe('runSweep in the calling thread', () => {
  it('reports a failing configuration in its row without stopping the others', async () => {
    const r = await runSweep(issSweep, { workers: 0 });
    expect(r.rows.length).toBe(20);
    const by = (job: string) => r.rows.filter((x) => x.job === job);
    expect(by('alu_chain').every((x) => x.status === 'ok' && x.metrics.tohost === 1)).toBe(true);
    expect(by('call_return').every((x) => x.status === 'fail' && /instruction limit of 10/.test(x.error!))).toBe(true);
    expect(by('junk').every((x) => x.status === 'error' && /junk\.elf/.test(x.error!))).toBe(true);
    // The program's instruction count does not depend on the port timing the ISS ignores.
    const alu = by('alu_chain').map((x) => x.metrics.instret);
    expect(new Set(alu).size).toBe(1);
  });

  it('shards are disjoint and cover the sweep; their merge equals the unsharded run', async () => {
    const whole = await runSweep(issSweep, { workers: 0 });
    const dirs: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const part = await runSweep(issSweep, { workers: 0, shard: { index: i, count: 3 } });
      expect(part.rows.every((row) => row.index % 3 === i - 1)).toBe(true);
      const d = join(dir, `shard${i}`);
      writeSweepOutputs(part, d);
      dirs.push(d);
    }
    const merged = mergeResults(dirs.map((d) => ({ where: d, result: readResult(d) })));
    expect(toCsv(merged)).toBe(toCsv(whole));
    expect(withoutTime(merged)).toEqual(withoutTime(whole));
    expect(merged.shards.map((s) => `${s.index}/${s.count}`)).toEqual(['1/3', '2/3', '3/3']);

    expect(() => mergeResults(dirs.slice(0, 2).map((d) => ({ where: d, result: readResult(d) })))).toThrow(/lack 6 of 20 runs \(indices 2, 5, 8, 11, 14, 17\)/);
    expect(() => mergeResults([dirs[0]!, dirs[0]!].map((d) => ({ where: d, result: readResult(d) })))).toThrow(/run 0 \(.*\) is in both/);
    const other = { ...readResult(dirs[1]!), hash: 'other' };
    expect(() => mergeResults([{ where: dirs[0]!, result: readResult(dirs[0]!) }, { where: 'x', result: other }])).toThrow(/x comes from another sweep/);
  });

  it('parses --shard i/n (1-based) and deals runs round robin', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '1']) expect(() => parseShard(bad)).toThrow(/expected i\/n/);
    const counts = [1, 2, 3, 4].map((i) => [...Array(10).keys()].filter((k) => inShard(k, { index: i, count: 4 })).length);
    expect(counts).toEqual([3, 3, 2, 2]);
  });
});

describe('runSweep on worker threads', () => {
  it('runs the signal-level core with the fixture cycle counts, in parallel, and writes a well-formed report', async () => {
    const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')).vectors as Record<string, { total_cycles: number; instret: number }>;
    const plan = parseSweep(
      JSON.stringify({
        name: 'data grant delay',
        config: 'ri5cy',
        jobs: [{ name: 'branch_loop', kind: 'program', elf: join(FIX, 'branch_loop.elf') }, iss('alu_chain')],
        product: { 'dmem.grantDelay': [0, 2, 3] },
        report: { chart: 'lines' },
      }),
      join(dir, 'rtl.json'),
      dir,
    );
    const seen: number[] = [];
    const r = await runSweep(plan, { workers: 2, onRun: (_row, done) => seen.push(done) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    const cycles = r.rows.filter((x) => x.job === 'branch_loop').map((x) => [x.status, x.metrics.cycles, x.metrics.instret]);
    expect(cycles).toEqual([
      ['ok', expected['branch_loop']!.total_cycles, expected['branch_loop']!.instret],
      ['ok', expected['branch_loop@dg2']!.total_cycles, expected['branch_loop@dg2']!.instret],
      ['ok', expected['branch_loop@dg3']!.total_cycles, expected['branch_loop@dg3']!.instret],
    ]);
    expect(r.workers).toBe(2);

    const html = sweepHtml(r);
    expect(checkXml(html).root).toBe('html');
    // The chart: cycles of branch_loop at the three delays; alu_chain on the ISS has no cycles.
    const spec = chartData(r, 'cycles');
    expect(spec.series.map((s) => s.values)).toEqual([cycles.map((c) => c[1]), [null, null, null]]);
    expect(html.match(/<circle /g)?.length).toBe(3);
    expect(html).toContain('<polyline');
  });
});
