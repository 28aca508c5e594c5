// Activity-based evaluation for the generated-code back-end (on by default; off with SimulatorOptions.activity
// false or PULPSIM_ACTIVITY=0): a comb process runs only when something it reads changed since its last run. A
// comb process is a function of the signals it reads (the interpreter checks this every cycle), so skipping it
// when none of them changed leaves exactly the values a full evaluation computes. Values change at a few places
// only, all of which the engine sees: the commit (register S != N), a comb process's outputs after it runs
// (compared with a shadow copy), `poke` and `reset`. Each change sets the dirty flag of every comb process that
// reads the slot.
//
// Contract: the read sets must be complete. Learning can miss a read on a path no trial took; without activity
// such a read is harmless when in schedule order, with activity it would let the process be skipped on a stale
// input. Run the design on the interpreter with `strictReads` to have every such read reported (then declare it:
// `comb(name, fn, { reads: [...] })`). A per-read test in the generated code would make the contract
// unnecessary, but measured on the cluster it costs more (~25% per evaluated process) than skipping saves.
// Seq processes run when their clock is enabled: the RTL semantics, and testbench monitors written as seq
// processes may count cycles in JavaScript. A seq process declared `stable` (a function of the slots it reads,
// ProcOptions.stable) is skipped too when none of its reads changed since its last run, and so are the commits
// of its registers: rerun, it would assign each register the value the last commit gave it. An idle block's
// pipeline or queue then costs nothing per cycle. Comb processes reading memories (contents are not slots, and
// testbenches load memories directly) always run, and so do `stable` seq processes touching a memory.
// A guarded read (ProcOptions.guarded: the process reads the slot only while one of its guards is non-zero) makes
// its reader due only if a guard is non-zero when the slot changes. Exact: the guards are reads of the process
// too, so a guard that changes makes it due by itself; a guard that stays zero means the process would not read
// the slot; one that stays non-zero is non-zero whether the test sees its old or its new value (the test may run
// before the guard's driver in the same evaluation).
//
// Groups: the comb processes of one block of the top (a child of the top module and everything below it) that
// contains a clock gate form a group, when at least two of them are next to each other in the evaluation order. A
// group has a summary flag W, set with the dirty flag of any of its processes; the generated code tests each run of
// the group's neighbouring processes behind one test of W, and clears W after the group's last process in the
// order. A sleeping block (a clock-gated core with its demux) then costs one test per run instead of one per
// process: in the 8-core cluster with 7 cores asleep, about 100 tests per evaluation instead of 360. Blocks
// without a clock gate stay ungrouped (a group of processes that are busy every cycle would only add its tests:
// the single-core system has none). Exact by construction: a process's flag is set only by a change of a slot it
// reads, which happens at a commit, a poke, a reset, or after its driver ran, and its drivers come before it in
// the order; so once the evaluation is past a group's last process, none of the group's flags is set (each was
// cleared when it ran), and until then each set flag has W set with it.
import type { Netlist } from './netlist.ts';

export class Activity {
  /** Per process: must run at its next evaluation. */
  readonly F: Uint8Array;
  /** Per process: always run (a comb process reading memories). */
  readonly A: Uint8Array;
  /** Per process: a seq process skipped while its reads are stable (and its registers' commits with it). */
  readonly skips: Uint8Array;
  /** Per slot, the comb (and skippable seq) processes reading it: R[RO[slot] .. RO[slot + 1]). */
  readonly RO: Int32Array;
  readonly R: Int32Array;
  /** Per slot, its guarded readers and their guards (ProcOptions.guarded); not in R. */
  readonly guarded: Map<number, { proc: number; when: readonly number[] }[]>;
  /** Per process, its group (-1: none; only comb processes that clear their flags are in one). */
  readonly group: Int32Array;
  /** Per group, its summary flag: one of its processes may be due. */
  readonly W: Uint8Array;

  constructor(nl: Netlist) {
    const n = nl.nslots;
    const np = nl.procs.length;
    this.F = new Uint8Array(np).fill(1);
    this.A = new Uint8Array(np);
    this.skips = new Uint8Array(np);
    for (const p of nl.procs) if (p.kind === 'seq' && p.stable && !p.memReads && p.memWrites.length === 0) this.skips[p.idx] = 1;
    // The processes a slot's change makes dirty: every comb process reading it, and the skippable seq ones.
    const comb = nl.procs.filter((p) => p.kind === 'comb' || this.skips[p.idx] === 1);
    const count = new Int32Array(n);
    this.guarded = new Map();
    for (const p of comb) {
      if (p.memReads) this.A[p.idx] = 1;
      for (const s of p.reads) {
        const when = p.guards.get(s);
        if (when === undefined) count[s]!++;
        else {
          const list = this.guarded.get(s) ?? [];
          list.push({ proc: p.idx, when });
          this.guarded.set(s, list);
        }
      }
    }
    this.RO = new Int32Array(n + 1);
    for (let s = 0; s < n; s++) this.RO[s + 1] = this.RO[s]! + count[s]!;
    this.R = new Int32Array(this.RO[n]!);
    const fill = this.RO.slice(0, n);
    for (const p of comb) for (const s of p.reads) if (!p.guards.has(s)) this.R[fill[s]!++] = p.idx;

    // Groups: per block of the top containing a clock gate, its comb processes, when two of them are neighbours in
    // the order.
    this.group = new Int32Array(np).fill(-1);
    const top = nl.top.path;
    const blockOf = new Map<string, number>();
    for (const d of nl.domains) {
      if (d.id === 0) continue;
      const block = `${top}.${d.path.slice(top.length + 1).split('.')[0]!}`;
      if (!blockOf.has(block)) blockOf.set(block, blockOf.size);
    }
    const key = (k: number): number => {
      const p = nl.procs[k]!;
      if (p.kind !== 'comb' || this.A[k] === 1 || p.module === nl.top) return -1;
      return blockOf.get(`${top}.${p.module.path.slice(top.length + 1).split('.')[0]!}`) ?? -1;
    };
    const paired = new Set<number>();
    for (let j = 1; j < nl.combOrder.length; j++) {
      const b = key(nl.combOrder[j]!);
      if (b >= 0 && b === key(nl.combOrder[j - 1]!)) paired.add(b);
    }
    const ids = new Map([...paired].sort((a, b) => a - b).map((b, g) => [b, g]));
    for (const k of nl.combOrder) this.group[k] = ids.get(key(k)) ?? -1;
    this.W = new Uint8Array(ids.size).fill(1);
  }

  /** Comb (and skippable seq) processes reading `slot`, but for its guarded readers. */
  readers(slot: number): Int32Array {
    return this.R.subarray(this.RO[slot]!, this.RO[slot + 1]!);
  }

  /** A slot changed outside the generated code (poke). */
  touch(slot: number): void {
    for (let j = this.RO[slot]!; j < this.RO[slot + 1]!; j++) this.due(this.R[j]!);
    const g = this.guarded.get(slot);
    if (g !== undefined) for (const r of g) this.due(r.proc);
  }

  private due(k: number): void {
    this.F[k] = 1;
    const g = this.group[k]!;
    if (g >= 0) this.W[g] = 1;
  }

  /** Every value may have changed (reset). */
  touchAll(): void {
    this.F.fill(1);
    this.W.fill(1);
  }
}
