// The interpreter back-end: every signal access of every process goes through `Interp`'s checks, so the
// design's assumptions are verified each cycle and a violation names the process and the signal:
//  - every read of a comb process is checked against the read set the schedule was built from. A read
//    outside it whose driver has not run yet this cycle (the learning phase never saw it, so the schedule
//    could not order it) -> SimulationError; the fix is a declared read (`comb(name, fn, { reads: [...] })`).
//    A read outside it that is nevertheless in order (a register, an input, a signal driven earlier in the
//    schedule) is harmless: the generated code computes the same value. It is added to the process's read
//    set and counted in `unlearnedReads`, and the run goes on; this is the documented choice (no re-levelizing).
//    With `strictReads` it is an error too: activity-based evaluation (activity.ts) relies on complete read sets.
//    So is, with `strictReads`, a read of a `stable` seq process outside its learned set (activity.ts skips such a
//    process while its reads are stable).
//    With `strictReads` a string probe that declared its reads may read nothing else (wave writers call it only
//    when a declared read changed).
//    `strictReads` may instead be a function: each such read (comb or stable seq) is handed to it once per
//    process and signal, added to the read set, and the run goes on (a sweep collects every gap in one run).
//    With `strictReads`, a guarded read (ProcOptions.guarded) made while every one of its guards is zero is
//    refused (or handed to the function) too: activity-based evaluation does not re-run the process for it.
//  - comb processes hold no state: after each settle every comb process is evaluated a second time on the
//    settled values, and a process that then drives a different value (hidden JavaScript state, a random
//    number, an unordered read) is reported;
//  - a comb process drives a signal it did not drive while learning, or fails to drive one it did (a
//    latch: comb processes must assign every signal they drive on every path);
//  - a value that does not fit its signal (integers 0..2^w-1; 32-bit signals also accept int32 results);
//  - seq processes driving wires, comb processes assigning registers or writing memories, writes from
//    settled hooks, memory addresses out of range, more memory writes per cycle than write ports.
import { SimulationError } from './errors.ts';
import type { Backend } from './backend.ts';
import { MemoryImpl } from './memory.ts';
import { DRV_INPUT, DRV_REG, DRV_TIE, type Netlist, type ProcInfo } from './netlist.ts';
import { SignalImpl, type Access, type Value } from './signal.ts';

const IDLE = 0;
const COMB = 1;
const SEQ = 2;
const HOOK = 3;

function fits(x: Value, width: number): boolean {
  if (typeof x === 'boolean') return true;
  if (!Number.isInteger(x)) return false;
  if (width === 32) return x >= -0x80000000 && x <= 0xffffffff;
  return x >= 0 && x < 2 ** width;
}

/** A read outside a process's read set, as a `strictReads` function receives it. */
export interface ReadViolation {
  kind: 'comb' | 'seq';
  process: string;
  signal: string;
  message: string;
}
export type StrictReads = boolean | ((v: ReadViolation) => void);

export class Interp implements Access, Backend {
  private mode = IDLE;
  private cur: ProcInfo | null = null;
  private pos = 0;
  private run = 0;
  private readonly wstamp: Int32Array;
  /** Position in the comb order of each slot's driver; -1 for registers, inputs, ties. */
  private readonly prodPos: Int32Array;
  private readonly regWriter: Int32Array;
  private readonly regDomainOf: Int32Array;
  private readonly memDomain: Map<MemoryImpl, number>;
  private readonly enabled: Uint8Array;
  private readonly procs: readonly ProcInfo[];
  /** Per comb process, a bitmap of the slots its schedule position accounts for. */
  private readonly readBits: Uint32Array[];
  private verifying = false;
  /** The probe whose declared reads are being checked (callProbe), if any. */
  private probe: { path: string; reads: readonly number[] } | null = null;
  /** Reads outside the learned sets that were in schedule order (harmless; see above). */
  unlearnedReads = 0;

  constructor(
    private readonly nl: Netlist,
    private readonly S: Uint32Array,
    private readonly N: Uint32Array,
    readonly strictReads: StrictReads = false,
  ) {
    this.procs = nl.procs;
    this.wstamp = new Int32Array(nl.nslots).fill(-1);
    this.prodPos = new Int32Array(nl.nslots).fill(-1);
    nl.combOrder.forEach((k, pos) => {
      for (const slot of nl.procs[k]!.writes) this.prodPos[slot] = pos;
    });
    const words = (nl.nslots + 31) >>> 5;
    this.readBits = nl.procs.map((p) => {
      const bits = new Uint32Array(p.kind === 'comb' || p.stable ? words : 0);
      for (const slot of p.reads) bits[slot >>> 5]! |= 1 << (slot & 31);
      return bits;
    });
    this.regWriter = new Int32Array(nl.nslots).fill(-1);
    this.regDomainOf = new Int32Array(nl.nslots).fill(-1);
    nl.regSlots.forEach((slot, k) => (this.regDomainOf[slot] = nl.regDomain[k]!));
    for (const p of nl.procs) if (p.kind === 'seq') for (const slot of p.writes) this.regWriter[slot] = p.idx;
    this.memDomain = new Map();
    nl.memories.forEach((m, k) => this.memDomain.set(m, nl.memDomain[k]!));
    this.enabled = new Uint8Array(nl.domains.length);
    for (const s of nl.signals) {
      Object.setPrototypeOf(s, SignalImpl.prototype);
      s.acc = this;
    }
    for (const m of nl.memories) {
      Object.setPrototypeOf(m, MemoryImpl.prototype);
      m.acc = this;
    }
  }

  private name(slot: number): string {
    return this.nl.slotName[slot]!;
  }
  private who(): string {
    const c = this.cur;
    return c === null ? 'the testbench' : `${c.kind} process '${c.path}'`;
  }
  private fail(msg: string): never {
    throw new SimulationError(msg);
  }
  /** A read outside the read set with `strictReads`: an error, or handed to the `strictReads` function. */
  private violation(kind: 'comb' | 'seq', c: ProcInfo, s: SignalImpl, why?: string): void {
    const message =
      why ??
      `${kind === 'comb' ? 'comb' : 'stable seq'} process '${c.path}' read '${s.path}', which the learning phase never saw it read (strictReads: ` +
        `activity-based evaluation would not re-run it when '${s.path}' changes); declare it with ` +
        `${kind}('${c.path.slice(c.path.lastIndexOf('.') + 1)}', fn, { ${kind === 'seq' ? 'stable: true, ' : ''}reads: [...] })`;
    if (typeof this.strictReads === 'function') this.strictReads({ kind, process: c.path, signal: s.path, message });
    else this.fail(message);
  }
  /** strictReads: a guarded read (ProcOptions.guarded) needs one of its guards non-zero. */
  private checkGuard(c: ProcInfo, s: SignalImpl, when: readonly number[]): void {
    for (const w of when) if (this.S[w] !== 0) return;
    const names = when.map((w) => `'${this.name(w)}'`).join(', ');
    this.violation(
      c.kind,
      c,
      s,
      `${c.kind} process '${c.path}' read '${s.path}' while all of its guards (${names}) were zero; it declared the read guarded, so ` +
        `activity-based evaluation does not re-run it when '${s.path}' changes then: read it only under a guard, or add the condition it ` +
        `depends on to \`when\``,
    );
  }
  private driverName(slot: number): string {
    const d = this.nl.driver[slot]!;
    if (d >= 0) return `comb process '${this.procs[d]!.path}'`;
    if (d === DRV_REG) return 'its register';
    if (d === DRV_INPUT) return 'the testbench (poke)';
    if (d === DRV_TIE) return 'a tie() constant';
    return 'nothing';
  }

  rd(s: SignalImpl): number {
    const slot = s.i;
    if (this.mode === COMB && this.wstamp[slot] !== this.run) {
      const c = this.cur!;
      const bits = this.readBits[c.idx]!;
      if (((bits[slot >>> 5]! >>> (slot & 31)) & 1) === 0) this.unlearnedRead(c, s, bits);
    } else if (this.mode === SEQ && this.strictReads && this.cur!.stable) {
      const c = this.cur!;
      const bits = this.readBits[c.idx]!;
      if (((bits[slot >>> 5]! >>> (slot & 31)) & 1) === 0) {
        this.violation('seq', c, s);
        bits[slot >>> 5]! |= 1 << (slot & 31);
      }
    } else if (this.probe !== null && !this.probe.reads.includes(slot)) {
      this.fail(
        `probe '${this.probe.path}' read '${s.path}', which is not among its declared reads (wave writers call it only ` +
          `when a declared read changes, so its text would go stale); add it to probe(name, get, { reads: [...] })`,
      );
    }
    if (this.strictReads !== false && this.cur !== null && this.mode !== HOOK) {
      const when = this.cur.guards.size === 0 ? undefined : this.cur.guards.get(slot);
      if (when !== undefined) this.checkGuard(this.cur, s, when);
    }
    return this.S[slot]!;
  }

  /** Calls a probe's `get` with every signal read checked against its declared reads (strictReads). */
  callProbe(path: string, reads: readonly number[], get: () => string): string {
    const outer = this.probe;
    this.probe = { path, reads };
    try {
      return get();
    } finally {
      this.probe = outer;
    }
  }

  private unlearnedRead(c: ProcInfo, s: SignalImpl, bits: Uint32Array): void {
    const slot = s.i;
    if (this.prodPos[slot]! >= this.pos) {
      if (this.nl.driver[slot] === c.idx) {
        this.fail(`comb process '${c.path}' reads '${s.path}' before driving it in the same run (a combinational loop through its own output)`);
      }
      this.fail(
        `comb process '${c.path}' read '${s.path}' before its driver ${this.driverName(slot)} ran this cycle: ` +
          `the learning phase never saw this read, so the schedule could not order it; declare it with ` +
          `comb('${c.path.slice(c.path.lastIndexOf('.') + 1)}', fn, { reads: [...] })`,
      );
    }
    if (this.strictReads !== false) {
      this.violation('comb', c, s);
    }
    bits[slot >>> 5]! |= 1 << (slot & 31);
    c.reads.push(slot);
    this.unlearnedReads++;
  }

  wr(s: SignalImpl, x: Value): void {
    const slot = s.i;
    const mode = this.mode;
    if (mode !== COMB) {
      if (mode === SEQ) this.fail(`seq process '${this.cur!.path}' drives '${s.path}' with '.v =': seq processes only assign registers' '.next'`);
      if (mode === HOOK) this.fail(`settled hooks are read-only, but one wrote '${s.path}'`);
      this.fail(`'${s.path}' was written outside a process; use Simulator.poke() for top-level inputs`);
    }
    const c = this.cur!;
    if (this.nl.driver[slot] !== c.idx) {
      if (this.nl.isReg[slot]) this.fail(`comb process '${c.path}' writes register '${s.path}': registers are assigned only in seq processes`);
      this.fail(
        `comb process '${c.path}' drives '${s.path}', which the schedule does not know it drives (its driver is ${this.driverName(slot)}); ` +
          `a comb process must drive the same signals on every run`,
      );
    }
    if (!fits(x, s.width)) this.fail(`comb process '${c.path}' drove ${String(x)} into '${s.path}' (${s.width} bit(s)): the value is wider than the signal`);
    this.wstamp[slot] = this.run;
    const v = ((x === true ? 1 : x === false ? 0 : x) & s.mask) >>> 0;
    if (this.verifying && this.S[slot] !== v) {
      this.fail(
        `comb process '${c.path}' drove ${this.S[slot]} into '${s.path}', then ${v} when evaluated again on the settled ` +
          `values of the same cycle: a comb process must be a function of the signals it reads (no state kept in JavaScript variables)`,
      );
    }
    this.S[slot] = v;
  }

  wrNext(s: SignalImpl, x: Value): void {
    const slot = s.i;
    if (this.mode !== SEQ) {
      if (this.mode === COMB) this.fail(`comb process '${this.cur!.path}' writes register '${s.path}': registers are assigned only in seq processes`);
      if (this.mode === HOOK) this.fail(`settled hooks are read-only, but one assigned '${s.path}'`);
      this.fail(`'${s.path}' was assigned outside a process`);
    }
    const c = this.cur!;
    if (!this.nl.isReg[slot]) this.fail(`seq process '${c.path}' assigns '.next' of '${s.path}', which is not a register`);
    const w = this.regWriter[slot]!;
    if (w !== c.idx) {
      if (w >= 0) this.fail(`register '${s.path}' has two drivers: seq processes '${this.procs[w]!.path}' and '${c.path}'`);
      // A register the learning trials did not reach (e.g. an entry of a register file indexed by data):
      // harmless for ordering; the commit covers every register of the domain.
      if (this.regDomainOf[slot] !== c.domain) this.fail(`seq process '${c.path}' assigns register '${s.path}' of another clock domain`);
      this.regWriter[slot] = c.idx;
    }
    if (!fits(x, s.width)) this.fail(`seq process '${c.path}' assigned ${String(x)} to '${s.path}' (${s.width} bit(s)): the value is wider than the register`);
    this.N[slot] = (x as number) & s.mask;
  }

  memRd(m: MemoryImpl, addr: number): number {
    if (!Number.isInteger(addr) || addr < 0 || addr >= m.depth) {
      this.fail(`${this.who()} reads memory '${m.path}' at address ${String(addr)}, outside 0..${m.depth - 1}`);
    }
    return m.data[addr]!;
  }

  memWr(m: MemoryImpl, addr: number, data: Value, mask: number): void {
    if (this.mode !== SEQ) {
      this.fail(`${this.mode === HOOK ? 'a settled hook' : this.who()} writes memory '${m.path}': memories are written only in seq processes`);
    }
    const c = this.cur!;
    if (!Number.isInteger(addr) || addr < 0 || addr >= m.depth) {
      this.fail(`seq process '${c.path}' writes memory '${m.path}' at address ${String(addr)}, outside 0..${m.depth - 1}`);
    }
    if (!fits(data, m.width)) this.fail(`seq process '${c.path}' writes ${String(data)} to memory '${m.path}' (${m.width} bit(s)): the value is wider than a word`);
    if (this.memDomain.get(m) !== c.domain) {
      this.fail(`seq process '${c.path}' writes memory '${m.path}' of another clock domain`);
    }
    if (m.wn >= m.writePorts) m.tooManyWrites();
    m.wa[m.wn] = addr;
    m.wd[m.wn] = data as number;
    m.wm[m.wn] = mask & m.mask;
    m.wn++;
  }

  settle(): void {
    this.mode = COMB;
    try {
      this.combPass(false);
      this.combPass(true);
    } finally {
      this.mode = IDLE;
      this.cur = null;
      this.verifying = false;
    }
  }

  private combPass(verify: boolean): void {
    const order = this.nl.combOrder;
    const procs = this.procs;
    this.verifying = verify;
    {
      for (let pos = 0; pos < order.length; pos++) {
        const p = procs[order[pos]!]!;
        this.cur = p;
        this.pos = pos;
        const run = ++this.run;
        p.fn();
        const w = p.writes;
        for (let k = 0; k < w.length; k++) {
          const slot = w[k]!;
          if (this.wstamp[slot] !== run) {
            this.fail(
              `comb process '${p.path}' did not drive '${this.name(slot)}' on this run: a comb process must drive each of ` +
                `its signals on every path (assign a default first), else it would hold state like a latch`,
            );
          }
        }
      }
    }
  }

  clock(): void {
    const nl = this.nl;
    const S = this.S;
    const en = this.enabled;
    const doms = nl.domains;
    en[0] = 1;
    for (let d = 1; d < doms.length; d++) {
      const dom = doms[d]!;
      en[d] = en[dom.parent]! !== 0 && S[dom.en]! !== 0 ? 1 : 0;
    }
    const seq = nl.seqProcs;
    this.mode = SEQ;
    try {
      for (let k = 0; k < seq.length; k++) {
        const p = this.procs[seq[k]!]!;
        if (en[p.domain] === 0) continue;
        this.cur = p;
        p.fn();
      }
    } finally {
      this.mode = IDLE;
      this.cur = null;
    }
    const regs = nl.regSlots;
    const rd = nl.regDomain;
    const N = this.N;
    for (let k = 0; k < regs.length; k++) {
      if (en[rd[k]!] !== 0) {
        const slot = regs[k]!;
        S[slot] = N[slot]!;
      }
    }
    const mems = nl.memories;
    for (let k = 0; k < mems.length; k++) {
      const m = mems[k]!;
      if (m.wn !== 0) m.flush();
    }
  }

  touch(_slot: number): void {}
  touchAll(): void {}
  enterHooks(): void {
    this.mode = HOOK;
  }
  leaveHooks(): void {
    this.mode = IDLE;
  }
}
