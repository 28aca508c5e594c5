/**
 * A worker thread of `pulpsim paper`: runs the jobs it is sent, one at a time, and posts each measurement back
 * (or the error that stopped the job).
 */
import { parentPort } from 'node:worker_threads';
import { type PaperJob, runPaperJob } from './paper_jobs.ts';

if (!parentPort) throw new Error('paper_worker.ts must run as a worker thread');
const port = parentPort;
port.on('message', (msg: { id: number; job: PaperJob }) => {
  try {
    port.postMessage({ id: msg.id, measurement: runPaperJob(msg.job) });
  } catch (e) {
    port.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
