// A second count of the RI5CY performance events, kept from the pipeline's signals and the instruction words,
// without the counter logic of rtl/core/cs_registers.ts (its event wire, the delayed increment register, the
// counters): what the PCCRs must hold, from the definitions of fact sheet ri5cy-isa-timing §5.2.
//
// The counting rules the monitor applies itself (riscv_cs_registers.sv as the fact sheet describes it):
//  - an event of a cycle counts when PCMR bit 0 and the event's PCER bit are set in that cycle, and only in cycles
//    the core's clock runs (a gated core's registers, its counters included, hold);
//  - the increment lands one running edge later, and a CSR access to a PCCR in EX (PCCR31 = 0x79F: all of them)
//    replaces the counter at its edge: the previous cycle's increment is lost (so `csrr` of a counter drops one
//    increment, fixtures/timing/ri5cy/expected.json notes), a write of x0 sets it to 0; the monitor cannot know
//    other written values, and reports such a counter as unknown (NaN).
//
// The events, from the pipeline's signals and the instruction words rather than the core's event wire:
//  - instructions: ID exits (`is_decoding & id_valid`, the definition of the event itself);
//  - load-use / jalr hazards: the controller's hazard flags in a cycle after one in which ID's valid output was
//    high (`id_valid_q`: the first cycle of a hazard). The flags, not the `stall_cause` enumeration: in a p.elw or
//    a flush the enumeration names the state, while the hazard unit still flags the word in ID and the RTL counts it;
//  - loads, stores: granted transactions on the core's data port (a misaligned access is two);
//  - jumps: a jal/jalr word (decoded here from its opcode, RVC included) in ID while decoding, after a cycle with
//    ID's valid output high, and not held by a load-use or jalr hazard (riscv_controller deasserts the write
//    enables then, and the event is `jump_in_id & id_valid_q`: a jalr that waits for its operand is not counted);
//  - branches: a conditional-branch word (opcode BRANCH, the XpulpV2 immediate branches included; c.beqz/c.bnez)
//    in EX the cycle after it left ID; taken: the next instruction to leave ID is not the one after it in memory;
//  - compressed: ID exits of a 16-bit word (low bits != 11);
//  - cluster cores (RI5CY v1.0 numbering, 11..15): L2/peripheral loads and stores granted, cycles with such a
//    request pending, and cycles with a TCDM request not granted, the target told from the address (pulp-cluster.md:
//    address[31:20] 0x100/0x101 or the local alias 0x000/0x001 is the TCDM).
// Not counted: I-miss cycles (4) and the v3.4 elw-stall event (11); `checked` lists what is.
//
// CV32E40P (`version: 'cv32e40p'`) has mcycle/minstret instead (fact sheet §5.2, CV control_status_registers.rst):
// `counts` holds them as `cycles` and `instructions` (low words). mcycle counts each cycle mcountinhibit bit 0 is
// clear; minstret the retire events (ID exits that are not illegal, ebreak or ecall) one cycle late, the event
// registered in ID, while bit 2 is clear; an instruction that writes the counter (csrrw/csrrwi, csrrs/csrrc with a
// source) replaces that edge's increment (a read does not: CV32E40P reads without a CSR write).
import type { Core } from '../../rtl/core/core.ts';
import type { Signal } from '../../sim/index.ts';

/** PCCR index of each event the monitor counts (RI5CY, PCER bit = PCCR index). */
export const PERF = {
  cycles: 0,
  instructions: 1,
  loadStalls: 2,
  jrStalls: 3,
  loads: 5,
  stores: 6,
  jumps: 7,
  branches: 8,
  takenBranches: 9,
  compressed: 10,
  extLoads: 11,
  extStores: 12,
  extLoadCycles: 13,
  extStoreCycles: 14,
  tcdmContention: 15,
} as const;
export type PerfName = keyof typeof PERF;

const CORE_EVENTS: readonly PerfName[] = ['cycles', 'instructions', 'loadStalls', 'jrStalls', 'loads', 'stores', 'jumps', 'branches', 'takenBranches', 'compressed'];
const CLUSTER_EVENTS: readonly PerfName[] = ['extLoads', 'extStores', 'extLoadCycles', 'extStoreCycles', 'tcdmContention'];
const NCOUNTERS = 16;

export interface RetireMonitorOptions {
  /** The core's clock enable when the system gates it (the cluster's core region `clk_en`). */
  clockEnable?: Signal;
  /** A cluster core (RI5CY v1.0): also count the external and TCDM events 11..15. */
  cluster?: boolean;
  /** The counters the core has: RI5CY PCER/PCMR/PCCR (default) or CV32E40P mcycle/minstret. */
  version?: 'ri5cy' | 'cv32e40p';
}

const OP_BRANCH = 0x63;
const OP_JAL = 0x6f;
const OP_JALR = 0x67;
const OP_SYSTEM = 0x73;
const PCCR_BASE = 0x780;
const PCCR_ALL = 0x79f;
const MCYCLE = 0xb00;
const MINSTRET = 0xb02;

/** jal/jalr, c.j, c.jal, c.jr, c.jalr (the word as ID holds it: 16 bits for RVC). */
export function isJumpWord(w: number): boolean {
  if ((w & 3) === 3) return (w & 0x7f) === OP_JAL || (w & 0x7f) === OP_JALR;
  const q = w & 3;
  const f3 = (w >>> 13) & 7;
  if (q === 1) return f3 === 1 || f3 === 5; // c.jal (RV32), c.j
  // c.jr / c.jalr: funct4 100x, rs1 != 0, rs2 == 0
  return q === 2 && f3 === 4 && ((w >>> 7) & 31) !== 0 && ((w >>> 2) & 31) === 0;
}

/** Conditional branches: opcode BRANCH (beq..bgeu, p.beqimm/p.bneimm), c.beqz, c.bnez. */
export function isBranchWord(w: number): boolean {
  if ((w & 3) === 3) return (w & 0x7f) === OP_BRANCH;
  return (w & 3) === 1 && ((w >>> 13) & 7) >= 6;
}

/** The TCDM as a core addresses it (pulp-cluster.md, core_demux): address[31:20] 0x100/0x101, alias 0x000/0x001. */
export function isTcdmAddress(a: number): boolean {
  const top = (a >>> 20) & 0xfff;
  return top === 0x100 || top === 0x101 || top === 0x000 || top === 0x001;
}

export class RetireMonitor {
  /** Counter values as the PCCRs hold them after the last sampled cycle's increment lands (one edge after that
   *  cycle's); CV32E40P: mcycle/minstret after the last sampled cycle's edge. */
  readonly counts = new Float64Array(NCOUNTERS);
  /** The events the monitor counts (the others stay 0). */
  readonly checked: readonly PerfName[];

  private readonly sig: {
    isDecoding: Signal;
    idValid: Signal;
    loadStall: Signal;
    jrStall: Signal;
    instrId: Signal;
    pcId: Signal;
    validEx: Signal;
    instrEx: Signal;
    req: Signal;
    gnt: Signal;
    we: Signal;
    addr: Signal;
    pcer: Signal;
    pcmr: Signal;
    clk: Signal | null;
    mcountinhibit: Signal;
    illegal: Signal;
    ebreak: Signal;
    ecall: Signal;
  };
  private readonly cv: boolean;
  /** CV32E40P: the retire event of the previous running cycle (minstret counts it now). */
  private prevRetire = 0;
  private readonly cluster: boolean;
  /** Events counted in the previous running cycle (an access to the counter at this edge drops them). */
  private readonly prev = new Uint8Array(NCOUNTERS);
  private readonly cur = new Uint8Array(NCOUNTERS);
  /** ID's valid output in the previous running cycle (the RTL's `id_valid_q`). */
  private prevIdValid = 0;
  /** The word that left ID in the previous running cycle was a branch (it is in EX now). */
  private prevBranch = 0;
  private prevExitPc = 0;
  private prevExitSize = 0;
  /** A branch in EX whose outcome the next ID exit tells: -1 none, else whether its taken event counts (0/1). */
  private pendingTaken = -1;
  private pendingFallThrough = 0;

  constructor(core: Core, o: RetireMonitorOptions = {}) {
    const c = core.controller;
    const f = core.if_stage;
    const ex = core.ex_stage;
    const cs = core.cs_registers;
    this.sig = {
      isDecoding: c.is_decoding,
      idValid: core.id_stage.id_valid,
      loadStall: c.load_stall,
    jrStall: c.jr_stall,
      instrId: f.instr_rdata_id,
      pcId: f.pc_id,
      validEx: ex.valid_ex,
      instrEx: ex.instr_ex,
      req: core.data.req,
      gnt: core.data.gnt,
      we: core.data.we,
      addr: core.data.addr,
      pcer: cs.pcer_q,
      pcmr: cs.pcmr_q,
      clk: o.clockEnable ?? null,
      mcountinhibit: cs.mcountinhibit_q,
      illegal: core.id_stage.illegal_id,
      ebreak: core.id_stage.ebrk_id,
      ecall: core.id_stage.ecall_id,
    };
    this.cluster = o.cluster ?? false;
    this.cv = o.version === 'cv32e40p';
    this.checked = this.cv ? ['cycles', 'instructions'] : this.cluster ? [...CORE_EVENTS, ...CLUSTER_EVENTS] : CORE_EVENTS;
  }

  /** The count of one event (NaN when a program wrote the counter a value the monitor cannot know). */
  get(name: PerfName): number {
    return this.counts[PERF[name]]!;
  }

  /** One cycle; call from a settled hook. */
  sample(): void {
    const s = this.sig;
    if (s.clk !== null && s.clk.v === 0) return;
    if (this.cv) {
      this.sampleCv();
      return;
    }
    const en = s.pcmr.v & 1 ? s.pcer.v : 0;
    const ev = this.cur;
    ev.fill(0);
    const idExit = s.isDecoding.v & s.idValid.v;
    ev[PERF.cycles] = 1;
    ev[PERF.instructions] = idExit;
    const ldStall = s.loadStall.v;
    const jrStall = s.jrStall.v;
    ev[PERF.loadStalls] = ldStall & this.prevIdValid;
    ev[PERF.jrStalls] = jrStall & this.prevIdValid;
    const req = s.req.v;
    const granted = req & s.gnt.v;
    const we = s.we.v;
    ev[PERF.loads] = granted & (we ^ 1);
    ev[PERF.stores] = granted & we;
    const wordId = s.instrId.v >>> 0;
    // a jump in ID counts unless its write enables are deasserted (a load-use or jalr hazard holds it: the RTL
    // sees no jump then, and no ID exit in the cycle before once the hazard clears)
    ev[PERF.jumps] = s.isDecoding.v && this.prevIdValid && !ldStall && !jrStall && isJumpWord(wordId) ? 1 : 0;
    ev[PERF.branches] = this.prevBranch;
    ev[PERF.compressed] = idExit && (wordId & 3) !== 3 ? 1 : 0;
    if (this.cluster && req) {
      const ext = isTcdmAddress(s.addr.v) ? 0 : 1;
      ev[PERF.extLoads] = granted & (we ^ 1) & ext;
      ev[PERF.extStores] = granted & we & ext;
      ev[PERF.extLoadCycles] = (we ^ 1) & ext;
      ev[PERF.extStoreCycles] = we & ext;
      ev[PERF.tcdmContention] = (ext ^ 1) & (s.gnt.v ^ 1);
    }

    // A CSR access to a counter in EX replaces it at this cycle's edge, dropping the previous cycle's increment.
    const wEx = s.instrEx.v >>> 0;
    if (s.validEx.v && (wEx & 0x7f) === OP_SYSTEM && ((wEx >>> 12) & 3) !== 0) {
      const csr = wEx >>> 20;
      if (csr === PCCR_ALL || (csr >= PCCR_BASE && csr < PCCR_BASE + NCOUNTERS)) {
        const f3 = (wEx >>> 12) & 7;
        const src = (wEx >>> 15) & 31;
        const isWrite = f3 === 1 || f3 === 5;
        for (let i = 0; i < NCOUNTERS; i++) {
          if (csr !== PCCR_ALL && csr !== PCCR_BASE + i) continue;
          if (isWrite) this.counts[i] = src === 0 ? 0 : Number.NaN;
          else if (src === 0) this.counts[i]! -= this.prev[i]!;
          else this.counts[i] = Number.NaN;
        }
        // taken-branch events still waiting for their outcome belong to the old value
        if (csr === PCCR_ALL || csr === PCCR_BASE + PERF.takenBranches) this.pendingTaken = -1;
      }
    }

    // The outcome of the branch in EX shows at the next ID exit (this cycle's, if it is not taken): the
    // fall-through, or the target.
    if (this.prevBranch) {
      this.pendingTaken = (en >>> PERF.takenBranches) & 1;
      this.pendingFallThrough = (this.prevExitPc + this.prevExitSize) >>> 0;
    }
    if (idExit && this.pendingTaken >= 0) {
      if ((s.pcId.v >>> 0) !== this.pendingFallThrough) this.counts[PERF.takenBranches]! += this.pendingTaken;
      this.pendingTaken = -1;
    }

    for (let i = 0; i < NCOUNTERS; i++) {
      const e = (en >>> i) & 1 ? ev[i]! : 0;
      this.prev[i] = e;
      if (e) this.counts[i]!++;
    }
    this.prevIdValid = s.idValid.v;
    this.prevBranch = idExit && isBranchWord(wordId) ? 1 : 0;
    if (idExit) {
      this.prevExitPc = s.pcId.v >>> 0;
      this.prevExitSize = (wordId & 3) === 3 ? 4 : 2;
    }
  }

  private sampleCv(): void {
    const s = this.sig;
    const inh = s.mcountinhibit.v;
    let written = -1;
    const w = s.instrEx.v >>> 0;
    if (s.validEx.v && (w & 0x7f) === OP_SYSTEM && ((w >>> 12) & 3) !== 0) {
      const f3 = (w >>> 12) & 7;
      const writes = f3 === 1 || f3 === 5 || ((w >>> 15) & 31) !== 0;
      if (writes) written = w >>> 20;
    }
    if (written === MCYCLE || written === MINSTRET) {
      // the new value replaces the counter at this edge; the monitor cannot know it unless it is zero
      const src = (w >>> 15) & 31;
      const f3 = (w >>> 12) & 7;
      const i = written === MCYCLE ? PERF.cycles : PERF.instructions;
      this.counts[i] = (f3 === 1 || f3 === 5) && src === 0 ? 0 : Number.NaN;
    }
    if (written !== MCYCLE && (inh & 1) === 0) this.counts[PERF.cycles]!++;
    if (written !== MINSTRET && (inh & 4) === 0 && this.prevRetire) this.counts[PERF.instructions]!++;
    this.prevRetire = s.isDecoding.v & s.idValid.v & (s.illegal.v ^ 1) & (s.ebreak.v ^ 1) & (s.ecall.v ^ 1);
  }
}

/** One monitor per core of a system, sampled from one settled hook; returns them and a detach function. */
export function attachRetireMonitors(
  sim: { onSettled(f: (cycle: number) => void): () => void },
  cores: readonly { core: Core; clockEnable?: Signal }[],
  cluster: boolean,
): { monitors: RetireMonitor[]; detach: () => void } {
  const monitors = cores.map((c) => new RetireMonitor(c.core, { ...(c.clockEnable ? { clockEnable: c.clockEnable } : {}), cluster }));
  const detach = sim.onSettled(() => {
    for (let k = 0; k < monitors.length; k++) monitors[k]!.sample();
  });
  return { monitors, detach };
}
