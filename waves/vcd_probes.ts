// String probes of the VCD writer (GTKWave `$var string`, fact sheet hdl-dsl-anchors §3.2). A probe
// is a function the writer must call to learn its text, and a disassembly probe costs far more than
// the rest of a cycle's tracing. So a probe that declares the slots it reads (TraceString.reads) is
// called only when one of them changed, and its texts are kept in a small direct-mapped memo keyed
// by those slots' values: a loop's instructions are disassembled once, not every cycle. The memo has
// a fixed size, so memory does not grow with the run.
import { SINK_SLACK, type ByteSink } from './byte_sink.ts';
import type { TraceString } from './trace_source.ts';
import { CH_HASH, CH_NL, CH_S, encodeStringValueInto, putBytes, putDecimal } from './vcd_encode.ts';

const MEMO_BITS = 9;
const MEMO_ENTRIES = 1 << MEMO_BITS;
/** Longest encoded text the memo keeps; longer texts are recomputed when their slots change. */
const MEMO_WIDTH = 64;

export class ProbeWriter {
  private readonly n: number;
  private readonly hasReads: Uint8Array;
  private readonly readOff: Int32Array; // probe k's reads are readSlot[readOff[k] .. readOff[k+1])
  private readonly readSlot: Int32Array;
  private readonly readPrev: Uint32Array;
  private readonly keyOff: Int32Array; // probe k's memo keys start at keyOff[k]: MEMO_ENTRIES x (its read count)
  private readonly memoKey: Uint32Array;
  private readonly memoLen: Int32Array; // per probe and entry; -1 = empty
  private readonly memoText: Uint8Array; // MEMO_WIDTH bytes per probe and entry
  private readonly lastText: (string | undefined)[];
  private shown: Uint8Array[];
  private readonly shownLen: Int32Array;
  private scratch = new Uint8Array(256);

  constructor(
    private readonly probes: readonly TraceString[],
    /** Per probe: ' <code>\n'. */
    private readonly tails: readonly Uint8Array[],
    private readonly values: Uint32Array,
  ) {
    const n = (this.n = probes.length);
    this.hasReads = Uint8Array.from(probes, (p) => (p.reads !== undefined ? 1 : 0));
    this.readOff = new Int32Array(n + 1);
    const slots: number[] = [];
    this.keyOff = new Int32Array(n + 1);
    probes.forEach((p, k) => {
      for (const s of p.reads ?? []) slots.push(s);
      this.readOff[k + 1] = slots.length;
      this.keyOff[k + 1] = this.keyOff[k]! + (p.reads === undefined ? 0 : MEMO_ENTRIES * p.reads.length);
    });
    this.readSlot = Int32Array.from(slots);
    this.readPrev = new Uint32Array(slots.length);
    this.memoKey = new Uint32Array(this.keyOff[n]!);
    const memoProbes = this.hasReads.reduce((a, b) => a + b, 0);
    this.memoLen = new Int32Array(memoProbes === 0 ? 0 : n * MEMO_ENTRIES).fill(-1);
    this.memoText = new Uint8Array(memoProbes === 0 ? 0 : n * MEMO_ENTRIES * MEMO_WIDTH);
    this.lastText = probes.map(() => undefined);
    this.shown = probes.map(() => new Uint8Array(64));
    this.shownLen = new Int32Array(n);
  }

  /**
   * Writes every probe whose displayed text changed (all of them when `force`). Before the first
   * change it writes `#time` unless `time` is negative (already written). Returns whether it wrote.
   */
  write(sink: ByteSink, time: number, force: boolean): boolean {
    let wrote = false;
    const values = this.values;
    for (let k = 0; k < this.n; k++) {
      let src: Uint8Array;
      let off = 0;
      let len: number;
      if (this.hasReads[k] === 1) {
        const r0 = this.readOff[k]!;
        const r1 = this.readOff[k + 1]!;
        let changed = force;
        let h = 0;
        for (let j = r0; j < r1; j++) {
          const v = values[this.readSlot[j]!]!;
          if (v !== this.readPrev[j]) {
            this.readPrev[j] = v;
            changed = true;
          }
          h = Math.imul(h ^ v, 0x9e3779b1) ^ (h >>> 15);
        }
        if (!changed) continue;
        const idx = Math.imul(h ^ (h >>> 13), 0x85ebca6b) >>> (32 - MEMO_BITS);
        const e = k * MEMO_ENTRIES + idx;
        const key = this.keyOff[k]! + idx * (r1 - r0);
        let hit = this.memoLen[e]! >= 0;
        for (let j = 0; hit && j < r1 - r0; j++) hit = this.memoKey[key + j] === this.readPrev[r0 + j];
        if (hit) {
          src = this.memoText;
          off = e * MEMO_WIDTH;
          len = this.memoLen[e]!;
        } else {
          len = this.encode(k);
          src = this.scratch;
          if (len <= MEMO_WIDTH) {
            for (let j = 0; j < r1 - r0; j++) this.memoKey[key + j] = this.readPrev[r0 + j]!;
            putBytes(this.memoText, e * MEMO_WIDTH, src, 0, len);
            this.memoLen[e] = len;
          }
        }
      } else {
        const s = this.probes[k]!.get();
        if (!force && s === this.lastText[k]) continue;
        len = this.encodeText(k, s);
        this.lastText[k] = s;
        src = this.scratch;
      }
      if (this.show(k, src, off, len, force)) {
        if (!wrote && time >= 0) writeTime(sink, time);
        wrote = true;
        writeValue(sink, src, off, len, this.tails[k]!);
      }
    }
    return wrote;
  }

  private encode(k: number): number {
    return this.encodeText(k, this.probes[k]!.get());
  }

  private encodeText(k: number, s: string): number {
    if (typeof s !== 'string') throw new Error(`trace string '${this.probes[k]!.path}' returned a ${typeof s}, not a string`);
    if (this.scratch.length < 2 * s.length) this.scratch = new Uint8Array(4 * s.length);
    return encodeStringValueInto(s, this.scratch);
  }

  /**
   * Records probe k's displayed bytes; false if they equal those already shown. Two different texts
   * can display alike (e.g. two non-ASCII characters both shown as '?'), so bytes are compared.
   */
  private show(k: number, src: Uint8Array, off: number, len: number, force: boolean): boolean {
    let prev = this.shown[k]!;
    if (!force && len === this.shownLen[k]) {
      let same = true;
      for (let j = 0; j < len; j++) {
        if (src[off + j] !== prev[j]) {
          same = false;
          break;
        }
      }
      if (same) return false;
    }
    if (prev.length < len) prev = this.shown[k] = new Uint8Array(2 * len);
    putBytes(prev, 0, src, off, len);
    this.shownLen[k] = len;
    return true;
  }
}

function writeTime(sink: ByteSink, time: number): void {
  if (sink.pos > sink.limit) sink.flush();
  const buf = sink.buf;
  let p = sink.pos;
  buf[p++] = CH_HASH;
  p = putDecimal(buf, p, time);
  buf[p++] = CH_NL;
  sink.pos = p;
}

function writeValue(sink: ByteSink, src: Uint8Array, off: number, len: number, tail: Uint8Array): void {
  if (sink.pos > sink.limit) sink.flush();
  sink.buf[sink.pos++] = CH_S;
  if (len <= SINK_SLACK - 1 - tail.length) sink.pos = putBytes(sink.buf, sink.pos, src, off, len);
  else sink.bytes(src, off, len);
  if (sink.pos > sink.limit) sink.flush();
  sink.pos = putBytes(sink.buf, sink.pos, tail, 0, tail.length);
}
