import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkXml } from '../report/svg_xml_check.ts';
import { runDemo } from './start.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulpsim-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pulpsim start --demo', () => {
  it('runs the demo and writes a VCD and a .gtkw naming it', () => {
    const s = runDemo({ cycles: 1500, backend: 'codegen', outDir: dir });
    expect(s.cycles).toBe(1500);
    const vcd = readFileSync(s.vcdPath, 'utf8');
    expect(vcd).toContain('$enddefinitions');
    expect(vcd).toMatch(/\$scope module mac \$end/);
    expect(vcd).toMatch(/#14990\b/); // cycle 1499 at the default 10 time units per cycle
    const gtkw = readFileSync(s.gtkwPath, 'utf8');
    expect(gtkw).toContain(s.vcdPath);
    expect(gtkw).toContain('top.mac.state');
    // 1500 cycles with a 150-cycle pause: a batch takes 16 words + pipeline + 4 result cycles, so ~60.
    expect(s.results).toBeGreaterThan(30);
  });
});

describe('pulpsim start (the kernel job) through the CLI process', () => {
  it('runs a kernel on the cluster, checks it, prints the report and writes waves, layout, JSON and HTML', () => {
    const out = join(dir, 'job');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'testbench/cli/main.ts', 'start', '--size', '4', '--wave-cycles', '300', '--out', out], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname, '../..'),
    });
    expect(r.status, r.stderr).toBe(0);
    const o = r.stdout;
    expect(o).toMatch(/^NOTE: a reduced layer \(4x4 output pixels/m);
    expect(o).toContain('golden model: all 1,024 outputs match');
    expect(o).toMatch(/^phase\s+cycles\s+instr\s+IPC\s/m);
    for (const p of ['runtime', 'kernel', 'im2col', 'matmul', 'qntpack']) expect(o).toMatch(new RegExp(`^${p}\\s+[\\d,]+\\s`, 'm'));
    expect(o).toMatch(/^core 7\s+[\d,]+/m);
    expect(o).toMatch(/^conv_u4_u2_i8\s+[\d,]+/m);
    expect(o).toContain('PASS: output matches the golden model');
    const base = join(out, 'conv_u4_u2_i8');
    for (const ext of ['.vcd', '.gtkw', '.report.json', '.report.html']) expect(existsSync(base + ext), base + ext).toBe(true);
    // the waves declare the probes and the signals the layout names, and stop 300 cycles after the QntPack the view opens on
    const vcd = readFileSync(base + '.vcd', 'utf8');
    const head = vcd.slice(0, vcd.indexOf('$enddefinitions'));
    for (const k of [0, 3, 7]) for (const p of ['function', 'phase', 'stall', 'branch']) expect(head).toMatch(new RegExp(`\\$scope module regions_${k} \\$end[\\s\\S]*\\$var string 1 \\S+ ${p} \\$end`));
    expect(head).toMatch(/\$var \S+ \d+ \S+ stall_cause /);
    expect(head).toMatch(/\$var \S+ 1 \S+ branch_taken_ex /);
    const first = Number(/third QntPack at cycle (\d+)/.exec(o)![1]);
    const times = [...vcd.matchAll(/^#(\d+)$/gm)].map((m) => Number(m[1]));
    // the last sampled cycle is first + 299; the writer closes with the timestamp that ends its period
    expect(Math.max(...times)).toBe((first + 300) * 10);
    expect(vcd).toMatch(/^sqntpack /m);
    const gtkw = readFileSync(base + '.gtkw', 'utf8');
    for (const g of ['core 0 monitor', 'core 0 fetch', 'core 0 decode', 'core 0 execute', 'core 0 LSU', 'core 0 stalls', 'core 0 hardware loops', 'TCDM interconnect (core ports)', 'event unit']) {
      expect(gtkw).toContain(`-${g}\n`);
    }
    const json = JSON.parse(readFileSync(base + '.report.json', 'utf8')) as { kernel: { golden: { mismatches: number } }; cores: unknown[] };
    expect(json.kernel.golden.mismatches).toBe(0);
    expect(json.cores).toHaveLength(8);
    expect(checkXml(readFileSync(base + '.report.html', 'utf8').replace(/^<!DOCTYPE html>\n/, '')).root).toBe('html');
  }, 120_000);
});
