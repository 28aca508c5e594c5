// Learning phase: find each process's reads and writes by running it, with every access instrumented, over
// a set of input valuations. Every process of a trial sees the same valuation of the signals it reads (not
// values computed by other processes, which could be constant and hide a branch). Trial 0 uses reset
// values, trial 1 all-ones; later trials walk every value of narrow signals (in blocks of 2^w trials, each
// block with a random phase, so 128 trials visit all values of any signal of <= 6 bits and of any enum of
// <= 126 states) and random values, biased to small numbers, for wide ones. In odd trials a comb process
// reading back a signal it drove earlier in the same run gets the valuation's value instead of its own, so
// selects computed inside the process also take both ways. Reads that only happen on paths no trial
// reaches can be declared (`reads` option); the interpreter checks at run time that nothing the schedule
// relies on was missed (see interp.ts).
//
// The learning accessors are a class of their own (LearnSignal) whose code is self-contained: a process's
// `sig.v` sites keep the feedback of every class they saw, and V8 inlines each of them there. A learning
// path that called into a checker object would be inlined into every process too and slow down the
// generated code afterwards (measured: ~1.5x on the bench design). Making these accessors tiny instead does
// not pay either: delegating to plain functions, V8 inlines those behind them (the getter's own optimised code
// already holds them); delegating through proxies, which it never inlines, left the cluster no faster and the
// single core ~9% slower (CPU seconds, alternating runs), the freed budget going to other call sites.
import type { Flat } from './flatten.ts';
import { MemoryImpl } from './memory.ts';
import type { ProcKind } from './module.ts';
import { SignalImpl, type Value } from './signal.ts';

export interface LearnedProc {
  reads: Set<number>;
  writes: Set<number>;
  memWrites: Set<MemoryImpl>;
  /** Reads some memory (its output then depends on memory contents, which no slot shows). */
  memReads: boolean;
  /** First rule broken, as a message (comb assigning a register, seq driving a wire, ...). */
  violation: string | null;
}

export interface LearnInput {
  flat: Flat;
  isReg: Uint8Array;
  procs: readonly { kind: ProcKind; path: string; fn: () => void; declared: boolean }[];
  trials: number;
  seed: number;
}

/** State of the learning run in progress (one at a time: elaboration is synchronous). */
class LearnState {
  /** The trial's valuation (what every read sees); S is what comb processes drive, N what seq assign. */
  T: Uint32Array;
  S: Uint32Array;
  N: Uint32Array;
  stamp: Int32Array;
  run = 0;
  comb = true;
  localsFromValuation = false;
  /** Slots read / driven / assigned by the current run; a count past the end means overflow. */
  rlog = new Int32Array(1024);
  rn = 0;
  wlog = new Int32Array(256);
  wn = 0;
  mems: MemoryImpl[] = [];
  memRead = false;
  violation: string | null = null;
  path = '';
  rng: number;

  constructor(
    n: number,
    readonly isReg: Uint8Array,
    seed: number,
  ) {
    this.T = new Uint32Array(n);
    this.S = new Uint32Array(n);
    this.N = new Uint32Array(n);
    this.stamp = new Int32Array(n);
    this.rng = seed >>> 0 || 1;
  }

  rand(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng;
  }
}

let LS: LearnState | null = null;

function violate(s: SignalImpl | MemoryImpl, what: 'v' | 'next' | 'mem'): void {
  const l = LS!;
  if (l.violation !== null) return;
  const who = `${l.comb ? 'comb' : 'seq'} process '${l.path}'`;
  if (what === 'mem') l.violation = `${who} writes memory '${s.path}': memories are written only in seq processes`;
  else if (l.comb) l.violation = `${who} writes register '${s.path}': registers are assigned only in seq processes`;
  else if (what === 'v') l.violation = `${who} drives '${s.path}' with '.v =': seq processes only assign registers' '.next'`;
  else l.violation = `${who} assigns '.next' of '${s.path}', which is not a register`;
}

/** Signals during learning: every access is logged in LearnState. */
export class LearnSignal extends SignalImpl {
  override get v(): number {
    const l = LS!;
    const i = this.i;
    // A comb process reading what it already drove in this run uses it as a local: no dependency.
    if (l.comb && l.stamp[i] === l.run) return l.localsFromValuation ? l.T[i]! : l.S[i]!;
    const n = l.rn;
    if (n < l.rlog.length) l.rlog[n] = i;
    l.rn = n + 1;
    return l.T[i]!;
  }
  override set v(x: Value) {
    const l = LS!;
    const i = this.i;
    if (!l.comb || l.isReg[i] === 1) {
      violate(this, 'v');
      return;
    }
    const n = l.wn;
    if (n < l.wlog.length) l.wlog[n] = i;
    l.wn = n + 1;
    l.stamp[i] = l.run;
    l.S[i] = (x === true ? 1 : x === false ? 0 : x) & this.mask;
  }
  override get next(): number {
    return LS!.N[this.i]!;
  }
  override set next(x: Value) {
    const l = LS!;
    const i = this.i;
    if (l.comb || l.isReg[i] !== 1) {
      violate(this, 'next');
      return;
    }
    const n = l.wn;
    if (n < l.wlog.length) l.wlog[n] = i;
    l.wn = n + 1;
    l.N[i] = (x === true ? 1 : x === false ? 0 : x) & this.mask;
  }
}

export class LearnMemory extends MemoryImpl {
  override read(_addr: number): number {
    const l = LS!;
    l.memRead = true;
    return (l.rand() & this.mask) >>> 0;
  }
  override write(_addr: number, _data: Value, _mask?: number): void {
    const l = LS!;
    if (l.comb) violate(this, 'mem');
    else if (!l.mems.includes(this)) l.mems.push(this);
  }
}

export function learn(inp: LearnInput): LearnedProc[] {
  const { flat, trials } = inp;
  const n = flat.nslots;
  const L = new LearnState(n, inp.isReg, inp.seed);
  for (const s of flat.signals) Object.setPrototypeOf(s, LearnSignal.prototype);
  for (const m of flat.memories) Object.setPrototypeOf(m, LearnMemory.prototype);

  // Per-slot value generator parameters.
  const width = new Uint8Array(n);
  const card = new Float64Array(n); // number of legal values (enum size or 2^w)
  const offset = new Uint32Array(n);
  const reset = new Uint32Array(n);
  for (let slot = 0; slot < n; slot++) {
    const mem = flat.members[slot]!;
    const w = mem[0]!.width;
    width[slot] = w;
    const en = mem.find((s) => s.enumNames !== null)?.enumNames ?? null;
    card[slot] = en !== null ? en.length : 2 ** w;
    const r = mem.find((s) => s.kind === 'reg');
    reset[slot] = r === undefined ? 0 : r.reset;
  }
  const fill = (t: number): void => {
    for (let slot = 0; slot < n; slot++) {
      const c = card[slot]!;
      let v: number;
      if (t === 0) v = reset[slot]!;
      else if (t === 1) v = c - 1;
      else if (c <= 256) {
        // Blocks of c trials visit every value once; a fresh random phase per block decorrelates signals.
        const idx = (t - 2) % c;
        if (idx === 0) offset[slot] = L.rand() % c;
        v = (idx + offset[slot]!) % c;
      } else {
        const r = L.rand();
        const pick = r & 7;
        v = pick < 2 ? r >>> 28 : pick === 2 ? c - 1 - (r >>> 30) : L.rand();
        if (width[slot]! < 32) v = v % c;
      }
      L.T[slot] = v >>> 0;
    }
  };

  const out: LearnedProc[] = inp.procs.map(() => ({ reads: new Set(), writes: new Set(), memWrites: new Set(), memReads: false, violation: null }));
  // Per process, a bit per slot already in its read (write) set: a run logs mostly what earlier trials did, and a
  // bit test is much cheaper than Set.add (the 8-core cluster: ~730k logged accesses, ~8k distinct).
  const words = (n + 31) >>> 5;
  const seenR = new Int32Array(inp.procs.length * words);
  const seenW = new Int32Array(inp.procs.length * words);
  const note = (seen: Int32Array, base: number, set: Set<number>, log: Int32Array, count: number): void => {
    for (let j = 0; j < count; j++) {
      const slot = log[j]!;
      const w = base + (slot >>> 5);
      const bit = 1 << (slot & 31);
      if ((seen[w]! & bit) === 0) {
        seen[w] = seen[w]! | bit;
        set.add(slot);
      }
    }
  };
  const runOnce = (p: LearnInput['procs'][number]): void => {
    L.comb = p.kind === 'comb';
    L.path = p.path;
    L.run++;
    L.rn = 0;
    L.wn = 0;
    L.mems.length = 0;
    L.memRead = false;
    try {
      p.fn();
    } catch {
      // Random inputs may drive a process into states the design never reaches; the accesses made
      // before the exception still count.
    }
  };
  LS = L;
  try {
    for (let t = 0; t < trials; t++) {
      fill(t);
      L.localsFromValuation = t % 2 === 1;
      inp.procs.forEach((p, k) => {
        if (p.declared) return;
        L.violation = null;
        runOnce(p);
        // A log overflowed: grow it and run this process again on the same valuation.
        while (L.rn > L.rlog.length || L.wn > L.wlog.length) {
          if (L.rn > L.rlog.length) L.rlog = new Int32Array(2 * L.rn);
          if (L.wn > L.wlog.length) L.wlog = new Int32Array(2 * L.wn);
          runOnce(p);
        }
        const o = out[k]!;
        note(seenR, k * words, o.reads, L.rlog, L.rn);
        note(seenW, k * words, o.writes, L.wlog, L.wn);
        for (const m of L.mems) o.memWrites.add(m);
        if (L.memRead) o.memReads = true;
        if (o.violation === null) o.violation = L.violation;
      });
    }
  } finally {
    LS = null;
  }
  return out;
}
