// The generated-code back-end: per design, `new Function` emits straight-line JavaScript for the cycle.
// Comb processes are called in levelized order as constants of the generated closure (each call site sees
// one target, so V8 inlines small processes); the clock edge calls the enabled seq processes, then commits with
// one unrolled `S[k] = N[k]` per register, slot indices written as literals. A gated domain's statements sit in an
// `if` on its enable, nested in its parent's: an enable driven by a comb process, a tie or an input holds during the
// edge (seq processes assign `N`, commits write registers), so it is tested where it is used; an enable that is a
// register is evaluated once into a byte array first, before any commit can change it. The design's signals are
// re-parented to FastSignal, so a process's `sig.v` is a typed-array access at the slot (see signal.ts) and nothing
// is checked: run the interpreter to check.
// With activity-based evaluation (the default; activity.ts) each comb call is guarded by the process's dirty flag,
// each comb output is compared with its shadow copy after the call and each commit with the register's value,
// and a change sets the dirty flags of the slot's readers and their groups' summary flags (unrolled, slot and
// process indices as literals); a run of neighbouring comb calls of one group sits in an `if` on its summary flag
// (a sleeping block costs a test per run, not per process). A `stable` seq process is guarded by its dirty flag
// too, and its registers' commits by a flag it sets when it runs.
// Clock domains with the same gate share one computed gate, and a memory's pending writes are flushed in its
// domain's group (only seq processes of its domain write it).
// The signals' accessors are bound to this simulator's arrays when the design's code is not shared with an
// earlier bound simulator (signal.ts boundFastSignal, BOUND_BUDGET; the shared FastSignal otherwise).
// Code is split into functions of bounded size: V8 will not optimise a function whose bytecode exceeds
// ~60 KB (fact sheet §2.1b: a 1,200-node function ran 50x slower than split ones).
// Replicated blocks (the cluster's 8 core regions, any run of identical instances) are rolled into loops over the
// instances, exact by construction (rollRepeats): one copy of their code to interpret, optimise and cache.
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Activity } from './activity.ts';
import type { Backend } from './backend.ts';
import { FastMemory, type MemoryImpl } from './memory.ts';
import { FastSignal, boundFastSignal, fixSlots } from './signal.ts';
import type { Netlist } from './netlist.ts';

/**
 * V8's budget of bytecode that one optimised function may inline in total (its default, ~920 bytes, counts the
 * callees' bytecode, accessors included). The generated comb and seq functions call many processes, and the
 * processes of the cluster's blocks read and write dozens of signals each: with the default budget the later calls
 * and accesses of a function stay real calls. Raised for the whole process (thread) when the engine is loaded,
 * unless the command line sets it. Measured (CPU s, steady state, alternating runs): 3000 against the default, 8-core
 * cluster 39.6 -> 44.9k cycles/CPU-s (medians of 5), 1-core cluster ~+5%, the single-core bench unchanged; 6000
 * against 3000 (medians of 9 and 5 runs): 8-core 51.8 -> 53.1k and 52.0 -> 54.1k, 1-core 362 -> 383k, single core
 * 0.90/0.93/0.90/0.96 -> 0.96/0.97/0.93/0.96 M; 12000 against 3000: 8-core 49.8k (slower), 1-core 383k.
 */
export const INLINE_BUDGET = 6000;
if (!process.execArgv.some((a) => a.startsWith('--max-inlined-bytecode-size-cumulative'))) setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINE_BUDGET}`);

/** Emitted lines per generated function. */
const CHUNK = 400;
/**
 * Bound accessor classes a module class's code may see. Every bound class is one more hidden class at the `sig.v`
 * sites of the processes, and those sites are shared by every instance of a module class in every simulator of
 * the process (thread); they already see LearnSignal's and FastSignal's (and SignalImpl's with the interpreter).
 * With one bound class a site sees at most four, which V8 still inlines (polymorphic); a fifth makes it
 * megamorphic, every access a call. Measured on the single-core bench (CPU seconds): alone, bound accessors run
 * ~17% faster than FastSignal; a second simulator of the same design, which then shares FastSignal, runs ~5%
 * slower than it would without the bound class; with two bound classes a third simulator ran ~18% slower. So a
 * simulator is bound only when none of its design's module classes was part of a bound simulator before: the
 * first simulator of a design, and every simulator whose design is built from fresh copies (specialize.ts).
 */
export const BOUND_BUDGET = 1;
/** Per module class (constructor): bound simulators whose design contained it. */
const boundUses = new WeakMap<object, number>();
/** Simulators created in this process (thread); numbers their generated code. */
let serial = 0;

/** Whether `nl` may have bound accessors (BOUND_BUDGET), counting it as bound when so. */
function takeBound(nl: Netlist): boolean {
  const classes = new Set<object>();
  for (const m of nl.modules) classes.add(m.constructor);
  for (const c of classes) if ((boundUses.get(c) ?? 0) >= BOUND_BUDGET) return false;
  for (const c of classes) boundUses.set(c, (boundUses.get(c) ?? 0) + 1);
  return true;
}

/** Every module class of the design has one instance, so each signal access site of its code sees one signal (the
 *  signals' own `slot` properties then cost no polymorphism: signal.ts fixSlots). Measured on the single-core bench
 *  (CPU s, alternating runs): ~0.46 -> ~0.50 M cycles/CPU-s. */
function oneInstanceEach(nl: Netlist): boolean {
  const classes = new Set<object>();
  for (const m of nl.modules) {
    if (classes.has(m.constructor)) return false;
    classes.add(m.constructor);
  }
  return true;
}

/** Readers of one slot up to which the dirty-flag stores are unrolled (more: a loop over a table). */
const UNROLL = 6;

interface Stmt {
  domain: number;
  lines: string[];
}

/** How the clock code tests the (canonical) gates: per domain, its gated ancestors and itself (outermost first), and
 *  its own condition given its parent's. */
interface GateTests {
  chain: (readonly number[])[];
  test: string[];
}

/** Emits functions named `${prefix}${k}` over the statements, wrapping runs of gated domains in nested `if`s. */
function chunked(prefix: string, stmts: readonly Stmt[], out: string[], gates: GateTests): string[] {
  const names: string[] = [];
  let k = 0;
  while (k < stmts.length) {
    const name = `${prefix}${names.length}`;
    names.push(name);
    out.push(`function ${name}(only) {`);
    out.push('  if (only === 1) return;');
    out.push('  let v = 0;');
    const open: number[] = [];
    let size = 0;
    while (k < stmts.length && (size === 0 || size + stmts[k]!.lines.length <= CHUNK)) {
      const s = stmts[k++]!;
      const chain = gates.chain[s.domain]!;
      let same = 0;
      while (same < open.length && same < chain.length && open[same] === chain[same]) same++;
      while (open.length > same) {
        open.pop();
        out.push(`${'  '.repeat(open.length + 1)}}`);
      }
      while (open.length < chain.length) {
        const d = chain[open.length]!;
        out.push(`${'  '.repeat(open.length + 1)}if (${gates.test[d]}) {`);
        open.push(d);
      }
      const ind = '  '.repeat(open.length + 1);
      for (const l of s.lines) out.push(ind + l);
      size += s.lines.length;
    }
    while (open.length > 0) {
      open.pop();
      out.push(`${'  '.repeat(open.length + 1)}}`);
    }
    out.push('}');
  }
  return names;
}

/** Whether replicated blocks are rolled into loops (rollRepeats); PULPSIM_ROLL=0 turns it off (same values). */
const rollByEnv = process.env.PULPSIM_ROLL !== '0';
/** Fewest repeats, and fewest emitted lines per repeat, worth a loop. */
const ROLL_MIN_REPEATS = 2;
const ROLL_MIN_LINES = 3;
/** Longest period (statements) looked for. */
const ROLL_MAX_PERIOD = 160;
/**
 * Rolled comb loops over blocks with activity groups (their text tests or sets a group's summary flag W: in the
 * cluster, the core regions) keep their first repeat written out before the loop, which then runs the others: same
 * statements, same order. Why: with cores asleep (a team smaller than the cluster, cores waiting at a barrier) the
 * cluster runs mostly core 0's comb processes, and their calls are then constants of the generated code
 * (`p31()`, not `P[31 + k1]()`), which V8 inlines with everything they access: profiled with cores 1..7 asleep,
 * the generated comb functions 1.11 -> 0.79 us per cycle and the signal accessors left as calls (get/set v) 101
 * -> 14 ns. Measured (CPU s): cluster_bench --team 1 --rounds 8000, second half, alternating runs, 400/432 ->
 * 449/452k cycles/s, in-process A/B (alternating slices, both orders) x1.085; the 8-core cluster busy
 * (--rounds 1000) 86.4/84.1 -> 84.5/87.2k, A/B x1.00; the 1-core cluster (--cores 1) 522/527 -> 526/541k. Peeling
 * every comb loop (TCDM request blocks and I$ banks too) gained as much asleep but cost the 1-core cluster ~5% and
 * the busy 8-core ~3% (cluster_bench); peeling only the two largest region loops gained 2%. Plain alternating runs
 * without and with it (3 pairs, CPU s) show a cost to the busy cluster the in-process A/B did not: --rounds 1000
 * whole run 62.7-62.9 -> 58.4-61.1k cycles/s, second half 83.6-84.9 -> 78.9-82.2k, first 4096 cycles 0.84-0.87 ->
 * 0.88-0.93 s; --team 1 --rounds 8000 second half 394-399 -> 420-454k. Kept for the sleeping cores, at that cost.
 */
const PEEL_COMB = true;
/** A group's summary flag in a repeat's skeleton (splitLiterals). */
const GROUP_FLAG = /\bW\[#\]/;

/** A statement's text with its integer literals (and the numbers of `p12`, `m3`) cut out: the skeleton, and the
 *  literals in order. */
const LITERAL = /\b([pm]?)(\d+)\b/g;
function splitLiterals(text: string): { skel: string; lits: number[] } {
  const lits: number[] = [];
  const skel = text.replace(LITERAL, (_, pre: string, num: string) => {
    lits.push(Number(num));
    return `${pre}#`;
  });
  return { skel, lits };
}

/** The statements `stmts[from, to)` as text, their gates' `if`s opened below the first `base` levels of their chains
 *  (as the chunker nests them). */
function renderRun(stmts: readonly Stmt[], from: number, to: number, gates: GateTests, base: number): string[] {
  const out: string[] = [];
  const open: number[] = [];
  for (let k = from; k < to; k++) {
    const s = stmts[k]!;
    const chain = gates.chain[s.domain]!.slice(base);
    let same = 0;
    while (same < open.length && same < chain.length && open[same] === chain[same]) same++;
    while (open.length > same) {
      open.pop();
      out.push(`${'  '.repeat(open.length)}}`);
    }
    while (open.length < chain.length) {
      const d = chain[open.length]!;
      out.push(`${'  '.repeat(open.length)}if (${gates.test[d]}) {`);
      open.push(d);
    }
    for (const l of s.lines) out.push('  '.repeat(open.length) + l);
  }
  while (open.length > 0) {
    open.pop();
    out.push(`${'  '.repeat(open.length)}}`);
  }
  return out;
}

/**
 * Rolls runs of replicated statements into loops. The cluster's regions (and any block instantiated several times
 * in a row) give runs of `r` repeats of `p` consecutive statements whose texts, gates' tests included, differ only
 * in integer literals (slot, flag, shadow, process and memory numbers), each an affine function of the repeat
 * index. Such a run becomes `for (let k = 0; k < r; k++) { ... }` over one copy of the text, each such literal
 * written as `base + stride * k` and each varying process or memory reached through P or M: the loop runs the very
 * statements the unrolled text did, in the same order (exact by construction). Why: the generated code of the
 * 8-core cluster repeats each core's blocks 8 times; V8 interprets (until it tiers up) and compiles one copy
 * instead (5.9k -> 2.5k lines). A design with one instance of each module class (the single-core system) is left
 * as it was. Measured (CPU s, alternating runs, PULPSIM_ROLL=0 against on): 8-core cluster_bench --rounds 1000
 * whole run 50.8-53.5k -> 60.5-62.8k cycles/CPU-s, second half 73.7-76.4k -> 79.2-81.9k, first 4096 cycles
 * 0.92-1.02 -> 0.81-0.87 s, V8's other threads 1.04-1.12 -> 0.69-0.74 s; short_bench run 1 1.30-1.36 ->
 * 1.07-1.12 s; in-process A/B (alternating slices, both orders) 1.105; 1-core cluster about even.
 */
function rollRepeats(stmts: readonly Stmt[], gates: GateTests, peel = false): Stmt[] {
  const n = stmts.length;
  // Per statement, its skeleton with its full chain of gate tests, as a number: equal numbers, candidate repeats.
  const ids = new Int32Array(n);
  const seen = new Map<string, number>();
  for (let k = 0; k < n; k++) {
    const chain = gates.chain[stmts[k]!.domain]!;
    const key = splitLiterals(`${chain.map((d) => gates.test[d]).join('|')}\n${stmts[k]!.lines.join('\n')}`).skel + `\n${chain.length}`;
    let id = seen.get(key);
    if (id === undefined) seen.set(key, (id = seen.size));
    ids[k] = id;
  }
  const out: Stmt[] = [];
  let i = 0;
  while (i < n) {
    let best: { p: number; r: number; stmt: Stmt } | null = null;
    for (let p = 1; p <= ROLL_MAX_PERIOD && i + 2 * p <= n; p++) {
      let r = 1;
      for (;;) {
        const b = i + r * p;
        if (b + p > n) break;
        let t = 0;
        while (t < p && ids[b + t] === ids[i + t]) t++;
        if (t < p) break;
        r++;
      }
      if (r < ROLL_MIN_REPEATS || (best !== null && p * r <= best.p * best.r)) continue;
      const stmt = rolled(stmts, i, p, r, gates, peel);
      if (stmt !== null && (best === null || stmt.r * p > best.p * best.r)) best = { p, r: stmt.r, stmt: stmt.stmt };
    }
    if (best === null) {
      out.push(stmts[i]!);
      i++;
    } else {
      out.push(best.stmt);
      i += best.p * best.r;
    }
  }
  return out;
}

/** The loop over the longest run of up to `r` repeats of `stmts[i, i + p)` whose literals are affine in the
 *  repeat index (null if fewer than ROLL_MIN_REPEATS, or too small to be worth it); with `peel`, the first repeat
 *  written out before the loop, which then starts at 1. */
function rolled(stmts: readonly Stmt[], i: number, p: number, r: number, gates: GateTests, peel = false): { r: number; stmt: Stmt } | null {
  // The gate levels every statement of the run shares (the loop sits inside them).
  const chain0 = gates.chain[stmts[i]!.domain]!;
  let base = chain0.length;
  for (let k = i; k < i + p * r; k++) {
    const c = gates.chain[stmts[k]!.domain]!;
    let s = 0;
    while (s < base && s < c.length && c[s] === chain0[s]) s++;
    base = s;
  }
  const reps: { skel: string; lits: number[] }[] = [];
  for (let q = 0; q < r; q++) reps.push(splitLiterals(renderRun(stmts, i + q * p, i + (q + 1) * p, gates, base).join('\n')));
  const first = reps[0]!;
  if (first.skel.split('\n').length < ROLL_MIN_LINES) return null;
  let n = 1;
  while (n < r && reps[n]!.skel === first.skel) n++;
  if (n < 2) return null;
  const stride = first.lits.map((v, j) => reps[1]!.lits[j]! - v);
  let m = 2;
  while (m < n && first.lits.every((v, j) => reps[m]!.lits[j] === v + stride[j]! * m)) m++;
  if (m < ROLL_MIN_REPEATS) return null;
  // One `const` per distinct non-zero stride, the literal's base added to it.
  const strides = [...new Set(stride.filter((s) => s !== 0))];
  let j = 0;
  const body = first.skel.replace(/([pm]?)#/g, (_, pre: string) => {
    const v = first.lits[j]!;
    const s = stride[j++]!;
    if (s === 0) return `${pre}${v}`;
    const e = `${v} + k${strides.indexOf(s)}`;
    return pre === 'p' ? `P[${e}]` : pre === 'm' ? `M[${e}]` : e;
  });
  // The first repeat's text is the run's own (renderRun), literals and all; the loop's body at k is repeat k's.
  const lines = peel && GROUP_FLAG.test(first.skel) ? [...renderRun(stmts, i, i + p, gates, base), `for (let k = 1; k < ${m}; k++) {`] : [`for (let k = 0; k < ${m}; k++) {`];
  if (strides.length > 0) lines.push(`  const ${strides.map((s, x) => `k${x} = ${s} * k`).join(', ')};`);
  for (const l of body.split('\n')) lines.push('  ' + l);
  lines.push('}');
  const domain = base === 0 ? 0 : chain0[base - 1]!;
  return { r: m, stmt: { domain, lines } };
}

const eagerByFlag = process.execArgv.some((a) => a === '--no-lazy-feedback-allocation');

/**
 * Gives the generated functions their feedback vectors now (GenerateOptions.eagerFeedback). V8 allocates a
 * function's feedback vector only after it ran about eight times its bytecode size, so the generated functions
 * (tens of KB of bytecode each) record no feedback in the first cycles of a run: the first evaluation, where every
 * process is due and most outputs differ from their shadows, and the reset sequence. Optimised without it, they
 * deopt ('Insufficient type feedback') when a run takes those paths again, after a reset, and are optimised again.
 * Called with 1, each function returns at once; V8 compiles it lazily there, with the flag that makes the vector
 * eager set only for those calls.
 */
function eagerFeedback(fns: readonly ((only: number) => void)[]): void {
  if (!eagerByFlag) setFlagsFromString('--no-lazy-feedback-allocation');
  try {
    for (const f of fns) f(1);
  } finally {
    if (!eagerByFlag) setFlagsFromString('--lazy-feedback-allocation');
  }
}

export interface GenerateOptions {
  /** Activity-based evaluation (default false; activity.ts). */
  activity?: boolean;
  /** Accessors bound to this simulator's arrays (default: when the design's module classes allow; BOUND_BUDGET).
   *  Same values either way. */
  boundAccessors?: boolean;
  /** The generated functions record type feedback from their first call (eagerFeedback; default false). For a
   *  simulator that will be reset and run again: after a reset, the functions optimised in the first run would
   *  deopt and be optimised again. Measured (CPU s, 8-core cluster, cluster bench program x 300 rounds run three
   *  times on one testbench with restarts, 3 alternating runs each): second run 2.20-2.42 -> 1.52-1.61, first and
   *  third runs unchanged; but the single-core bench ~0.90 -> ~0.97 (its first cycles' paths, taken once, become
   *  real code in the optimised function). Same values. */
  eagerFeedback?: boolean;
  /** Runs of replicated statements become loops (rollRepeats; default: unless PULPSIM_ROLL=0, and only for a design
   *  with several instances of a module class). Same values. */
  roll?: boolean;
  /** Called once the design's signals and memories have this back-end's accessors, before the source is
   *  generated and compiled (the simulator starts dropping learning's type feedback there: simulator.ts). */
  onRetyped?: () => void;
}

/** The statements marking the readers of `slot` dirty; `inside`: the group whose run of processes they sit in (its
 *  summary flag is set until after its last process, so they need not set it). */
function markReaders(act: Activity, slot: number, inside = -1): string {
  const rd = act.readers(slot);
  let s = '';
  // The readers' groups' summary flags (activity.ts), each once, but for the one set around these statements.
  const groups = new Set<number>();
  for (const r of rd) if (act.group[r]! >= 0 && act.group[r] !== inside) groups.add(act.group[r]!);
  if (rd.length > UNROLL) s = ` mk(${act.RO[slot]}, ${act.RO[slot + 1]});`;
  else for (const r of rd) s += ` F[${r}] = 1;`;
  for (const g of groups) s += ` W[${g}] = 1;`;
  // Guarded readers (activity.ts): due only while one of their guards is non-zero.
  for (const g of act.guarded.get(slot) ?? []) {
    const pg = act.group[g.proc]!;
    const set = pg >= 0 && pg !== inside && !groups.has(pg) ? `{ F[${g.proc}] = 1; W[${pg}] = 1; }` : `F[${g.proc}] = 1;`;
    s += ` if (${g.when.map((w) => `S[${w}] !== 0`).join(' || ')}) ${set}`;
  }
  return s;
}

/** Per clock domain, the first domain with the same gate (the same enable slot under the same parent gate). */
function canonicalGates(nl: Netlist): Int32Array {
  const gate = new Int32Array(nl.domains.length);
  const first = new Map<string, number>();
  for (const d of nl.domains) {
    if (d.id === 0) continue;
    const key = `${gate[d.parent]!}:${d.en}`;
    const c = first.get(key);
    if (c === undefined) first.set(key, d.id);
    gate[d.id] = c ?? d.id;
  }
  return gate;
}

/** Per canonical domain: whether its gate is evaluated into G before the edge (a register enable), and the tests. */
function gateTests(nl: Netlist, gate: Int32Array): { pre: boolean[]; tests: GateTests } {
  const n = nl.domains.length;
  const pre: boolean[] = new Array<boolean>(n).fill(false);
  const chain: (readonly number[])[] = new Array<readonly number[]>(n).fill([]);
  const test: string[] = new Array<string>(n).fill('');
  // Parents are created before their children (flatten.ts), so a parent's chain is known first.
  for (const d of nl.domains) {
    if (d.id === 0 || gate[d.id] !== d.id) continue;
    const p = gate[d.parent]!;
    chain[d.id] = p === 0 ? [d.id] : [...chain[p]!, d.id];
    pre[d.id] = nl.isReg[d.en] === 1;
    test[d.id] = pre[d.id] ? `G[${d.id}] !== 0` : `S[${d.en}] !== 0`;
  }
  return { pre, tests: { chain, test } };
}

export function generateSource(nl: Netlist, act: Activity | null, roll = rollByEnv && !oneInstanceEach(nl)): string {
  const rollIf = (stmts: Stmt[], g: GateTests, peel = false): Stmt[] => (roll ? rollRepeats(stmts, g, peel) : stmts);
  const out: string[] = ["'use strict';"];
  const procs = nl.procs;
  for (const p of procs) out.push(`const p${p.idx} = P[${p.idx}]; // ${p.kind} ${p.path}`);
  nl.memories.forEach((m, k) => out.push(`const m${k} = M[${k}]; // ${m.path}`));
  out.push('function mk(a, b) { for (let j = a; j < b; j++) F[R[j]] = 1; }');

  // The shadow copies of the compared comb outputs, numbered in emission order: a process's copies share cache
  // lines, and the array holds only them (a slot-indexed copy spread them over the whole slot range).
  let shadows = 0;
  const call = (k: number, inside = -1): string[] => {
    if (act !== null && act.skips[k] === 1) return [`if (F[${k}] !== 0) { F[${k}] = 0; Q[${k}] = 1; p${k}(); }`];
    if (act === null || procs[k]!.kind === 'seq') return [`p${k}();`];
    // A process reading memories runs in every evaluation (its flag is never cleared); the others clear theirs.
    const lines = act.A[k] === 1 ? ['{', `  p${k}();`] : [`if (F[${k}] !== 0) {`, `  F[${k}] = 0; p${k}();`];
    for (const w of procs[k]!.writes) {
      const mark = markReaders(act, w, inside);
      if (mark === '') continue;
      const o = shadows++;
      lines.push(`  if ((v = S[${w}]) !== O[${o}]) { O[${o}] = v;${mark} }`);
    }
    lines.push('}');
    return lines;
  };

  const gate = canonicalGates(nl);
  const { pre, tests } = gateTests(nl, gate);
  // A run of neighbouring processes of one group is tested behind its summary flag, which is cleared after the
  // group's last process (activity.ts). Each run is a pseudo-domain of the chunker, so a run that straddles two
  // functions is tested again in the second: the functions stay the size they would be without groups.
  const comb: Stmt[] = [];
  const runs: GateTests = { chain: [[]], test: [''] };
  const order = nl.combOrder;
  const group = (j: number): number => (act === null || j >= order.length ? -1 : act.group[order[j]!]!);
  const last = new Map<number, number>();
  for (let j = 0; j < order.length; j++) if (group(j) >= 0) last.set(group(j), j);
  for (let j = 0; j < order.length; ) {
    const g = group(j);
    let e = j + 1;
    while (g >= 0 && group(e) === g) e++;
    let run = 0;
    if (e - j >= 2) {
      run = runs.test.length;
      runs.chain.push([run]);
      runs.test.push(`W[${g}] !== 0`);
    }
    for (let i = j; i < e; i++) comb.push({ domain: run, lines: call(order[i]!, run === 0 ? -1 : g) });
    if (g >= 0 && last.get(g)! < e) comb.push({ domain: run, lines: [`W[${g}] = 0;`] });
    j = e;
  }
  const combFns = chunked('comb', rollIf(comb, runs, PEEL_COMB), out, runs);

  // Seq processes and commits, grouped by clock domain so each gate is tested once per group. Domains whose gates
  // are the same (the same enable under the same parent's gate, e.g. a TCDM bank and its request block, or the
  // blocks enabled by the reset sequence) share one: it is computed once, and their statements form one group.
  const byDomain = <T>(items: T[], dom: (t: T) => number): T[] => [...items].sort((a, b) => dom(a) - dom(b));
  const seq: Stmt[] = byDomain([...nl.seqProcs], (k) => gate[procs[k]!.domain]!).map((k) => ({ domain: gate[procs[k]!.domain]!, lines: call(k) }));
  const seqFns = chunked('seq', rollIf(seq, tests), out, tests);
  const commitLine = (slot: number): string => {
    const mark = act === null ? '' : markReaders(act, slot);
    return mark === '' ? `S[${slot}] = N[${slot}];` : `if ((v = N[${slot}]) !== S[${slot}]) { S[${slot}] = v;${mark} }`;
  };
  // The registers of a skippable seq process commit only in cycles it ran (Q set).
  const skipped = new Set<number>();
  const commit: Stmt[] = [];
  if (act !== null) {
    for (const k of nl.seqProcs) {
      if (act.skips[k] !== 1 || procs[k]!.writes.length === 0) continue;
      const lines = [`if (Q[${k}] !== 0) {`, `  Q[${k}] = 0;`];
      for (const slot of procs[k]!.writes) {
        skipped.add(slot);
        lines.push('  ' + commitLine(slot));
      }
      lines.push('}');
      commit.push({ domain: gate[procs[k]!.domain]!, lines });
    }
  }
  for (const k of nl.regSlots.keys()) {
    const slot = nl.regSlots[k]!;
    if (!skipped.has(slot)) commit.push({ domain: gate[nl.regDomain[k]!]!, lines: [commitLine(slot)] });
  }
  // A memory is written only by seq processes of its own domain: its pending writes are looked at only when that
  // domain's clock ran (most of the cluster's memories, the TCDM banks and the I$ arrays, are idle in most cycles).
  nl.memories.forEach((_, k) => commit.push({ domain: gate[nl.memDomain[k]!]!, lines: [`if (m${k}.wn !== 0) m${k}.flush();`] }));
  commit.sort((a, b) => a.domain - b.domain);
  const commitFns = chunked('commit', rollIf(commit, tests), out, tests);

  out.push('function settle() {');
  for (const f of combFns) out.push(`  ${f}();`);
  out.push('}');
  out.push('function clock() {');
  for (const d of nl.domains) {
    if (!pre[d.id]) continue;
    const cond = tests.chain[d.id]!.map((a) => (a === d.id ? `S[${d.en}] !== 0` : tests.test[a])).join(' && ');
    out.push(`  G[${d.id}] = ${cond} ? 1 : 0; // gate of ${d.path}`);
  }
  for (const f of seqFns) out.push(`  ${f}();`);
  for (const f of commitFns) out.push(`  ${f}();`);
  out.push('}');
  out.push(`const fns = [${[...combFns, ...seqFns, ...commitFns].join(', ')}];`);
  out.push('return { settle, clock, fns };');
  return out.join('\n');
}

export class Codegen implements Backend {
  readonly settle: () => void;
  readonly clock: () => void;
  readonly source: string;
  /** Null when activity-based evaluation is off. */
  readonly activity: Activity | null;
  /** The design's signals use accessors bound to S and N (boundFastSignal). */
  readonly boundAccessors: boolean;
  /** ... reading the signals' own `slot` (signal.ts fixSlots; bound designs with one instance per module class). */
  readonly ownSlots: boolean;

  constructor(nl: Netlist, S: Uint32Array, N: Uint32Array, options: GenerateOptions = {}) {
    const act = options.activity === true ? new Activity(nl) : null;
    this.activity = act;
    const bound = options.boundAccessors ?? takeBound(nl);
    this.boundAccessors = bound;
    const own = bound && oneInstanceEach(nl);
    this.ownSlots = own;
    const proto = bound ? boundFastSignal(S, N, own).prototype : FastSignal.prototype;
    for (const s of nl.signals) Object.setPrototypeOf(s, proto);
    if (own) fixSlots(nl.signals);
    for (const m of nl.memories) Object.setPrototypeOf(m, FastMemory.prototype);
    options.onRetyped?.();
    // A distinct text per simulator: V8 caches the compilation of a `new Function` source it has seen before,
    // and two simulators sharing the cached functions share their feedback and closures' optimisations
    // (measured: the third simulator of a design ran ~1.6x slower than the first two).
    this.source = `// simulator ${++serial}\n${generateSource(nl, act, options.roll)}`;
    const dump = process.env.PULPSIM_CODEGEN_DUMP;
    if (dump !== undefined && dump !== '') writeFileSync(dump, this.source);
    const G = new Uint8Array(nl.domains.length);
    G[0] = 1;
    const factory = new Function('S', 'N', 'P', 'M', 'G', 'F', 'O', 'R', 'Q', 'W', this.source) as (
      S: Uint32Array,
      N: Uint32Array,
      P: readonly (() => void)[],
      M: readonly MemoryImpl[],
      G: Uint8Array,
      F: Uint8Array,
      O: Uint32Array,
      R: Int32Array,
      Q: Uint8Array,
      W: Uint8Array,
    ) => { settle: () => void; clock: () => void; fns: ((only: number) => void)[] };
    const none8 = new Uint8Array(0);
    const fns = factory(
      S,
      N,
      nl.procs.map((p) => p.fn),
      nl.memories,
      G,
      act?.F ?? none8,
      new Uint32Array(nl.nslots), // the shadow copies: at most one per slot (one driver each)
      act?.R ?? new Int32Array(0),
      new Uint8Array(act === null ? 0 : nl.procs.length),
      act?.W ?? none8,
    );
    this.settle = fns.settle;
    this.clock = fns.clock;
    if (options.eagerFeedback === true) eagerFeedback(fns.fns);
  }

  touch(slot: number): void {
    this.activity?.touch(slot);
  }
  touchAll(): void {
    this.activity?.touchAll();
  }
  enterHooks(): void {}
  leaveHooks(): void {}
}
