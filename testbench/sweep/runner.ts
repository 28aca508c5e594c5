// Runs a checked sweep plan (or one shard of it) on worker threads and collects its result rows.
import { availableParallelism } from 'node:os';
import type { SweepPlan } from './format.ts';
import { type RunOutcome, type RunRequest, executeRun } from './execute.ts';
import { runOnPool } from './pool.ts';
import { RESULT_FORMAT, type RunRow, type SweepResult } from './results.ts';
import { type Shard, inShard } from './shard.ts';

export interface SweepRunOptions {
  /** Worker threads (default: the CPU count); 0 runs everything in the calling thread, one run after another. */
  workers?: number;
  shard?: Shard;
  /** Called after each finished run with the count done so far. */
  onRun?: (row: RunRow, done: number, total: number) => void;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

export async function runSweep(plan: SweepPlan, o: SweepRunOptions = {}): Promise<SweepResult> {
  const shard = o.shard ?? { index: 1, count: 1 };
  const runs = plan.runs.filter((r) => inShard(r.index, shard));
  const workers = o.workers ?? defaultWorkers();
  const requests: RunRequest[] = runs.map((r) => ({ index: r.index, kind: r.kind, spec: r.spec, config: r.config, maxCycles: r.maxCycles }));
  const byIndex = new Map(runs.map((r) => [r.index, r]));
  const rows: RunRow[] = [];
  const toRow = (out: RunOutcome): RunRow => {
    const r = byIndex.get(out.index)!;
    const row: RunRow = {
      index: r.index,
      id: r.id,
      job: r.job,
      kind: r.kind,
      variation: r.variation,
      config: r.configName,
      params: r.params,
      status: out.status,
      metrics: out.metrics,
      seconds: out.seconds,
    };
    if (out.error !== undefined) row.error = out.error;
    return row;
  };
  const done = (out: RunOutcome): void => {
    const row = toRow(out);
    rows.push(row);
    o.onRun?.(row, rows.length, requests.length);
  };
  const t0 = performance.now();
  if (workers === 0) for (const req of requests) done(await executeRun(req));
  else await runOnPool(requests, workers, done);
  return {
    format: RESULT_FORMAT,
    name: plan.name,
    file: plan.file,
    hash: plan.hash,
    totalRuns: plan.runs.length,
    shards: [shard],
    jobs: plan.jobs,
    variations: plan.variations,
    paramNames: plan.paramNames,
    report: plan.report,
    workers,
    wallSeconds: (performance.now() - t0) / 1000,
    rows: rows.sort((a, b) => a.index - b.index),
  };
}
