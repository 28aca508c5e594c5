// The parameter registry: every leaf of a configuration object as a named, typed, documented parameter, so that
// what-if experiments (`--set icache.refillLatency=20`, sweep files) change the config object by name, with
// errors that say which parameter and what was expected. The names are derived by walking the object itself,
// so a field added to rtl/config/index.ts is a parameter at once; the schema table below adds ranges, choices
// and documentation for the known leaves.
import { icacheConfig, presets, validateCluster, validateCore, type ClusterConfig, type CoreConfig, type IcacheConfig } from './index.ts';

export type ParamType = 'int' | 'number' | 'bool' | 'choice' | 'string';
export type ParamValue = number | boolean | string;

/** What a leaf accepts. Ranges are inclusive. */
export interface ParamSchema {
  type: ParamType;
  doc: string;
  min?: number;
  max?: number;
  /** Integer that must be a power of two. */
  pow2?: boolean;
  choices?: readonly string[];
  unit?: string;
  /** Shown (and best written) in hexadecimal: addresses. */
  hex?: boolean;
}

export interface ParamInfo extends ParamSchema {
  /** Dotted name: `icache.refillLatency`, `cluster.tcdm.banks`, `memory.l2.size` (array entries by their name). */
  path: string;
  value: ParamValue;
  /** False when the leaf has no schema entry and its type was inferred from its value. */
  documented: boolean;
}

/** A bad parameter name or value; `param` is the name as given. */
export class ParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'ParamError';
  }
}

const U32 = 0xffff_ffff;
const port = (which: string): Record<string, ParamSchema> => ({
  // Ranges as `--imem/--dmem G,R` accept them (testbench/fixtures/timing/README.md port model).
  [`${which}.grantDelay`]: { type: 'int', min: 0, max: 200, unit: 'cycles', doc: `${which} port: cycles a request waits for its grant (G; 0 = combinational grant)` },
  [`${which}.responseDelay`]: { type: 'int', min: 1, max: 16, unit: 'cycles', doc: `${which} port: cycles from the grant to rvalid (R)` },
});

/**
 * Ranges, choices and docs of the known leaves. Keys are dotted paths; `*` stands for any one name (array entries).
 * The whole-object rules (cross-field limits) stay in index.ts's validators, which `validateConfig` runs.
 */
export const paramSchema: Readonly<Record<string, ParamSchema>> = {
  'core.version': { type: 'choice', choices: Object.keys(presets), doc: 'core RTL version (timing, CSRs, trap rules)' },
  'core.flavour': { type: 'choice', choices: ['xpulpv2', 'corev'], doc: 'encodings of the PULP extensions the decoder accepts' },
  'core.rvc': { type: 'bool', doc: 'compressed (RVC) instructions accepted' },
  'core.isa.xpulpnn': { type: 'bool', doc: 'optional XpulpNN nibble/crumb SIMD dot products (pv.sdotusp.n/.c, …; xpulpv2 flavour only)' },
  'core.branch': {
    type: 'choice',
    choices: ['rtl', 'btfn'],
    doc: 'conditional branches: rtl = decided in EX (taken 3 cycles, not taken 1); btfn = backward predicted taken, redirected from ID (2 cycles), wrong guesses flushed from EX (3)',
  },
  'core.loadUseCycles': {
    type: 'int',
    min: 0,
    max: 16,
    unit: 'cycles',
    doc: 'stall of an instruction using the load right before it (RTL 1); 0 = load data forwarded into EX (ALU, multiplier, branch) without a bubble',
  },
  'core.mulCycles': { type: 'int', min: 1, max: 32, unit: 'cycles', doc: 'cycles in EX of mul, p.mac/msu, 16-bit multiplies and dot products (RTL 1)' },
  'core.mulhCycles': { type: 'int', min: 1, max: 32, unit: 'cycles', doc: 'cycles in EX of mulh/mulhsu/mulhu, the MULH FSM length (RTL 5)' },
  'core.divCycles': {
    type: 'int',
    min: 0,
    max: 64,
    unit: 'cycles',
    doc: 'cycles in EX of div/divu/rem/remu: 0 = the RTL serial divider (3..35 by the divisor\'s leading bits), else fixed',
  },
  'memory.*.base': { type: 'int', min: 0, max: U32, hex: true, doc: 'region base address' },
  'memory.*.size': { type: 'int', min: 1, max: U32, unit: 'bytes', doc: 'region size' },
  'memory.*.kind': { type: 'choice', choices: ['ram', 'rom', 'periph'], doc: 'region kind' },
  ...port('imem'),
  ...port('dmem'),
  'cluster.cores': {
    type: 'int',
    min: 1,
    max: 16,
    pow2: true,
    doc: 'cores in the cluster (NB_CORES; the I$ gets one fetch port per core above 8; the TCDM banks stay cluster.tcdm.banks)',
  },
  'cluster.hwaccPorts': { type: 'int', min: 0, max: 16, doc: 'accelerator (HWCE) ports on the cores\' TCDM channel' },
  'cluster.extPorts': { type: 'int', min: 0, max: 16, doc: 'AXI-to-TCDM ports on the second TCDM channel' },
  'cluster.dmaPorts': { type: 'int', min: 0, max: 16, doc: 'DMA ports on the second TCDM channel' },
  'cluster.tcdm.banks': { type: 'int', min: 1, max: 64, pow2: true, doc: 'word-interleaved TCDM banks' },
  'cluster.tcdm.bankWords': { type: 'int', min: 1, max: 65536, pow2: true, unit: 'words', doc: '32-bit words per TCDM bank' },
  'cluster.tcdm.testSetBit': { type: 'int', min: 0, max: 31, doc: 'address bit that turns a TCDM load into a test-and-set' },
  'cluster.tcdm.arbPolicy': { type: 'int', min: 0, max: 3, doc: 'interconnect arbitration at reset: bit 0 CH0, bit 1 CH1 (0 round robin, 1 last win)' },
  'cluster.eventUnit.swEvents': { type: 'int', min: 1, max: 8, doc: 'software event lines (NB_SW_EVT)' },
  'cluster.eventUnit.barriers': { type: 'int', min: 1, max: 16, doc: 'hardware barriers (NB_BARR)' },
  'cluster.eventUnit.dispatchDepth': { type: 'int', min: 1, max: 256, pow2: true, unit: 'entries', doc: 'dispatch FIFO depth' },
  bootAddr: { type: 'int', min: 0, max: U32, hex: true, doc: 'reset boot address of every core' },
  tohost: { type: 'int', min: 0, max: U32, hex: true, doc: 'word whose store by core 0 ends a run' },
  'icache.sizeBytes': { type: 'int', min: 256, max: 131072, pow2: true, unit: 'bytes', doc: 'shared I$ capacity' },
  'icache.ways': { type: 'int', min: 1, max: 16, pow2: true, doc: 'shared I$ associativity' },
  'icache.lineBytes': { type: 'int', min: 16, max: 16, unit: 'bytes', doc: 'I$ line (one 128-bit fetch word; the only size the RTL supports)' },
  'icache.refillLatency': { type: 'int', min: 1, max: 1000, unit: 'cycles', doc: 'cycles from a refill request to its first data beat' },
  'icache.ideal': { type: 'bool', doc: 'what-if: every fetch hits with no refill' },
  'l2.base': { type: 'int', min: 0, max: U32, hex: true, doc: 'L2 base address' },
  'l2.sizeBytes': { type: 'int', min: 1, max: U32, unit: 'bytes', doc: 'L2 size' },
  'l2.latency': { type: 'int', min: 1, max: 10000, unit: 'cycles', doc: 'L2 access latency behind the cluster AXI port' },
  resetCycles: { type: 'int', min: 0, max: 1000, unit: 'cycles', doc: 'cycles from cycle 0 until the cluster leaves reset' },
  resultBase: { type: 'int', min: 0, max: U32, hex: true, doc: 'per-core result areas of the cluster programs' },
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One leaf of a config: its path, the container holding it and the key in that container. */
interface Leaf {
  path: string;
  holder: Obj | unknown[];
  key: string | number;
  value: ParamValue;
}

/** Array entries are named by their `name` field when every entry has a distinct one (the memory map). */
function entryNames(arr: unknown[]): string[] {
  const names = arr.map((e) => (isObj(e) && typeof e.name === 'string' ? e.name : undefined));
  const ok = names.every((n): n is string => n !== undefined && /^[A-Za-z_][\w-]*$/.test(n)) && new Set(names).size === names.length;
  return ok ? (names as string[]) : arr.map((_, i) => String(i));
}

function walk(node: unknown, prefix: string, out: Leaf[], holder: Obj | unknown[] | undefined, key: string | number): void {
  if (typeof node === 'number' || typeof node === 'boolean' || typeof node === 'string') {
    if (holder !== undefined) out.push({ path: prefix, holder, key, value: node });
    return;
  }
  const join = (k: string): string => (prefix ? `${prefix}.${k}` : k);
  if (Array.isArray(node)) {
    const names = entryNames(node);
    node.forEach((e, i) => {
      if (isObj(e) && names[i] === e.name) {
        // The entry's name is its identity, not a parameter.
        for (const [k, v] of Object.entries(e)) if (k !== 'name') walk(v, join(`${names[i]}.${k}`), out, e, k);
      } else walk(e, join(names[i]!), out, node, i);
    });
    return;
  }
  if (isObj(node)) for (const [k, v] of Object.entries(node)) walk(v, join(k), out, node, k);
}

function leaves(config: object): Leaf[] {
  const out: Leaf[] = [];
  walk(config, '', out, undefined, '');
  return out;
}

function schemaOf(path: string, value: ParamValue): { schema: ParamSchema; documented: boolean } {
  const parts = path.split('.');
  for (const [pattern, schema] of Object.entries(paramSchema)) {
    const p = pattern.split('.');
    if (p.length === parts.length && p.every((s, i) => s === '*' || s === parts[i])) return { schema, documented: true };
  }
  const inferred: ParamSchema =
    typeof value === 'boolean'
      ? { type: 'bool', doc: '' }
      : typeof value === 'string'
        ? { type: 'string', doc: '' }
        : Number.isInteger(value)
          ? { type: 'int', min: 0, max: U32, doc: '' }
          : { type: 'number', doc: '' };
  return { schema: inferred, documented: false };
}

/** Every parameter of `config` (every number, boolean and string leaf), in object order. */
export function listParams(config: object): ParamInfo[] {
  return leaves(config).map((l) => {
    const { schema, documented } = schemaOf(l.path, l.value);
    return { ...schema, path: l.path, value: l.value, documented };
  });
}

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length]!;
}

/** The valid name closest to `name` (whole path, or its last parts against as many of a path's last parts). */
export function closestParam(config: object, name: string): string | undefined {
  const n = name.split('.').length;
  let best: { path: string; d: number } | undefined;
  for (const l of leaves(config)) {
    const tail = l.path.split('.').slice(-n).join('.');
    const d = Math.min(editDistance(name, l.path), editDistance(name, tail));
    if (!best || d < best.d) best = { path: l.path, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.path : undefined;
}

/**
 * The leaf `name` denotes: its full path, or a unique tail of one at part boundaries (`tcdm.banks` for
 * `cluster.tcdm.banks`, `refillLatency` for `icache.refillLatency`). Throws a ParamError naming the parameter,
 * with the closest valid name, the candidates of an ambiguous tail, or the members of a section.
 */
function findLeaf(config: object, name: string): Leaf {
  const all = leaves(config);
  const exact = all.find((l) => l.path === name);
  if (exact) return exact;
  const tails = all.filter((l) => l.path.endsWith(`.${name}`));
  if (tails.length === 1) return tails[0]!;
  if (tails.length > 1) {
    throw new ParamError(name, `parameter '${name}' is ambiguous: ${tails.map((l) => l.path).join(', ')}`);
  }
  const members = all.filter((l) => l.path.startsWith(`${name}.`)).map((l) => l.path);
  if (members.length > 0) {
    const shown = members.slice(0, 8).join(', ') + (members.length > 8 ? ', …' : '');
    throw new ParamError(name, `'${name}' is a group of parameters, not one: ${shown}`);
  }
  const near = closestParam(config, name);
  throw new ParamError(name, `unknown parameter '${name}'` + (near ? ` (did you mean '${near}'?)` : ' (`pulpsim sweep params --config <preset>` lists them)'));
}

/** The full path of the parameter `name` denotes (see findLeaf); throws a ParamError for unknown names. */
export function resolveParam(config: object, name: string): string {
  return findLeaf(config, name).path;
}

/** The parameter's schema and current value. */
export function paramInfo(config: object, name: string): ParamInfo {
  const l = findLeaf(config, name);
  const { schema, documented } = schemaOf(l.path, l.value);
  return { ...schema, path: l.path, value: l.value, documented };
}

export function getParam(config: object, name: string): ParamValue {
  return findLeaf(config, name).value;
}

/** What a parameter accepts, as an error message says it. */
export function describeExpected(s: ParamSchema): string {
  const unit = s.unit ? ` ${s.unit}` : '';
  const show = (v: number): string => (s.hex ? '0x' + v.toString(16) : String(v));
  switch (s.type) {
    case 'bool':
      return 'true or false';
    case 'choice':
      return `one of ${s.choices!.join(', ')}`;
    case 'string':
      return 'a string';
    case 'number':
      return `a number${unit}`;
    case 'int': {
      const range = s.min !== undefined && s.max !== undefined ? ` ${show(s.min)}..${show(s.max)}` : '';
      return (s.pow2 ? `a power of two${range}` : `an integer${range}`) + unit;
    }
  }
}

const SIZE_SUFFIX: Record<string, number> = { k: 1024, kib: 1024, m: 1 << 20, mib: 1 << 20 };

/** Integers in decimal, 0x hex or 0b binary, `_` separators, optional k/KiB/M/MiB multiplier. */
function parseInteger(text: string): number | undefined {
  const m = /^\s*([+-]?)(0x[0-9a-f_]+|0b[01_]+|[0-9][0-9_]*)\s*(k|kib|m|mib)?\s*$/i.exec(text);
  if (!m) return undefined;
  const digits = m[2]!.replace(/_/g, '');
  const v = Number(digits) * (m[3] ? SIZE_SUFFIX[m[3].toLowerCase()]! : 1);
  if (!Number.isSafeInteger(v)) return undefined;
  return m[1] === '-' ? -v : v;
}

function parseBool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (['true', '1', 'on', 'yes'].includes(t)) return true;
  if (['false', '0', 'off', 'no'].includes(t)) return false;
  return undefined;
}

/** Converts a value given as text (command line) or as JSON to the parameter's type; throws naming it. */
export function parseParamValue(info: ParamSchema & { path: string }, raw: ParamValue): ParamValue {
  const bad = (): ParamError =>
    new ParamError(info.path, `${info.path}: expected ${describeExpected(info)}, got ${typeof raw === 'string' ? `'${raw}'` : String(raw)}`);
  let v: ParamValue | undefined;
  switch (info.type) {
    case 'bool':
      v = typeof raw === 'boolean' ? raw : typeof raw === 'string' ? parseBool(raw) : undefined;
      break;
    case 'choice':
    case 'string':
      v = typeof raw === 'string' ? raw : undefined;
      if (info.type === 'choice' && !info.choices!.includes(v as string)) v = undefined;
      break;
    case 'number':
      v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : undefined;
      if (typeof v === 'number' && !Number.isFinite(v)) v = undefined;
      break;
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseInteger(raw) : undefined;
      const ok =
        n !== undefined &&
        Number.isSafeInteger(n) &&
        (info.min === undefined || n >= info.min) &&
        (info.max === undefined || n <= info.max) &&
        (!info.pow2 || (n > 0 && (n & (n - 1)) === 0));
      v = ok ? n : undefined;
      break;
    }
  }
  if (v === undefined) throw bad();
  return v;
}

/**
 * A deep copy in which no two places share an object. The presets share sub-objects (one port timing object for
 * both imem and dmem), and structuredClone keeps such sharing, so changing `dmem.grantDelay` in a structured clone
 * would change `imem.grantDelay` too.
 */
export function cloneTree<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => cloneTree(x)) as T;
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneTree(x)])) as T;
  return v;
}

/** A copy of `config` with one parameter changed (`raw` parsed by the parameter's type); the input is untouched. */
export function setParam<T extends object>(config: T, name: string, raw: ParamValue): T {
  const copy = cloneTree(config);
  setParamInPlace(copy, name, raw);
  return copy;
}

/** Changes one parameter of `config` in place (a tree: see cloneTree); returns its full path. */
export function setParamInPlace(config: object, name: string, raw: ParamValue): string {
  const l = findLeaf(config, name);
  const port = /^(imem|dmem)\./.exec(l.path)?.[1];
  if (port !== undefined && isObj((config as Obj).cluster)) {
    // A cluster's config keeps the single-core system's port timings (SystemConfig), but its cores' fetches go
    // through the I$ and their data accesses through the core demux and the TCDM interconnect: no block reads them.
    throw new ParamError(
      l.path,
      `${l.path}: has no effect on a cluster configuration (its cores fetch through the I$ and load/store through the TCDM interconnect); ` +
        `set icache.*, cluster.tcdm.* or l2.latency instead, or use a single-core configuration (ri5cy, cv32e40p, ri5cy_v1) for ${port} timing`,
    );
  }
  const { schema } = schemaOf(l.path, l.value);
  const v = parseParamValue({ ...schema, path: l.path }, raw);
  (l.holder as Record<string | number, unknown>)[l.key] = v;
  return l.path;
}

/** Splits `key=value` (the `--set` syntax); throws naming the assignment. */
export function parseAssignment(text: string): { name: string; value: string } {
  const i = text.indexOf('=');
  const name = i < 0 ? '' : text.slice(0, i).trim();
  if (i < 0 || name === '') throw new ParamError(text, `'${text}': expected key=value, e.g. icache.refillLatency=20`);
  return { name, value: text.slice(i + 1).trim() };
}

/** A copy of `config` with every `key=value` applied in order, then validated as a whole (validateConfig). */
export function applySets<T extends object>(config: T, sets: readonly string[]): T {
  const copy = cloneTree(config);
  for (const s of sets) {
    const { name, value } = parseAssignment(s);
    setParamInPlace(copy, name, value);
  }
  return validateConfig(copy);
}

/**
 * Checks every leaf against its schema and the whole object against index.ts's validators (cluster and I$
 * cross-field rules); throws naming the first parameter at fault. Returns the config for chaining.
 */
export function validateConfig<T extends object>(config: T): T {
  for (const p of listParams(config)) parseParamValue(p, p.value);
  const c = config as Obj;
  try {
    if (isObj(c.core)) validateCore(c.core as unknown as CoreConfig);
    if (isObj(c.cluster)) validateCluster(c.cluster as unknown as ClusterConfig);
    if (isObj(c.icache)) icacheConfig(c.icache as unknown as IcacheConfig);
  } catch (e) {
    const msg = (e as Error).message;
    throw new ParamError(/^([\w.]+):/.exec(msg)?.[1] ?? 'config', msg);
  }
  return config;
}

/** Formats a value for display (addresses in hex). */
export function formatParamValue(info: Pick<ParamInfo, 'hex' | 'value'>): string {
  return info.hex && typeof info.value === 'number' ? '0x' + info.value.toString(16).padStart(8, '0') : String(info.value);
}
