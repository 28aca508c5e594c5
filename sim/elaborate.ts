// Elaboration: flatten, learn every process's accesses, check the design rules, levelize the comb
// processes once. Every rejection names the signals/processes at fault by hierarchical name.
import { ElaborationError } from './errors.ts';
import { flatten } from './flatten.ts';
import { type LearnedProc, type LearnInput, learn } from './learn.ts';
import { learnStore } from './learn_store.ts';
import type { Module } from './module.ts';
import type { SignalImpl } from './signal.ts';
import {
  DRV_INPUT,
  DRV_NONE,
  DRV_REG,
  DRV_TIE,
  type NetProbe,
  type Netlist,
  type ProcInfo,
} from './netlist.ts';
import { levelize } from './schedule.ts';

export interface ElaborateOptions {
  /** Name of the top instance in hierarchical paths (default 'top'). */
  name?: string;
  /** Learning trials per process (default 128). */
  learnTrials?: number;
  /** Seed of the learning valuations (default 1). */
  seed?: number;
  /**
   * Names the design for reusing its learned accesses: a design elaborated after another one with the same key (in
   * this process or thread, with the same trials and seed; or in an earlier process, through a learn store:
   * sim/learn_store.ts) takes that one's read and write sets instead of learning them again. The key must
   * determine everything the design's construction depends on (its top module class and parameters); learning is
   * deterministic, so the sets are the ones learning would find. A design whose slots, processes or memories differ
   * from the remembered one's is learned anew.
   */
  learnKey?: string;
}

/** Learned accesses: memories by index, `shape` the design they were learned on. */
interface Learned {
  shape: string;
  procs: { reads: number[]; writes: number[]; memWrites: number[]; memReads: boolean }[];
}

/** Learned accesses by learn key (ElaborateOptions.learnKey). The most recent LEARN_KEYS keys are kept. */
const learnedByKey = new Map<string, Learned>();
const LEARN_KEYS = 16;

function remember(full: string, entry: Learned): void {
  learnedByKey.delete(full);
  learnedByKey.set(full, entry);
  if (learnedByKey.size > LEARN_KEYS) learnedByKey.delete(learnedByKey.keys().next().value!);
}

/** The entry the learn store (sim/learn_store.ts) keeps under `full`, if it is one for `inp`'s processes, slots and
 *  memories (what it was learned on is checked against the design's shape by the caller). */
function stored(full: string, inp: LearnInput): Learned | undefined {
  const text = learnStore()?.get(full);
  if (text === undefined) return undefined;
  try {
    const e = JSON.parse(text) as Learned;
    const n = inp.flat.nslots;
    const slots = (a: unknown): boolean => Array.isArray(a) && a.every((s) => Number.isInteger(s) && s >= 0 && s < n);
    const mems = (a: unknown): boolean => Array.isArray(a) && a.every((m) => Number.isInteger(m) && m >= 0 && m < inp.flat.memories.length);
    const ok =
      typeof e.shape === 'string' &&
      Array.isArray(e.procs) &&
      e.procs.length === inp.procs.length &&
      e.procs.every((p) => slots(p.reads) && slots(p.writes) && mems(p.memWrites) && typeof p.memReads === 'boolean');
    return ok ? e : undefined;
  } catch {
    return undefined;
  }
}

/** What a reuse of learned accesses must match: the slots and their widths, the processes, the memories. */
function designShape(flat: ReturnType<typeof flatten>, slotWidth: Uint8Array, procs: readonly ProcInfo[]): string {
  return `${flat.nslots} ${slotWidth.join(',')}|${procs.map((p) => `${p.kind} ${p.path}`).join(',')}|${flat.memories.map((m) => m.path).join(',')}`;
}

/** learn(), or the accesses learned on an earlier design of the same key and shape; `reused` tells which. */
function learnOrReuse(inp: LearnInput, key: string | undefined, shape: () => string): { learned: LearnedProc[]; reused: boolean } {
  const full = key === undefined ? undefined : `${inp.trials} ${inp.seed} ${key}`;
  let hit = full === undefined ? undefined : learnedByKey.get(full);
  if (hit === undefined && full !== undefined) {
    hit = stored(full, inp);
    if (hit !== undefined) remember(full, hit);
  }
  const mems = inp.flat.memories;
  if (hit !== undefined && hit.shape === shape()) {
    const learned = hit.procs.map((p) => ({ reads: new Set(p.reads), writes: new Set(p.writes), memWrites: new Set(p.memWrites.map((k) => mems[k]!)), memReads: p.memReads, violation: null }));
    return { learned, reused: true };
  }
  const learned = learn(inp);
  // A violation is an elaboration error: such a design is never reused.
  if (full !== undefined && learned.every((l) => l.violation === null)) {
    const entry: Learned = {
      shape: shape(),
      procs: learned.map((l) => ({ reads: [...l.reads], writes: [...l.writes], memWrites: [...l.memWrites].map((m) => mems.indexOf(m)), memReads: l.memReads })),
    };
    remember(full, entry);
    learnStore()?.set(full, JSON.stringify(entry));
  }
  return { learned, reused: false };
}

function describeDriver(nl: { procs: readonly ProcInfo[] }, d: number, slotName: string): string {
  if (d === DRV_REG) return `register '${slotName}'`;
  if (d === DRV_INPUT) return `top-level input '${slotName}' (driven by poke)`;
  if (d === DRV_TIE) return `a tie() constant`;
  return `comb process '${nl.procs[d]!.path}'`;
}

export function elaborate(top: Module, options: ElaborateOptions = {}): Netlist {
  const topName = options.name ?? 'top';
  const flat = flatten(top, topName);
  const n = flat.nslots;
  const { members } = flat;
  const nameOf = (slot: number): string => {
    const m = members[slot]!;
    return m.length === 1 ? m[0]!.path : `${m[0]!.path} (= ${m.slice(1).map((s) => s.path).join(', ')})`;
  };

  const slotWidth = new Uint8Array(n);
  const slotMask = new Int32Array(n);
  const isReg = new Uint8Array(n);
  const driver = new Int32Array(n).fill(DRV_NONE);
  const regOwner: (Module | null)[] = new Array<Module | null>(n).fill(null);
  const topInputs = new Set<number>();
  for (let slot = 0; slot < n; slot++) {
    const m = members[slot]!;
    slotWidth[slot] = m[0]!.width;
    slotMask[slot] = m[0]!.mask;
    const regs = m.filter((s) => s.kind === 'reg');
    if (regs.length > 1) {
      throw new ElaborationError(`signal '${nameOf(slot)}' has two drivers: registers '${regs[0]!.path}' and '${regs[1]!.path}'`);
    }
    if (regs.length === 1) {
      isReg[slot] = 1;
      driver[slot] = DRV_REG;
      regOwner[slot] = regs[0]!.owner;
    }
    const topIn = m.find((s) => s.kind === 'input' && s.owner === top);
    if (topIn !== undefined) {
      if (driver[slot] !== DRV_NONE) {
        throw new ElaborationError(`signal '${nameOf(slot)}' has two drivers: top-level input '${topIn.path}' and ${describeDriver({ procs: [] }, driver[slot]!, nameOf(slot))}`);
      }
      driver[slot] = DRV_INPUT;
      topInputs.add(slot);
    }
  }
  for (const s of flat.signals) {
    s.i = flat.slotOf.get(s)!;
  }

  const ties: { slot: number; value: number }[] = [];
  for (const m of flat.modules) {
    for (const t of m.__decl.ties) {
      const slot = flat.slotOf.get(t.s);
      if (slot === undefined) throw new ElaborationError(`tie in '${m.path}': '${t.s.label()}' is not part of the design`);
      const max = t.s.width === 32 ? 0xffffffff : 2 ** t.s.width - 1;
      if (!Number.isInteger(t.value) || t.value < 0 || t.value > max) {
        throw new ElaborationError(`tie in '${m.path}': value ${t.value} does not fit in '${t.s.path}' (${t.s.width} bit(s))`);
      }
      if (driver[slot] !== DRV_NONE) {
        throw new ElaborationError(`signal '${nameOf(slot)}' has two drivers: a tie() in '${m.path}' and ${describeDriver({ procs: [] }, driver[slot]!, nameOf(slot))}`);
      }
      driver[slot] = DRV_TIE;
      ties.push({ slot, value: t.value });
    }
  }

  // Processes, in hierarchy order.
  const procs: ProcInfo[] = [];
  const declaredReads: number[][] = [];
  const declaredDrives: (number[] | null)[] = [];
  const declared: boolean[] = [];
  for (const m of flat.modules) {
    for (const p of m.__decl.procs) {
      procs.push({
        idx: procs.length,
        kind: p.kind,
        path: `${m.path}.${p.name}`,
        fn: p.fn,
        module: m,
        domain: flat.moduleDomain.get(m)!,
        reads: [],
        writes: [],
        memWrites: [],
        memReads: false,
        stable: p.stable,
        guards: new Map(),
      });
      const slotsOf = (list: readonly SignalImpl[], what: string): number[] =>
        list.map((s) => {
          const slot = flat.slotOf.get(s);
          if (slot === undefined) throw new ElaborationError(`process '${m.path}.${p.name}' declares ${what} '${s.label()}', which is not part of the design`);
          return slot;
        });
      const info = procs[procs.length - 1]!;
      const reads = slotsOf(p.reads, 'a read of');
      for (const g of p.guarded) {
        const when = slotsOf(g.when, 'a guard');
        for (const slot of slotsOf(g.reads, 'a guarded read of')) {
          if (when.includes(slot)) throw new ElaborationError(`process '${info.path}' guards its read of '${nameOf(slot)}' by itself`);
          const list = info.guards.get(slot) ?? [];
          for (const w of when) if (!list.includes(w)) list.push(w);
          info.guards.set(slot, list);
          reads.push(slot);
        }
        reads.push(...when);
      }
      for (const [slot, when] of info.guards) {
        for (const w of when) {
          if (info.guards.has(w)) throw new ElaborationError(`process '${info.path}': '${nameOf(w)}' is a guard of '${nameOf(slot)}' and guarded itself`);
        }
      }
      declaredReads.push(reads);
      declaredDrives.push(p.drives === null ? null : slotsOf(p.drives, 'that it drives'));
      declared.push(p.declared);
    }
  }

  const { learned, reused } = learnOrReuse(
    {
      flat,
      isReg,
      procs: procs.map((p, k) => ({ kind: p.kind, path: p.path, fn: p.fn, declared: declared[k]! })),
      trials: options.learnTrials ?? 128,
      seed: options.seed ?? 1,
    },
    options.learnKey,
    () => designShape(flat, slotWidth, procs),
  );
  procs.forEach((p, k) => {
    const l = learned[k]!;
    const dd = declaredDrives[k]!;
    if (dd !== null) {
      for (const slot of dd) {
        if (p.kind === 'comb' && isReg[slot]) throw new ElaborationError(`comb process '${p.path}' declares that it drives register '${nameOf(slot)}': registers are assigned only in seq processes`);
        if (p.kind === 'seq' && !isReg[slot]) throw new ElaborationError(`seq process '${p.path}' declares that it assigns '${nameOf(slot)}', which is not a register`);
        l.writes.add(slot);
      }
    }
    if (l.violation !== null) throw new ElaborationError(l.violation);
    for (const r of declaredReads[k]!) l.reads.add(r);
    p.reads = [...l.reads].sort((a, b) => a - b);
    p.writes = [...l.writes].sort((a, b) => a - b);
    p.memWrites = [...l.memWrites];
    p.memReads = l.memReads;
  });

  // Drivers: one per net.
  const regWriter = new Int32Array(n).fill(-1);
  for (const p of procs) {
    for (const slot of p.writes) {
      if (p.kind === 'comb') {
        const d = driver[slot]!;
        if (d !== DRV_NONE) {
          throw new ElaborationError(`signal '${nameOf(slot)}' has two drivers: ${describeDriver({ procs }, d, nameOf(slot))} and comb process '${p.path}'`);
        }
        driver[slot] = p.idx;
      } else {
        const w = regWriter[slot]!;
        if (w >= 0) {
          throw new ElaborationError(`register '${nameOf(slot)}' has two drivers: seq processes '${procs[w]!.path}' and '${p.path}'`);
        }
        regWriter[slot] = p.idx;
        const owner = regOwner[slot]!;
        const od = flat.moduleDomain.get(owner)!;
        if (od !== p.domain) {
          throw new ElaborationError(
            `seq process '${p.path}' assigns register '${nameOf(slot)}' of another clock domain (gated at '${flat.domains[od]!.path}' vs '${flat.domains[p.domain]!.path}')`,
          );
        }
      }
    }
    for (const mem of p.memWrites) {
      const od = flat.moduleDomain.get(mem.owner)!;
      if (od !== p.domain) {
        throw new ElaborationError(`seq process '${p.path}' writes memory '${mem.path}' of another clock domain`);
      }
    }
  }

  // Undriven nets: an input nobody connected, or a wire some process reads.
  for (let slot = 0; slot < n; slot++) {
    if (driver[slot] !== DRV_NONE) continue;
    const inp = members[slot]!.find((s) => s.kind === 'input');
    if (inp !== undefined) {
      throw new ElaborationError(`input '${inp.path}' is not connected (connect it to a signal, or tie() it to a constant)`);
    }
  }
  for (const p of procs) {
    for (const slot of p.reads) {
      if (driver[slot] === DRV_NONE) {
        throw new ElaborationError(`signal '${nameOf(slot)}' is read by ${p.kind} process '${p.path}' but nothing drives it`);
      }
    }
  }
  for (const d of flat.domains) {
    if (d.id !== 0 && driver[d.en] === DRV_NONE) {
      throw new ElaborationError(`clock enable '${nameOf(d.en)}' of '${d.path}' is not driven`);
    }
  }

  const combOrder = levelize(procs, driver, nameOf);

  const regList: number[] = [];
  for (let slot = 0; slot < n; slot++) if (isReg[slot]) regList.push(slot);
  const regSlots = Int32Array.from(regList);
  const regReset = Uint32Array.from(regList.map((slot) => members[slot]!.find((s) => s.kind === 'reg')!.reset));
  const regDomain = Int32Array.from(regList.map((slot) => flat.moduleDomain.get(regOwner[slot]!)!));

  const designSignals = new Set(flat.signals);
  const probes: NetProbe[] = [];
  for (const m of flat.modules) {
    for (const pr of m.__decl.probes) {
      const path = `${m.path}.${pr.name}`;
      let reads: number[] | null = null;
      if (pr.reads !== null) {
        reads = [];
        for (const s of pr.reads) {
          if (!designSignals.has(s)) throw new ElaborationError(`probe '${path}' declares a read of '${s.label()}', which is not a signal of this design`);
          if (!reads.includes(s.i)) reads.push(s.i);
        }
      }
      probes.push({ path, get: pr.get, reads });
    }
  }

  return {
    top,
    nslots: n,
    slotWidth,
    slotMask,
    slotName: members.map((m) => m[0]!.path),
    members,
    signals: flat.signals,
    memories: flat.memories,
    memDomain: Int32Array.from(flat.memories.map((m) => flat.moduleDomain.get(m.owner)!)),
    modules: flat.modules,
    regSlots,
    regReset,
    regDomain,
    isReg,
    ties,
    topInputs,
    procs,
    combOrder,
    seqProcs: Int32Array.from(procs.filter((p) => p.kind === 'seq').map((p) => p.idx)),
    domains: flat.domains,
    driver,
    probes,
    learnedHere: !reused,
  };
}
