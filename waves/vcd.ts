// Streaming VCD writer (IEEE 1364-2005 §18) with GTKWave's `$var string` extension for enums and
// string probes (fact sheet hdl-dsl-anchors §3.1, §3.2, §0 fact 9).
//
// The per-cycle path only copies the traced slots of the cycle into a fixed byte buffer (ByteSink)
// as one snapshot record (one memcpy); comparing them with the previous cycle's and encoding the
// changes as VCD text (binary digits, identifier codes, timestamps) is done where the buffers are
// written, by a thread of their own (vcd_records.ts, background_writer.ts). When the traced items
// are a few of the slots they span, the pass compares them here instead, without a branch per
// item, and stores each change as a compact record (raw value and item). String probes go as
// text, and are called only when what they read changed (vcd_probes.ts). So a long run neither
// allocates per cycle nor grows memory (§0 facts 4-5: tracing is the biggest runtime tax, so keep
// it cheap and filtered).
import { openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ByteSink } from './byte_sink.ts';
import { ensureDir } from './ensure_dir.ts';
import type { TraceSource, TraceString } from './trace_source.ts';
import { CH_HASH, CH_NL, encodeStringValue, putDecimal, writeTimestamp } from './vcd_encode.ts';
import { vcdIdCode } from './vcd_ids.ts';
import { ProbeWriter } from './vcd_probes.ts';
import {
  MODE_ENUM,
  MODE_SCALAR,
  MODE_VECTOR,
  RECORD_BYTES,
  RECORD_CHANGE,
  RECORD_NO_TIME,
  RECORD_SNAPSHOT,
  RECORD_SNAPSHOT_ALL,
  snapshotBytes,
  type VcdRecordSpec,
} from './vcd_records.ts';
import { resolveVcdOptions, selectVcdVars, type ResolvedVcdOptions, type VcdOptions, type VcdVar } from './vcd_vars.ts';

export type { VcdOptions, VcdVar } from './vcd_vars.ts';

export interface VcdTracer {
  /** Called once per cycle after the cycle's combinational logic has settled (before registers commit). */
  sample(cycle: number): void;
  /** Flushes and closes; idempotent. */
  close(): void;
}

/** What the writer offers beyond the engine interface (for the .gtkw writer, tools and tests). */
export interface VcdWriter extends VcdTracer {
  readonly path: string;
  /** The declared variables, in declaration order. */
  readonly vars: readonly VcdVar[];
  readonly options: Readonly<ResolvedVcdOptions>;
  /** Bytes of the file written so far; exact once closed (buffered changes are not yet text). */
  readonly bytesWritten: number;
}

/** Longest encoded enum name (the expander's room past its buffer's limit is twice this). */
const MAX_ENUM_NAME = 2048;
/** The sink's buffer size; a snapshot takes at most an eighth of it. */
const SINK_BYTES = 1 << 20;

interface ScopeNode {
  vars: string[];
  children: Map<string, ScopeNode>;
}

class StreamingVcdWriter implements VcdWriter {
  readonly path: string;
  readonly vars: readonly VcdVar[];
  readonly options: Readonly<ResolvedVcdOptions>;
  private readonly sink: ByteSink;
  private readonly values: Uint32Array;

  // Numeric items (a signal, or several signals aliasing one slot, share one identifier code).
  private readonly nItems: number;
  /** Per item: its slot and its previous value (as int32), side by side: the per-cycle scan reads only this. */
  private readonly scan: Int32Array;
  /** The scan indices of the items found changed by a pass (one spare entry). */
  private readonly changed: Int32Array;
  /** `values` as int32, for compares with `scan`. */
  private readonly valuesI: Int32Array;
  private readonly probes: ProbeWriter;
  /**
   * Snapshots (vcd_records.ts): the traced slots' range of `values`, copied whole each cycle, when the items
   * cover at least a quarter of it; else null, and the items are compared here.
   */
  private readonly snapSrc: Uint32Array | null;
  /** The sink's current buffer as words, for the snapshot's copy (renewed when the buffer changes). */
  private snapBuf: Uint8Array | null = null;
  private snap32: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

  private lastCycle = -1;
  private started = false;
  private closed = false;

  constructor(path: string, source: TraceSource, options: VcdOptions | undefined) {
    this.options = resolveVcdOptions(options);
    this.vars = selectVcdVars(source, this.options);
    this.path = path;
    this.values = source.values;

    // Assign items: signals sharing slot, width and rendering are one VCD variable under several names.
    const itemOf = new Map<string, number>();
    const itemSlot: number[] = [];
    const itemWidth: number[] = [];
    const itemMode: number[] = [];
    const itemEnum: (readonly Uint8Array[] | undefined)[] = [];
    const probes: TraceString[] = [];
    const varCode: number[] = []; // per var: item index, or -(probe index)-1
    const enumIds = new Map<readonly string[], number>();
    for (const v of this.vars) {
      if (v.probe !== undefined) {
        probes.push(v.probe);
        varCode.push(-probes.length);
        continue;
      }
      const s = v.signal!;
      const mode = v.type === 'string' ? MODE_ENUM : s.width === 1 ? MODE_SCALAR : MODE_VECTOR;
      let enumId = 0;
      if (mode === MODE_ENUM) {
        const names = s.enumNames!;
        enumId = enumIds.get(names) ?? enumIds.size + 1;
        enumIds.set(names, enumId);
      }
      const key = `${s.slot}:${s.width}:${mode}:${enumId}`;
      let item = itemOf.get(key);
      if (item === undefined) {
        item = itemSlot.length;
        itemOf.set(key, item);
        itemSlot.push(s.slot);
        itemWidth.push(s.width);
        itemMode.push(mode);
        itemEnum.push(mode === MODE_ENUM ? s.enumNames!.map(encodeStringValue) : undefined);
      }
      varCode.push(item);
    }
    this.nItems = itemSlot.length;
    this.scan = new Int32Array(2 * this.nItems);
    itemSlot.forEach((slot, i) => (this.scan[2 * i] = slot));
    this.changed = new Int32Array(this.nItems + 1);
    this.valuesI = new Int32Array(this.values.buffer, this.values.byteOffset, this.values.length);

    const codes: string[] = [];
    for (let i = 0; i < this.nItems + probes.length; i++) codes.push(vcdIdCode(i));
    const ascii = (t: string): Uint8Array => Uint8Array.from(t, (c) => c.charCodeAt(0));
    const tails = codes.map((c, i) => ascii(i < this.nItems && itemMode[i] === MODE_SCALAR ? `${c}\n` : ` ${c}\n`));
    const meta = new Int32Array(4 * this.nItems);
    for (let i = 0; i < this.nItems; i++) {
      const t = tails[i]!;
      // A tail of more than 8 bytes needs a code of 7 characters: more than 94^6 items.
      if (t.length > 8) throw new Error(`VCD '${path}': too many variables (${this.nItems})`);
      const word = (k: number): number => (t[k] ?? 0) | ((t[k + 1] ?? 0) << 8) | ((t[k + 2] ?? 0) << 16) | ((t[k + 3] ?? 0) << 24);
      const w = itemWidth[i]!;
      meta[4 * i] = w === 32 ? -1 : 2 ** w - 1;
      meta[4 * i + 1] = word(0);
      meta[4 * i + 2] = word(4);
      meta[4 * i + 3] = itemMode[i]! | (t.length << 8) | ((itemMode[i] === MODE_VECTOR ? 1 : 0) << 16);
    }
    let lo = 0;
    let span = 0;
    if (this.nItems > 0) {
      lo = itemSlot.reduce((a, b) => Math.min(a, b));
      span = itemSlot.reduce((a, b) => Math.max(a, b)) + 1 - lo;
    }
    const snapshots = this.nItems > 0 && 4 * this.nItems >= span && snapshotBytes(span) <= SINK_BYTES / 8;
    if (!snapshots) span = 0;
    this.snapSrc = snapshots ? this.values.subarray(lo, lo + span) : null;
    const records = recordSpec(meta, itemEnum, Int32Array.from(itemSlot, (s) => s - lo), lo, span, path);
    this.probes = new ProbeWriter(probes, tails.slice(this.nItems), this.values);

    const fd = openForWriting(path);
    this.sink = new ByteSink(fd, path, SINK_BYTES, true, records);
    this.writeHeader(varCode.map((c) => codes[c >= 0 ? c : this.nItems - c - 1]));
  }

  get bytesWritten(): number {
    return this.sink.bytesWritten;
  }

  private writeHeader(varCodes: readonly string[]): void {
    const o = this.options;
    const sink = this.sink;
    sink.text(`$date\n\t${new Date().toUTCString()}\n$end\n`);
    sink.text(`$version\n\tpulpsim VCD writer\n$end\n`);
    if (o.scopes !== undefined || o.from > 0 || o.to !== Number.POSITIVE_INFINITY) {
      const win = o.to === Number.POSITIVE_INFINITY ? `from cycle ${o.from}` : `cycles ${o.from}..${o.to}`;
      sink.text(`$comment\n\t${win}${o.scopes ? `, scopes ${o.scopes.join(',')}` : ''}\n$end\n`);
    }
    sink.text(`$timescale\n\t${o.timescale}\n$end\n`);
    const root: ScopeNode = { vars: [], children: new Map() };
    this.vars.forEach((v, i) => {
      let node = root;
      for (const part of v.scope) {
        let child = node.children.get(part);
        if (child === undefined) {
          child = { vars: [], children: new Map() };
          node.children.set(part, child);
        }
        node = child;
      }
      const range = v.type !== 'string' && v.width > 1 ? ` [${v.width - 1}:0]` : '';
      node.vars.push(`$var ${v.type} ${v.width} ${varCodes[i]} ${v.name}${range} $end\n`);
    });
    const emit = (node: ScopeNode): void => {
      for (const line of node.vars) sink.text(line);
      for (const [name, child] of node.children) {
        sink.text(`$scope module ${name} $end\n`);
        emit(child);
        sink.text(`$upscope $end\n`);
      }
    };
    emit(root);
    sink.text(`$enddefinitions $end\n`);
  }

  sample(cycle: number): void {
    if (this.closed) throw new Error(`VCD '${this.path}': sample(${cycle}) after close()`);
    if (!(cycle > this.lastCycle) || !Number.isSafeInteger(cycle)) {
      throw new Error(`VCD '${this.path}': sample(${cycle}) must be called with increasing integer cycles (last was ${this.lastCycle})`);
    }
    this.lastCycle = cycle;
    if (cycle < this.options.from || cycle > this.options.to) return;
    if (!this.started) {
      this.dumpAll(cycle);
      return;
    }
    if (this.snapSrc !== null) {
      // The expander writes the timestamp before the first change or probe line after the snapshot.
      this.writeSnapshot(RECORD_SNAPSHOT, cycle * this.options.period);
      this.probes.write(this.sink, -1, false);
      return;
    }
    const time = this.writeChanges(cycle * this.options.period);
    this.probes.write(this.sink, time, false);
  }

  /** A snapshot record of the traced slots (time -1: none). */
  private writeSnapshot(tag: number, time: number): void {
    const sink = this.sink;
    const src = this.snapSrc!;
    if (sink.pos + snapshotBytes(src.length) > sink.buf.length) sink.flush();
    if (sink.buf !== this.snapBuf) {
      this.snapBuf = sink.buf;
      this.snap32 = new Uint32Array(sink.buf.buffer, sink.buf.byteOffset, sink.buf.length >> 2);
    }
    const pos = sink.pos;
    sink.buf[pos] = tag;
    const p = (pos + 8) & ~7;
    sink.view.setFloat64(p, time, true);
    this.snap32.set(src, (p + 8) >> 2);
    sink.pos = p + 8 + 4 * src.length;
  }

  /**
   * Writes the items that changed since the last sample, preceded by `#time` unless `time` is
   * negative (a timestamp goes out only before a cycle's first change). Returns `time` if nothing
   * was written, else -1.
   */
  private writeChanges(time: number): number {
    const sink = this.sink;
    const limit = sink.limit;
    if (sink.pos > limit) sink.flush();
    let buf = sink.buf;
    let dv = sink.view;
    let pos = sink.pos;
    // The timestamp goes into the buffer first and counts only if something changed (nearly every cycle
    // something does): then the items are compared in one pass, and each change stored as a record.
    if (time >= 0) {
      buf[pos++] = CH_HASH;
      pos = putDecimal(buf, pos, time);
      buf[pos++] = CH_NL;
    }
    const vals = this.valuesI;
    const scan = this.scan;
    const changed = this.changed;
    const n2 = 2 * this.nItems;
    // The compare pass has no branch on whether an item changed (which ones do is unpredictable): every item's
    // index is stored at the end of the list of changed ones, which grows by one only if it changed.
    let changes = 0;
    for (let j = 0; j < n2; j += 2) {
      const raw = vals[scan[j]!]!;
      const d = raw ^ scan[j + 1]!;
      scan[j + 1] = raw;
      changed[changes] = j;
      changes += (d | -d) >>> 31;
    }
    for (let k = 0; k < changes; k++) {
      if (pos > limit) {
        sink.pos = pos;
        sink.flush();
        buf = sink.buf;
        dv = sink.view;
        pos = 0;
      }
      const j = changed[k]!;
      buf[pos] = RECORD_CHANGE;
      dv.setInt32(pos + 1, scan[j + 1]!, true);
      dv.setInt32(pos + 5, j >> 1, true);
      pos += RECORD_BYTES;
    }
    // Nothing changed: the timestamp is not kept.
    if (changes === 0) return time;
    sink.pos = pos;
    return -1;
  }

  private writeTime(cycle: number): void {
    writeTimestamp(this.sink, cycle * this.options.period);
  }

  private dumpAll(cycle: number): void {
    this.started = true;
    this.writeTime(cycle);
    const sink = this.sink;
    sink.text('$dumpvars\n');
    if (this.snapSrc !== null) this.writeSnapshot(RECORD_SNAPSHOT_ALL, -1);
    else {
      // Every item differs from its previous value once the previous values are flipped.
      for (let i = 0; i < this.nItems; i++) this.scan[2 * i + 1] = ~this.valuesI[this.scan[2 * i]!]!;
      this.writeChanges(-1);
    }
    this.probes.write(sink, -1, true);
    sink.text('$end\n');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.started) {
        // A closing timestamp gives the last sampled cycle its full period in viewers (not preceded by the last
        // snapshot's, if nothing changed then).
        if (this.snapSrc !== null) {
          if (this.sink.pos > this.sink.limit) this.sink.flush();
          this.sink.buf[this.sink.pos++] = RECORD_NO_TIME;
        }
        this.writeTime(Math.min(this.lastCycle, this.options.to) + 1);
      }
    } finally {
      this.sink.close();
    }
  }
}

/** The expander's tables (vcd_records.ts): the items' encodings, their enum names (flattened) and their slots. */
function recordSpec(
  meta: Int32Array,
  itemEnum: readonly (readonly Uint8Array[] | undefined)[],
  slots: Int32Array,
  lo: number,
  span: number,
  path: string,
): VcdRecordSpec {
  const n = itemEnum.length;
  const enumFirst = new Int32Array(n);
  const enumCount = new Int32Array(n);
  const all: Uint8Array[] = [];
  itemEnum.forEach((names, i) => {
    if (names === undefined) return;
    enumFirst[i] = all.length;
    enumCount[i] = names.length;
    for (const t of names) {
      if (t.length > MAX_ENUM_NAME) throw new Error(`VCD '${path}': an enum value name is longer than ${MAX_ENUM_NAME} characters`);
      all.push(t);
    }
  });
  const nameOff = new Int32Array(all.length + 1);
  all.forEach((t, k) => (nameOff[k + 1] = nameOff[k]! + t.length));
  const names = new Uint8Array(nameOff[all.length]!);
  all.forEach((t, k) => names.set(t, nameOff[k]!));
  return { meta, enumFirst, enumCount, nameOff, names, slots, lo, span };
}

function openForWriting(path: string): number {
  if (typeof path !== 'string' || path.length === 0) throw new Error('VCD path must be a non-empty string');
  const abs = resolve(path);
  const dir = dirname(abs);
  try {
    ensureDir(dir);
  } catch (e) {
    throw new Error(`cannot create the directory of VCD file '${path}': ${(e as Error).message}`);
  }
  try {
    if (statSync(abs, { throwIfNoEntry: false })?.isDirectory()) throw new Error('it is a directory');
    return openSync(abs, 'w');
  } catch (e) {
    throw new Error(`cannot open VCD file '${path}' for writing: ${(e as Error).message}`);
  }
}

/**
 * Validates the options against the source, creates the directory and opens (truncates) the file
 * synchronously, and writes the header, so a bad path or option fails before any simulation.
 */
export function openVcd(path: string, source: TraceSource, options?: VcdOptions): VcdWriter {
  return new StreamingVcdWriter(path, source, options);
}
