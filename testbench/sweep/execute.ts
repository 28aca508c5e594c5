// One run of a sweep, the same in a worker thread and in the calling thread: look up the job kind, run it, and turn
// its metrics (or its exception) into an outcome. A run never throws: a failing configuration becomes a row.
import type { AnyConfig } from '../../rtl/config/load.ts';
import { type JobSpec, type MetricValue, jobKind } from './kinds.ts';
import type { RunStatus } from './results.ts';

/** What a worker is sent: plain data (structured clone). */
export interface RunRequest {
  index: number;
  kind: string;
  spec: JobSpec;
  config: AnyConfig;
  maxCycles: number;
}

export interface RunOutcome {
  index: number;
  status: RunStatus;
  metrics: Record<string, MetricValue>;
  error?: string;
  seconds: number;
}

export async function executeRun(req: RunRequest): Promise<RunOutcome> {
  const t0 = performance.now();
  const seconds = (): number => (performance.now() - t0) / 1000;
  try {
    const metrics = await jobKind(req.kind).run(req.config, req.spec, { maxCycles: req.maxCycles });
    if (typeof metrics !== 'object' || metrics === null || typeof metrics.ok !== 'boolean') {
      return { index: req.index, status: 'error', metrics: {}, error: `job kind ${req.kind} returned metrics without a boolean "ok"`, seconds: seconds() };
    }
    const flat: Record<string, MetricValue> = {};
    for (const [k, v] of Object.entries(metrics)) if (k !== 'message' && (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')) flat[k] = v;
    if (metrics.ok) return { index: req.index, status: 'ok', metrics: flat, seconds: seconds() };
    const why = typeof metrics.message === 'string' ? metrics.message : 'the functional check failed';
    return { index: req.index, status: 'fail', metrics: flat, error: why, seconds: seconds() };
  } catch (e) {
    return { index: req.index, status: 'error', metrics: {}, error: (e as Error).message ?? String(e), seconds: seconds() };
  }
}
