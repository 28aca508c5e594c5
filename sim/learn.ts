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
import type { Flat } from './flatten.ts';
import type { MemoryImpl } from './memory.ts';
import type { ProcKind } from './module.ts';
import type { Access, SignalImpl, Value } from './signal.ts';

export interface LearnedProc {
  reads: Set<number>;
  writes: Set<number>;
  memWrites: Set<MemoryImpl>;
  /** First rule broken, as a message (comb assigning a register, seq driving a wire, ...). */
  violation: string | null;
}

export interface LearnInput {
  flat: Flat;
  isReg: Uint8Array;
  procs: readonly { kind: ProcKind; path: string; fn: () => void }[];
  trials: number;
  seed: number;
}

class Learner implements Access {
  /** The trial's valuation (what every read sees); S is what processes drive, N what they assign. */
  T: Uint32Array;
  S: Uint32Array;
  N: Uint32Array;
  stamp: Int32Array;
  run = 0;
  localsFromValuation = false;
  cur!: LearnedProc;
  curKind: ProcKind = 'comb';
  curPath = '';
  rng: number;

  constructor(n: number, readonly isReg: Uint8Array, seed: number) {
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

  violate(msg: string): void {
    if (this.cur.violation === null) this.cur.violation = msg;
  }

  rd(s: SignalImpl): number {
    const slot = s.i;
    // A comb process reading what it already drove in this run uses it as a local: no dependency.
    if (this.curKind === 'comb' && this.stamp[slot] === this.run) {
      return this.localsFromValuation ? this.T[slot]! : this.S[slot]!;
    }
    this.cur.reads.add(slot);
    return this.T[slot]!;
  }
  wr(s: SignalImpl, x: Value): void {
    const slot = s.i;
    if (this.curKind === 'seq') {
      this.violate(`seq process '${this.curPath}' drives '${s.path}' with '.v =': seq processes only assign registers' '.next'`);
      return;
    }
    if (this.isReg[slot]) {
      this.violate(`comb process '${this.curPath}' writes register '${s.path}': registers are assigned only in seq processes`);
      return;
    }
    this.cur.writes.add(slot);
    this.stamp[slot] = this.run;
    this.S[slot] = (x as number) & s.mask;
  }
  wrNext(s: SignalImpl, x: Value): void {
    const slot = s.i;
    if (this.curKind === 'comb') {
      this.violate(`comb process '${this.curPath}' writes register '${s.path}': registers are assigned only in seq processes`);
      return;
    }
    if (!this.isReg[slot]) {
      this.violate(`seq process '${this.curPath}' assigns '.next' of '${s.path}', which is not a register`);
      return;
    }
    this.cur.writes.add(slot);
    this.N[slot] = (x as number) & s.mask;
  }
  memRd(m: MemoryImpl, _addr: number): number {
    return this.rand() & m.mask;
  }
  memWr(m: MemoryImpl): void {
    if (this.curKind === 'comb') {
      this.violate(`comb process '${this.curPath}' writes memory '${m.path}': memories are written only in seq processes`);
      return;
    }
    this.cur.memWrites.add(m);
  }
}

export function learn(inp: LearnInput): LearnedProc[] {
  const { flat, trials } = inp;
  const n = flat.nslots;
  const L = new Learner(n, inp.isReg, inp.seed);
  for (const s of flat.signals) {
    s.S = L.S;
    s.N = L.N;
    s.acc = L;
  }
  for (const m of flat.memories) m.acc = L;

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
      }
      else {
        const r = L.rand();
        const pick = r & 7;
        v = pick < 2 ? r >>> 28 : pick === 2 ? c - 1 - (r >>> 30) : L.rand();
        if (width[slot]! < 32) v = v % c;
      }
      L.T[slot] = v >>> 0;
    }
  };

  const out: LearnedProc[] = inp.procs.map(() => ({ reads: new Set(), writes: new Set(), memWrites: new Set(), violation: null }));
  for (let t = 0; t < trials; t++) {
    fill(t);
    L.localsFromValuation = t % 2 === 1;
    inp.procs.forEach((p, k) => {
      L.cur = out[k]!;
      L.curKind = p.kind;
      L.curPath = p.path;
      L.run++;
      try {
        p.fn();
      } catch {
        // Random inputs may drive a process into states the design never reaches; the accesses made
        // before the exception still count.
      }
    });
  }
  return out;
}
