// Streaming VCD writer (IEEE 1364-2005 §18) with GTKWave's `$var string` extension for enums and
// string probes (fact sheet hdl-dsl-anchors §3.1, §3.2, §0 fact 9).
//
// The per-cycle path compares the traced slots with their previous values and encodes each change
// as soon as it is found, in one pass over the items, straight into a fixed byte buffer (ByteSink)
// with buffer and position in locals: what the pass reads per item (slot, previous value) lies side
// by side, and what a change's encoding needs (mask, tail, mode) too; binary digits go eight at a
// time from a table (vcd_encode.ts), identifier codes are pre-encoded with their separators, and
// string probes are called only when what they read changed (vcd_probes.ts). Full buffers are
// written to the file by a thread of their own (background_writer.ts). So a long run neither
// allocates per cycle nor grows memory (§0 facts 4-5: tracing is the biggest runtime tax, so keep
// it cheap and filtered).
import { openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ByteSink } from './byte_sink.ts';
import { ensureDir } from './ensure_dir.ts';
import type { TraceSource, TraceString } from './trace_source.ts';
import { CH_B, CH_HASH, CH_NL, CH_S, encodeStringValue, putBytes, putDecimal, putDigits } from './vcd_encode.ts';
import { vcdIdCode } from './vcd_ids.ts';
import { ProbeWriter } from './vcd_probes.ts';
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
  /** Bytes produced so far (written plus buffered). */
  readonly bytesWritten: number;
}

const MODE_SCALAR = 0;
const MODE_VECTOR = 1;
const MODE_ENUM = 2;

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
  /** `values` as int32, for compares with `scan`. */
  private readonly valuesI: Int32Array;
  /**
   * Per changed item, what its encoding needs, side by side: the value mask, the tail that follows the
   * value ('<code>\n' for scalars, ' <code>\n' otherwise) as two little-endian words, and its mode
   * plus (tail length << 8) plus (1 << 16) for a vector (its digits follow a 'b').
   */
  private readonly meta: Int32Array;
  private readonly enumText: (readonly Uint8Array[] | undefined)[];
  private readonly probes: ProbeWriter;

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
    this.valuesI = new Int32Array(this.values.buffer, this.values.byteOffset, this.values.length);
    this.enumText = itemEnum;

    const codes: string[] = [];
    for (let i = 0; i < this.nItems + probes.length; i++) codes.push(vcdIdCode(i));
    const ascii = (t: string): Uint8Array => Uint8Array.from(t, (c) => c.charCodeAt(0));
    const tails = codes.map((c, i) => ascii(i < this.nItems && itemMode[i] === MODE_SCALAR ? `${c}\n` : ` ${c}\n`));
    this.meta = new Int32Array(4 * this.nItems);
    for (let i = 0; i < this.nItems; i++) {
      const t = tails[i]!;
      // A tail of more than 8 bytes needs a code of 7 characters: more than 94^6 items.
      if (t.length > 8) throw new Error(`VCD '${path}': too many variables (${this.nItems})`);
      const word = (k: number): number => (t[k] ?? 0) | ((t[k + 1] ?? 0) << 8) | ((t[k + 2] ?? 0) << 16) | ((t[k + 3] ?? 0) << 24);
      const w = itemWidth[i]!;
      this.meta[4 * i] = w === 32 ? -1 : 2 ** w - 1;
      this.meta[4 * i + 1] = word(0);
      this.meta[4 * i + 2] = word(4);
      this.meta[4 * i + 3] = itemMode[i]! | (t.length << 8) | ((itemMode[i] === MODE_VECTOR ? 1 : 0) << 16);
    }
    this.probes = new ProbeWriter(probes, tails.slice(this.nItems), this.values);

    const fd = openForWriting(path);
    this.sink = new ByteSink(fd, path);
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
    const time = this.writeChanges(cycle * this.options.period);
    this.probes.write(this.sink, time, false);
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
    // something does): then the items are compared and encoded in one pass.
    if (time >= 0) {
      buf[pos++] = CH_HASH;
      pos = putDecimal(buf, pos, time);
      buf[pos++] = CH_NL;
    }
    const vals = this.valuesI;
    const scan = this.scan;
    const meta = this.meta;
    const n2 = 2 * this.nItems;
    let changes = 0;
    for (let j = 0; j < n2; j += 2) {
      const raw = vals[scan[j]!]!;
      if (raw === scan[j + 1]) continue;
      scan[j + 1] = raw;
      changes++;
      if (pos > limit) {
        sink.pos = pos;
        sink.flush();
        buf = sink.buf;
        dv = sink.view;
        pos = 0;
      }
      const m = meta[2 * j + 3]!;
      const v = raw & meta[2 * j]!;
      if ((m & 0xff) !== MODE_ENUM) {
        // Scalars and vectors alike: 'b' then the digits after it for a vector, the one digit over it for a scalar.
        buf[pos] = CH_B;
        const p = pos + ((m >>> 16) & 1);
        pos = p + putDigits(dv, p, v);
      } else pos = this.putEnum(buf, pos, j >> 1, v >>> 0);
      dv.setInt32(pos, meta[2 * j + 1]!, true);
      dv.setInt32(pos + 4, meta[2 * j + 2]!, true);
      pos += (m >>> 8) & 0xff;
    }
    // Nothing changed: the timestamp is not kept.
    if (changes === 0) return time;
    sink.pos = pos;
    return -1;
  }

  /** `s<name>`: an enum value's name (at most 2 x 256 bytes encoded, within the sink's slack). */
  private putEnum(buf: Uint8Array, pos: number, i: number, v: number): number {
    const names = this.enumText[i]!;
    const text = v < names.length ? names[v]! : encodeStringValue(`?${v}`);
    buf[pos++] = CH_S;
    return putBytes(buf, pos, text, 0, text.length);
  }

  private writeTime(cycle: number): void {
    const sink = this.sink;
    if (sink.pos > sink.limit) sink.flush();
    let p = sink.pos;
    sink.buf[p++] = CH_HASH;
    p = putDecimal(sink.buf, p, cycle * this.options.period);
    sink.buf[p++] = CH_NL;
    sink.pos = p;
  }

  private dumpAll(cycle: number): void {
    this.started = true;
    this.writeTime(cycle);
    const sink = this.sink;
    sink.text('$dumpvars\n');
    // Every item differs from its previous value once the previous values are flipped.
    for (let i = 0; i < this.nItems; i++) this.scan[2 * i + 1] = ~this.valuesI[this.scan[2 * i]!]!;
    this.writeChanges(-1);
    this.probes.write(sink, -1, true);
    sink.text('$end\n');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.started) {
        // A closing timestamp gives the last sampled cycle its full period in viewers.
        this.writeTime(Math.min(this.lastCycle, this.options.to) + 1);
      }
    } finally {
      this.sink.close();
    }
  }
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
