// A sweep's results: one row per run, written as JSON (everything, for tools and `sweep merge`), CSV (one line per
// run: parameters, status, metrics) and an HTML page. Shards of one sweep merge into the result of an unsharded run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParamValue } from '../../rtl/config/params.ts';
import type { SweepReportSpec } from './format.ts';
import type { MetricValue } from './kinds.ts';
import type { Shard } from './shard.ts';

export const RESULT_FORMAT = 'pulpsim-sweep/1';

/** ok = the run finished and its functional check passed; fail = it finished and the check failed; error = it threw. */
export type RunStatus = 'ok' | 'fail' | 'error';

export interface RunRow {
  index: number;
  id: string;
  job: string;
  kind: string;
  variation: string;
  config: string;
  params: Record<string, ParamValue>;
  status: RunStatus;
  /** Why a run failed or threw. */
  error?: string;
  metrics: Record<string, MetricValue>;
  /** Wall time of the run in its worker. */
  seconds: number;
}

export interface SweepResult {
  format: typeof RESULT_FORMAT;
  name: string;
  file: string;
  hash: string;
  /** Runs of the whole sweep (all shards). */
  totalRuns: number;
  /** The shards these rows come from (one entry; several after a merge). */
  shards: Shard[];
  jobs: string[];
  variations: string[];
  paramNames: string[];
  report: SweepReportSpec;
  workers: number;
  wallSeconds: number;
  rows: RunRow[];
}

/** Metric names over all rows, first-seen order, `ok` first. */
export function metricNames(rows: readonly RunRow[]): string[] {
  const names: string[] = [];
  for (const r of rows) for (const k of Object.keys(r.metrics)) if (!names.includes(k)) names.push(k);
  return names;
}

function csvField(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(12))) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV: index, job, variation, config, the parameters, status, the metrics, error. Timing is left out so
 * that equal sweeps give equal files. */
export function toCsv(r: SweepResult): string {
  const metrics = metricNames(r.rows);
  const head = ['index', 'job', 'variation', 'config', ...r.paramNames, 'status', ...metrics, 'error'];
  const lines = [head.map(csvField).join(',')];
  for (const row of r.rows) {
    lines.push(
      [row.index, row.job, row.variation, row.config, ...r.paramNames.map((p) => row.params[p]), row.status, ...metrics.map((m) => row.metrics[m]), row.error]
        .map(csvField)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

export function toJson(r: SweepResult): string {
  return JSON.stringify(r, null, 1) + '\n';
}

/** Reads `results.json` from a sweep output directory; errors name the directory. */
export function readResult(dir: string): SweepResult {
  const path = join(dir, 'results.json');
  if (!existsSync(path)) throw new Error(`${dir}: no results.json (not a sweep output directory)`);
  let r: SweepResult;
  try {
    r = JSON.parse(readFileSync(path, 'utf8')) as SweepResult;
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  if (r.format !== RESULT_FORMAT) throw new Error(`${path}: format ${JSON.stringify(r.format)}, expected ${RESULT_FORMAT}`);
  return r;
}

/**
 * The union of shard results of one sweep, rows in sweep order. Throws when they come from different sweeps,
 * overlap, or leave runs out (naming the missing run indices).
 */
export function mergeResults(parts: Array<{ where: string; result: SweepResult }>): SweepResult {
  if (parts.length === 0) throw new Error('nothing to merge');
  const first = parts[0]!;
  const rows = new Map<number, { row: RunRow; where: string }>();
  for (const { where, result } of parts) {
    if (result.hash !== first.result.hash || result.totalRuns !== first.result.totalRuns) {
      throw new Error(`${where} comes from another sweep (${result.name} ${result.hash}) than ${first.where} (${first.result.name} ${first.result.hash})`);
    }
    for (const row of result.rows) {
      const prev = rows.get(row.index);
      if (prev) throw new Error(`run ${row.index} (${row.id}) is in both ${prev.where} and ${where}`);
      rows.set(row.index, { row, where });
    }
  }
  const missing: number[] = [];
  for (let i = 0; i < first.result.totalRuns; i++) if (!rows.has(i)) missing.push(i);
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join(', ') + (missing.length > 10 ? ', …' : '');
    throw new Error(`the merged shards lack ${missing.length} of ${first.result.totalRuns} runs (indices ${shown})`);
  }
  return {
    ...first.result,
    shards: parts.flatMap((p) => p.result.shards),
    workers: Math.max(...parts.map((p) => p.result.workers)),
    wallSeconds: Math.max(...parts.map((p) => p.result.wallSeconds)),
    rows: [...rows.values()].map((x) => x.row).sort((a, b) => a.index - b.index),
  };
}
