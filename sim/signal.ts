// Signal handles. Every signal is created as a `SignalImpl`, whose accessors route each access through an
// `Access` object: the learner during elaboration, the checking interpreter at run time, or a guard before
// elaboration. The generated-code back-end re-parents its design's signals to `FastSignal`, whose
// accessors are a bare typed-array access at the slot the elaborator assigned: no branch, no call, small
// enough for V8 to inline at every `sig.v` site of a process. All signals of one back-end share one hidden
// class, so those sites stay monomorphic. The kinds differ only in their TypeScript view (Wire/Input/Output
// have a `v` setter, Reg has `next`).
import type { EnumInfo } from './enum.ts';
import type { Module } from './module.ts';
import type { MemoryImpl } from './memory.ts';

export type Value = number | boolean;
export type SigKind = 'wire' | 'input' | 'output' | 'reg';

/** What the learner/interpreter implement to observe every access made by a process. */
export interface Access {
  rd(s: SignalImpl): number;
  wr(s: SignalImpl, x: Value): void;
  wrNext(s: SignalImpl, x: Value): void;
  memRd(m: MemoryImpl, addr: number): number;
  memWr(m: MemoryImpl, addr: number, data: Value, mask: number): void;
}

const UNBOUND_ARRAY = new Uint32Array(0);

/** What a signal is, apart from its slot: read when elaborating, learning, interpreting, tracing and in messages,
 *  never by the generated-code back-end's accessors (SignalImpl). */
export class SignalMeta {
  /** Current values (shared by every signal of one simulator). */
  S: Uint32Array = UNBOUND_ARRAY;
  /** Next values of registers (same indexing as S). */
  N: Uint32Array = UNBOUND_ARRAY;
  /** Hierarchical name, set by elaboration. */
  path = '';
  readonly enumNames: readonly string[] | null;
  constructor(
    readonly owner: Module,
    readonly kind: SigKind,
    readonly width: number,
    readonly reset: number,
    enumType: EnumInfo | null,
    /** Local name: explicit, or the owner's property name found at elaboration. */
    public name: string | null,
    public acc: Access,
  ) {
    this.enumNames = enumType === null ? null : enumType.names;
  }
}

// A signal object holds only what the generated code's accessors load (`i`, `mask`; FastSignal also `S`/`N`, through
// `meta`); everything else is in its SignalMeta, behind getters. In the 8-core cluster, whose core regions share their
// process code, every access first loads the signal object, and a process run's cost is mostly such first touches of
// memory: 3 fields (48 bytes) instead of 12 (120 bytes) put a module's signals 2.5x as densely.
export class SignalImpl {
  /** Slot in the state array; -1 until elaborated. */
  i = -1;
  readonly mask: number;
  readonly meta: SignalMeta;

  constructor(
    owner: Module,
    kind: SigKind,
    width: number,
    reset: number,
    enumType: EnumInfo | null,
    name: string | null,
    acc: Access,
  ) {
    this.mask = width === 32 ? -1 : (1 << width) - 1;
    this.meta = new SignalMeta(owner, kind, width, reset, enumType, name, acc);
  }

  get owner(): Module {
    return this.meta.owner;
  }
  get kind(): SigKind {
    return this.meta.kind;
  }
  get width(): number {
    return this.meta.width;
  }
  get reset(): number {
    return this.meta.reset;
  }
  get enumNames(): readonly string[] | null {
    return this.meta.enumNames;
  }
  get path(): string {
    return this.meta.path;
  }
  set path(p: string) {
    this.meta.path = p;
  }
  get name(): string | null {
    return this.meta.name;
  }
  set name(n: string | null) {
    this.meta.name = n;
  }
  get acc(): Access {
    return this.meta.acc;
  }
  set acc(a: Access) {
    this.meta.acc = a;
  }
  get S(): Uint32Array {
    return this.meta.S;
  }
  set S(a: Uint32Array) {
    this.meta.S = a;
  }
  get N(): Uint32Array {
    return this.meta.N;
  }
  set N(a: Uint32Array) {
    this.meta.N = a;
  }

  get v(): number {
    return this.meta.acc.rd(this);
  }
  set v(x: Value) {
    this.meta.acc.wr(this, x);
  }
  get next(): number {
    return this.meta.N[this.i]!;
  }
  set next(x: Value) {
    this.meta.acc.wrNext(this, x);
  }

  /** Name for messages: the hierarchical path once elaborated, else the local name. */
  label(): string {
    return this.path !== '' ? this.path : (this.name ?? `<unnamed ${this.kind}>`);
  }
}

/** The generated-code back-end's signals: bare slot accesses, nothing checked. */
export class FastSignal extends SignalImpl {
  /** The slot again, as an own read-only property added after re-parenting (`ownSlots`), read by the accessors of
   *  `boundFastSignal(S, N, true)` only. */
  declare readonly slot: number;
  override get v(): number {
    return this.meta.S[this.i]!;
  }
  // Every accessor must stay within V8's always-inline bytecode size (26 bytes, accessor_size.test.ts; these
  // setters are 28 with the load of `meta`, the bound classes' 26):
  // larger ones are inlined only while the optimised function's cumulative budget (~920 bytes) lasts, which
  // the cluster's big processes and generated comb functions exhaust, leaving real calls. `&` turns a
  // boolean into 0/1 itself, so no conversion is written out (with it the setters were 45 bytes). Measured
  // (CPU s, steady state): 8-core cluster ~+7%; single core ~-5% (its processes had budget to spare, and
  // setters always inlined now take part of it from helpers).
  override set v(x: Value) {
    this.meta.S[this.i] = (x as number) & this.mask;
  }
  override get next(): number {
    return this.meta.N[this.i]!;
  }
  override set next(x: Value) {
    this.meta.N[this.i] = (x as number) & this.mask;
  }
}

/**
 * A FastSignal class bound to one simulator's arrays: the accessors read `S`/`N` from their closure instead of
 * the signal's fields. The arrays are constants of that closure, so once V8 inlines an accessor into a process
 * it embeds the array (its base and length) as a constant: a read is one load plus a bounds check against a
 * literal, instead of three dependent field loads first (measured on the single-core bench: ~15% fewer CPU
 * seconds; the same with `let` arrays assigned after creation gains nothing). Each class is a distinct
 * hidden class at every `sig.v` site of the design's processes, so the generated-code back-end hands out only
 * a few of them per process (codegen.ts) and uses the shared FastSignal afterwards.
 */
export function boundFastSignal(S: Uint32Array, N: Uint32Array, ownSlots = false): typeof FastSignal {
  if (ownSlots) {
    return class SlotBoundFastSignal extends FastSignal {
      override get v(): number {
        return S[this.slot]!;
      }
      override set v(x: Value) {
        S[this.slot] = (x as number) & this.mask;
      }
      override get next(): number {
        return N[this.slot]!;
      }
      override set next(x: Value) {
        N[this.slot] = (x as number) & this.mask;
      }
    };
  }
  return class BoundFastSignal extends FastSignal {
    override get v(): number {
      return S[this.i]!;
    }
    override set v(x: Value) {
      S[this.i] = (x as number) & this.mask;
    }
    override get next(): number {
      return N[this.i]!;
    }
    override set next(x: Value) {
      N[this.i] = (x as number) & this.mask;
    }
  };
}

/**
 * Gives each signal, already re-parented to its accessor class, its slot as an own read-only property `slot`. V8
 * folds the load of a property that is never written after it was added when the object is a constant of the
 * optimised code, which the signals are in a process whose closure is the only one its function literal made: an
 * inlined `sig.v` becomes one load at a literal index. `i` does not fold so well (measured: adding `i` only at
 * elaboration, so it is never reassigned, gained half as much on the single core and cost ~6% on the cluster).
 * Adding a property after Object.setPrototypeOf gives every signal a hidden class of its own, so this is only for
 * designs where no access site sees signals of several instances (codegen.ts): on the 8-core cluster, whose
 * cores share their code, it made every access megamorphic (30x slower).
 */
export function fixSlots(signals: readonly SignalImpl[]): void {
  for (const s of signals) Object.defineProperty(s, 'slot', { value: s.i, writable: false, enumerable: false, configurable: false });
}

interface SigCommon {
  readonly width: number;
  readonly reset: number;
  readonly enumNames: readonly string[] | null;
  /** Hierarchical name (after elaboration). */
  readonly path: string;
}
/** Driven by exactly one comb process (or aliased by `connect`). */
export interface Wire extends SigCommon {
  readonly kind: 'wire';
  get v(): number;
  set v(x: Value);
}
/** Driven from outside the module: the parent (connect/tie/comb) or, at the top, `Simulator.poke`. */
export interface Input extends SigCommon {
  readonly kind: 'input';
  get v(): number;
  set v(x: Value);
}
export interface Output extends SigCommon {
  readonly kind: 'output';
  get v(): number;
  set v(x: Value);
}
/** `v` is the current value; a seq process assigns `next`, which becomes `v` at the clock edge. */
export interface Reg extends SigCommon {
  readonly kind: 'reg';
  readonly v: number;
  get next(): number;
  set next(x: Value);
}
export type Signal = Wire | Input | Output | Reg;
export type Drivable = Wire | Input | Output;

export function impl(s: Signal): SignalImpl {
  if (!(s instanceof SignalImpl)) throw new TypeError(`not a signal: ${String(s)}`);
  return s;
}
