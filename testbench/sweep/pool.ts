// A pool of worker threads, one simulation per thread at a time. A worker that dies (an exception outside the
// job's own error handling, out of memory) turns its current run into an error row and is replaced.
import { Worker } from 'node:worker_threads';
import { bundledEntry } from '../cli/bundled.ts';
import type { RunOutcome, RunRequest } from './execute.ts';

// The worker runs the TypeScript sources directly: its bootstrap registers tsx's loader first (or, in a command run
// from the CLI's bundle, the bundled worker).
const bootUrl = new URL('./worker_boot.mjs', import.meta.url);

export function spawnWorker(): Worker {
  return new Worker(bundledEntry('sweep_worker') ?? bootUrl);
}

/** Runs every request on up to `size` threads; `onDone` sees each outcome as it arrives. */
export async function runOnPool(requests: readonly RunRequest[], size: number, onDone: (o: RunOutcome) => void): Promise<RunOutcome[]> {
  const queue = [...requests];
  const results: RunOutcome[] = [];
  const threads = Math.max(1, Math.min(size, queue.length));
  const lane = (): Promise<void> =>
    new Promise((resolveLane) => {
      let worker: Worker | undefined;
      let current: RunRequest | undefined;
      let started = 0;
      const finish = (o: RunOutcome): void => {
        current = undefined;
        results.push(o);
        onDone(o);
        next();
      };
      const start = (): Worker => {
        const w = spawnWorker();
        w.on('message', (o: RunOutcome) => finish(o));
        w.on('error', (e) => {
          // The thread is gone: the next run gets a new one.
          if (worker === w) worker = undefined;
          void w.terminate();
          if (current) finish({ index: current.index, status: 'error', metrics: {}, error: `worker thread failed: ${e.message}`, seconds: (performance.now() - started) / 1000 });
        });
        w.on('exit', (code) => {
          if (worker !== w) return;
          worker = undefined;
          if (current) finish({ index: current.index, status: 'error', metrics: {}, error: `worker thread exited with code ${code}`, seconds: (performance.now() - started) / 1000 });
        });
        return w;
      };
      const next = (): void => {
        current = queue.shift();
        if (!current) {
          const w = worker;
          worker = undefined;
          void w?.terminate();
          resolveLane();
          return;
        }
        worker ??= start();
        started = performance.now();
        worker.postMessage(current);
      };
      next();
    });
  await Promise.all(Array.from({ length: threads }, lane));
  return results.sort((a, b) => a.index - b.index);
}
