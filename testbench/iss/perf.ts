// Performance counters. An ISS has no cycles: every instruction takes one step, so the "cycle" event counts
// steps (instructions, including ones that trap) and stall events (load-use, jalr, imiss, elw) never fire.
// Functional events (instructions, loads, stores, jumps, branches, taken branches, compressed) are exact.
// A counter written by an instruction is not also incremented by that instruction (RTL: the CSR write has
// priority over the increment in the same cycle). Reads return the count before the reading instruction.

/** What one executed instruction contributes to the event counters. */
export interface InstrEvents {
  /** The instruction trapped (illegal, ecall, ebreak): it does not retire. */
  trapped: boolean;
  /**
   * The core's "instructions" event fires for it. RI5CY does not count the instructions its controller handles
   * with a pipeline flush instead of a normal ID exit (measured: fence, fence.i, mret; see versions.ts).
   */
  counted: boolean;
  compressed: boolean;
  /** Data-memory transactions: a misaligned access that crosses a word boundary is two (RTL LSU splits it). */
  loads: number;
  stores: number;
  jump: boolean;
  branch: boolean;
  taken: boolean;
}

/**
 * RI5CY events, PCER bit = PCCR index (fact sheet §5.2, RTL riscv_cs_registers.sv PCCR_in): 0 cycles,
 * 1 instructions, 2 load-use, 3 jalr stall, 4 imiss, 5 loads, 6 stores, 7 jumps, 8 branches, 9 taken, 10 RVC,
 * 11 elw stall (v3.4.0; v1.0: first external counter), then the external counters (tied to 0 in this system).
 */
export function ri5cyEventMask(e: InstrEvents): (index: number) => number {
  return (i) => {
    switch (i) {
      case 0:
        return 1;
      case 1:
        return e.trapped || !e.counted ? 0 : 1;
      case 5:
        return e.loads;
      case 6:
        return e.stores;
      case 7:
        return e.jump ? 1 : 0;
      case 8:
        return e.branch ? 1 : 0;
      case 9:
        return e.taken ? 1 : 0;
      case 10:
        return !e.trapped && e.compressed ? 1 : 0;
      default:
        return 0;
    }
  };
}

/** N_PERF_COUNTERS = 12 + N_EXT_PERF_COUNTERS (5) in the RTL simulation build: one counter per event. */
export const RI5CY_PERF_COUNTERS = 17;

export class Ri5cyPerf {
  readonly pccr = new Uint32Array(RI5CY_PERF_COUNTERS);
  /** Event enable mask, reset 0. */
  pcer = 0;
  /** Bit 0 global enable, bit 1 saturate; reset 0b11 (RTL `PCMR_q <= 2'h3`). */
  pcmr = 3;

  /** Enables as they were before the current instruction (its own PCER/PCMR write takes effect after it). */
  private pcerBefore = 0;
  private pcmrBefore = 3;

  begin(): void {
    this.pcerBefore = this.pcer;
    this.pcmrBefore = this.pcmr;
  }

  count(e: InstrEvents, written: Set<number>): void {
    if ((this.pcmrBefore & 1) === 0) return;
    const ev = ri5cyEventMask(e);
    for (let i = 0; i < RI5CY_PERF_COUNTERS; i++) {
      if (((this.pcerBefore >>> i) & 1) === 0 || written.has(i)) continue;
      const n = ev(i);
      for (let k = 0; k < n; k++) {
        if (this.pccr[i] === 0xffffffff && (this.pcmr & 2) !== 0) break;
        this.pccr[i] = (this.pccr[i]! + 1) >>> 0;
      }
    }
  }
}

/**
 * CV32E40P: mcycle (counter 0), minstret (counter 2), mhpmcounter3 with the event mask in mhpmevent3
 * (NUM_MHPMCOUNTERS=1); 64 bits each; mcountinhibit bits 0, 2, 3 reset to 1 (RTL `mcountinhibit_q <= 'b1`).
 * Event bits (fact sheet §5.2): 0 cycles, 1 instructions, 2 load-use, 3 jalr stall, 4 imiss, 5 loads,
 * 6 stores, 7 jumps, 8 branches, 9 taken, 10 compressed, 11 elw stall.
 */
export class Cv32e40pPerf {
  /** Indexed 0 (mcycle), 2 (minstret), 3 (mhpmcounter3); the others do not exist. */
  readonly counter = [0n, 0n, 0n, 0n];
  mhpmevent3 = 0;
  mcountinhibit = 0b1101;
  private inhibitBefore = 0b1101;

  begin(): void {
    this.inhibitBefore = this.mcountinhibit;
  }

  static readonly implemented = new Set([0, 2, 3]);

  count(e: InstrEvents, written: Set<number>): void {
    const bits =
      1 |
      (e.trapped || !e.counted ? 0 : 2) |
      (e.loads > 0 ? 1 << 5 : 0) |
      (e.stores > 0 ? 1 << 6 : 0) |
      (e.jump ? 1 << 7 : 0) |
      (e.branch ? 1 << 8 : 0) |
      (e.taken ? 1 << 9 : 0) |
      (!e.trapped && e.compressed ? 1 << 10 : 0);
    const inc = (i: number, on: boolean): void => {
      if (!on || written.has(i) || ((this.inhibitBefore >>> i) & 1) !== 0) return;
      this.counter[i] = (this.counter[i]! + 1n) & 0xffff_ffff_ffff_ffffn;
    };
    inc(0, true);
    inc(2, (bits & 2) !== 0);
    inc(3, (bits & this.mhpmevent3) !== 0);
  }
}
