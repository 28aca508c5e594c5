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
  }

  /** Comb (and skippable seq) processes reading `slot`, but for its guarded readers. */
  readers(slot: number): Int32Array {
    return this.R.subarray(this.RO[slot]!, this.RO[slot + 1]!);
  }

  /** A slot changed outside the generated code (poke). */
  touch(slot: number): void {
    for (let j = this.RO[slot]!; j < this.RO[slot + 1]!; j++) this.F[this.R[j]!] = 1;
    const g = this.guarded.get(slot);
    if (g !== undefined) for (const r of g) this.F[r.proc] = 1;
  }

  /** Every value may have changed (reset). */
  touchAll(): void {
    this.F.fill(1);
  }
}
