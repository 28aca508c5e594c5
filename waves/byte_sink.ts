// A fixed-size output buffer over a file descriptor. Value changes are encoded straight into
// bytes and written with writeSync when the buffer fills, so memory stays bounded however long
// the run and nothing is allocated per cycle (fact sheet hdl-dsl-anchors §0 facts 4-6).
// From the first full buffer on, the writing itself is done by a thread of its own (background_writer.ts): the
// kernel's cost of write(2) then no longer falls on the simulation thread, and the buffers of the thread's pool are
// filled in place (no copy). Files that never fill a buffer (most test benches' waves) never start the thread: their
// one buffer is written by close() itself.
// The buffer holds 1 MiB by default: with the writing on another thread, fewer and larger hand-overs (each wakes
// the thread) measured a few percent faster than 256 KiB on a fully traced core.
// A VCD sink may hold change records among its text (vcd_records.ts): they are expanded where the bytes are written,
// by the writer thread or, without one, here.
import { closeSync, writeSync } from 'node:fs';
import { BackgroundWriter } from './background_writer.ts';
import { makeVcdExpander, type VcdExpander, type VcdRecordSpec } from './vcd_records.ts';

/** Bytes a hot path may write past `limit` without checking (one value change, or a timestamp plus one). */
export const SINK_SLACK = 2048;

export class ByteSink {
  /**
   * The buffer. Hot paths write into it directly: with `p = pos`, while `p <= limit` they may write
   * up to SINK_SLACK bytes, then store `pos = p`; past `limit` they call flush() first, after which
   * `buf` and `view` may be other memory of the same size (with a writer thread, the buffers of its pool
   * are filled in place).
   */
  buf: Uint8Array;
  /** `buf`'s memory, for multi-byte stores (little-endian; any alignment). */
  view: DataView;
  pos = 0;
  readonly limit: number;
  private fd: number;
  private written = 0;
  private writer: BackgroundWriter | null = null;
  private startedThread = false;
  /** With change records: the bytes of the file once the writer thread is gone. */
  private expandedBytes = 0;
  /** Expands the records of buffers written on the calling thread (made when first needed). */
  private expander: VcdExpander | null = null;

  /**
   * `background`: hand full buffers to a writer thread (default); false writes them on the calling thread.
   * `records`: the buffers hold change records besides text (vcd_records.ts), to expand before writing.
   */
  constructor(
    fd: number,
    readonly path: string,
    capacity = 1 << 20,
    private readonly background = true,
    private readonly records: VcdRecordSpec | null = null,
  ) {
    if (!Number.isInteger(capacity) || capacity < 2 * SINK_SLACK) throw new RangeError(`buffer capacity ${capacity} is too small (min ${2 * SINK_SLACK})`);
    this.fd = fd;
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
    this.limit = capacity - SINK_SLACK;
  }

  /**
   * Bytes handed to the file so far, plus those still buffered. With change records, the bytes of the file
   * written so far: exact once closed (the buffered records' text is not known before they are expanded).
   */
  get bytesWritten(): number {
    if (this.records !== null) return this.writer !== null ? this.writer.bytesOut : this.expander !== null ? this.expander.total() : this.expandedBytes;
    return this.written + this.pos;
  }

  /** Whether a writer thread was started (a file larger than one buffer); for tests and tools. */
  get threaded(): boolean {
    return this.startedThread;
  }

  get isOpen(): boolean {
    return this.fd >= 0;
  }

  /** Appends bytes of any length, flushing as needed. */
  bytes(src: Uint8Array, off: number, len: number): void {
    let i = 0;
    while (i < len) {
      if (this.pos >= this.buf.length) this.flush();
      const n = Math.min(len - i, this.buf.length - this.pos);
      this.buf.set(src.subarray(off + i, off + i + n), this.pos);
      this.pos += n;
      i += n;
    }
  }

  /** Appends ASCII text of any length (header lines; not on the per-cycle path). */
  text(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7e) throw new Error(`non-ASCII character in VCD text '${s}'`);
      if (this.pos >= this.buf.length) this.flush();
      this.buf[this.pos++] = c;
    }
  }

  flush(): void {
    this.flushBuffer(false);
  }

  /** `last`: the final flush of a file that never started its writer thread is written here, not by a new thread. */
  private flushBuffer(last: boolean): void {
    if (this.fd < 0) throw new Error(`cannot write to '${this.path}': file is closed`);
    if (this.background && this.pos > 0 && !(last && this.writer === null)) {
      if (this.writer === null) {
        // The first full buffer is copied into the pool; from then on the pool's buffers are filled in place.
        this.writer = new BackgroundWriter(this.fd, this.path, this.buf.length, 4, this.records);
        this.startedThread = true;
        this.writer.write(this.buf, this.pos);
      } else this.writer.handOver(this.pos);
      this.written += this.pos;
      this.pos = 0;
      this.buf = this.writer.slot();
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
      return;
    }
    try {
      if (this.records !== null && this.expander === null) this.expander = makeVcdExpander(this.records, this.buf.length);
      if (this.expander !== null) this.expander.expand(this.buf, this.pos, (out, n) => this.writeAll(out, n));
      else this.writeAll(this.buf, this.pos);
    } catch (e) {
      throw new Error(`cannot write to '${this.path}': ${(e as Error).message}`);
    }
    this.written += this.pos;
    this.pos = 0;
  }

  private writeAll(buf: Uint8Array, n: number): void {
    let off = 0;
    while (off < n) off += writeSync(this.fd, buf, off, n - off);
  }

  /** Flushes and closes; idempotent. */
  close(): void {
    if (this.fd < 0) return;
    try {
      this.flushBuffer(true);
      this.writer?.drain();
    } finally {
      if (this.writer !== null) this.expandedBytes = this.writer.bytesOut;
      this.writer?.stop();
      this.writer = null;
      const fd = this.fd;
      this.fd = -1;
      closeSync(fd);
    }
  }
}
