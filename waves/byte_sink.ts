// A fixed-size output buffer over a file descriptor. Value changes are encoded straight into
// bytes and written with writeSync when the buffer fills, so memory stays bounded however long
// the run and nothing is allocated per cycle (fact sheet hdl-dsl-anchors §0 facts 4-6).
import { closeSync, writeSync } from 'node:fs';

export class ByteSink {
  private readonly buf: Uint8Array;
  private pos = 0;
  private fd: number;
  private written = 0;

  constructor(fd: number, readonly path: string, capacity = 1 << 16) {
    if (capacity < 256) throw new RangeError(`buffer capacity ${capacity} is too small (min 256)`);
    this.fd = fd;
    this.buf = new Uint8Array(capacity);
  }

  /** Bytes handed to the file so far, plus those still buffered. */
  get bytesWritten(): number {
    return this.written + this.pos;
  }

  get isOpen(): boolean {
    return this.fd >= 0;
  }

  /** Makes room for `n` more bytes (n must not exceed the capacity). */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  /** Appends one byte; the caller has reserved room. */
  put(b: number): void {
    this.buf[this.pos++] = b;
  }

  /** Appends one byte, flushing first if the buffer is full. */
  putChecked(b: number): void {
    if (this.pos >= this.buf.length) this.flush();
    this.buf[this.pos++] = b;
  }

  /** Appends a slice of pre-encoded bytes; the caller has reserved room. */
  putBytes(src: Uint8Array, off: number, len: number): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < len; i++) buf[p++] = src[off + i];
    this.pos = p;
  }

  /** Appends ASCII text of any length (header lines; not on the per-cycle path). */
  text(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7e) throw new Error(`non-ASCII character in VCD text '${s}'`);
      this.putChecked(c);
    }
  }

  /** Appends a non-negative safe integer in decimal; the caller has reserved 16 bytes. */
  decimal(n: number): void {
    const buf = this.buf;
    if (n < 10) {
      buf[this.pos++] = 0x30 + n;
      return;
    }
    let digits = 0;
    for (let k = n; k >= 1; k = Math.floor(k / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    for (let k = n; k >= 1; k = Math.floor(k / 10)) buf[--p] = 0x30 + (k % 10);
  }

  flush(): void {
    if (this.fd < 0) throw new Error(`cannot write to '${this.path}': file is closed`);
    let off = 0;
    while (off < this.pos) {
      try {
        off += writeSync(this.fd, this.buf, off, this.pos - off);
      } catch (e) {
        throw new Error(`cannot write to '${this.path}': ${(e as Error).message}`);
      }
    }
    this.written += this.pos;
    this.pos = 0;
  }

  /** Flushes and closes; idempotent. */
  close(): void {
    if (this.fd < 0) return;
    try {
      this.flush();
    } finally {
      const fd = this.fd;
      this.fd = -1;
      closeSync(fd);
    }
  }
}
