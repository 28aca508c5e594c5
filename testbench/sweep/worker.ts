// Worker-thread entry of the sweep pool: runs one simulation at a time, as the pool sends them.
import { parentPort } from 'node:worker_threads';
import { type RunRequest, executeRun } from './execute.ts';

const port = parentPort;
if (!port) throw new Error('testbench/sweep/worker.ts runs only as a worker thread');
port.on('message', (req: RunRequest) => {
  void executeRun(req).then((out) => port.postMessage(out));
});
