// The run report: where every cycle of every core went, per core, per function and per kernel phase, from the
// monitors (testbench/monitors). One data model, three renderings: table.ts (terminal), JSON (this file),
// report_html.ts (page with charts). Per row the classes add up to the cycles.
import { CC, CYCLE_CLASSES, NCLASSES, type CycleClass } from '../monitors/cycle_class.ts';
import type { MonitorCounts } from '../monitors/core_monitor.ts';
import type { SystemMonitor } from '../monitors/attach.ts';
import type { KernelSummary } from './profile.ts';

export interface ReportRow {
  name: string;
  cycles: number;
  /** Instructions that left ID (the `instr` class). */
  instructions: number;
  ipc: number;
  /** Cycles per class (CYCLE_CLASSES), `instr` included; they add up to `cycles`. */
  classes: Record<CycleClass, number>;
  branches: { taken: number; notTaken: number; /** cycles lost to taken branches (the `branch` class) */ penalty: number };
  /** Cycles this row's core waited for a TCDM grant (request not granted). */
  tcdmContention: number;
  /** Misses in the shared I$ (refill requests), and cycles without an instruction from IF (`fetch` class). */
  icacheMisses: number;
  fetchStall: number;
}

export interface CoreReport {
  core: number;
  path: string;
  total: ReportRow;
  functions: ReportRow[];
  phases: ReportRow[];
  /** Cycles (from the run's first) of the core's first and last cycle in a kernel phase; -1 when none. */
  kernelSpan: [number, number];
}

export interface RunReport {
  title: string;
  system: string;
  /** Cycles simulated. */
  cycles: number;
  cores: CoreReport[];
  /** Summed over the cores. */
  phases: ReportRow[];
  functions: ReportRow[];
  kernel?: KernelSummary;
  notes: string[];
}

function emptyClasses(): Record<CycleClass, number> {
  return Object.fromEntries(CYCLE_CLASSES.map((c) => [c, 0])) as Record<CycleClass, number>;
}

export function emptyRow(name: string): ReportRow {
  return { name, cycles: 0, instructions: 0, ipc: 0, classes: emptyClasses(), branches: { taken: 0, notTaken: 0, penalty: 0 }, tcdmContention: 0, icacheMisses: 0, fetchStall: 0 };
}

function finish(r: ReportRow): ReportRow {
  r.cycles = CYCLE_CLASSES.reduce((s, c) => s + r.classes[c], 0);
  r.instructions = r.classes.instr;
  r.branches.penalty = r.classes.branch;
  r.fetchStall = r.classes.fetch;
  r.ipc = r.cycles === 0 ? 0 : r.instructions / r.cycles;
  return r;
}

/** Adds `b` into `a` (a row of a sum). */
export function addRow(a: ReportRow, b: ReportRow): ReportRow {
  for (const c of CYCLE_CLASSES) a.classes[c] += b.classes[c];
  a.branches.taken += b.branches.taken;
  a.branches.notTaken += b.branches.notTaken;
  a.tcdmContention += b.tcdmContention;
  a.icacheMisses += b.icacheMisses;
  return finish(a);
}

function rows(m: MonitorCounts): ReportRow[] {
  return m.names.map((name, k) => {
    const r = emptyRow(name);
    CYCLE_CLASSES.forEach((c, j) => (r.classes[c] = m.cycles[k * NCLASSES + j]!));
    r.branches.taken = m.taken[k]!;
    r.branches.notTaken = m.notTaken[k]!;
    r.tcdmContention = m.tcdm[k]!;
    r.icacheMisses = m.imiss[k]!;
    return finish(r);
  });
}

function sumRows(name: string, rs: readonly ReportRow[]): ReportRow {
  const t = emptyRow(name);
  for (const r of rs) addRow(t, r);
  return finish(t);
}

function mergeByName(lists: readonly ReportRow[][]): ReportRow[] {
  const out = new Map<string, ReportRow>();
  for (const l of lists) for (const r of l) addRow(out.get(r.name) ?? out.set(r.name, emptyRow(r.name)).get(r.name)!, r);
  return [...out.values()];
}

export interface ReportMeta {
  title: string;
  system: string;
  kernel?: KernelSummary;
  notes?: string[];
}

/** The report of what the monitors saw. Functions that never ran are left out; phases are all listed. */
export function buildReport(mon: SystemMonitor, meta: ReportMeta): RunReport {
  const cores: CoreReport[] = mon.cores.map((m, k) => {
    const functions = rows(m.byFunction).filter((r) => r.cycles > 0);
    const phases = rows(m.byPhase);
    return { core: k, path: m.path, total: sumRows(`core ${k}`, functions), functions, phases, kernelSpan: [m.firstPhaseCycle, m.lastPhaseCycle] };
  });
  const report: RunReport = {
    title: meta.title,
    system: meta.system,
    cycles: Math.max(0, ...mon.cores.map((m) => m.cycles)),
    cores,
    phases: mergeByName(cores.map((c) => c.phases)),
    functions: mergeByName(cores.map((c) => c.functions)).sort((a, b) => b.cycles - a.cycles),
    notes: meta.notes ?? [],
  };
  if (meta.kernel) report.kernel = meta.kernel;
  return report;
}

/** The report as JSON for tools (stable key order: the data model's). */
export function reportJson(r: RunReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** Stall classes with at least one cycle in any row (the columns worth printing). */
export function usedStallClasses(rs: readonly ReportRow[]): CycleClass[] {
  return CYCLE_CLASSES.filter((c) => c !== 'instr' && rs.some((r) => r.classes[c] > 0));
}

export { CC };
