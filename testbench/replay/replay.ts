// Open-loop replay of an RTL timing scenario: reset the design, then for every cycle apply the stimulus,
// evaluate, compare every expected signal (every port, every cycle, including data while its valid is low when
// the file records it), clock. The file's signals and the design's ports meet in the adapter's mapping table;
// anything the table and the file disagree on is refused before the first cycle.
import { Simulator, type BackendKind, type Input, type Signal, type StrictReads } from '../../sim/index.ts';
import { getAdapter, type PortTable, type ReplayAdapter, type ReplayBinding } from './adapter.ts';
import { ScenarioError, loadJson, type Scenario, type Trace } from './scenario.ts';

export interface Mismatch {
  cycle: number;
  signal: string;
  port: number;
  /** A number for values up to 32 bits, else a hex string (as the file writes it). */
  expected: number | string;
  got: number | string;
}

export interface ReplayResult {
  cycles: number;
  /** Signal-port-cycles compared. */
  checked: number;
  /** Signal-port-cycles that differed. */
  mismatches: number;
  first: Mismatch | null;
}

export interface ReplayOptions {
  backend?: BackendKind;
  /** Interpreter: refuse any read outside a process's read set (SimulatorOptions.strictReads). */
  strictReads?: StrictReads;
  /** Also compare the internal registers the adapter maps (default true). */
  internal?: boolean;
  /** Keep up to this many mismatches in `list` (default 20). */
  keep?: number;
}

export interface ReplayReport extends ReplayResult {
  scenario: string;
  /** The first mismatches, in cycle order (at most `keep`). */
  list: Mismatch[];
  /** Mismatch count per signal. */
  bySignal: Record<string, number>;
}

interface Check {
  name: string;
  trace: Trace;
  sigs: (readonly Signal[])[];
}

function words<S extends Signal>(entry: S | readonly S[]): readonly S[] {
  return Array.isArray(entry) ? (entry as readonly S[]) : [entry as S];
}

function matchPorts<S extends Signal>(s: Scenario, group: string, trace: Trace, table: PortTable<S>): (readonly S[])[] {
  if (table.length !== trace.ports) {
    throw new ScenarioError(`${s.file}: ${group}.${trace.name}: the file has ${trace.ports} port(s), the module has ${table.length}`);
  }
  return table.map((e, p) => {
    const w = words(e);
    if (w.length < trace.words) {
      throw new ScenarioError(`${s.file}: ${group}.${trace.name}[${p}]: values are ${trace.words * 32} bits wide, the module port has ${w.length * 32}`);
    }
    return w;
  });
}

function hexOf(vals: ArrayLike<number>): string {
  let s = '';
  for (let w = vals.length - 1; w >= 0; w--) s += (vals[w]! >>> 0).toString(16).padStart(8, '0');
  return s;
}

/** Checks the file against the mapping table; returns what to poke and what to compare. */
function plan(s: Scenario, b: ReplayBinding, internal: boolean): { pokes: Check[]; checks: Check[] } {
  const pokes: Check[] = [];
  for (const [name, trace] of s.stimulus) {
    const table = b.inputs[name];
    if (table === undefined) throw new ScenarioError(`${s.file}: stimulus.${name}: the module has no such input (inputs: ${Object.keys(b.inputs).join(', ')})`);
    pokes.push({ name, trace, sigs: matchPorts(s, 'stimulus', trace, table) });
  }
  const optional = new Set(b.optionalInputs ?? []);
  for (const name of Object.keys(b.inputs)) {
    if (!s.stimulus.has(name) && !optional.has(name)) throw new ScenarioError(`${s.file}: stimulus.${name}: missing (the module needs it)`);
  }
  const checks: Check[] = [];
  for (const [name, trace] of s.expected) {
    const table = b.outputs[name];
    if (table === undefined) throw new ScenarioError(`${s.file}: expected.${name}: the module has no such output (outputs: ${Object.keys(b.outputs).join(', ')})`);
    checks.push({ name, trace, sigs: matchPorts(s, 'expected', trace, table) });
  }
  for (const name of Object.keys(b.outputs)) {
    if (!s.expected.has(name)) throw new ScenarioError(`${s.file}: expected.${name}: missing (the module drives it)`);
  }
  if (internal && b.internal !== undefined) {
    for (const [name, trace] of s.internal) {
      const table = b.internal[name];
      if (table !== undefined) checks.push({ name: `internal.${name}`, trace, sigs: matchPorts(s, 'internal', trace, table) });
    }
  }
  return { pokes, checks };
}

/** Replays a parsed scenario through an adapter. */
export function replayScenario(adapter: ReplayAdapter, s: Scenario, options: ReplayOptions = {}): ReplayReport {
  const binding = adapter.bind(s);
  const { pokes, checks } = plan(s, binding, options.internal ?? true);
  const sim = new Simulator(binding.top, { backend: options.backend ?? 'codegen', strictReads: options.strictReads });
  sim.reset();
  binding.prepare?.(sim);
  const keep = options.keep ?? 20;
  const list: Mismatch[] = [];
  const bySignal: Record<string, number> = {};
  let checked = 0;
  let mismatches = 0;
  let first: Mismatch | null = null;
  const got = new Uint32Array(64);
  for (let t = 0; t < s.cycles; t++) {
    for (const pk of pokes) {
      const nw = pk.trace.words;
      for (let p = 0; p < pk.sigs.length; p++) {
        const ws = pk.sigs[p]!;
        const vals = pk.trace.values[p]!;
        for (let w = 0; w < ws.length; w++) {
          const sig = ws[w]! as Input;
          const v = w < nw ? vals[t * nw + w]! : 0;
          if (sig.width < 32 && v >>> sig.width !== 0) {
            throw new ScenarioError(`${s.file}: stimulus.${pk.name}[${p}] at cycle ${t}: value 0x${v.toString(16)} does not fit in ${sig.width} bit(s)`);
          }
          sim.poke(sig, v);
        }
      }
    }
    for (const ck of checks) {
      const nw = ck.trace.words;
      for (let p = 0; p < ck.sigs.length; p++) {
        const ws = ck.sigs[p]!;
        const vals = ck.trace.values[p]!;
        let bad = false;
        for (let w = 0; w < ws.length; w++) {
          got[w] = sim.peek(ws[w]!);
          const e = w < nw ? vals[t * nw + w]! : 0;
          if (got[w] !== e) bad = true;
        }
        checked++;
        if (!bad) continue;
        mismatches++;
        bySignal[ck.name] = (bySignal[ck.name] ?? 0) + 1;
        if (list.length < keep || first === null) {
          const exp = vals.subarray(t * nw, t * nw + nw);
          const g = got.subarray(0, ws.length);
          const m: Mismatch =
            ws.length === 1 && nw === 1
              ? { cycle: t, signal: ck.name, port: p, expected: exp[0]!, got: g[0]! }
              : { cycle: t, signal: ck.name, port: p, expected: hexOf(exp), got: hexOf(g) };
          first ??= m;
          if (list.length < keep) list.push(m);
        }
      }
    }
    sim.step();
  }
  return { scenario: s.name, cycles: s.cycles, checked, mismatches, first, list, bySignal };
}

/** Loads `file`, parses it with the adapter registered as `module`, and replays it. */
export function replayFile(module: string, file: string, options: ReplayOptions = {}): ReplayReport {
  const adapter = getAdapter(module);
  const scenario = adapter.parse(loadJson(file), file);
  return replayScenario(adapter, scenario, options);
}
