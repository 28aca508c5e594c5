/**
 * Runs paper jobs over worker threads (each simulation is single-threaded CPU work), longest first so the last
 * job to finish is a short one. `workers` 0 runs them in this thread.
 */
import { Worker } from 'node:worker_threads';
import { bundledEntry } from '../cli/bundled.ts';
import { jobCost, jobName, type Measurement, type PaperJob, runPaperJob } from './paper_jobs.ts';

// A worker thread does not inherit a TypeScript loader registered at run time (tsx's CLI registers its hooks in
// the main thread only): the worker registers tsx's ESM hooks itself, then loads paper_worker.ts (in a command run
// from the CLI's bundle, it loads the bundled paper_worker instead).
const BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((m) => { m.register(); return import(${JSON.stringify(new URL('./paper_worker.ts', import.meta.url).href)}); })
  .catch((e) => { throw e; });`;

export interface PoolOptions {
  workers: number;
  /** Called after every finished job. */
  onDone?: (m: Measurement, done: number, total: number) => void;
}

export async function runJobs(jobs: PaperJob[], opts: PoolOptions): Promise<Measurement[]> {
  const order = jobs.map((job, id) => ({ id, job })).sort((a, b) => jobCost(b.job) - jobCost(a.job));
  const out: Measurement[] = new Array(jobs.length);
  let done = 0;
  if (opts.workers <= 0) {
    for (const { id, job } of order) {
      out[id] = runPaperJob(job);
      opts.onDone?.(out[id]!, ++done, jobs.length);
      await new Promise((r) => setImmediate(r));
    }
    return out;
  }
  const n = Math.min(opts.workers, jobs.length);
  let next = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      const feed = (w: Worker): void => {
        if (next >= order.length) {
          if (running === 0) resolve();
          return;
        }
        const item = order[next++]!;
        running++;
        w.postMessage(item);
      };
      for (let i = 0; i < n; i++) {
        const bundled = bundledEntry('paper_worker');
        const w = bundled !== undefined ? new Worker(bundled) : new Worker(BOOT, { eval: true });
        workers.push(w);
        w.on('message', (msg: { id: number; measurement?: Measurement; error?: string }) => {
          running--;
          if (msg.error !== undefined || !msg.measurement) {
            reject(new Error(`${jobName(jobs[msg.id]!)}: ${msg.error ?? 'no result'}`));
            return;
          }
          out[msg.id] = msg.measurement;
          opts.onDone?.(msg.measurement, ++done, jobs.length);
          feed(w);
        });
        w.on('error', reject);
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}
