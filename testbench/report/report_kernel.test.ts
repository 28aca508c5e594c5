// A kernel on the cycle-accurate cluster with the monitors: the report's per-phase numbers for core 0 equal what
// the waves show cycle by cycle (the controller's stall_cause and EX's branch_taken_ex read back from the VCD
// with waves/vcd_reader.ts), the HTML is well-formed, the JSON and the table carry the same numbers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StallCause } from '../../rtl/core/controller.ts';
import { parseVcd, type VcdDocument } from '../../waves/vcd_reader.ts';
import { CYCLE_CLASSES } from '../monitors/cycle_class.ts';
import { reportJson, type RunReport } from './report.ts';
import { renderReportHtml } from './report_html.ts';
import { runKernelReport, type KernelReportResult } from './report_kernel.ts';
import { checkXml } from './svg_xml_check.ts';
import { renderReportTable } from './table.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulpsim-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let res: KernelReportResult;
let report: RunReport;
let doc: VcdDocument;
const C0 = 'top.regions_0.core';

beforeAll(() => {
  res = runKernelReport({
    inBits: 8,
    wBits: 8,
    outBits: 4,
    size: 4,
    wavesDir: dir,
    wavesAfterQntpack: Number.POSITIVE_INFINITY,
    waveScopes: [`${C0}.monitor`, `${C0}.controller`, `${C0}.ex_stage`, 'top.regions_0.clk_en'],
  });
  report = res.report;
  doc = parseVcd(readFileSync(res.vcdPath!, 'utf8'));
}, 120_000);

/** Value of a variable in every cycle 0..n-1 (the writer samples cycle c at time 10c). */
function perCycle(path: string, n: number): (number | string)[] {
  const v = doc.vars.find((x) => x.path === path);
  if (!v) throw new Error(`no ${path} in the VCD`);
  const ch = doc.changes.get(v.id)!;
  const out = new Array<number | string>(n);
  let k = 0;
  let cur: number | string = ch[0]!.value;
  for (let c = 0; c < n; c++) {
    while (k < ch.length && ch[k]!.time <= c * 10) cur = ch[k++]!.value;
    out[c] = cur;
  }
  return out;
}

describe('kernel report on the cluster', () => {
  it('the kernel ran to its end and matches the golden model', () => {
    expect(res.exit).toBe('tohost');
    expect(report.kernel!.golden.mismatches).toBe(0);
    expect(report.kernel!.golden.outputs).toBe(4 * 4 * 64);
    // 4x4 outputs x 64 channels x 3x3x32 MACs each
    expect(report.kernel!.macs).toBe(16 * 64 * 288);
  });

  it("agrees with the conv harness's own phase monitor (a second definition) on QntPack's cycles", () => {
    const q = report.phases.find((p) => p.name === 'qntpack')!;
    expect(q.cycles).toBe(res.conv.phases.qntpack);
    expect(report.kernel!.cycles).toBe(res.conv.cycles);
  });

  it('every core: the classes of each phase add up to the cycles, and all phases to the run', () => {
    for (const c of report.cores) {
      expect(c.total.cycles).toBe(report.cycles);
      expect(c.phases.reduce((s, p) => s + p.cycles, 0)).toBe(report.cycles);
      for (const p of c.phases) expect(CYCLE_CLASSES.reduce((s, k) => s + p.classes[k], 0)).toBe(p.cycles);
    }
  });

  it("core 0's per-phase stall totals equal the counts read back from the waves", () => {
    const n = report.cycles;
    const phase = perCycle(`${C0}.monitor.phase`, n);
    const stall = perCycle(`${C0}.monitor.stall`, n);
    const cause = perCycle(`${C0}.controller.stall_cause`, n);
    const taken = perCycle(`${C0}.ex_stage.branch_taken_ex`, n);
    const clk = perCycle('top.regions_0.clk_en', n);
    const causeName = (v: number | string): string => (typeof v === 'string' ? v : StallCause.names[v]!);
    for (const p of report.cores[0]!.phases) {
      const inPhase = [...Array(n).keys()].filter((c) => phase[c] === p.name);
      expect(inPhase.length, `cycles in ${p.name}`).toBe(p.cycles);
      // hazards the controller names directly (not a taken-branch kill cycle, clock running)
      const direct: [string, keyof typeof p.classes][] = [
        ['LOAD_USE', 'load_use'],
        ['DATA_GNT', 'data_gnt'],
        ['DIV', 'div'],
        ['JALR', 'jalr'],
        ['MULH', 'mulh'],
      ];
      for (const [name, cls] of direct) {
        const fromWaves = inPhase.filter((c) => causeName(cause[c]!) === name && taken[c] === 0 && clk[c] === 1).length;
        expect(fromWaves, `${p.name} ${cls}`).toBe(p.classes[cls]);
      }
      expect(inPhase.filter((c) => taken[c] === 1 && clk[c] === 1).length, `${p.name} taken branches`).toBe(p.branches.taken);
      expect(inPhase.filter((c) => stall[c] === 'branch').length, `${p.name} branch penalty`).toBe(p.branches.penalty);
    }
    const q = report.cores[0]!.phases.find((p) => p.name === 'qntpack')!;
    // 4-bit outputs: the threshold search branches, and taken ones cost cycles
    expect(q.branches.taken).toBeGreaterThan(0);
    expect(q.branches.penalty).toBeGreaterThanOrEqual(2 * q.branches.taken);
  });

  it("the GTKWave file opens on core 0's third QntPack with the monitor group", () => {
    const g = readFileSync(res.gtkwPath!, 'utf8');
    expect(g).toContain('-core 0 monitor');
    expect(g).toContain(`${C0}.monitor.stall`);
    const t = Number(/\[timestart\] (\d+)/.exec(g)![1]);
    expect(t).toBe((res.qntpackView - 4) * 10);
    // the view cycle is the third cycle in which core 0's phase probe turns to qntpack
    const n = report.cycles;
    const phase = perCycle(`${C0}.monitor.phase`, n);
    const entries = [...Array(n).keys()].filter((c) => phase[c] === 'qntpack' && (c === 0 || phase[c - 1] !== 'qntpack'));
    expect(res.qntpackView).toBe(entries[2]);
  });

  it('renders a well-formed HTML page with the charts, and JSON and table with the same numbers', () => {
    const html = renderReportHtml(report);
    expect(checkXml(html.replace(/^<!DOCTYPE html>\n/, '')).root).toBe('html');
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('Cycles by kernel phase');
    const j = JSON.parse(reportJson(report)) as RunReport;
    expect(j.cores[0]!.phases.map((p) => p.cycles)).toEqual(report.cores[0]!.phases.map((p) => p.cycles));
    const table = renderReportTable(report);
    const q = report.phases.find((p) => p.name === 'qntpack')!;
    expect(table).toMatch(new RegExp(`^qntpack\\s+${q.cycles.toLocaleString('en-US')}\\s+${q.instructions.toLocaleString('en-US')}\\s`, 'm'));
  });
});
