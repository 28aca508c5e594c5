// Scenario files of the RTL timing vectors (testbench/fixtures/timing/cluster/*): per-cycle stimulus of a block's
// ports and what the RTL answered. Files come in two encodings (see the READMEs next to them):
//  - change lists: every signal is `[[cycle, value], ...]` (one list) or one such list per port; the value holds
//    from its cycle to the next entry. Values are integers, or lowercase hex strings for signals wider than
//    32 bits. Used by the event unit and the instruction cache.
//  - the interconnect's own layout (per-master event tuples, '0'/'1' strings): parsed by its adapter with the
//    helpers below.
// Both are turned into dense per-cycle traces, so the replay loop does no decoding.
import { readFileSync } from 'node:fs';

/** A scenario file is malformed; the message names the file and the JSON field (and line/column for syntax). */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** One signal over the whole run, dense: `values[port][cycle * words + w]`, word 0 = bits 31..0. */
export interface Trace {
  readonly name: string;
  /** Ports (cores, masters, banks); 1 for a signal the file gives as a single change list. */
  readonly ports: number;
  /** The file gives one list for the whole block (not one per port). */
  readonly scalar: boolean;
  /** 32-bit words per value (1 unless the file uses hex strings wider than 8 digits). */
  readonly words: number;
  readonly values: readonly Uint32Array[];
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly cycles: number;
  readonly stimulus: ReadonlyMap<string, Trace>;
  /** Outputs of the block, checked every cycle. */
  readonly expected: ReadonlyMap<string, Trace>;
  /** Internal registers the RTL run recorded (checked where the adapter maps them). */
  readonly internal: ReadonlyMap<string, Trace>;
  /** The whole file, for block-specific fields (parameters, initial memory). */
  readonly json: Readonly<Record<string, unknown>>;
}

/** Reads and parses a JSON file; syntax errors name the line and column. */
export function loadJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(`${file}: cannot read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!;
    const m = /position (\d+)/.exec(msg);
    const pos = m !== null ? Number(m[1]) : syntaxErrorOffset(text);
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const col = pos - before.lastIndexOf('\n');
    throw new ScenarioError(`${file}:${line}:${col}: invalid JSON: ${msg}`);
  }
}

/** Offset of the first JSON syntax error (V8's messages do not always carry it). */
function syntaxErrorOffset(t: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < t.length && ' \t\r\n'.includes(t[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = t[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (t[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (t[i] !== '"') fail();
          value();
          ws();
          if (t[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (t[i] === ',') i++;
        else if (t[i] === close) {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') {
      i++;
      while (i < t.length && t[i] !== '"') i += t[i] === '\\' ? 2 : 1;
      if (i >= t.length) fail();
      i++;
    } else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(t.slice(i, i + 64));
      if (m === null) fail();
      i += m![0].length;
    }
  };
  try {
    value();
    ws();
    return i;
  } catch (at) {
    return typeof at === 'number' ? at : 0;
  }
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Field access that refuses a missing or mistyped field, naming it. */
export class Fields {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly obj: Readonly<Record<string, unknown>>,
  ) {}
  fail(field: string, what: string): never {
    throw new ScenarioError(`${this.file}: ${this.path(field)}: ${what}`);
  }
  path(field: string): string {
    return this.where === '' ? field : `${this.where}.${field}`;
  }
  has(field: string): boolean {
    return this.obj[field] !== undefined;
  }
  get(field: string): unknown {
    const v = this.obj[field];
    if (v === undefined) this.fail(field, 'missing');
    return v;
  }
  record(field: string): Fields {
    const v = this.get(field);
    if (!isRecord(v)) this.fail(field, 'must be an object');
    return new Fields(this.file, this.path(field), v);
  }
  array(field: string): unknown[] {
    const v = this.get(field);
    if (!Array.isArray(v)) this.fail(field, 'must be an array');
    return v;
  }
  int(field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.get(field);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(field, `must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
    }
    return v;
  }
  string(field: string): string {
    const v = this.get(field);
    if (typeof v !== 'string') this.fail(field, 'must be a string');
    return v;
  }
}

const U32_MAX = 0xffffffff;

/** Words of one value: an unsigned 32-bit integer, or a hex string (word 0 = the last 8 digits). */
function valueWords(v: unknown, where: string, file: string): number[] {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > U32_MAX) {
      throw new ScenarioError(`${file}: ${where}: value ${v} is not an unsigned 32-bit integer`);
    }
    return [v];
  }
  if (typeof v === 'string' && /^[0-9a-fA-F]+$/.test(v)) {
    const words: number[] = [];
    for (let end = v.length; end > 0; end -= 8) words.push(parseInt(v.slice(Math.max(0, end - 8), end), 16) >>> 0);
    return words;
  }
  throw new ScenarioError(`${file}: ${where}: value ${JSON.stringify(v)} is neither an unsigned integer nor a hex string`);
}

/** A change list `[[cycle, value], ...]` as a dense trace of `cycles` values: the first entry must be at cycle 0,
 *  cycles strictly increasing and below `cycles`. `words` 0 = decide from the values. */
export function denseFromChanges(list: unknown, cycles: number, where: string, file: string, words = 0): Uint32Array {
  if (!Array.isArray(list) || list.length === 0) throw new ScenarioError(`${file}: ${where}: must be a non-empty change list [[cycle, value], ...]`);
  const entries: { c: number; w: number[] }[] = [];
  let prev = -1;
  list.forEach((e, k) => {
    const at = `${where}[${k}]`;
    if (!Array.isArray(e) || e.length !== 2) throw new ScenarioError(`${file}: ${at}: must be [cycle, value]`);
    const c = e[0];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) throw new ScenarioError(`${file}: ${at}: cycle ${JSON.stringify(c)} is not a non-negative integer`);
    if (k === 0 && c !== 0) throw new ScenarioError(`${file}: ${at}: the first change must be at cycle 0, got ${c}`);
    if (c <= prev) throw new ScenarioError(`${file}: ${at}: cycle ${c} out of order (after cycle ${prev})`);
    if (c >= cycles) throw new ScenarioError(`${file}: ${at}: cycle ${c} is past the end of the run (${cycles} cycles)`);
    prev = c;
    entries.push({ c, w: valueWords(e[1], at, file) });
  });
  const nw = words > 0 ? words : Math.max(...entries.map((x) => x.w.length));
  const out = new Uint32Array(cycles * nw);
  entries.forEach((e, k) => {
    if (e.w.length > nw && e.w.slice(nw).some((x) => x !== 0)) {
      throw new ScenarioError(`${file}: ${where}[${k}]: value wider than ${nw * 32} bits`);
    }
    const end = k + 1 < entries.length ? entries[k + 1]!.c : cycles;
    for (let c = e.c; c < end; c++) for (let w = 0; w < nw; w++) out[c * nw + w] = e.w[w] ?? 0;
  });
  return out;
}

/** A '0'/'1' string with one character per cycle. */
export function denseFromBits(s: unknown, cycles: number, where: string, file: string): Uint32Array {
  if (typeof s !== 'string') throw new ScenarioError(`${file}: ${where}: must be a string of '0'/'1'`);
  if (s.length !== cycles) throw new ScenarioError(`${file}: ${where}: has ${s.length} characters, the run has ${cycles} cycles`);
  const out = new Uint32Array(cycles);
  for (let c = 0; c < cycles; c++) {
    const ch = s.charCodeAt(c);
    if (ch !== 48 && ch !== 49) throw new ScenarioError(`${file}: ${where}: character ${c} is '${s[c]}', not '0' or '1'`);
    out[c] = ch - 48;
  }
  return out;
}

/** A signal given as one change list or one per port; words from the widest value (hex strings). */
export function traceFromChangeLists(name: string, v: unknown, cycles: number, where: string, file: string): Trace {
  if (!Array.isArray(v) || v.length === 0) throw new ScenarioError(`${file}: ${where}: must be a change list or a list of per-port change lists`);
  // A per-port signal is a list of lists of pairs; a scalar one is a list of pairs.
  const perPort = Array.isArray(v[0]) && Array.isArray((v[0] as unknown[])[0]);
  const lists = perPort ? (v as unknown[]) : [v];
  const first = lists.map((l, p) => denseFromChanges(l, cycles, perPort ? `${where}[${p}]` : where, file));
  const words = Math.max(...first.map((d) => d.length / cycles));
  const values = first.map((d, p) => (d.length === cycles * words ? d : denseFromChanges(lists[p], cycles, perPort ? `${where}[${p}]` : where, file, words)));
  return { name, ports: lists.length, scalar: !perPort, words, values };
}

function tracesOf(f: Fields, group: string, cycles: number, required: boolean): Map<string, Trace> {
  const out = new Map<string, Trace>();
  if (!required && !f.has(group)) return out;
  const g = f.record(group);
  for (const [name, v] of Object.entries(g.obj)) {
    out.set(name, traceFromChangeLists(name, v, cycles, g.path(name), f.file));
  }
  return out;
}

/** Parses a change-list scenario (event unit, instruction cache): `cycles`, `stimulus`, `expected`, optional
 *  `internal`. Internal entries that are not change lists (e.g. a list of write records) are left in `json`. */
export function parseChangeListScenario(json: unknown, file: string): Scenario {
  if (!isRecord(json)) throw new ScenarioError(`${file}: the scenario must be a JSON object`);
  const f = new Fields(file, '', json);
  const cycles = f.int('cycles', 1, 10_000_000);
  const name = f.has('name') ? f.string('name') : file;
  const stimulus = tracesOf(f, 'stimulus', cycles, true);
  const expected = tracesOf(f, 'expected', cycles, true);
  const internal = new Map<string, Trace>();
  if (f.has('internal')) {
    const g = f.record('internal');
    for (const [n, v] of Object.entries(g.obj)) {
      // Internal lists of records ([cycle, a, b, ...] tuples) are not traces.
      if (!Array.isArray(v) || v.length === 0) continue;
      const head = v[0] as unknown;
      const isPairList = Array.isArray(head) && head.length === 2 && !Array.isArray(head[0]);
      const isPerPort = Array.isArray(head) && Array.isArray((head as unknown[])[0]);
      if (!isPairList && !isPerPort) continue;
      internal.set(n, traceFromChangeLists(n, v, cycles, g.path(n), file));
    }
  }
  return { file, name, cycles, stimulus, expected, internal, json };
}
