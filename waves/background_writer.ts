// Hands full buffers of a file to a thread of their own that writes them, so the simulation thread does not
// pay the kernel's cost of writing. That cost is large for waves: on this kind of machine ext4 takes ~2-4 ns of
// system time per byte, and a fully traced core writes ~580 bytes per cycle, so a long traced run spent ~35% of
// its time inside write(2). With the writes on another processor the traced run only encodes.
//
// Memory stays bounded: a fixed pool of buffers in shared memory; when every buffer is still being written the
// caller waits (Atomics.wait) for the oldest. Order is kept: the writer thread takes the buffers in the order
// they were handed over (one message each). A write error is kept by the writer thread and raised, naming the
// file, at the next hand-over or at `drain`, so nothing is lost silently.
import { Worker } from 'node:worker_threads';

/** The writer thread (CommonJS, evaluated from this text: it needs no module loader). Per buffer k it reads the
 *  byte count from `ctl[k]`, writes, and sets `ctl[k]` back to 0; the first error's text goes to `err`, its
 *  length to `ctl[count]`, and later buffers are dropped. */
const WRITER_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { fd, pool, size, count, ctlBuf, errBuf } = workerData;
const ctl = new Int32Array(ctlBuf);
const err = new Uint8Array(errBuf);
parentPort.on('message', (k) => {
  const len = ctl[k];
  if (Atomics.load(ctl, count) === 0) {
    const buf = new Uint8Array(pool, k * size, size);
    try {
      let off = 0;
      while (off < len) off += writeSync(fd, buf, off, len - off);
    } catch (e) {
      const text = Buffer.from(String(e && e.message || e)).subarray(0, err.length);
      err.set(text);
      Atomics.store(ctl, count, Math.max(1, text.length));
    }
  }
  Atomics.store(ctl, k, 0);
  Atomics.notify(ctl, k);
});
`;

export class BackgroundWriter {
  private readonly worker: Worker;
  private readonly pool: SharedArrayBuffer;
  private readonly ctl: Int32Array;
  private readonly err: Uint8Array;
  private next = 0;

  /** Writes to `fd` (which stays the caller's to close, after `drain`) in buffers of `size` bytes, `count` of them. */
  constructor(
    fd: number,
    private readonly path: string,
    private readonly size: number,
    private readonly count = 4,
  ) {
    this.pool = new SharedArrayBuffer(size * count);
    const ctlBuf = new SharedArrayBuffer(4 * (count + 1));
    const errBuf = new SharedArrayBuffer(512);
    this.ctl = new Int32Array(ctlBuf);
    this.err = new Uint8Array(errBuf);
    this.worker = new Worker(WRITER_THREAD, { eval: true, workerData: { fd, pool: this.pool, size, count, ctlBuf, errBuf } });
    // A writer that is never drained must not keep the process alive (nor may the thread's own failure go
    // unnoticed: it shows as buffers never coming back, which `wait` turns into an error).
    this.worker.unref();
    this.worker.on('error', () => {});
  }

  /** Queues a copy of `src[0, len)` (len ≤ size) to be written after everything queued before it. */
  write(src: Uint8Array, len: number): void {
    const k = this.next;
    this.wait(k);
    new Uint8Array(this.pool, k * this.size, len).set(src.subarray(0, len));
    Atomics.store(this.ctl, k, len);
    this.worker.postMessage(k);
    this.next = (k + 1) % this.count;
  }

  /** Waits until everything queued is written; throws the first write error, naming the file. */
  drain(): void {
    for (let k = 0; k < this.count; k++) this.wait(k);
  }

  /** Stops the thread (after `drain`, or to give up on what is queued). */
  stop(): void {
    void this.worker.terminate();
  }

  private wait(k: number): void {
    let waited = 0;
    for (;;) {
      const v = Atomics.load(this.ctl, k);
      if (v === 0) break;
      // The writer thread answers within milliseconds unless the disk stalls; a minute without progress means
      // it died, and waiting on would hang the run.
      if (Atomics.wait(this.ctl, k, v, 1000) === 'timed-out' && ++waited >= 60) {
        throw new Error(`cannot write to '${this.path}': the writer thread stopped responding`);
      }
    }
    const n = Atomics.load(this.ctl, this.count);
    if (n !== 0) throw new Error(`cannot write to '${this.path}': ${Buffer.from(this.err.subarray(0, n)).toString()}`);
  }
}
