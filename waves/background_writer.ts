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
import { EXPANDER_SOURCE, type VcdRecordSpec } from './vcd_records.ts';

/** The writer thread (CommonJS, evaluated from this text: it needs no module loader). A loop without an event loop:
 *  it sleeps on the count of buffers handed over, writes buffer `done % count` (its length in `lens`; expanded first
 *  when it holds change records, vcd_records.ts), counts the bytes written in `outBytes`, and counts the buffer
 *  done; the first error's text goes to `err`, its length to ctl[ERROR], and later buffers are dropped. Messages
 *  were measured to cost the simulation thread far more than Atomics (postMessage ~10% of a traced run). */
const WRITER_THREAD = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { fd, pool, size, count, ctlBuf, lensBuf, errBuf, outBuf, records } = workerData;
const ctl = new Int32Array(ctlBuf);
const lens = new Int32Array(lensBuf);
const err = new Uint8Array(errBuf);
const outBytes = new Float64Array(outBuf);
${EXPANDER_SOURCE}
const expander = records ? makeVcdExpander(records, size) : null;
let written = 0;
function writeAll(buf, n) {
  let off = 0;
  while (off < n) off += writeSync(fd, buf, off, n - off);
  written += n;
}
(function loop() {
for (let done = 0; ; done++) {
  while (Atomics.load(ctl, 0) === done) {
    if (Atomics.load(ctl, 3) !== 0) return;
    Atomics.wait(ctl, 0, done);
  }
  const k = done % count;
  if (Atomics.load(ctl, 2) === 0) {
    const buf = new Uint8Array(pool, k * size, size);
    try {
      if (expander) expander.expand(buf, lens[k], writeAll);
      else writeAll(buf, lens[k]);
      outBytes[0] = written;
    } catch (e) {
      const text = Buffer.from(String((e && e.message) || e)).subarray(0, err.length);
      err.set(text);
      Atomics.store(ctl, 2, Math.max(1, text.length));
    }
  }
  Atomics.store(ctl, 1, done + 1);
  Atomics.notify(ctl, 1);
}
})();
`;

/** Shared control words: buffers handed over, buffers written, error text length, stop request. */
const HANDED = 0;
const DONE = 1;
const ERROR = 2;
const STOP = 3;

export class BackgroundWriter {
  private readonly worker: Worker;
  private readonly pool: SharedArrayBuffer;
  private readonly ctl: Int32Array;
  private readonly lens: Int32Array;
  private readonly err: Uint8Array;
  private readonly outBytes: Float64Array;
  private handed = 0;

  /**
   * Writes to `fd` (which stays the caller's to close, after `drain`) in buffers of `size` bytes, `count` of them;
   * with `records`, the buffers hold change records (vcd_records.ts), expanded by the thread before it writes.
   */
  constructor(
    fd: number,
    private readonly path: string,
    private readonly size: number,
    private readonly count = 4,
    records: VcdRecordSpec | null = null,
  ) {
    this.pool = new SharedArrayBuffer(size * count);
    const ctlBuf = new SharedArrayBuffer(4 * 4);
    const lensBuf = new SharedArrayBuffer(4 * count);
    const errBuf = new SharedArrayBuffer(512);
    const outBuf = new SharedArrayBuffer(8);
    this.outBytes = new Float64Array(outBuf);
    this.ctl = new Int32Array(ctlBuf);
    this.lens = new Int32Array(lensBuf);
    this.err = new Uint8Array(errBuf);
    this.worker = new Worker(WRITER_THREAD, { eval: true, workerData: { fd, pool: this.pool, size, count, ctlBuf, lensBuf, errBuf, outBuf, records } });
    // A writer that is never drained must not keep the process alive (nor may the thread's own failure go
    // unnoticed: it shows as buffers never coming back, which `waitDone` turns into an error).
    this.worker.unref();
    this.worker.on('error', () => {});
  }

  /** Queues a copy of `src[0, len)` (len ≤ size) to be written after everything queued before it. */
  write(src: Uint8Array, len: number): void {
    this.slot().set(src.subarray(0, len));
    this.handOver(len);
  }

  /**
   * The buffer of the pool to be handed over next (after waiting until the thread has written what it held
   * before): a caller may fill it in place and hand it over with `handOver`, saving the copy of `write`.
   */
  slot(): Uint8Array {
    this.waitDone(this.handed - this.count + 1);
    return new Uint8Array(this.pool, (this.handed % this.count) * this.size, this.size);
  }

  /** Queues the first `len` bytes of the buffer `slot` returned, to be written after everything queued before it. */
  handOver(len: number): void {
    this.lens[this.handed % this.count] = len;
    Atomics.store(this.ctl, HANDED, ++this.handed);
    Atomics.notify(this.ctl, HANDED);
  }

  /** Bytes written to the file so far (after `drain`: all of them). */
  get bytesOut(): number {
    // Read after the count of buffers done, which the thread stores after this.
    Atomics.load(this.ctl, DONE);
    return this.outBytes[0]!;
  }

  /** Waits until everything queued is written; throws the first write error, naming the file. */
  drain(): void {
    this.waitDone(this.handed);
  }

  /** Stops the thread (after `drain`, or to give up on what is queued). */
  stop(): void {
    Atomics.store(this.ctl, STOP, 1);
    Atomics.notify(this.ctl, HANDED);
  }

  /** Waits until at least `n` buffers are written. */
  private waitDone(n: number): void {
    let waited = 0;
    for (;;) {
      const d = Atomics.load(this.ctl, DONE);
      if (d >= n) break;
      // The writer thread answers within milliseconds unless the disk stalls; a minute without progress means
      // it died, and waiting on would hang the run.
      if (Atomics.wait(this.ctl, DONE, d, 1000) === 'timed-out' && ++waited >= 60) {
        throw new Error(`cannot write to '${this.path}': the writer thread stopped responding`);
      }
    }
    const e = Atomics.load(this.ctl, ERROR);
    if (e !== 0) throw new Error(`cannot write to '${this.path}': ${Buffer.from(this.err.subarray(0, e)).toString()}`);
  }
}
