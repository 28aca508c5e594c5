// The base class of every hardware block. A subclass declares its ports, wires, registers, memories and
// children as fields (the field name becomes the signal's name) and its behaviour as `comb`/`seq` processes,
// after Amaranth's m.d.comb/m.d.sync split and PyMTL's update/update_ff:
//
//   class Acc extends Module {
//     en = this.input(1);
//     d = this.input(16);
//     sum = this.reg(24, 0);
//     next_sum = this.wire(24);
//     constructor() {
//       super();
//       this.comb('add', () => { this.next_sum.v = (this.sum.v + this.d.v) & 0xffffff; });
//       this.seq('upd', () => { if (this.en.v) this.sum.next = this.next_sum.v; });
//     }
//   }
//
// Rules the engine relies on (the interpreter checks them while it runs):
//  - A comb process drives the same signals on every run (assign defaults first) and keeps no state in
//    JavaScript variables; a seq process only assigns registers' `next` and writes memories.
//  - Processes are run during elaboration, on made-up values, to learn what they read and write: they must
//    have no effect outside signals and memories (testbench work belongs in Simulator.onSettled hooks).
//  - The schedule orders whole comb processes: a process that reads a consumer's response (ready) and also
//    drives the request that consumer depends on (valid) forms a loop; split it in two.
//  - A read guarded by a condition on a wide value that random values rarely meet (e.g. one 32-bit
//    constant) may escape learning: guard with narrow/enum signals, or declare it (`{ reads: [...] }`).
//    A process declaring both `reads` and `drives` is not run while learning at all.
//  - Fields are scanned recursively into arrays and plain objects (names `field_index`, `field_key`);
//    signals kept only in locals or `#private` fields get generated names.
import type { BundleDef, BundlePorts, BundleSpec } from './bundle.ts';
import { isEnumType, type EnumInfo } from './enum.ts';
import { MemoryImpl, type MemoryOptions } from './memory.ts';
import {
  SignalImpl,
  impl,
  type Access,
  type Drivable,
  type Input,
  type Output,
  type Reg,
  type SigKind,
  type Signal,
  type Wire,
} from './signal.ts';

export type ProcKind = 'comb' | 'seq';
export type Width = number | EnumInfo;

export interface ProcOptions {
  /** Signals read on paths the learning phase might not reach (it explores random input values). */
  reads?: readonly Signal[];
  /** Everything the process drives (comb) or assigns (seq: registers). With both `reads` and `drives`
   *  given, the process is not run during learning: the declaration is the schedule's source, and the
   *  interpreter checks it at run time. */
  drives?: readonly Signal[];
  /** Seq only: the process is a function of the signals it reads (no JavaScript state, no memory reads or
   *  writes), so with activity-based evaluation it runs, and its registers commit, only in cycles where one of
   *  its reads changed since its last run: otherwise it would assign the values its registers already hold.
   *  Its read set must then be complete, as a comb process's (the strict interpreter checks it). */
  stable?: boolean;
  /** Reads that matter only while a guard is non-zero: each entry says the process reads `reads` only in
   *  evaluations where at least one of `when` is non-zero (else its results do not depend on them). With
   *  activity-based evaluation a change of such a read then makes the process due only while a guard is non-zero;
   *  a guard's own change always does, so the process still sees the read's current value when a guard rises
   *  (activity.ts). For an input that moves every cycle but is looked at only with a request, e.g. an address.
   *  Both lists count as declared reads; the strict interpreter refuses a read of `reads` with every guard zero. */
  guarded?: readonly { reads: readonly Signal[]; when: readonly Signal[] }[];
}

export interface GuardDecl {
  readonly reads: readonly SignalImpl[];
  readonly when: readonly SignalImpl[];
}

export interface ProcDecl {
  readonly kind: ProcKind;
  readonly name: string;
  readonly fn: () => void;
  readonly module: Module;
  readonly reads: readonly SignalImpl[];
  readonly drives: readonly SignalImpl[] | null;
  /** Both reads and drives declared: not run during learning. */
  readonly declared: boolean;
  /** Seq: ProcOptions.stable. */
  readonly stable: boolean;
  /** ProcOptions.guarded. */
  readonly guarded: readonly GuardDecl[];
}
export interface ConnectDecl {
  readonly a: SignalImpl;
  readonly b: SignalImpl;
  readonly module: Module;
}
export interface TieDecl {
  readonly s: SignalImpl;
  readonly value: number;
  readonly module: Module;
}
export interface GateDecl {
  readonly child: Module;
  readonly en: SignalImpl;
}
export interface ProbeDecl {
  readonly name: string;
  readonly get: () => string;
  /** The signals `get` reads, if declared (wave writers then call it only when one of them changed). */
  readonly reads: readonly SignalImpl[] | null;
}

/** Everything a module declared; read by the elaborator. */
export interface ModuleDecls {
  signals: SignalImpl[];
  memories: MemoryImpl[];
  procs: ProcDecl[];
  connects: ConnectDecl[];
  ties: TieDecl[];
  gates: GateDecl[];
  probes: ProbeDecl[];
  added: { name: string; child: Module }[];
  /** Set by elaboration. */
  path: string;
  parent: Module | null;
  bound: boolean;
}

function notElaborated(what: string): never {
  throw new Error(`${what} accessed outside a simulation: processes run only once the design is inside a Simulator`);
}
/** Access guard for signals of a design that has not been elaborated yet. */
const UNELABORATED: Access = {
  rd: (s) => notElaborated(`signal '${s.label()}'`),
  wr: (s) => notElaborated(`signal '${s.label()}'`),
  wrNext: (s) => notElaborated(`register '${s.label()}'`),
  memRd: (m) => notElaborated(`memory '${m.label()}'`),
  memWr: (m) => notElaborated(`memory '${m.label()}'`),
};

function widthOf(w: Width, what: string): { width: number; en: EnumInfo | null } {
  if (isEnumType(w)) return { width: w.width, en: w };
  if (!Number.isInteger(w) || w < 1 || w > 32) {
    throw new RangeError(`${what}: width must be an integer 1..32 (wider values are split), got ${String(w)}`);
  }
  return { width: w, en: null };
}

function isBundleObject(x: unknown): x is Record<string, Signal> {
  return typeof x === 'object' && x !== null && !(x instanceof SignalImpl) && Object.getPrototypeOf(x) === Object.prototype;
}

export abstract class Module {
  /** Declarations, for the elaborator. Not part of the hardware description. */
  readonly __decl: ModuleDecls = {
    signals: [],
    memories: [],
    procs: [],
    connects: [],
    ties: [],
    gates: [],
    probes: [],
    added: [],
    path: '',
    parent: null,
    bound: false,
  };

  /** Hierarchical name (after elaboration). */
  get path(): string {
    return this.__decl.path;
  }

  private sig(kind: SigKind, w: Width, reset: number, name: string | undefined): SignalImpl {
    const { width, en } = widthOf(w, `${kind} ${name ?? ''}`.trim());
    const max = width === 32 ? 0xffffffff : 2 ** width - 1;
    if (!Number.isInteger(reset) || reset < 0 || reset > max) {
      throw new RangeError(`${kind} ${name ?? ''}: reset value ${reset} does not fit in ${width} bit(s)`);
    }
    const s = new SignalImpl(this, kind, width, reset, en, name ?? null, UNELABORATED);
    this.__decl.signals.push(s);
    return s;
  }

  protected input(width: Width, name?: string): Input {
    return this.sig('input', width, 0, name) as unknown as Input;
  }
  protected output(width: Width, name?: string): Output {
    return this.sig('output', width, 0, name) as unknown as Output;
  }
  protected wire(width: Width, name?: string): Wire {
    return this.sig('wire', width, 0, name) as unknown as Wire;
  }
  protected reg(width: Width, reset = 0, name?: string): Reg {
    return this.sig('reg', width, reset, name) as unknown as Reg;
  }

  protected memory(width: number, depth: number, options: MemoryOptions = {}, name?: string): MemoryImpl {
    widthOf(width, `memory ${name ?? ''}`.trim());
    if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`memory ${name ?? ''}: depth must be a positive integer`);
    const ports = options.writePorts ?? 1;
    if (!Number.isInteger(ports) || ports < 1) throw new RangeError(`memory ${name ?? ''}: writePorts must be >= 1`);
    const m = new MemoryImpl(this, width, depth, ports, name ?? null, UNELABORATED);
    if (options.init !== undefined) {
      if (options.init.length > depth) throw new RangeError(`memory ${name ?? ''}: init has ${options.init.length} words, depth is ${depth}`);
      for (let k = 0; k < options.init.length; k++) m.data[k] = options.init[k]! & m.mask;
    }
    this.__decl.memories.push(m);
    return m;
  }

  /** The bundle's ports as its initiator sees them ('out' fields are outputs). Names: `<field>_<port>`. */
  protected port<S extends BundleSpec>(b: BundleDef<S>, name?: string): BundlePorts<S, false> {
    return this.bundlePorts(b, false, name) as BundlePorts<S, false>;
  }
  /** The bundle's ports as its target sees them ('out' fields are inputs). */
  protected flipped<S extends BundleSpec>(b: BundleDef<S>, name?: string): BundlePorts<S, true> {
    return this.bundlePorts(b, true, name) as BundlePorts<S, true>;
  }
  private bundlePorts(b: BundleDef, flip: boolean, name: string | undefined): Record<string, Signal> {
    const ports: Record<string, Signal> = {};
    for (const [field, spec] of Object.entries(b.fields)) {
      const isOut = (spec.dir === 'out') !== flip;
      const n = name === undefined ? undefined : `${name}_${field}`;
      ports[field] = isOut ? this.output(spec.width, n) : this.input(spec.width, n);
    }
    return Object.freeze(ports);
  }

  protected comb(fn: () => void, options?: ProcOptions): void;
  protected comb(name: string, fn: () => void, options?: ProcOptions): void;
  protected comb(a: string | (() => void), b?: (() => void) | ProcOptions, c?: ProcOptions): void {
    this.proc('comb', a, b, c);
  }
  protected seq(fn: () => void, options?: ProcOptions): void;
  protected seq(name: string, fn: () => void, options?: ProcOptions): void;
  protected seq(a: string | (() => void), b?: (() => void) | ProcOptions, c?: ProcOptions): void {
    this.proc('seq', a, b, c);
  }
  private proc(kind: ProcKind, a: string | (() => void), b: (() => void) | ProcOptions | undefined, c: ProcOptions | undefined): void {
    const d = this.__decl;
    let name: string;
    let fn: () => void;
    let opts: ProcOptions | undefined;
    if (typeof a === 'string') {
      if (typeof b !== 'function') throw new TypeError(`${kind} '${a}': missing process function`);
      name = a;
      fn = b;
      opts = c;
    } else {
      fn = a;
      opts = b as ProcOptions | undefined;
      name = `${kind}${d.procs.filter((p) => p.kind === kind).length}`;
    }
    if (d.procs.some((p) => p.name === name)) throw new Error(`process '${name}' is declared twice in one module`);
    if (kind === 'comb' && opts?.stable !== undefined) throw new TypeError(`comb '${name}': 'stable' applies to seq processes only (comb processes are always functions of their reads)`);
    d.procs.push({
      kind,
      name,
      fn,
      module: this,
      reads: (opts?.reads ?? []).map(impl),
      drives: opts?.drives === undefined ? null : opts.drives.map(impl),
      declared: opts?.reads !== undefined && opts.drives !== undefined,
      stable: opts?.stable === true,
      guarded: (opts?.guarded ?? []).map((g) => {
        if (g.when.length === 0) throw new TypeError(`${kind} '${name}': a guarded read needs at least one guard ('when')`);
        return { reads: g.reads.map(impl), when: g.when.map(impl) };
      }),
    });
  }

  /** Makes two signals (or two bundles, field by field) one net. Widths must match. */
  protected connect(a: Signal, b: Signal): void;
  protected connect(a: Readonly<Record<string, Signal>>, b: Readonly<Record<string, Signal>>): void;
  protected connect(a: Signal | Readonly<Record<string, Signal>>, b: Signal | Readonly<Record<string, Signal>>): void {
    if (isBundleObject(a) && isBundleObject(b)) {
      const ka = Object.keys(a).sort();
      const kb = Object.keys(b).sort();
      if (ka.join(',') !== kb.join(',')) {
        throw new TypeError(`connect: bundles have different fields (${ka.join(',')} vs ${kb.join(',')})`);
      }
      for (const k of ka) this.__decl.connects.push({ a: impl(a[k]!), b: impl(b[k]!), module: this });
      return;
    }
    this.__decl.connects.push({ a: impl(a as Signal), b: impl(b as Signal), module: this });
  }

  /** Drives a signal (typically a child's input) with a constant. */
  protected tie(s: Drivable, value: number): void {
    this.__decl.ties.push({ s: impl(s), value, module: this });
  }

  /** Clock-enables `child`'s subtree: its seq processes run and its registers/memories commit only in cycles
   *  where `en` (sampled after the combinational logic settles) is non-zero. Gates nest. Its comb processes
   *  keep evaluating every cycle, since their inputs from outside the subtree may change. */
  protected clockGate(child: Module, en: Signal): void {
    this.__decl.gates.push({ child, en: impl(en) });
  }

  /** Registers a child that is not stored in a field (fields holding modules are found automatically). */
  protected addChild<M extends Module>(name: string, child: M): M {
    this.__decl.added.push({ name, child });
    return child;
  }

  /**
   * A string shown in the waves next to this module's signals (e.g. a decoded instruction). `reads` lists
   * every signal `get` reads, when its text depends on nothing else: wave writers then call it only when
   * one of them changed and reuse earlier texts (the interpreter with `strictReads` checks the list).
   */
  protected probe(name: string, get: () => string, opts?: { reads?: readonly Signal[] }): void {
    const reads = opts?.reads === undefined ? null : opts.reads.map((s) => impl(s));
    this.__decl.probes.push({ name, get, reads });
  }
}
