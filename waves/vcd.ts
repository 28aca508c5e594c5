// Streaming VCD writer (IEEE 1364-2005 §18) with GTKWave's `$var string` extension for enums and
// string probes (fact sheet hdl-dsl-anchors §3.1, §3.2, §0 fact 9).
//
// The per-cycle path diffs the traced slots against a Uint32Array of previous values and encodes
// changes straight into a fixed byte buffer (ByteSink), so a long run neither allocates per cycle
// nor grows memory (§0 facts 4-5: tracing is the biggest runtime tax, so keep it cheap and filtered).
import { openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ByteSink } from './byte_sink.ts';
import { ensureDir } from './ensure_dir.ts';
import type { TraceSource, TraceString } from './trace_source.ts';
import { vcdIdCode } from './vcd_ids.ts';
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

const CH_NL = 0x0a;
const CH_SPACE = 0x20;
const CH_HASH = 0x23;
const CH_0 = 0x30;
const CH_UNDERSCORE = 0x5f;
const CH_QUESTION = 0x3f;
const CH_BACKSLASH = 0x5c;
const CH_B = 0x62;
const CH_S = 0x73;

/**
 * GTKWave's `s<text>` values are one whitespace-free token, and GTKWave decodes C escapes in them
 * (fstUtilityEscToBin in its VCD loaders). So: whitespace and controls become '_' (as Amaranth
 * does), a backslash is escaped as '\\', and characters beyond ASCII become '?'. Writes into
 * `out` (room for 2 * text.length bytes) and returns the length.
 */
function encodeStringValueInto(text: string, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= CH_SPACE || c === 0x7f) out[n++] = CH_UNDERSCORE;
    else if (c === CH_BACKSLASH) {
      out[n++] = CH_BACKSLASH;
      out[n++] = CH_BACKSLASH;
    } else if (c > 0x7e) out[n++] = CH_QUESTION;
    else out[n++] = c;
  }
  return n;
}

function encodeStringValue(text: string): Uint8Array {
  const out = new Uint8Array(2 * text.length);
  return out.slice(0, encodeStringValueInto(text, out));
}

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
  private readonly slot: Int32Array;
  private readonly mask: Uint32Array;
  private readonly mode: Uint8Array;
  private readonly prev: Uint32Array;
  private readonly enumText: (readonly Uint8Array[] | undefined)[];
  // String probes.
  private readonly probes: TraceString[];
  private readonly probePrev: (string | undefined)[];
  private readonly probeShown: Uint8Array[];
  private readonly probeShownLen: Int32Array;
  private scratch = new Uint8Array(256);
  // Identifier codes of items then probes, pre-encoded.
  private readonly codeBytes: Uint8Array;
  private readonly codeOff: Int32Array;
  private readonly codeLen: Uint8Array;

  private lastCycle = -1;
  private pendingCycle = -1;
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
    this.slot = Int32Array.from(itemSlot);
    this.mask = Uint32Array.from(itemWidth, (w) => (w === 32 ? 0xffffffff : 2 ** w - 1));
    this.mode = Uint8Array.from(itemMode);
    this.enumText = itemEnum;
    this.prev = new Uint32Array(this.nItems);
    this.probes = probes;
    this.probePrev = probes.map(() => undefined);
    this.probeShown = probes.map(() => new Uint8Array(64));
    this.probeShownLen = new Int32Array(probes.length);

    const codes: string[] = [];
    for (let i = 0; i < this.nItems + probes.length; i++) codes.push(vcdIdCode(i));
    this.codeOff = new Int32Array(codes.length);
    this.codeLen = new Uint8Array(codes.length);
    const bytes: number[] = [];
    codes.forEach((c, i) => {
      this.codeOff[i] = bytes.length;
      this.codeLen[i] = c.length;
      for (let k = 0; k < c.length; k++) bytes.push(c.charCodeAt(k));
    });
    this.codeBytes = Uint8Array.from(bytes);

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
    const values = this.values;
    const slot = this.slot;
    const prev = this.prev;
    const sink = this.sink;
    this.pendingCycle = cycle;
    for (let i = 0; i < this.nItems; i++) {
      const v = values[slot[i]];
      if (v === prev[i]) continue;
      prev[i] = v;
      this.writeTimeOnce();
      this.writeItem(i, v, sink);
    }
    const probes = this.probes;
    for (let k = 0; k < probes.length; k++) {
      const s = probes[k].get();
      if (s === this.probePrev[k]) continue;
      if (typeof s !== 'string') throw new Error(`trace string '${probes[k].path}' returned a ${typeof s}, not a string`);
      this.probePrev[k] = s;
      this.writeProbe(k, s, false);
    }
  }

  /** `#time` goes out only before a cycle's first change. */
  private writeTimeOnce(): void {
    if (this.pendingCycle < 0) return;
    this.writeTime(this.pendingCycle);
    this.pendingCycle = -1;
  }

  private writeTime(cycle: number): void {
    const sink = this.sink;
    sink.reserve(24);
    sink.put(CH_HASH);
    sink.decimal(cycle * this.options.period);
    sink.put(CH_NL);
  }

  private dumpAll(cycle: number): void {
    this.started = true;
    this.writeTime(cycle);
    const sink = this.sink;
    sink.text('$dumpvars\n');
    for (let i = 0; i < this.nItems; i++) {
      const v = this.values[this.slot[i]];
      this.prev[i] = v;
      this.writeItem(i, v, sink);
    }
    for (let k = 0; k < this.probes.length; k++) {
      const s = this.probes[k].get();
      if (typeof s !== 'string') throw new Error(`trace string '${this.probes[k].path}' returned a ${typeof s}, not a string`);
      this.probePrev[k] = s;
      this.writeProbe(k, s, true);
    }
    sink.text('$end\n');
  }

  private writeCode(code: number, sink: ByteSink): void {
    sink.putBytes(this.codeBytes, this.codeOff[code], this.codeLen[code]);
    sink.put(CH_NL);
  }

  private writeItem(i: number, raw: number, sink: ByteSink): void {
    const v = (raw & this.mask[i]) >>> 0;
    const mode = this.mode[i];
    if (mode === MODE_SCALAR) {
      sink.reserve(8);
      sink.put(CH_0 + v);
    } else if (mode === MODE_VECTOR) {
      // Leading zeros are dropped: §18.2.3.5 left-extends a vector whose leftmost given bit is 0 or 1 with 0.
      sink.reserve(48);
      sink.put(CH_B);
      for (let b = 31 - Math.clz32(v | 1); b >= 0; b--) sink.put(CH_0 + ((v >>> b) & 1));
      sink.put(CH_SPACE);
    } else {
      const names = this.enumText[i]!;
      const text = v < names.length ? names[v] : encodeStringValue(`?${v}`);
      sink.reserve(text.length + 8);
      sink.put(CH_S);
      sink.putBytes(text, 0, text.length);
      sink.put(CH_SPACE);
    }
    this.writeCode(i, sink);
  }

  /**
   * Writes probe k's text if its displayed form changed. Two different texts can display alike
   * (e.g. two non-ASCII characters both shown as '?'), so the encoded bytes are compared, in
   * buffers reused from cycle to cycle.
   */
  private writeProbe(k: number, s: string, force: boolean): void {
    let enc = this.scratch;
    if (enc.length < 2 * s.length) enc = this.scratch = new Uint8Array(4 * s.length);
    const n = encodeStringValueInto(s, enc);
    let prev = this.probeShown[k];
    if (!force && n === this.probeShownLen[k]) {
      let same = true;
      for (let j = 0; j < n; j++) {
        if (enc[j] !== prev[j]) {
          same = false;
          break;
        }
      }
      if (same) return;
    }
    if (prev.length < n) prev = this.probeShown[k] = new Uint8Array(2 * n);
    for (let j = 0; j < n; j++) prev[j] = enc[j];
    this.probeShownLen[k] = n;
    if (!force) this.writeTimeOnce();
    const sink = this.sink;
    sink.putChecked(CH_S);
    for (let j = 0; j < n; j++) sink.putChecked(enc[j]);
    sink.reserve(8);
    sink.put(CH_SPACE);
    this.writeCode(this.nItems + k, sink);
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
