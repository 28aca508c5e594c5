// The flattened design: what elaboration produces and both back-ends consume. Names survive only here.
import type { MemoryImpl } from './memory.ts';
import type { Module, ProcKind } from './module.ts';
import type { SignalImpl } from './signal.ts';

/** Who drives a slot (values >= 0 are comb process indices). */
export const DRV_NONE = -1;
export const DRV_REG = -2;
export const DRV_INPUT = -3;
export const DRV_TIE = -4;

export interface ProcInfo {
  readonly idx: number;
  readonly kind: ProcKind;
  /** Hierarchical name, e.g. 'top.mac.fsm'. */
  readonly path: string;
  readonly fn: () => void;
  readonly module: Module;
  readonly domain: number;
  /** Learned (and declared) reads, as slots. For seq processes: used only when `stable`. */
  reads: number[];
  /** Comb: slots driven. Seq: register slots assigned. */
  writes: number[];
  /** Memories written (seq only). */
  memWrites: MemoryImpl[];
  /** Reads memories (learned; declared processes are assumed to). */
  memReads: boolean;
  /** Seq: declared a function of its reads (ProcOptions.stable); activity-based evaluation may skip it. */
  readonly stable: boolean;
  /** ProcOptions.guarded as slots: per guarded read, the slots of its guards (the read matters only while one of
   *  them is non-zero). Both are also in `reads`. Empty for most processes. */
  guards: Map<number, number[]>;
}

/** A clock-enable domain: the subtree under a `gate`. Domain 0 is the ungated root. */
export interface Domain {
  readonly id: number;
  readonly parent: number;
  /** Slot of the enable signal (-1 for the root). */
  readonly en: number;
  /** Path of the gated module. */
  readonly path: string;
}

export interface Netlist {
  readonly top: Module;
  readonly nslots: number;
  readonly slotWidth: Uint8Array;
  readonly slotMask: Int32Array;
  /** Primary hierarchical name of each slot (first declared member). */
  readonly slotName: readonly string[];
  /** Every signal sharing each slot (connect() aliases). */
  readonly members: readonly (readonly SignalImpl[])[];
  readonly signals: readonly SignalImpl[];
  readonly memories: readonly MemoryImpl[];
  /** Clock domain of each memory (its declaring module's). */
  readonly memDomain: Int32Array;
  readonly modules: readonly Module[];
  /** Register slots with their reset value and clock domain (the declaring module's). */
  readonly regSlots: Int32Array;
  readonly regReset: Uint32Array;
  readonly regDomain: Int32Array;
  readonly isReg: Uint8Array;
  readonly ties: readonly { slot: number; value: number }[];
  readonly topInputs: ReadonlySet<number>;
  readonly procs: readonly ProcInfo[];
  /** Comb process indices in evaluation (topological) order. */
  readonly combOrder: Int32Array;
  /** Seq process indices in declaration order. */
  readonly seqProcs: Int32Array;
  readonly domains: readonly Domain[];
  /** Per slot: DRV_* or the index of the comb process driving it. */
  readonly driver: Int32Array;
  readonly probes: readonly NetProbe[];
  /** The processes ran on learning accessors in this elaboration (false: the accesses were reused,
   *  ElaborateOptions.learnKey). */
  readonly learnedHere: boolean;
}

/** A string probe (Module.probe) with its declared reads as slots, if any. */
export interface NetProbe {
  readonly path: string;
  readonly get: () => string;
  readonly reads: readonly number[] | null;
}

export function procLabel(p: ProcInfo): string {
  return `${p.kind} process '${p.path}'`;
}
