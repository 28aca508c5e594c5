// Per-core cycle accounting, evaluated in a settled hook (read-only, no allocation per cycle): each cycle goes to
// one class (cycle_class.ts), to the function of the instruction it belongs to (ELF symbols) and to the kernel
// phase of that instruction (phases.ts). Branches are counted when they resolve in EX, with the cycles their
// taken redirects cost.
//
// The rules, from the RTL as the core models it (fact sheet ri5cy-isa-timing §1.1, §1.3):
//  - `is_decoding & id_ready`: the instruction in ID moves on this cycle -> `instr`.
//  - `branch_taken_ex`: the branch in EX redirects fetch (taken; under core.branch=btfn a wrong guess) and kills
//    the instruction in ID -> `branch`; the branch's outcome is `branch_decision`; the cycles
//    until the target issues from ID also go to `branch` unless a stall with another cause holds them (a taken
//    branch with the target in the prefetch path costs 2 such cycles: "taken 3 cycles").
//  - a jump (jal/jalr; under core.branch=btfn also a backward branch predicted taken) leaves ID while setting the
//    PC (pc_mux JUMP): the empty ID cycles after it are `jump`.
//  - otherwise the controller's `stall_cause` names the hazard; a gated core clock is `elw` when the core sleeps
//    in a p.elw and `sleep` otherwise (not yet fetch-enabled, wfi).
// Cycles that do not belong to an instruction in ID (bubbles, waits) go to the instruction that caused them: the
// redirecting branch or jump, else the last instruction seen in ID.
import type { Core } from '../../rtl/core/core.ts';
import { CtrlState } from '../../rtl/core/controller.ts';
import { PcMux } from '../../rtl/core/if_stage.ts';
import type { Signal } from '../../sim/index.ts';
import { CC, CLASS_OF_STALL_CAUSE, CYCLE_CLASSES, NCLASSES, type CycleClass } from './cycle_class.ts';
import type { CodeMap } from './code_map.ts';

export interface CoreMonitorOptions {
  /** Function of each PC (functionMap(elf)). */
  functions: CodeMap;
  /** Kernel phase of each PC (phaseMap(elf)). */
  phases: CodeMap;
  /** The core's clock enable when the system gates it (the cluster's core region `clk_en`). */
  clockEnable?: Signal;
  /** A cycle of TCDM contention for this core: its TCDM request is not granted (cluster demux sh_req/sh_gnt). */
  tcdmReq?: Signal;
  tcdmGnt?: Signal;
  /** A miss of this core in the shared I$ (a push into its miss buffer). */
  icacheMissValid?: Signal;
  icacheMissGrant?: Signal;
}

const NO_REDIRECT = -1;
const SLEEPING_STATES = new Set<number>([CtrlState.RESET, CtrlState.BOOT_SET, CtrlState.SLEEP, CtrlState.WAIT_SLEEP, CtrlState.FIRST_FETCH]);

/** Counters one monitor keeps per key (function or phase). Index [key * NCLASSES + class] for `cycles`. */
export interface MonitorCounts {
  names: readonly string[];
  cycles: Uint32Array;
  taken: Uint32Array;
  notTaken: Uint32Array;
  tcdm: Uint32Array;
  imiss: Uint32Array;
}

function counts(names: readonly string[]): MonitorCounts {
  const n = names.length;
  return {
    names,
    cycles: new Uint32Array(n * NCLASSES),
    taken: new Uint32Array(n),
    notTaken: new Uint32Array(n),
    tcdm: new Uint32Array(n),
    imiss: new Uint32Array(n),
  };
}

export class CoreMonitor {
  readonly byFunction: MonitorCounts;
  readonly byPhase: MonitorCounts;
  /** Cycles sampled. */
  cycles = 0;
  /** This cycle's class, function and phase (indices), for the probes. */
  cls = CC.sleep;
  fn = 0;
  phase = 0;
  /** 1 taken, 2 not taken, 0 no branch in EX this cycle. */
  branch = 0;
  /** First and last cycle (monitor-relative) spent outside the `runtime` phase (index 0), -1 before. */
  firstPhaseCycle = -1;
  lastPhaseCycle = -1;

  private readonly isDecoding: Signal;
  private readonly idReady: Signal;
  private readonly pcSet: Signal;
  private readonly pcMux: Signal;
  private readonly fsm: Signal;
  private readonly stallCause: Signal;
  private readonly instrValidId: Signal;
  private readonly pcId: Signal;
  private readonly branchInEx: Signal;
  private readonly branchTakenEx: Signal;
  private readonly branchDecision: Signal;
  private readonly pcEx: Signal;
  private readonly clk: Signal | null;
  private readonly tReq: Signal | null;
  private readonly tGnt: Signal | null;
  private readonly mValid: Signal | null;
  private readonly mGrant: Signal | null;
  private readonly functions: CodeMap;
  private readonly phases: CodeMap;
  private redirect = NO_REDIRECT;
  private redirectPc = 0;
  // No instruction seen yet: all-ones lies in no function, so boot cycles show as "(unknown)".
  private lastPc = 0xffffffff;

  /** `path` is the core's hierarchical name (e.g. 'top.regions_0.core'), under which the probes appear. */
  constructor(
    readonly core: Core,
    readonly path: string,
    o: CoreMonitorOptions,
  ) {
    const c = core.controller;
    this.isDecoding = c.is_decoding;
    this.pcSet = c.pc_set;
    this.pcMux = c.pc_mux;
    this.fsm = c.ctrl_fsm_cs;
    this.stallCause = c.stall_cause;
    this.idReady = core.id_stage.id_ready;
    this.instrValidId = core.if_stage.instr_valid_id;
    this.pcId = core.if_stage.pc_id;
    this.branchInEx = core.ex_stage.branch_in_ex;
    this.branchTakenEx = core.ex_stage.branch_taken_ex;
    this.branchDecision = core.ex_stage.branch_decision;
    this.pcEx = core.ex_stage.pc_ex;
    this.clk = o.clockEnable ?? null;
    this.tReq = o.tcdmReq ?? null;
    this.tGnt = o.tcdmGnt ?? null;
    this.mValid = o.icacheMissValid ?? null;
    this.mGrant = o.icacheMissGrant ?? null;
    this.functions = o.functions;
    this.phases = o.phases;
    this.byFunction = counts(o.functions.names);
    this.byPhase = counts(o.phases.names);
  }

  /** One cycle; call from a settled hook. */
  sample(): void {
    const gated = this.clk !== null && this.clk.v === 0;
    let cls: number;
    let pc: number;
    let br = 0;
    let redirect = false;
    if (!gated && this.branchInEx.v === 1) {
      br = this.branchDecision.v === 1 ? 1 : 2;
      // the redirect from EX costs the flush: a taken branch, or under core.branch=btfn a wrong guess (a
      // backward branch predicted taken from ID that is not taken); a correct guess costs what a jump costs
      redirect = this.branchTakenEx.v === 1;
    }
    if (redirect) {
      cls = CC.branch;
      pc = this.pcEx.v;
      this.redirect = CC.branch;
      this.redirectPc = pc;
    } else if (!gated && this.isDecoding.v === 1 && this.idReady.v === 1) {
      cls = CC.instr;
      pc = this.pcId.v;
      this.lastPc = pc;
      this.redirect = NO_REDIRECT;
      if (this.pcSet.v === 1) {
        const m = this.pcMux.v;
        if (m === PcMux.JUMP || m === PcMux.HWLOOP) {
          this.redirect = CC.jump;
          this.redirectPc = pc;
        }
      }
    } else {
      const sc = CLASS_OF_STALL_CAUSE[this.stallCause.v]!;
      if (this.instrValidId.v === 1 && !gated) this.lastPc = this.pcId.v;
      pc = this.lastPc;
      if (gated) cls = sc === CC.elw ? CC.elw : CC.sleep;
      else if (this.redirect !== NO_REDIRECT && (sc < 0 || sc === CC.fetch)) {
        cls = this.redirect;
        pc = this.redirectPc;
      } else if (sc >= 0) cls = sc;
      else if (SLEEPING_STATES.has(this.fsm.v)) cls = CC.sleep;
      else cls = CC.fetch;
      if (cls === CC.csr_flush || cls === CC.elw || cls === CC.sleep) this.redirect = NO_REDIRECT;
    }
    const fn = this.functions.indexOf(pc);
    const ph = this.phases.indexOf(pc);
    const F = this.byFunction;
    const P = this.byPhase;
    F.cycles[fn * NCLASSES + cls]!++;
    P.cycles[ph * NCLASSES + cls]!++;
    if (br !== 0) {
      const bpc = this.pcEx.v;
      const bf = this.functions.indexOf(bpc);
      const bp = this.phases.indexOf(bpc);
      if (br === 1) {
        F.taken[bf]!++;
        P.taken[bp]!++;
      } else {
        F.notTaken[bf]!++;
        P.notTaken[bp]!++;
      }
    }
    if (this.tReq !== null && this.tReq.v === 1 && this.tGnt!.v === 0) {
      F.tcdm[fn]!++;
      P.tcdm[ph]!++;
    }
    if (this.mValid !== null && this.mValid.v === 1 && this.mGrant!.v === 1) {
      F.imiss[fn]!++;
      P.imiss[ph]!++;
    }
    if (ph !== 0) {
      if (this.firstPhaseCycle < 0) this.firstPhaseCycle = this.cycles;
      this.lastPhaseCycle = this.cycles;
    }
    this.cls = cls;
    this.fn = fn;
    this.phase = ph;
    this.branch = br;
    this.cycles++;
  }

  /** Cycles of one class summed over all functions. */
  total(c: CycleClass): number {
    const k = CC[c];
    const a = this.byFunction.cycles;
    let s = 0;
    for (let i = k; i < a.length; i += NCLASSES) s += a[i]!;
    return s;
  }

  /** String probes for the waves: function, kernel phase, cycle class, branch outcome in EX. */
  probes(): { path: string; get: () => string }[] {
    const classNames = CYCLE_CLASSES;
    const fnames = this.functions.names;
    const pnames = this.phases.names;
    const branchNames = ['-', 'taken', 'not_taken'] as const;
    return [
      { path: `${this.path}.monitor.function`, get: () => fnames[this.fn]! },
      { path: `${this.path}.monitor.phase`, get: () => pnames[this.phase]! },
      { path: `${this.path}.monitor.stall`, get: () => classNames[this.cls]! },
      { path: `${this.path}.monitor.branch`, get: () => branchNames[this.branch]! },
    ];
  }
}
