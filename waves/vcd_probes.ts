// String probes of the VCD writer (GTKWave `$var string`, fact sheet hdl-dsl-anchors §3.2). A probe
// is a function the writer must call to learn its text, and a disassembly probe costs far more than
// the rest of a cycle's tracing. So a probe that declares the slots it reads (TraceString.reads) is
// called only when one of them changed, and its texts are kept in a small direct-mapped memo keyed
// by those slots' values: a loop's instructions are disassembled once, not every cycle. The memo has
// a fixed size, so memory does not grow with the run.
//
// A memo entry holds the probe's whole output line (`s<text> <code>\n`), zero-padded to whole 32-bit
// words, with a hash of it: the pipeline probes change text nearly every cycle, so the common case
// (a memo hit with a new text) is a hash compare, a few word compares and a few word copies, not a
// loop over bytes.
import type { ByteSink } from './byte_sink.ts';
import type { TraceString } from './trace_source.ts';
import { CH_S, encodeStringValueInto, writeTimestamp } from './vcd_encode.ts';

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
  /** Words per line slot: room for `s`, MEMO_WIDTH text bytes and the longest tail, rounded up. */
  private readonly lineWords: number;
  private readonly memoLen: Int32Array; // line length per probe and entry; -1 = empty
  private readonly memoHash: Int32Array;
  private readonly memoLine: Uint32Array; // lineWords per probe and entry
  /** Per probe: the line last written (lineWords words, zero-padded), its length and hash; -1 = none yet. */
  private readonly shownLine: Uint32Array;
  private readonly shownLen: Int32Array;
  private readonly shownHash: Int32Array;
  private readonly lastText: (string | undefined)[];
  /** A line too long for a memo entry (or of a probe without reads), built here, in words. */
  private scratch = new Uint8Array(256);
  private scratchWords = new Uint32Array(this.scratch.buffer);

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
    const longestTail = tails.reduce((m, t) => Math.max(m, t.length), 0);
    this.lineWords = (1 + MEMO_WIDTH + longestTail + 3) >> 2;
    const memoProbes = this.hasReads.reduce((a, b) => a + b, 0);
    const entries = memoProbes === 0 ? 0 : n * MEMO_ENTRIES;
    this.memoLen = new Int32Array(entries).fill(-1);
    this.memoHash = new Int32Array(entries);
    this.memoLine = new Uint32Array(entries * this.lineWords);
    this.shownLine = new Uint32Array(n * this.lineWords);
    this.shownLen = new Int32Array(n).fill(-1);
    this.shownHash = new Int32Array(n);
    this.lastText = probes.map(() => undefined);
  }

  /**
   * Writes every probe whose displayed text changed (all of them when `force`). Before the first
   * change it writes `#time` unless `time` is negative (already written). Returns whether it wrote.
   */
  write(sink: ByteSink, time: number, force: boolean): boolean {
    let wrote = false;
    const values = this.values;
    const readSlot = this.readSlot;
    const readPrev = this.readPrev;
    const lw = this.lineWords;
    for (let k = 0; k < this.n; k++) {
      if (this.hasReads[k] === 0) {
        const s = this.probes[k]!.get();
        if (!force && s === this.lastText[k]) continue;
        this.lastText[k] = s;
        const len = this.lineInScratch(k, s);
        if (this.writeLine(sink, time, wrote, force, k, this.scratchWords, 0, len, hashWords(this.scratchWords, 0, (len + 3) >> 2))) wrote = true;
        continue;
      }
      const r0 = this.readOff[k]!;
      const r1 = this.readOff[k + 1]!;
      let changed = force;
      let h = 0;
      for (let j = r0; j < r1; j++) {
        const v = values[readSlot[j]!]!;
        if (v !== readPrev[j]) {
          readPrev[j] = v;
          changed = true;
        }
        h = Math.imul(h ^ v, 0x9e3779b1) ^ (h >>> 15);
      }
      if (!changed) continue;
      const idx = Math.imul(h ^ (h >>> 13), 0x85ebca6b) >>> (32 - MEMO_BITS);
      const e = k * MEMO_ENTRIES + idx;
      const key = this.keyOff[k]! + idx * (r1 - r0);
      let hit = this.memoLen[e]! >= 0;
      for (let j = 0; hit && j < r1 - r0; j++) hit = this.memoKey[key + j] === readPrev[r0 + j];
      if (!hit) {
        const len = this.lineInScratch(k, this.probes[k]!.get());
        const hash = hashWords(this.scratchWords, 0, (len + 3) >> 2);
        if (len > 4 * lw) {
          // Too long for an entry: written from the scratch line, and rendered again next time.
          if (this.writeLine(sink, time, wrote, force, k, this.scratchWords, 0, len, hash)) wrote = true;
          continue;
        }
        for (let j = 0; j < r1 - r0; j++) this.memoKey[key + j] = readPrev[r0 + j]!;
        this.memoLine.set(this.scratchWords.subarray(0, lw), e * lw);
        this.memoLen[e] = len;
        this.memoHash[e] = hash;
      }
      if (this.writeLine(sink, time, wrote, force, k, this.memoLine, e * lw, this.memoLen[e]!, this.memoHash[e]!)) wrote = true;
    }
    return wrote;
  }

  /**
   * Writes probe k's line (`len` bytes in `words` from word `w0`, zero-padded) unless it equals the
   * line last written (two texts can display alike, e.g. two non-ASCII characters both as '?', so
   * lines are compared, not texts). Returns whether it wrote.
   */
  private writeLine(sink: ByteSink, time: number, wrote: boolean, force: boolean, k: number, words: Uint32Array, w0: number, len: number, hash: number): boolean {
    const nw = (len + 3) >> 2;
    const shown = this.shownLine;
    const s0 = k * this.lineWords;
    if (!force && hash === this.shownHash[k] && len === this.shownLen[k]) {
      let same = true;
      for (let j = 0; j < nw; j++) {
        if (words[w0 + j] !== shown[s0 + j]) {
          same = false;
          break;
        }
      }
      if (same) return false;
    }
    this.shownHash[k] = hash;
    // A line too long for the shown copy is remembered by hash and length only (-1: never equal).
    this.shownLen[k] = nw <= this.lineWords ? len : -1;
    if (nw <= this.lineWords) for (let j = 0; j < nw; j++) shown[s0 + j] = words[w0 + j]!;
    if (!wrote && time >= 0) writeTimestamp(sink, time);
    if (sink.pos > sink.limit || len > sink.limit - sink.pos) sink.flush();
    if (4 * nw > sink.buf.length - sink.pos) {
      sink.bytes(new Uint8Array(words.buffer, words.byteOffset + 4 * w0, len), 0, len);
      return true;
    }
    const dv = sink.view;
    let p = sink.pos;
    for (let j = 0; j < nw; j++, p += 4) dv.setUint32(p, words[w0 + j]!, true);
    sink.pos += len;
    return true;
  }

  /** Builds probe k's line for text `s` in the scratch buffer, zero-padded to whole words; returns its length. */
  private lineInScratch(k: number, s: string): number {
    if (typeof s !== 'string') throw new Error(`trace string '${this.probes[k]!.path}' returned a ${typeof s}, not a string`);
    const tail = this.tails[k]!;
    const need = 2 * s.length + tail.length + 8;
    if (this.scratch.length < need || this.scratch.length < 4 * this.lineWords) {
      this.scratch = new Uint8Array((Math.max(2 * need, 4 * this.lineWords) + 3) & ~3);
      this.scratchWords = new Uint32Array(this.scratch.buffer);
    }
    const buf = this.scratch;
    buf[0] = CH_S;
    let len = 1 + encodeStringValueInto(s, buf, 1);
    buf.set(tail, len);
    len += tail.length;
    buf.fill(0, len, Math.max((len + 3) & ~3, 4 * this.lineWords));
    return len;
  }
}

function hashWords(words: Uint32Array, w0: number, nw: number): number {
  let h = nw;
  for (let j = 0; j < nw; j++) h = Math.imul(h ^ words[w0 + j]!, 0x9e3779b1) ^ (h >>> 15);
  return h;
}

