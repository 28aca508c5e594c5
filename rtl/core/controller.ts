// Controller (riscv_controller.sv at pulpissimo-v3.4.0; fact sheet §1.3): the main FSM (boot, decode, flushes
// for traps, mret, fence.i, wfi, CSRs with side effects and p.elw), jumps taken in ID, taken branches from EX,
// the load-use and jalr hazards, and the stall cause shown in the waves.
import { Module, defineEnum } from '../../sim/index.ts';
import { type DecodeInfo, JUMP_JALR } from './decode_info.ts';
import { PcMux } from './if_stage.ts';
import type { CoreLinks } from './links.ts';
import type { CoreRules } from './version.ts';

export const CtrlState = defineEnum('CtrlState', [
  'RESET',
  'BOOT_SET',
  'SLEEP',
  'WAIT_SLEEP',
  'FIRST_FETCH',
  'DECODE',
  'IRQ_TAKEN_ID',
  'IRQ_TAKEN_IF',
  'IRQ_FLUSH',
  'IRQ_FLUSH_ELW',
  'ELW_EXE',
  'FLUSH_EX',
  'FLUSH_WB',
  'XRET_JUMP',
  'DBG_TAKEN_ID',
  'DBG_TAKEN_IF',
  'DBG_FLUSH',
  'DBG_WAIT_BRANCH',
  'DECODE_HWLOOP',
]);

export const StallCause = defineEnum('StallCause', [
  'NONE',
  'LOAD_USE',
  'JALR',
  'MULH',
  'DIV',
  'DATA_GNT',
  'MISALIGNED',
  'FETCH',
  'ELW',
  'CSR_FLUSH',
  'WB_RVALID',
]);

/** mcause codes. */
export const EXC_ILLEGAL = 2;
export const EXC_BREAKPOINT = 3;
export const EXC_ECALL_M = 11;

const S = CtrlState;

/** What the FSM decides in one cycle (scratch, not state). */
interface Decision {
  isDecoding: number;
  instrReq: number;
  pcSet: number;
  pcMux: number;
  haltIf: number;
  haltId: number;
  saveId: number;
  saveCause: number;
  cause: number;
  restoreMret: number;
  pipeStall: number;
  jumpDone: number;
  illegalN: number;
  ns: number;
  excCause: number;
  /** CV32E40P hardware-loop outputs. */
  hwlpEnd4: number;
  targ: number;
  decCnt: number;
}

export class Controller extends Module {
  /** Set once, by the core before any bind (core.ts). */
  declare l: CoreLinks;

  ctrl_fsm_cs = this.reg(CtrlState, S.RESET);
  jump_done_q = this.reg(1, 0);
  illegal_insn_q = this.reg(1, 0);

  is_decoding = this.output(1);
  instr_req = this.output(1);
  pc_set = this.output(1);
  /** IF and ID are flushed this cycle: a taken branch, a jump, a trap or a return redirects the fetch. The same net
   *  as pc_set (connected: no store of its own), named for the waves. */
  flush = this.output(1);
  pc_mux = this.output(PcMux);
  exc_pc = this.output(32);
  halt_if = this.output(1);
  halt_id = this.output(1);
  csr_save_id = this.output(1);
  csr_save_cause = this.output(1);
  csr_cause = this.output(6);
  csr_restore_mret = this.output(1);
  perf_pipeline_stall = this.output(1);
  hwloop_mask = this.output(1);
  jr_stall = this.output(1);
  load_stall = this.output(1);
  deassert_we = this.output(1);
  stall_cause = this.output(StallCause);
  /** CV32E40P: hardware loops are decided in ID (cv32e40p_controller.sv). */
  hwlp_jump = this.output(1);
  hwlp_targ_addr = this.output(32);
  hwlp_dec_cnt = this.output(2);
  hwlp_end_4_id_q = this.reg(1, 0);
  /** CV32E40P: fetch_enable_i is registered by the sleep unit before the controller sees it. */
  fetch_enable_q = this.reg(1, 0);
  /** core.loadUseCycles >= 3: the register the last load wrote and how many more cycles its users wait. */
  lu_rd = this.reg(5, 0);
  lu_cnt = this.reg(4, 0);
  /** RI5CY: 0 in the FSM's common cycle (an ordinary instruction decoded in DECODE, DecodeInfo.ctrlPlain), 1 when
   *  its outputs come from the whole case analysis (`decide`); tied to 1 on CV32E40P. */
  full_decide = this.wire(1);

  private readonly d: Decision = {
    isDecoding: 0,
    instrReq: 0,
    pcSet: 0,
    pcMux: 0,
    haltIf: 0,
    haltId: 0,
    saveId: 0,
    saveCause: 0,
    cause: 0,
    restoreMret: 0,
    pipeStall: 0,
    jumpDone: 0,
    illegalN: 0,
    ns: 0,
    excCause: 0,
    hwlpEnd4: 0,
    targ: 0,
    decCnt: 0,
  };

  private readonly cv: boolean;

  constructor(private readonly rules: CoreRules) {
    super();
    this.cv = rules.version === 'cv32e40p';
    this.connect(this.flush, this.pc_set);
  }

  bind(l: CoreLinks): void {
    const id = l.id;
    const ex = l.ex;
    // The hazard checks and the FSM read the decoder's outputs from its DecodeInfo (a function of
    // instr_rdata_id); reads behind rare instruction classes are declared, as learning's random words seldom
    // decode to a jalr or a legal ALU instruction.
    const word = l.ifs.instr_rdata_id;
    const cv = this.cv;
    // RI5CY decides hardware loops in IF: the controller's loop outputs are CV32E40P's only
    if (!cv) {
      this.tie(this.hwlp_jump, 0);
      this.tie(this.hwlp_targ_addr, 0);
      this.tie(this.hwlp_dec_cnt, 0);
    }
    // hwloop_mask is set by the RTL's interrupt and debug states only, which this model does not take
    this.tie(this.hwloop_mask, 0);
    const offIllegal = this.rules.trapOffset.illegal;
    const offEcall = this.rules.trapOffset.ecall;
    const offEbreak = this.rules.trapOffset.ebreak;
    // jalr hazard (no forwarding to the jump target, riscv_controller.sv l.1011-1020), then the FSM, which
    // reads it: one process, as the hazard depends on registers only. With the RTL's load-use timing the load-use
    // hazard, which reads the FSM's is_decoding and the jalr stall, follows in the same process (`loadStall`).
    const rtlLoadUse = this.rules.timing.loadUseCycles === 1;
    const writeOuts = (d: Decision): void => {
      this.instr_req.v = d.instrReq;
      this.pc_set.v = d.pcSet;
      this.pc_mux.v = d.pcMux;
      this.halt_if.v = d.haltIf;
      this.halt_id.v = d.haltId;
      this.csr_save_id.v = d.saveId;
      this.csr_save_cause.v = d.saveCause;
      this.csr_cause.v = d.cause;
      this.csr_restore_mret.v = d.restoreMret;
      this.perf_pipeline_stall.v = d.pipeStall;
      if (cv) {
        this.hwlp_jump.v = d.hwlpEnd4 & (this.hwlp_end_4_id_q.v ^ 1);
        this.hwlp_targ_addr.v = d.targ;
        this.hwlp_dec_cnt.v = d.decCnt;
      }
      const off = d.excCause === EXC_ILLEGAL ? offIllegal : d.excCause === EXC_ECALL_M ? offEcall : offEbreak;
      this.exc_pc.v = (this.l.cs.trap_base.v + off) >>> 0;
    };
    this.comb('fsm', () => {
      const i = id.info();
      const ra = i.raddrA;
      let jr = 0;
      if (i.jump === JUMP_JALR && ra !== 0) {
        if (ex.regfile_we_wb.v && ex.regfile_waddr_wb.v === ra) jr = 1;
        else if (ex.regfile_we_ex.v && ex.regfile_waddr_ex.v === ra) jr = 1;
        else if (ex.regfile_alu_we_ex.v && ex.regfile_alu_waddr_ex.v === ra) jr = 1;
      }
      this.jr_stall.v = jr;
      if (!cv) {
        if (i.ctrlPlain && this.ctrl_fsm_cs.v === S.DECODE && ex.branch_taken_ex.v === 0 && l.ifs.instr_valid_id.v !== 0) {
          // the common cycle: an ordinary instruction decoded in DECODE (what `decide` gives for it, written out;
          // fsm_q knows its next state from full_decide)
          this.full_decide.v = 0;
          this.is_decoding.v = 1;
          if (rtlLoadUse) this.loadStall(i, 1, jr);
          return;
        }
        this.full_decide.v = 1;
      }
      const d = this.decide(i, false);
      this.is_decoding.v = d.isDecoding;
      if (cv) writeOuts(d);
      if (rtlLoadUse) this.loadStall(i, d.isDecoding, jr);
    }, {
      reads: [
        ...(rtlLoadUse ? [l.lsu.lsu_ready_wb, l.lsu.data_misaligned] : []),
        word,
        l.ifs.instr_valid_id,
        ex.branch_taken_ex,
        this.jump_done_q,
        ...(cv ? [l.cs.trap_base] : []),
        ex.regfile_we_wb,
        ex.regfile_waddr_wb,
        ex.regfile_we_ex,
        ex.regfile_waddr_ex,
        ex.regfile_alu_we_ex,
        ex.regfile_alu_waddr_ex,
      ],
    });
    if (cv) this.tie(this.full_decide, 1);
    else {
      // RI5CY: the FSM's other outputs, which keep their DECODE values while ordinary instructions stream through
      // (full_decide = 0): a process that runs only when the FSM leaves or enters that cycle (or the trap base
      // moves), instead of eleven stores and compares in each run of `fsm`. Outside it, the same decision again.
      this.comb('outs', () => {
        if (this.full_decide.v === 0) {
          this.instr_req.v = 1;
          this.pc_set.v = 0;
          this.pc_mux.v = PcMux.BOOT;
          this.halt_if.v = 0;
          this.halt_id.v = 0;
          this.csr_save_id.v = 0;
          this.csr_save_cause.v = 0;
          this.csr_cause.v = 0;
          this.csr_restore_mret.v = 0;
          this.perf_pipeline_stall.v = 0;
          this.exc_pc.v = (this.l.cs.trap_base.v + offEbreak) >>> 0;
          return;
        }
        writeOuts(this.decide(id.info(), false));
      }, {
        reads: [this.full_decide, l.cs.trap_base],
        guarded: [
          {
            reads: [word, l.ifs.instr_valid_id, ex.branch_taken_ex, this.jump_done_q, this.illegal_insn_q, this.ctrl_fsm_cs, this.jr_stall],
            when: [this.full_decide],
          },
        ],
      });
    }
    // load-use hazard (riscv_controller.sv l.987-1009): the load in EX with its request, or in WB waiting for
    // rvalid, writes a register ID reads (or ID's port-B destination: WAW).
    if (!rtlLoadUse) this.bindLoadUseWhatIf(this.rules.timing.loadUseCycles);
    this.comb('stall_cause_p', () => {
      const ex = this.l.ex;
      let c = StallCause.NONE;
      const st = this.ctrl_fsm_cs.v;
      if (st === S.FLUSH_EX || st === S.FLUSH_WB || st === S.XRET_JUMP) c = StallCause.CSR_FLUSH;
      else if (st === S.ELW_EXE || st === S.IRQ_FLUSH_ELW) c = StallCause.ELW;
      // id_ready without a branch in EX (ex_ready = units ready | branch_in_ex) rules out every stall below
      else if (this.l.id.id_ready.v === 1 && ex.branch_in_ex.v === 0) {
        if (st === S.DECODE && this.l.ifs.instr_valid_id.v === 0) c = StallCause.FETCH;
      } else if (this.load_stall.v) c = StallCause.LOAD_USE;
      else if (this.jr_stall.v) c = StallCause.JALR;
      else if (this.l.lsu.data_misaligned.v) c = StallCause.MISALIGNED;
      else if (ex.mult_ready.v === 0) c = StallCause.MULH;
      else if (ex.alu_ready.v === 0) c = StallCause.DIV;
      else if (this.l.lsu.lsu_ready_ex.v === 0) c = StallCause.DATA_GNT;
      else if (this.l.lsu.lsu_ready_wb.v === 0) c = StallCause.WB_RVALID;
      else if (st === S.DECODE && this.l.ifs.instr_valid_id.v === 0) c = StallCause.FETCH;
      this.stall_cause.v = c;
    }, {
      reads: [l.id.id_ready, l.ex.branch_in_ex, this.load_stall, this.jr_stall, l.lsu.data_misaligned, l.ex.mult_ready, l.ex.alu_ready, l.lsu.lsu_ready_ex, l.lsu.lsu_ready_wb, l.ifs.instr_valid_id],
    });
    if (cv) {
      this.seq('fsm_q', () => {
        // the comb pass's decision stands unless its next state depends on id_ready / ex_valid
        const d = this.lateNs ? this.decide(id.info(), true) : this.d;
        this.ctrl_fsm_cs.next = d.ns;
        this.jump_done_q.next = d.jumpDone & (this.l.id.id_ready.v ^ 1);
        this.illegal_insn_q.next = d.illegalN;
        this.hwlp_end_4_id_q.next = d.hwlpEnd4;
        this.fetch_enable_q.next = 1;
      });
    } else {
      // RI5CY: a function of its reads (stable), so it runs only when one changes. In the common cycle
      // (full_decide = 0) the state stays DECODE and illegal_insn_q holds: only a pending jump_done_q can change
      // (it clears with id_ready). Else the FSM is decided again here with the next state (as the comb pass's
      // decision would be, id_ready / ex_valid included), reading what `outs` reads under full_decide.
      this.seq('fsm_q', () => {
        if (this.full_decide.v === 0) {
          if (this.jump_done_q.v) this.jump_done_q.next = this.l.id.id_ready.v ^ 1;
          return;
        }
        const d = this.decide(id.info(), true);
        this.ctrl_fsm_cs.next = d.ns;
        this.jump_done_q.next = d.jumpDone & (this.l.id.id_ready.v ^ 1);
        this.illegal_insn_q.next = d.illegalN;
      }, {
        stable: true,
        reads: [this.full_decide, this.jump_done_q],
        guarded: [
          { reads: [word, l.ifs.instr_valid_id, ex.branch_taken_ex, this.illegal_insn_q, this.ctrl_fsm_cs, this.jr_stall, ex.ex_valid], when: [this.full_decide] },
          { reads: [l.id.id_ready], when: [this.full_decide, this.jump_done_q] },
        ],
      });
    }
  }

  /**
   * The load-use hazard of core.loadUseCycles = n != 1 (a what-if; the RTL's is the process above).
   * n = 0: a load in EX stalls only an lp.* set-up reading its result (consumed in ID; jalr has its own hazard),
   * or any reader when it is the second half of a split access (whose first response is not the value):
   * anything else enters EX beside it and takes the data from WB in the response cycle (ExStage fwd_ld_ex). The
   * wait for a late response in WB and its WAW rule stay. n >= 2: after the RTL's stall, readers of the load's
   * register also wait in its response cycle and n - 2 cycles after it (lu_rd, lu_cnt).
   */
  private bindLoadUseWhatIf(n: number): void {
    const l = this.l;
    const ex = l.ex;
    const id = l.id;
    const lsu = l.lsu;
    const reads = (r: number, i: DecodeInfo): boolean => r !== 0 && (r === i.raddrA || r === i.raddrB || r === i.raddrC);
    this.comb('load_stall_p', () => {
      const isDecoding = this.is_decoding.v;
      const i = id.info();
      const inEx = ex.data_req_ex.v & ex.regfile_we_ex.v;
      const waitWb = (lsu.lsu_ready_wb.v ^ 1) & ex.regfile_we_wb.v;
      let st = 0;
      if (n === 0 ? waitWb | (inEx & ((i.hwloop ? 1 : 0) | ex.data_misaligned_ex.v)) : inEx | waitWb) {
        const waddrEx = ex.regfile_waddr_ex.v;
        if (reads(waddrEx, i)) st = 1;
        else if (this.rules.falseLoadStall) {
          if (waddrEx === i.aluWaddrField) st = 1;
        } else if (isDecoding && i.aluWe && waddrEx === i.aluWaddr && (!this.cv || !lsu.data_misaligned.v)) {
          st = 1;
        }
      }
      if (n >= 2 && !st) {
        // the response cycle of the load in WB, then the n - 2 cycles counted by lu_cnt
        if (ex.regfile_we_wb.v & lsu.lsu_ready_wb.v && reads(ex.regfile_waddr_wb.v, i)) st = 1;
        else if (this.lu_cnt.v !== 0 && reads(this.lu_rd.v, i)) st = 1;
      }
      this.load_stall.v = st;
      this.deassert_we.v = (isDecoding ^ 1) | (i.illegal ? 1 : 0) | st | this.jr_stall.v;
    }, {
      reads: [
        l.ifs.instr_rdata_id,
        this.is_decoding,
        this.jr_stall,
        lsu.lsu_ready_wb,
        lsu.data_misaligned,
        ex.data_req_ex,
        ex.regfile_we_ex,
        ex.regfile_waddr_ex,
        ex.regfile_we_wb,
        ex.regfile_waddr_wb,
        ex.data_misaligned_ex,
        this.lu_rd,
        this.lu_cnt,
      ],
    });
    if (n >= 3) {
      this.seq('load_use_window', () => {
        const rd = ex.regfile_waddr_wb.v;
        if (ex.regfile_we_wb.v & lsu.lsu_ready_wb.v && rd !== 0) {
          this.lu_rd.next = rd;
          this.lu_cnt.next = n - 2;
        } else if (this.lu_cnt.v !== 0) {
          // a later write of the register through port B ends the wait: its value no longer comes from the load
          this.lu_cnt.next = ex.portBWrite() && ex.regfile_alu_waddr_ex.v === this.lu_rd.v ? 0 : this.lu_cnt.v - 1;
        }
      });
    }
  }

  /** The FSM of riscv_controller.sv for the word in ID (`i`, its DecodeInfo: the decoder's outputs); `withNext`
   *  also computes the next state (which reads id_ready/ex_valid). */
  private readonly decide = (i: DecodeInfo, withNext: boolean): Decision => {
    const d = this.d;
    const st = this.ctrl_fsm_cs.v;
    d.isDecoding = 0;
    d.instrReq = 1;
    d.pcSet = 0;
    d.pcMux = PcMux.BOOT;
    d.haltIf = 0;
    d.haltId = 0;
    d.saveId = 0;
    d.saveCause = 0;
    d.cause = 0;
    d.restoreMret = 0;
    d.pipeStall = 0;
    d.jumpDone = this.jump_done_q.v;
    d.illegalN = this.illegal_insn_q.v;
    d.ns = st;
    d.excCause = 0;
    d.hwlpEnd4 = 0;
    d.targ = 0;
    d.decCnt = 0;
    this.withNext = withNext;
    if (!withNext) this.lateNs = false;
    if (this.cv) {
      this.decideCv(d, i, st, withNext);
      return d;
    }
    switch (st) {
      case S.RESET:
        d.instrReq = 0;
        d.ns = S.BOOT_SET;
        break;
      case S.BOOT_SET:
        d.pcMux = PcMux.BOOT;
        d.pcSet = 1;
        d.ns = S.FIRST_FETCH;
        break;
      case S.WAIT_SLEEP:
        d.instrReq = 0;
        d.haltIf = 1;
        d.haltId = 1;
        d.ns = S.SLEEP;
        break;
      case S.SLEEP:
        d.instrReq = 0;
        d.haltIf = 1;
        d.haltId = 1;
        break;
      case S.FIRST_FETCH:
        if (this.idReady()) d.ns = S.DECODE;
        break;
      case S.DECODE:
        if (this.l.ex.branch_taken_ex.v) {
          d.pcMux = PcMux.BRANCH;
          d.pcSet = 1;
        } else if (this.l.ifs.instr_valid_id.v) {
          d.isDecoding = 1;
          if (i.illegal) {
            d.haltIf = 1;
            d.haltId = 1;
            d.saveId = 1;
            d.saveCause = 1;
            d.cause = EXC_ILLEGAL;
            d.ns = S.FLUSH_EX;
            d.illegalN = 1;
          } else if (i.idRedirect) {
            // jumps, and backward branches predicted taken (core.branch=btfn): the fetch goes to the target now
            d.pcMux = PcMux.JUMP;
            if (!this.jr_stall.v && !this.jump_done_q.v) {
              d.pcSet = 1;
              d.jumpDone = 1;
            }
          } else if (i.ebreak) {
            d.haltIf = 1;
            d.haltId = 1;
            if (this.rules.ebreakTraps) {
              d.saveId = 1;
              d.saveCause = 1;
              d.cause = EXC_BREAKPOINT;
            }
            d.ns = S.FLUSH_EX;
          } else if (i.wfi) {
            d.haltIf = 1;
            d.haltId = 1;
            d.ns = S.FLUSH_EX;
          } else if (i.ecall) {
            d.haltIf = 1;
            d.haltId = 1;
            d.saveId = 1;
            d.saveCause = 1;
            d.cause = EXC_ECALL_M;
            d.ns = S.FLUSH_EX;
          } else if (i.fencei) {
            d.haltIf = 1;
            d.haltId = 1;
            d.ns = S.FLUSH_EX;
          } else if (i.mret || i.uret) {
            d.haltIf = 1;
            d.haltId = 1;
            d.ns = S.FLUSH_EX;
          } else if (i.csrStatus) {
            d.haltIf = 1;
            d.ns = this.idReady() ? S.FLUSH_EX : S.DECODE;
          } else if (i.elw) {
            d.haltIf = 1;
            d.ns = this.idReady() ? S.ELW_EXE : S.DECODE;
          }
        } else {
          d.pipeStall = i.elw ? 1 : 0;
        }
        break;
      case S.FLUSH_EX:
        d.haltIf = 1;
        d.haltId = 1;
        if (this.exValid()) d.ns = S.FLUSH_WB;
        break;
      case S.IRQ_FLUSH_ELW:
        d.haltIf = 1;
        d.haltId = 1;
        d.pipeStall = i.elw ? 1 : 0;
        d.ns = S.DECODE;
        break;
      case S.ELW_EXE:
        d.haltIf = 1;
        d.haltId = 1;
        d.ns = this.idReady() ? S.IRQ_FLUSH_ELW : S.ELW_EXE;
        d.pipeStall = i.elw ? 1 : 0;
        break;
      case S.FLUSH_WB:
        d.haltIf = 1;
        d.haltId = 1;
        d.ns = S.DECODE;
        if (this.illegal_insn_q.v) {
          d.pcMux = PcMux.EXCEPTION;
          d.pcSet = 1;
          d.excCause = EXC_ILLEGAL;
          d.illegalN = 0;
        } else if (i.ebreak) {
          if (this.rules.ebreakTraps) {
            d.pcMux = PcMux.EXCEPTION;
            d.pcSet = 1;
            d.excCause = EXC_BREAKPOINT;
          }
        } else if (i.ecall) {
          d.pcMux = PcMux.EXCEPTION;
          d.pcSet = 1;
          d.excCause = EXC_ECALL_M;
        } else if (i.mret) {
          d.restoreMret = 1;
          if (this.rules.xretJump) d.ns = S.XRET_JUMP;
          else {
            d.pcMux = PcMux.MRET;
            d.pcSet = 1;
          }
        } else if (i.uret) {
          if (this.rules.xretJump) d.ns = S.XRET_JUMP;
          else {
            d.pcMux = PcMux.URET;
            d.pcSet = 1;
          }
        } else if (i.csrStatus) {
          // back to DECODE: the instruction after the CSR access is still in the fetch FIFO
        } else if (i.wfi) {
          d.ns = S.WAIT_SLEEP;
        } else if (i.fencei) {
          d.pcMux = PcMux.FENCEI;
          d.pcSet = 1;
        }
        break;
      case S.XRET_JUMP:
        d.ns = S.DECODE;
        if (i.mret) {
          d.pcMux = PcMux.MRET;
          d.pcSet = 1;
        } else if (i.uret) {
          d.pcMux = PcMux.URET;
          d.pcSet = 1;
        }
        break;
      default:
        d.instrReq = 0;
        d.ns = S.RESET;
    }
    return d;
  };

  /** The load-use hazard with the RTL's timing (riscv_controller.sv l.987-1009), called by the FSM's process: the
   *  load in EX with its request, or in WB waiting for rvalid, writes a register ID reads (or ID's port-B
   *  destination: WAW). */
  private readonly loadStall = (i: DecodeInfo, isDecoding: number, jr: number): void => {
    const ex = this.l.ex;
    const loadPending = (ex.data_req_ex.v & ex.regfile_we_ex.v) | ((this.l.lsu.lsu_ready_wb.v ^ 1) & ex.regfile_we_wb.v);
    let st = 0;
    if (loadPending) {
      const waddrEx = ex.regfile_waddr_ex.v;
      const ra = i.raddrA;
      const rb = i.raddrB;
      const rc = i.raddrC;
      if ((ra !== 0 && ra === waddrEx) || (rb !== 0 && rb === waddrEx) || (rc !== 0 && rc === waddrEx)) st = 1;
      else if (this.rules.falseLoadStall) {
        if (waddrEx === i.aluWaddrField) st = 1;
      } else if (isDecoding && i.aluWe && waddrEx === i.aluWaddr && (!this.cv || !this.l.lsu.data_misaligned.v)) {
        st = 1;
      }
    }
    this.load_stall.v = st;
    this.deassert_we.v = (isDecoding ^ 1) | (i.illegal ? 1 : 0) | st | jr;
  };

  /** Set by the comb pass when the next state depends on id_ready or ex_valid: CV32E40P's fsm_q then decides again
   *  (RI5CY's decides again whenever full_decide is set, and does not read it). */
  private lateNs = true;
  private withNext = false;

  private readonly idReady = (): number => {
    if (!this.withNext) {
      this.lateNs = true;
      return 0;
    }
    return this.l.id.id_ready.v;
  };

  private readonly exValid = (): number => {
    if (!this.withNext) {
      this.lateNs = true;
      return 0;
    }
    return this.l.ex.ex_valid.v;
  };


  /** cv32e40p_controller.sv: traps and flushing instructions leave ID as bubbles and save the cause in FLUSH_EX;
   *  hardware loops end at the instruction after the body and are decided in ID (DECODE_HWLOOP). */
  private readonly decideCv = (d: Decision, i: DecodeInfo, st: number, withNext: boolean): void => {
    const h = this.l.hwlp;
    const pc = this.l.ifs.pc_id.v;
    const pc4 = (pc + 4) >>> 0;
    const pc8 = (pc + 8) >>> 0;
    const s0 = h.hwlp_start0.v;
    const s1 = h.hwlp_start1.v;
    const e0 = h.hwlp_end0.v;
    const e1 = h.hwlp_end1.v;
    const c0 = h.hwlp_counter0.v;
    const c1 = h.hwlp_counter1.v;
    const end0EqPc = e0 === pc4;
    const end1EqPc = e1 === pc4;
    const end0EqPc4 = e0 === pc8;
    const end1EqPc4 = e1 === pc8;
    const in0 = s0 <= pc && e0 >= pc4;
    const in1 = s1 <= pc && e1 >= pc4;
    const body = (in0 && c0 > 1) || (in1 && c1 > 1);
    d.targ = in1 && !in0 ? s1 : s0;
    const DEC = S.DECODE;
    const DHW = S.DECODE_HWLOOP;
    switch (st) {
      case S.RESET:
        d.instrReq = 0;
        if (this.fetch_enable_q.v) d.ns = S.BOOT_SET;
        break;
      case S.BOOT_SET:
        d.pcMux = PcMux.BOOT;
        d.pcSet = 1;
        d.ns = S.FIRST_FETCH;
        break;
      case S.WAIT_SLEEP:
      case S.SLEEP:
        d.instrReq = 0;
        d.haltIf = 1;
        d.haltId = 1;
        if (st === S.WAIT_SLEEP) d.ns = S.SLEEP;
        break;
      case S.FIRST_FETCH:
        d.ns = DEC;
        break;
      case S.DECODE:
      case S.DECODE_HWLOOP: {
        const here = st;
        if (st === DEC && this.l.ex.branch_taken_ex.v) {
          d.pcMux = PcMux.BRANCH;
          d.pcSet = 1;
          break;
        }
        if (!this.l.ifs.instr_valid_id.v) {
          d.pipeStall = i.elw ? 1 : 0;
          break;
        }
        d.isDecoding = 1;
        if (st === DEC) d.illegalN = 0;
        if (i.illegal) {
          d.haltIf = 1;
          if (st === DEC) d.ns = this.idReady() ? S.FLUSH_EX : DEC;
          else {
            d.haltId = 1;
            d.ns = S.FLUSH_EX;
          }
          d.illegalN = 1;
          break;
        }
        const jump = i.idRedirect;
        if (st === DEC && jump) {
          d.pcMux = PcMux.JUMP;
          if (!this.jr_stall.v && !this.jump_done_q.v) {
            d.pcSet = 1;
            d.jumpDone = 1;
          }
        } else if (i.ebreak || i.ecall || (st === DEC && (i.wfi || i.fencei || i.mret || i.uret))) {
          d.haltIf = 1;
          d.ns = this.idReady() ? S.FLUSH_EX : here;
        } else if (i.csrStatus) {
          d.haltIf = 1;
          if (!this.idReady()) d.ns = here;
          else {
            d.ns = S.FLUSH_EX;
            d.decCnt = (end0EqPc ? 1 : 0) | (end1EqPc ? 2 : 0);
          }
        } else if (i.elw) {
          d.haltIf = 1;
          d.ns = this.idReady() ? S.ELW_EXE : here;
        } else if (st === DEC) {
          if (body) {
            d.ns = end0EqPc4 || end1EqPc4 ? DEC : DHW;
            if (end0EqPc && c0 > 1) {
              d.pcMux = PcMux.HWLOOP;
              if (!this.jump_done_q.v) {
                d.pcSet = 1;
                d.jumpDone = 1;
                d.decCnt |= 1;
              }
            }
            if (end1EqPc && c1 > 1) {
              d.pcMux = PcMux.HWLOOP;
              if (!this.jump_done_q.v) {
                d.pcSet = 1;
                d.jumpDone = 1;
                d.decCnt |= 2;
              }
            }
          }
          if (end0EqPc && c0 === 1) d.decCnt |= 1;
          if (end1EqPc && c1 === 1) d.decCnt |= 2;
        } else {
          if (end1EqPc4) {
            if (c1 > 1) {
              d.hwlpEnd4 = 1;
              d.targ = s1;
              d.ns = DHW;
            } else d.ns = body ? DHW : DEC;
          }
          if (end0EqPc4) {
            if (c0 > 1) {
              d.hwlpEnd4 = 1;
              d.targ = s0;
              d.ns = DHW;
            } else d.ns = body ? DHW : DEC;
          }
          d.decCnt = (end0EqPc && c0 !== 0 ? 1 : 0) | (end1EqPc && c1 !== 0 ? 2 : 0);
        }
        break;
      }
      case S.FLUSH_EX:
        d.haltIf = 1;
        d.haltId = 1;
        if (this.exValid()) d.ns = S.FLUSH_WB;
        if (this.l.ex.ex_valid.v) {
          if (this.illegal_insn_q.v) {
            d.saveId = 1;
            d.saveCause = 1;
            d.cause = EXC_ILLEGAL;
          } else if (i.ebreak) {
            d.saveId = 1;
            d.saveCause = 1;
            d.cause = EXC_BREAKPOINT;
          } else if (i.ecall) {
            d.saveId = 1;
            d.saveCause = 1;
            d.cause = EXC_ECALL_M;
          }
        }
        break;
      case S.IRQ_FLUSH_ELW:
        d.haltIf = 1;
        d.haltId = 1;
        d.ns = DEC;
        d.pipeStall = i.elw ? 1 : 0;
        break;
      case S.ELW_EXE:
        d.haltIf = 1;
        d.haltId = 1;
        d.ns = this.idReady() ? S.IRQ_FLUSH_ELW : S.ELW_EXE;
        d.pipeStall = i.elw ? 1 : 0;
        break;
      case S.FLUSH_WB:
        d.haltIf = 1;
        d.haltId = 1;
        d.ns = DEC;
        if (this.illegal_insn_q.v) {
          d.pcMux = PcMux.EXCEPTION;
          d.pcSet = 1;
          d.excCause = EXC_ILLEGAL;
          d.illegalN = 0;
        } else if (i.ebreak) {
          d.pcMux = PcMux.EXCEPTION;
          d.pcSet = 1;
          d.excCause = EXC_BREAKPOINT;
        } else if (i.ecall) {
          d.pcMux = PcMux.EXCEPTION;
          d.pcSet = 1;
          d.excCause = EXC_ECALL_M;
        } else if (i.mret) {
          d.restoreMret = 1;
          d.ns = S.XRET_JUMP;
        } else if (i.uret) {
          d.ns = S.XRET_JUMP;
        } else if (i.csrStatus) {
          if ((end0EqPc && c0 !== 0) || (end1EqPc && c1 !== 0)) {
            d.pcMux = PcMux.HWLOOP;
            d.pcSet = 1;
          }
        } else if (i.wfi) {
          d.ns = S.WAIT_SLEEP;
        } else if (i.fencei) {
          d.pcMux = PcMux.FENCEI;
          d.pcSet = 1;
        }
        break;
      case S.XRET_JUMP:
        d.ns = DEC;
        if (i.mret) {
          d.pcMux = PcMux.MRET;
          d.pcSet = 1;
        }
        break;
      default:
        d.instrReq = 0;
        d.ns = S.RESET;
    }
  };
}
