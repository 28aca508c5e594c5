// The cycle engine. A design (a Module tree) is elaborated once into a Netlist: every signal becomes a slot
// of one Uint32Array `S` (registers also have a next-value slot in `N`), comb processes are levelized once,
// and a back-end runs the cycle:
//
//   settle (comb processes in order) -> settled hooks (read-only) -> tracers' sample -> clock edge
//   (enabled seq processes compute `next`, then registers and memory writes commit).
//
// Process access mechanism — why the generated code can be much faster than the interpreter without
// parsing process source: processes are plain closures that read `sig.v` and assign `sig.v` / `reg.next`.
// All signals are objects of one class family whose accessors are chosen per phase by re-parenting the
// design's signals (Object.setPrototypeOf, once per phase, never per cycle):
//  - LearnSignal during elaboration (learn.ts): logs each process's reads and writes;
//  - SignalImpl with the interpreter: delegates every access to the checker (interp.ts), which validates
//    schedule, read sets, drivers, widths, process kinds and comb purity;
//  - FastSignal with generated code: the accessor is just `S[slot]` (slot fixed at elaboration), so V8
//    inlines it into each process, and the per-cycle driver is straight-line code with slot literals and
//    unrolled commits (codegen.ts). The generated code never goes through the checking accessors. A simulator
//    whose design's classes no earlier one used (the first of a design, or one built from fresh copies of the
//    classes: specialize.ts) gets a FastSignal subclass whose accessors hold its arrays as closure constants,
//    which V8 folds into the inlined accesses (signal.ts boundFastSignal, codegen.ts BOUND_BUDGET).
// Source-to-source compilation of process bodies was rejected: closures capture variables (helpers, enum
// constants, loop indices) that `new Function` cannot see. A design instance belongs to one simulator.
//
// What makes a process fast with generated code: V8 treats the variables of a closure as constants when its function
// literal has made only one closure (one instance of the module class in the process), and folds a load from a
// constant object's field that was written only once. So a process body (or a big helper it calls) written as a
// closure or an arrow-function member, reading signals through `this` and fields assigned once (signals, the
// core's link record), reads each signal with one load at a literal slot; a method's `this` is an argument and
// costs several dependent loads per access (measured on the single-core bench: ~0.46 -> ~0.82 M cycles/CPU-s from
// that and signal.ts fixSlots). Designs with several instances of a class share the closures' code and do not get this.
//
// Optionally (SimulatorOptions.activity) the generated code runs a comb process only when a slot it reads
// changed since its last run (activity.ts); exact when the learned read sets are complete, which the
// interpreter checks with `strictReads`.
//
// No allocation happens per cycle in either back-end (typed arrays, preallocated queues, hook arrays that
// are only replaced when hooks are added or removed).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { TraceSignal, TraceSource, TraceString } from '../waves/trace_source.ts';
import type { Backend } from './backend.ts';
import { Codegen } from './codegen.ts';
import { elaborate, type ElaborateOptions } from './elaborate.ts';
import { SimulationError } from './errors.ts';
import { Interp, type StrictReads } from './interp.ts';
import type { Module } from './module.ts';
import type { Netlist } from './netlist.ts';
import { SignalImpl, type Input, type Signal } from './signal.ts';

export type BackendKind = 'interp' | 'codegen';

export interface SimulatorOptions extends ElaborateOptions {
  /** 'interp' checks every access (debugging); 'codegen' (default) runs generated code. */
  backend?: BackendKind;
  /** Generated code: run a comb process only when something it reads changed (default true; the environment's
   *  PULPSIM_ACTIVITY=0 turns it off). Exact when the read sets are complete: check with `strictReads`. Measured
   *  (CPU seconds, steady state): the 8-core cluster ~10% faster, the single core unchanged. */
  activity?: boolean;
  /** Generated code: accessors bound to this simulator's arrays (default: when no earlier bound simulator of
   *  the process shared a module class with this design; codegen.ts BOUND_BUDGET). Only speed differs. */
  boundAccessors?: boolean;
  /** Generated code: type feedback from the first cycle (codegen.ts GenerateOptions.eagerFeedback), for a
   *  simulator that will be reset and run again. Only speed differs. */
  eagerFeedback?: boolean;
  /** Generated code: replicated blocks rolled into loops (codegen.ts GenerateOptions.roll; default on, or as
   *  PULPSIM_ROLL says). Same values. */
  roll?: boolean;
  /** Interpreter: a comb read outside the learned read set is an error even when it is in schedule order, and so
   *  is a stable seq process's read outside its set and a probe's read outside its declared reads. A function
   *  instead receives each comb or seq such read once (then learned) and the run goes on. */
  strictReads?: StrictReads;
}

/** Runs after the cycle's comb logic settled, before the clock edge. Must not write signals. */
export type SettledHook = (cycle: number) => void;
export interface Tracer {
  sample(cycle: number): void;
}

/** V8's full collection: `globalThis.gc` under --expose-gc, else one obtained once from a fresh context (the flag
 *  set at run time exposes it to contexts created afterwards). */
let fullGc: (() => void) | null = null;
function collectGarbage(): void {
  if (fullGc === null) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === 'function') fullGc = g;
    else {
      setFlagsFromString('--expose-gc');
      fullGc = runInNewContext('gc') as () => void;
    }
  }
  fullGc();
}

/** Between the two collections of the learning feedback's drop: long enough for V8's background compilations to
 *  land. */
const COMPILE_WAIT_MS = 50;
/** Learning feedback is dropped at most once per this many milliseconds (see `beginDropLearningFeedback`). */
const COLLECT_GAP_MS = 1000;
let lastCollect = -Infinity;

/**
 * Learning (learn.ts) runs every process many times on LearnSignal accessors: the processes' type feedback names
 * LearnSignal's hidden classes beside FastSignal's, and V8 optimises some processes during learning, against
 * LearnSignal. Feedback and optimised code hold those classes weakly, so only a full collection drops them, and a
 * running simulation allocates too little to cause one: the processes optimised during learning deopt on their
 * first run ("wrong map") and V8 rebuilds them, and the rest, polymorphic. So once the design's signals are
 * FastSignals: a full collection, a wait for the background compilations still running (they keep the classes
 * alive and install code built against them), and a second collection, before the JIT optimises the processes
 * against the generated code. Same values; measured on the 8-core cluster (cluster_bench --rounds 1000,
 * alternating runs): whole run ~41.5k -> ~50k cycles/CPU-s, the first 4096 cycles 1.7 -> ~1.05 CPU-s, V8's
 * compiler threads 1.8 -> ~1.0 CPU-s; one collection alone did it in about half the runs, 5 ms of wait in 2 of 3.
 * The wait is spent generating and compiling the code (the first collection comes as soon as the signals are
 * retyped, the second after the simulator is built, COMPILE_WAIT_MS after the first at the earliest): ~40-60 ms of
 * CPU, and of wall time what code generation does not cover (the 8-core cluster's takes ~50 ms). At most once per
 * COLLECT_GAP_MS, so that a test suite building many short-lived simulators does not pay it for each.
 * Returns the time of the first collection, or null when it was skipped.
 */
function beginDropLearningFeedback(): number | null {
  if (performance.now() - lastCollect < COLLECT_GAP_MS) return null;
  collectGarbage();
  return performance.now();
}

function endDropLearningFeedback(first: number): void {
  const wait = Math.ceil(first + COMPILE_WAIT_MS - performance.now());
  if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
  collectGarbage();
  lastCollect = performance.now();
}

export class Simulator {
  readonly netlist: Netlist;
  readonly backend: BackendKind;
  /** Current value of every slot (also the trace source's `values`). */
  readonly values: Uint32Array;
  private readonly next: Uint32Array;
  private readonly be: Backend;
  private cycleCount = 0;
  private settled = false;
  private inHooks = false;
  private hooks: SettledHook[] = [];
  private tracers: Tracer[] = [];
  private source: TraceSource | null = null;
  private byPath: Map<string, SignalImpl> | null = null;

  constructor(top: Module, options: SimulatorOptions = {}) {
    this.netlist = elaborate(top, options);
    this.backend = options.backend ?? 'codegen';
    const n = this.netlist.nslots;
    this.values = new Uint32Array(n);
    this.next = new Uint32Array(n);
    for (const s of this.netlist.signals) {
      s.S = this.values;
      s.N = this.next;
    }
    const generate = {
      activity: options.activity ?? process.env.PULPSIM_ACTIVITY !== '0',
      ...(options.boundAccessors === undefined ? {} : { boundAccessors: options.boundAccessors }),
      ...(options.eagerFeedback === undefined ? {} : { eagerFeedback: options.eagerFeedback }),
      ...(options.roll === undefined ? {} : { roll: options.roll }),
    };
    let firstCollect: number | null = null;
    // Nothing to drop when this design's processes did not run on learning accessors (reused accesses).
    const onRetyped = (): void => {
      if (this.netlist.learnedHere) firstCollect = beginDropLearningFeedback();
    };
    this.be =
      this.backend === 'interp' ? new Interp(this.netlist, this.values, this.next, options.strictReads ?? false) : new Codegen(this.netlist, this.values, this.next, { ...generate, onRetyped });
    this.reset();
    if (firstCollect !== null) endDropLearningFeedback(firstCollect);
  }

  /** Cycles completed (clock edges) since construction. */
  get cycle(): number {
    return this.cycleCount;
  }

  /** Puts every register at its reset value (memories keep their contents) and drops pending memory writes.
   *  The cycle count continues, so traces stay monotonic. */
  reset(): void {
    const nl = this.netlist;
    for (let k = 0; k < nl.regSlots.length; k++) {
      const slot = nl.regSlots[k]!;
      this.values[slot] = nl.regReset[k]!;
      this.next[slot] = nl.regReset[k]!;
    }
    for (const t of nl.ties) this.values[t.slot] = t.value;
    for (const m of nl.memories) m.wn = 0;
    this.be.touchAll();
    this.settled = false;
  }

  /** Evaluates the comb logic now (done automatically by step/peek when needed). */
  settle(): void {
    this.be.settle();
    this.settled = true;
  }

  /** One clock cycle. */
  step(): void {
    if (!this.settled) this.be.settle();
    const hooks = this.hooks;
    const tracers = this.tracers;
    if (hooks.length !== 0 || tracers.length !== 0) this.sampleHooks(hooks, tracers);
    this.be.clock();
    this.cycleCount++;
    this.settled = false;
  }

  private sampleHooks(hooks: SettledHook[], tracers: Tracer[]): void {
    const c = this.cycleCount;
    this.inHooks = true;
    this.be.enterHooks();
    try {
      for (let k = 0; k < hooks.length; k++) hooks[k]!(c);
      for (let k = 0; k < tracers.length; k++) tracers[k]!.sample(c);
    } finally {
      this.be.leaveHooks();
      this.inHooks = false;
    }
  }

  run(cycles: number): void {
    if (!Number.isInteger(cycles) || cycles < 0) throw new RangeError(`run: cycles must be a non-negative integer, got ${cycles}`);
    for (let k = 0; k < cycles; k++) this.step();
  }

  private own(sig: Signal, what: string): SignalImpl {
    if (!(sig instanceof SignalImpl) || sig.S !== this.values) {
      throw new SimulationError(`${what}: '${sig instanceof SignalImpl ? sig.label() : String(sig)}' is not a signal of this simulator's design`);
    }
    return sig;
  }

  /** Value of a signal with this cycle's comb logic settled. */
  peek(sig: Signal): number {
    const s = this.own(sig, 'peek');
    if (!this.settled && !this.inHooks) this.settle();
    return this.values[s.i]!;
  }

  /** The slot of `sig` in `values`. A monitor reading many signals every cycle (a settled hook) indexes `values`
   *  with it: a typed-array read, the same whichever accessor class this simulator's signals have (a hook's code
   *  is shared by the simulators of a thread, whose bound accessor classes differ). */
  slotOf(sig: Signal): number {
    return this.own(sig, 'slotOf').i;
  }

  /** Drives a top-level input; takes effect in the current (not yet clocked) cycle. */
  poke(input: Input, value: number | boolean): void {
    const s = this.own(input, 'poke');
    if (!this.netlist.topInputs.has(s.i)) throw new SimulationError(`poke: '${s.path}' is not an input of the top module`);
    if (this.inHooks) throw new SimulationError(`poke of '${s.path}' from a settled hook: hooks are read-only`);
    const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    const max = s.width === 32 ? 0xffffffff : 2 ** s.width - 1;
    if (!Number.isInteger(v) || v < 0 || v > max) throw new SimulationError(`poke: ${value} does not fit in '${s.path}' (${s.width} bit(s))`);
    if (this.values[s.i] !== v) {
      this.values[s.i] = v;
      this.be.touch(s.i);
    }
    this.settled = false;
  }

  /** The comb processes' hierarchical names in evaluation order (the levelized schedule). */
  schedule(): string[] {
    return [...this.netlist.combOrder].map((k) => this.netlist.procs[k]!.path);
  }

  /** Finds a signal by hierarchical path, e.g. 'top.mac.acc'. */
  signal(path: string): Signal {
    if (this.byPath === null) {
      this.byPath = new Map();
      for (const s of this.netlist.signals) this.byPath.set(s.path, s);
    }
    const s = this.byPath.get(path);
    if (s === undefined) throw new SimulationError(`no signal named '${path}'`);
    return s as unknown as Signal;
  }

  /** Adds a settled hook; returns a function removing it. */
  onSettled(hook: SettledHook): () => void {
    this.hooks = [...this.hooks, hook];
    return () => {
      this.hooks = this.hooks.filter((h) => h !== hook);
    };
  }

  /** Adds a tracer sampled every cycle after the settled hooks; returns a function detaching it. */
  attachTracer(t: Tracer): () => void {
    this.tracers = [...this.tracers, t];
    return () => {
      this.tracers = this.tracers.filter((x) => x !== t);
    };
  }

  /** The symbol table for wave writers: every named signal (aliases share a slot) and the probes. */
  traceSource(): TraceSource {
    if (this.source === null) {
      const signals: TraceSignal[] = this.netlist.signals.map((s) => {
        const ts: TraceSignal = { path: s.path, width: s.width, kind: s.kind === 'reg' ? 'reg' : 'wire', slot: s.i };
        if (s.enumNames !== null) ts.enumNames = s.enumNames;
        return ts;
      });
      const strings: TraceString[] = this.netlist.probes.map((p) => {
        const reads = p.reads;
        if (reads === null) return { path: p.path, get: p.get };
        const be = this.be;
        const get = be instanceof Interp && be.strictReads !== false ? () => be.callProbe(p.path, reads, p.get) : p.get;
        return { path: p.path, get, reads };
      });
      this.source = { signals, strings, values: this.values };
    }
    return this.source;
  }
}
