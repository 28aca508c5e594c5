// The waves of `pulpsim start` (`npm start`) explain the report: run through the real `pulpsim` process with the
// dump window widened to the whole run (--wave-cycles; 2 cores and a 2x2 layer keep it to seconds), the VCD is
// read back (waves/vcd_reader.ts) and
//  - it declares the signals a reader needs without adding any: per core the function, kernel phase, cycle class
//    and branch outcome; for core 0 the controller's stall_cause, EX's branch_taken_ex and the disassembly;
//  - core 0's per-phase hazard cycles and taken branches, counted from the core's own signals (stall_cause,
//    branch_taken_ex, the region's clock enable), equal the report's; each taken branch shows its penalty in the
//    class probe (fact sheet ri5cy-isa-timing §1.4: a taken branch costs 3 cycles, 2 of them after it issues);
//  - every core's per-phase totals of every cycle class, and its taken branches, read from the probes equal the
//    report's, and the report's all-core phase rows are their sums.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StallCause } from '../../rtl/core/controller.ts';
import { parseVcd, type VcdDocument } from '../../waves/vcd_reader.ts';
import { CYCLE_CLASSES, type CycleClass } from '../monitors/cycle_class.ts';
import type { RunReport } from '../report/report.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/pulpsim.mjs');
const dir = mkdtempSync(join(tmpdir(), 'pulpsim-start-waves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let report: RunReport;
let doc: VcdDocument;
let status: number | null = null;
let stderr = '';

beforeAll(async () => {
  const args = ['start', '--cores', '2', '--size', '2', '--wave-cycles', '100000000', '--out', dir, '--json'];
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done, fail) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let so = '';
    let se = '';
    p.stdout.on('data', (d: Buffer) => (so += d.toString()));
    p.stderr.on('data', (d: Buffer) => (se += d.toString()));
    p.on('error', fail);
    p.on('close', (s) => done({ status: s, stdout: so, stderr: se }));
  });
  status = r.status;
  stderr = r.stderr;
  report = JSON.parse(r.stdout) as RunReport;
  doc = parseVcd(readFileSync(join(dir, 'conv_u4_u2_i8.vcd'), 'utf8'));
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

const causeName = (v: number | string): string => (typeof v === 'string' ? v : StallCause.names[v]!);

describe('pulpsim start: the waves and the report tell the same story', () => {
  it('the run passed and the VCD covers all of it', () => {
    expect(status, stderr).toBe(0);
    expect(report.kernel!.golden.mismatches).toBe(0);
    expect(report.cores).toHaveLength(2);
    let last = 0;
    for (const ch of doc.changes.values()) for (const x of ch) if (x.time > last) last = x.time;
    expect(last).toBeGreaterThanOrEqual((report.cycles - 1) * 10);
  });

  it('declares the signals that explain stalls and branches, for every core', () => {
    const paths = new Set(doc.vars.map((v) => v.path));
    for (const k of [0, 1]) for (const p of ['function', 'phase', 'stall', 'branch']) expect(paths, `core ${k} ${p}`).toContain(`top.regions_${k}.core.monitor.${p}`);
    for (const p of ['controller.stall_cause', 'controller.flush', 'ex_stage.branch_taken_ex', 'ex_stage.branch_in_ex']) expect(paths).toContain(`top.regions_0.core.${p}`);
    expect([...paths].some((p) => /^top\.regions_0\.core\..*instr_id_asm$/.test(p))).toBe(true);
    // the class probe names taken-branch and jump bubbles, which the core's stall_cause has no value for
    const stall = perCycle('top.regions_0.core.monitor.stall', report.cycles);
    expect(stall).toContain('branch');
    expect(stall).toContain('jump');
    expect(StallCause.names).not.toContain('BRANCH');
  });

  it("core 0: hazard cycles and taken branches per phase, from the core's own signals, equal the report's", () => {
    const n = report.cycles;
    const C0 = 'top.regions_0.core';
    const phase = perCycle(`${C0}.monitor.phase`, n);
    const stall = perCycle(`${C0}.monitor.stall`, n);
    const cause = perCycle(`${C0}.controller.stall_cause`, n);
    const taken = perCycle(`${C0}.ex_stage.branch_taken_ex`, n);
    const clk = perCycle('top.regions_0.clk_en', n);
    const direct: [string, CycleClass][] = [
      ['LOAD_USE', 'load_use'],
      ['JALR', 'jalr'],
      ['MULH', 'mulh'],
      ['DIV', 'div'],
      ['DATA_GNT', 'data_gnt'],
      ['MISALIGNED', 'misaligned'],
    ];
    let takenSeen = 0;
    for (const p of report.cores[0]!.phases) {
      const inPhase = [...Array(n).keys()].filter((c) => phase[c] === p.name);
      expect(inPhase.length, `${p.name} cycles`).toBe(p.cycles);
      for (const [name, cls] of direct) {
        const fromWaves = inPhase.filter((c) => causeName(cause[c]!) === name && taken[c] === 0 && clk[c] === 1).length;
        expect(fromWaves, `${p.name} ${cls}`).toBe(p.classes[cls]);
      }
      const takenCycles = inPhase.filter((c) => taken[c] === 1 && clk[c] === 1);
      expect(takenCycles.length, `${p.name} taken branches`).toBe(p.branches.taken);
      takenSeen += takenCycles.length;
      // each taken branch: its EX cycle (the killed instruction) and at least one more before the target issues
      for (const c of takenCycles) {
        expect(stall[c], `cycle ${c}`).toBe('branch');
        expect(stall[c + 1], `cycle ${c + 1}`).toBe('branch');
      }
      expect(inPhase.filter((c) => stall[c] === 'branch').length, `${p.name} branch penalty`).toBe(p.branches.penalty);
    }
    // QntPack's threshold comparisons branch
    const q = report.cores[0]!.phases.find((p) => p.name === 'qntpack')!;
    expect(q.branches.taken).toBeGreaterThan(0);
    expect(q.branches.penalty).toBeGreaterThanOrEqual(2 * q.branches.taken);
    expect(takenSeen).toBeGreaterThan(0);
  });

  it("every core: the class and branch probes summed per phase equal the report's rows, and the all-core rows their sums", () => {
    const n = report.cycles;
    const sums = new Map<string, Record<string, number>>();
    report.cores.forEach((core, k) => {
      const phase = perCycle(`top.regions_${k}.core.monitor.phase`, n);
      const stall = perCycle(`top.regions_${k}.core.monitor.stall`, n);
      const branch = perCycle(`top.regions_${k}.core.monitor.branch`, n);
      for (const p of core.phases) {
        const counts: Record<string, number> = Object.fromEntries([...CYCLE_CLASSES, 'taken'].map((c) => [c, 0]));
        for (let c = 0; c < n; c++) {
          if (phase[c] !== p.name) continue;
          counts[stall[c] as string]!++;
          if (branch[c] === 'taken') counts.taken!++;
        }
        for (const cls of CYCLE_CLASSES) expect(counts[cls], `core ${k} ${p.name} ${cls}`).toBe(p.classes[cls]);
        expect(counts.taken, `core ${k} ${p.name} taken`).toBe(p.branches.taken);
        const s = sums.get(p.name) ?? Object.fromEntries([...CYCLE_CLASSES, 'taken'].map((c) => [c, 0]));
        for (const key of Object.keys(counts)) s[key]! += counts[key]!;
        sums.set(p.name, s);
      }
    });
    for (const row of report.phases) {
      const s = sums.get(row.name)!;
      for (const cls of CYCLE_CLASSES) expect(s[cls], `all cores ${row.name} ${cls}`).toBe(row.classes[cls]);
      expect(s.taken, `all cores ${row.name} taken`).toBe(row.branches.taken);
    }
  });
});
