// Which variables a VCD declares for a trace source and a set of options. Shared by the VCD
// writer and the .gtkw writer so that a save file names exactly what the dump contains.
import type { TraceSignal, TraceSource, TraceString } from './trace_source.ts';

export interface VcdOptions {
  /** Keep only signals whose path starts with one of these prefixes (default: all). A prefix
   *  matches whole name parts: 'top.core1' keeps 'top.core1.pc' but not 'top.core10.pc'; a prefix
   *  ending in '.' is matched as plain text. */
  scopes?: string[];
  /** Cycle window, inclusive (default: whole run). */
  from?: number;
  to?: number;
  /** GTKWave `$var string` extension for enums/probes (default true; false = strict VCD). */
  strings?: boolean;
  /** Default '1ns'. */
  timescale?: string;
  /** Time units per cycle (default 10). */
  period?: number;
}

export interface ResolvedVcdOptions {
  scopes: readonly string[] | undefined;
  from: number;
  to: number;
  strings: boolean;
  timescale: string;
  period: number;
}

export type VcdVarType = 'wire' | 'reg' | 'string';

export interface VcdVar {
  /** The TraceSignal or TraceString path. */
  path: string;
  /** Scope names from the top, i.e. all parts of the path but the last. */
  scope: readonly string[];
  name: string;
  type: VcdVarType;
  /** Declared size: the signal width, 1 for strings (GTKWave's convention). */
  width: number;
  signal?: TraceSignal;
  probe?: TraceString;
}

const TIMESCALE = /^\s*(1|10|100)\s*(s|ms|us|ns|ps|fs)\s*$/;
// IEEE 1364-2005 §18.2.1: references and identifier codes are printable ASCII without whitespace.
const NAME_PART = /^[\x21-\x7e]+$/;

function checkCycle(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new Error(`VCD option '${name}' must be a non-negative integer cycle number, got ${String(v)}`);
  }
  return v;
}

export function resolveVcdOptions(options: VcdOptions = {}): ResolvedVcdOptions {
  const from = checkCycle('from', options.from) ?? 0;
  const to = checkCycle('to', options.to) ?? Number.POSITIVE_INFINITY;
  if (from > to) throw new Error(`VCD option 'from' (${from}) is after 'to' (${to}): the cycle window is empty`);
  const ts = options.timescale ?? '1ns';
  const m = TIMESCALE.exec(ts);
  if (!m) throw new Error(`VCD option 'timescale' must be 1, 10 or 100 followed by s, ms, us, ns, ps or fs (e.g. '1ns'), got '${ts}'`);
  const period = options.period ?? 10;
  if (!Number.isSafeInteger(period) || period <= 0) {
    throw new Error(`VCD option 'period' must be a positive integer number of time units per cycle, got ${String(period)}`);
  }
  let scopes: string[] | undefined;
  if (options.scopes !== undefined) {
    if (!Array.isArray(options.scopes)) throw new Error(`VCD option 'scopes' must be an array of path prefixes`);
    scopes = options.scopes.map((s, i) => {
      if (typeof s !== 'string' || s.length === 0 || /\s/.test(s)) {
        throw new Error(`VCD option 'scopes[${i}]' must be a non-empty path prefix without spaces, got '${String(s)}'`);
      }
      return s;
    });
  }
  return { scopes, from, to, strings: options.strings ?? true, timescale: `${m[1]}${m[2]}`, period };
}

/** Whether `path` lies under `prefix` (see VcdOptions.scopes). */
export function matchesScope(path: string, prefix: string): boolean {
  if (prefix.endsWith('.')) return path.startsWith(prefix);
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 0x2e);
}

function splitPath(path: unknown, what: string): string[] {
  if (typeof path !== 'string') throw new Error(`${what} has no path`);
  const parts = path.split('.');
  if (parts.length < 2) throw new Error(`${what} '${path}' needs at least one scope (e.g. 'top.${path}')`);
  for (const p of parts) {
    if (!NAME_PART.test(p) || p.startsWith('$')) {
      throw new Error(`${what} '${path}' has an invalid name part '${p}' (VCD names are printable ASCII without spaces, not starting with '$')`);
    }
  }
  return parts;
}

function checkSignal(s: TraceSignal, values: Uint32Array): void {
  const what = `trace signal '${s.path}'`;
  if (!Number.isInteger(s.width) || s.width < 1 || s.width > 32) throw new Error(`${what} has width ${s.width}; widths are 1..32`);
  if (s.kind !== 'wire' && s.kind !== 'reg') throw new Error(`${what} has kind '${String(s.kind)}'; expected 'wire' or 'reg'`);
  if (!Number.isInteger(s.slot) || s.slot < 0 || s.slot >= values.length) {
    throw new Error(`${what} has slot ${s.slot}, outside the ${values.length} value slots`);
  }
  if (s.enumNames !== undefined) {
    if (s.enumNames.length === 0) throw new Error(`${what} has an empty enumNames list`);
    if (s.enumNames.length > 2 ** s.width) {
      throw new Error(`${what} has ${s.enumNames.length} enum names but only ${s.width} bits`);
    }
    s.enumNames.forEach((n, i) => {
      if (typeof n !== 'string' || n.length > 256) throw new Error(`${what} has an enum name #${i} that is not a string of at most 256 characters`);
    });
  }
}

/** Suggests what exists near a prefix that matched nothing. */
function scopeHint(prefix: string, paths: readonly string[]): string {
  const cut = prefix.lastIndexOf('.', prefix.endsWith('.') ? prefix.length - 2 : prefix.length - 1);
  const parent = cut < 0 ? '' : prefix.slice(0, cut + 1);
  const seen = new Set<string>();
  for (const p of paths) {
    if (!p.startsWith(parent)) continue;
    const rest = p.slice(parent.length);
    const dot = rest.indexOf('.');
    seen.add(parent + (dot < 0 ? rest : rest.slice(0, dot)));
    if (seen.size > 12) break;
  }
  const list = [...seen].slice(0, 12).join(', ');
  return list.length > 0 ? `; names under '${parent || '(root)'}' are: ${list}` : '';
}

/**
 * Validates the source against the options and lists the variables to declare, in source order
 * (signals, then string probes). Throws naming the signal or option at fault.
 */
export function selectVcdVars(source: TraceSource, opts: ResolvedVcdOptions): VcdVar[] {
  if (!(source.values instanceof Uint32Array)) throw new Error('trace source values must be a Uint32Array');
  const all: VcdVar[] = [];
  const byPath = new Map<string, VcdVar>();
  const add = (v: VcdVar): void => {
    if (byPath.has(v.path)) throw new Error(`trace signal '${v.path}' is declared twice`);
    byPath.set(v.path, v);
    all.push(v);
  };
  for (const s of source.signals) {
    const parts = splitPath(s.path, 'trace signal');
    checkSignal(s, source.values);
    const isString = opts.strings && s.enumNames !== undefined;
    add({
      path: s.path,
      scope: parts.slice(0, -1),
      name: parts[parts.length - 1],
      type: isString ? 'string' : s.kind,
      width: isString ? 1 : s.width,
      signal: s,
    });
  }
  for (const p of source.strings ?? []) {
    const parts = splitPath(p.path, 'trace string');
    if (typeof p.get !== 'function') throw new Error(`trace string '${p.path}' has no get() function`);
    if (p.reads !== undefined) {
      if (!Array.isArray(p.reads)) throw new Error(`trace string '${p.path}' has reads that are not an array of slots`);
      p.reads.forEach((slot, i) => {
        if (!Number.isInteger(slot) || slot < 0 || slot >= source.values.length) {
          throw new Error(`trace string '${p.path}' reads[${i}] is slot ${String(slot)}, outside the ${source.values.length} value slots`);
        }
      });
    }
    add({ path: p.path, scope: parts.slice(0, -1), name: parts[parts.length - 1], type: 'string', width: 1, probe: p });
  }
  // A name that is both a variable and a scope makes the hierarchy ambiguous for viewers.
  for (const v of all) {
    for (let i = 1; i < v.scope.length + 1; i++) {
      const scopePath = v.scope.slice(0, i).join('.');
      if (byPath.has(scopePath)) throw new Error(`trace signal '${scopePath}' is also the scope of '${v.path}'`);
    }
  }
  if (opts.scopes !== undefined) {
    const paths = all.map((v) => v.path);
    for (const prefix of opts.scopes) {
      if (!paths.some((p) => matchesScope(p, prefix))) {
        throw new Error(`VCD scope filter '${prefix}' matches no trace signal${scopeHint(prefix, paths)}`);
      }
    }
  }
  const scopes = opts.scopes;
  return all.filter((v) => (v.probe === undefined || opts.strings) && (scopes === undefined || scopes.some((p) => matchesScope(v.path, p))));
}

/** The name GTKWave gives a variable in its signal tree and save files: vectors carry `[msb:lsb]`. */
export function gtkwaveName(v: VcdVar): string {
  return v.type !== 'string' && v.width > 1 ? `${v.path}[${v.width - 1}:0]` : v.path;
}
