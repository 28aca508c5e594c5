// Control and status registers (riscv_cs_registers.sv at pulpissimo-v3.4.0 / v1.0, cv32e40p_cs_registers.sv;
// fact sheet §5). M-mode only (PULP_SECURE=0): mstatus (MIE/MPIE), read-only mtvec on RI5CY, mepc, mcause,
// mscratch, mhartid {cluster_id[10:5], 0, core_id[3:0]}, debug CSRs, and the performance counters: RI5CY's
// PCER/PCMR/PCCR with one counter per event (simulation build) incremented one cycle late (PCCR_inc_q), a
// CSR write overriding that cycle's increment; CV32E40P's mcycle/minstret/mhpmcounter3 with mcountinhibit.
import { Module, type Reg, type Signal } from '../../sim/index.ts';
import { CSR_OP_CLEAR, CSR_OP_NONE, CSR_OP_SET, CSR_OP_WRITE } from './ex_stage.ts';
import { JUMP_JAL, JUMP_JALR } from './decode_info.ts';
import type { CoreLinks } from './links.ts';
import type { CoreRules } from './version.ts';

const MISA: Record<string, number> = { ri5cy: 0x40801104, ri5cy_v1: 0, cv32e40p: 0x40801104 };
const MPP_M = 3 << 11;
/** CV32E40P tdata1 outside debug mode (tmatch_control_rdata): type 2, dmode 1, action 1 (enter debug mode),
 *  m 1, execute 0 (only debug mode writes the trigger, and this system never enters it). */
const TDATA1_M = ((2 << 28) | (1 << 27) | (1 << 12) | (1 << 6)) >>> 0;

export class CsRegisters extends Module {
  /** Set once, by the core before any bind (core.ts). */
  declare l: CoreLinks;

  mstatus_mie = this.reg(1, 0);
  mstatus_mpie = this.reg(1, 0);
  mepc = this.output(32);
  mepc_q = this.reg(32, 0);
  mcause_q = this.reg(32, 0);
  mscratch_q = this.reg(32, 0);
  mtvec_q = this.reg(32, 1);
  mie_q = this.reg(32, 0);
  // dcsr reads prv = M (3) with xdebugver 0 at pulpissimo-v3.4.0 (RTL trace csr_flush_others, cycle 29)
  dcsr_q = this.reg(32, 3);
  dpc_q = this.reg(32, 0);
  dscratch0_q = this.reg(32, 0);
  dscratch1_q = this.reg(32, 0);
  trap_base = this.output(32);

  // RI5CY performance counters
  pcer_q = this.reg(32, 0);
  pcmr_q = this.reg(2, 3);
  pccr_inc_q = this.reg(32, 0);
  id_valid_q = this.reg(1, 0);
  readonly pccr: Reg[] = [];
  pccr_in = this.wire(32);

  // CV32E40P counters (64 bit, split)
  mcycle_lo = this.reg(32, 0);
  mcycle_hi = this.reg(32, 0);
  minstret_lo = this.reg(32, 0);
  minstret_hi = this.reg(32, 0);
  mhpm3_lo = this.reg(32, 0);
  mhpm3_hi = this.reg(32, 0);
  mhpmevent3_q = this.reg(16, 0);
  mcountinhibit_q = this.reg(32, 0xd);
  /** CV32E40P: the minstret event is registered in ID (mhpmevent_minstret_o) before it counts. */
  minstret_ev_q = this.reg(1, 0);

  constructor(
    private readonly rules: CoreRules,
    private readonly bootAddr: number,
    private readonly hartId: number,
  ) {
    super();
    for (let i = 0; i < rules.perfCounters; i++) this.pccr.push(this.reg(32, 0, `pccr${i}`));
  }

  /** Every register a CSR read may touch (declared reads of the EX process that calls readCsr). */
  csrSignals(): Signal[] {
    return [...this.ownCsrSignals(), ...this.l.hwlp.loopSignals()];
  }

  /** The CSR registers of this block (csrSignals without the hardware-loop registers). */
  private ownCsrSignals(): Signal[] {
    return [
      this.mstatus_mie,
      this.mstatus_mpie,
      this.mepc_q,
      this.mcause_q,
      this.mscratch_q,
      this.mtvec_q,
      this.mie_q,
      this.dcsr_q,
      this.dpc_q,
      this.dscratch0_q,
      this.dscratch1_q,
      this.pcer_q,
      this.pcmr_q,
      this.mcycle_lo,
      this.mcycle_hi,
      this.minstret_lo,
      this.minstret_hi,
      this.mhpm3_lo,
      this.mhpm3_hi,
      this.mhpmevent3_q,
      this.mcountinhibit_q,
      ...this.pccr,
    ];
  }

  trapBaseValue(): number {
    if (this.rules.version === 'cv32e40p') return (this.mtvec_q.v & ~0xff) >>> 0;
    return (this.bootAddr & ~0xff) >>> 0;
  }

  /** Value a CSR instruction reads (0 for numbers this core does not implement). */
  readCsr(csr: number): number {
    const r = this.rules;
    if (r.version === 'cv32e40p') return this.readCv(csr);
    if (r.pcer.includes(csr)) return this.pcer_q.v;
    if (r.pcmr.includes(csr)) return this.pcmr_q.v;
    if ((csr & ~0x1f) === 0x780) {
      const i = csr & 0x1f;
      return i < this.pccr.length ? this.pccr[i]!.v : 0;
    }
    const hw = this.hwloopCsr(csr);
    if (hw >= 0) return this.l.hwlp.read(hw);
    switch (csr) {
      case 0x300:
        return this.mstatusValue();
      case 0x301:
        return MISA[r.version]!;
      case 0x305:
        return (this.trapBaseValue() | r.mtvecMode) >>> 0;
      case 0x340:
        return r.hasMscratch ? this.mscratch_q.v : 0;
      case 0x341:
        return this.mepc_q.v;
      case 0x342:
        return this.mcause_q.v;
      case 0xf14:
      case 0x014:
        return this.hartId;
      case 0xc10:
        return 3;
      case 0x7b0:
        return r.hasDebugCsrs ? this.dcsr_q.v : 0;
      case 0x7b1:
        return r.hasDebugCsrs ? this.dpc_q.v : 0;
      case 0x7b2:
        return r.hasDebugCsrs ? this.dscratch0_q.v : 0;
      case 0x7b3:
        return r.hasDebugCsrs ? this.dscratch1_q.v : 0;
      default:
        return 0;
    }
  }

  private readCv(csr: number): number {
    const hw = this.hwloopCsr(csr);
    if (hw >= 0) return this.l.hwlp.read(hw);
    switch (csr) {
      case 0x300:
        return this.mstatusValue();
      case 0x301:
        return MISA.cv32e40p!;
      case 0x304:
        return this.mie_q.v;
      case 0x305:
        return this.mtvec_q.v;
      case 0x320:
        return this.mcountinhibit_q.v;
      case 0x323:
        return this.mhpmevent3_q.v;
      case 0x340:
        return this.mscratch_q.v;
      case 0x341:
        return this.mepc_q.v;
      case 0x342:
        return this.mcause_q.v;
      case 0xf11:
        return 0x602;
      case 0xf12:
        return 4;
      case 0xf13:
        // mimpid is 1 when COREV_PULP is set
        return 1;
      case 0xf14:
      case 0xcd0:
        return this.hartId;
      case 0xcd1:
        return 3;
      case 0x7a1:
        return TDATA1_M;
      case 0x7a4:
        // tinfo: the one trigger supports type 2 (address match)
        return 1 << 2;
      case 0x7b0:
        return this.dcsr_q.v;
      case 0x7b1:
        return this.dpc_q.v;
      case 0x7b2:
        return this.dscratch0_q.v;
      case 0x7b3:
        return this.dscratch1_q.v;
      case 0xb00:
      case 0xc00:
        return this.mcycle_lo.v;
      case 0xb80:
      case 0xc80:
        return this.mcycle_hi.v;
      case 0xb02:
      case 0xc02:
        return this.minstret_lo.v;
      case 0xb82:
      case 0xc82:
        return this.minstret_hi.v;
      case 0xb03:
      case 0xc03:
        return this.mhpm3_lo.v;
      case 0xb83:
      case 0xc83:
        return this.mhpm3_hi.v;
      default:
        return 0;
    }
  }

  private mstatusValue(): number {
    return (MPP_M | (this.mstatus_mie.v << 3) | (this.mstatus_mpie.v << 7)) >>> 0;
  }

  /** Hardware-loop register index (loop * 3 + {0 start, 1 end, 2 count}) of a CSR number, or -1. */
  private hwloopCsr(csr: number): number {
    const b = this.rules.hwloopCsrBase;
    if (csr < b || csr > b + 6 || (csr - b) % 4 === 3) return -1;
    return ((csr - b) >> 2) * 3 + ((csr - b) & 3);
  }

  bind(l: CoreLinks): void {
    // mepc_o is the register; the trap base is the boot address's on RI5CY (mtvec read-only), mtvec's on CV32E40P
    this.connect(this.mepc, this.mepc_q);
    if (this.rules.version === 'cv32e40p') {
      this.comb('outputs', () => {
        this.trap_base.v = this.trapBaseValue();
      });
    } else {
      this.tie(this.trap_base, this.trapBaseValue());
    }
    this.comb('hwloop_csr', () => {
      const ex = this.l.ex;
      const op = ex.csr_op_ex.v;
      let idx = -1;
      if (op !== CSR_OP_NONE && this.rules.hwloopCsrWritable) idx = this.hwloopCsr(ex.csr_addr_ex.v);
      this.hwlp_csr_we.v = idx >= 0 ? 1 : 0;
      this.hwlp_csr_idx.v = idx >= 0 ? idx : 0;
      this.hwlp_csr_data.v = idx >= 0 ? this.apply(op, ex.csr_wdata_ex.v, this.l.hwlp.read(idx)) : 0;
      // the address, data and loop registers are read only with a CSR operation in EX: the loop counters, which
      // count in every iteration, rerun it only then
    }, { reads: [l.ex.csr_op_ex], guarded: [{ reads: [...l.hwlp.loopSignals(), l.ex.csr_addr_ex, l.ex.csr_wdata_ex], when: [l.ex.csr_op_ex] }] });
    // RI5CY's PCCR events; CV32E40P counts from its own registers (csr_q), so there its reads would only rerun a
    // process that drives 0
    if (this.rules.version === 'cv32e40p') this.tie(this.pccr_in, 0);
    else this.comb('perf_events', () => {
      // only the enabled events matter (PCCR_inc = PCCR_in & PCER & PCMR[0]); none when counting is off
      if ((this.pcmr_q.v & 1) === 0 || this.pcer_q.v === 0) {
        this.pccr_in.v = 0;
        return;
      }
      const l = this.l;
      const idv = l.id.id_valid.v & l.ctrl.is_decoding.v;
      const idq = this.id_valid_q.v;
      const lsu = l.lsu;
      const granted = lsu.data_req.v & lsu.data_gnt.v;
      const jump = l.id.jump_in_dec.v === JUMP_JAL || l.id.jump_in_dec.v === JUMP_JALR ? (l.ctrl.deassert_we.v ^ 1) : 0;
      let ev = 1;
      ev |= idv << 1;
      ev |= (l.ctrl.load_stall.v & idq) << 2;
      ev |= (l.ctrl.jr_stall.v & idq) << 3;
      ev |= (l.ifs.perf_imiss.v & (l.ctrl.pc_set.v ^ 1)) << 4;
      ev |= (granted & (lsu.data_we.v ^ 1)) << 5;
      ev |= (granted & lsu.data_we.v) << 6;
      ev |= (jump & idq) << 7;
      ev |= (l.ex.branch_in_ex.v & idq) << 8;
      ev |= (l.ex.branch_in_ex.v & l.ex.branch_decision.v & idq) << 9;
      ev |= (idv & l.ifs.is_compressed_id.v) << 10;
      if (this.rules.version === 'ri5cy') ev |= l.ctrl.perf_pipeline_stall.v << 11;
      else if (this.extPerf) ev |= this.ext_perf_counters.v << 11;
      this.pccr_in.v = ev >>> 0;
    }, {
      reads: [this.pcmr_q, this.pcer_q],
      // the events are read only while some event is enabled: with PCER zero (the cluster's cores at reset) their
      // changes, nearly every cycle, do not rerun the process (ext_perf_counters is driven by the cluster only, so it
      // is not declared: a read of an undriven signal is refused)
      guarded: [
        {
          reads: [
            l.id.id_valid,
            l.ctrl.is_decoding,
            this.id_valid_q,
            l.lsu.data_req,
            l.lsu.data_gnt,
            l.lsu.data_we,
            l.id.jump_in_dec,
            l.ctrl.deassert_we,
            l.ctrl.load_stall,
            l.ctrl.jr_stall,
            l.ifs.perf_imiss,
            l.ctrl.pc_set,
            l.ex.branch_in_ex,
            l.ex.branch_decision,
            l.ifs.is_compressed_id,
            l.ctrl.perf_pipeline_stall,
          ],
          when: [this.pcer_q],
        },
      ],
    });
    // The two inputs of the CSR process that change in most cycles, reduced to what it uses: the PC in ID (new with
    // every instruction) only while a trap saves it, EX's valid (off in every stall) only with a CSR operation. Both
    // reads are guarded by those conditions, so their changes rerun this process only while a trap or a CSR
    // operation is under way.
    this.comb('csr_inputs', () => {
      const ctrl = this.l.ctrl;
      const ex = this.l.ex;
      this.trap_pc.v = ctrl.csr_save_cause.v && ctrl.csr_save_id.v ? this.l.ifs.pc_id.v : 0;
      this.csr_we.v = ex.csr_op_ex.v !== CSR_OP_NONE && ex.valid_ex.v === 1 ? 1 : 0;
    }, {
      reads: [l.ctrl.csr_save_cause, l.ctrl.csr_save_id, l.ex.csr_op_ex],
      guarded: [
        { reads: [l.ifs.pc_id], when: [l.ctrl.csr_save_cause] },
        { reads: [l.ex.valid_ex], when: [l.ex.csr_op_ex] },
      ],
    });
    // id_valid_q qualifies RI5CY's counted events (perf_events); CV32E40P has no reader of it.
    if (this.rules.version !== 'cv32e40p') {
      this.seq('id_valid', () => {
        this.id_valid_q.next = this.l.id.id_valid.v;
      }, { stable: true });
    }
    // Stable, every read and register declared: on RI5CY it runs only when a CSR instruction, a trap, an mret or a
    // counted event changes one of its reads, and its ~40 registers commit only then (CV32E40P's mcycle counts in
    // every cycle, so there it runs in every cycle as before).
    const cv = this.rules.version === 'cv32e40p';
    this.seq('csr_q', () => this.update(), {
      reads: [
        l.ex.csr_op_ex,
        this.csr_we,
        l.ex.csr_addr_ex,
        l.ex.csr_wdata_ex,
        ...this.ownCsrSignals(),
        l.ctrl.csr_save_cause,
        l.ctrl.csr_save_id,
        l.ctrl.csr_cause,
        l.ctrl.csr_restore_mret,
        this.trap_pc,
        this.pccr_inc_q,
        this.pccr_in,
        ...(cv ? [l.id.id_valid, l.ctrl.is_decoding, l.id.illegal_id, l.id.ebrk_id, l.id.ecall_id, this.minstret_ev_q] : []),
      ],
      drives: [...this.ownCsrSignals(), this.pccr_inc_q, this.minstret_ev_q],
      stable: true,
    });
  }

  /** ID's PC while the controller saves it into mepc (csr_save_cause with csr_save_id), else 0. */
  trap_pc = this.wire(32);
  /** A CSR instruction in EX writes this cycle (csr_op_ex with valid_ex). */
  csr_we = this.wire(1);

  /** RI5CY ext_perf_counters_i (PCCR11.. on v1.0), read only when `extPerf` is set by the cluster that drives it. */
  ext_perf_counters = this.wire(5);
  extPerf = false;
  hwlp_csr_we = this.wire(1);
  hwlp_csr_idx = this.wire(3);
  hwlp_csr_data = this.wire(32);

  private readonly apply = (op: number, w: number, old: number): number => {
    if (op === CSR_OP_WRITE) return w >>> 0;
    if (op === CSR_OP_SET) return (w | old) >>> 0;
    if (op === CSR_OP_CLEAR) return (~w & old) >>> 0;
    return old >>> 0;
  };

  private readonly update = (): void => {
    const l = this.l;
    const r = this.rules;
    const ex = l.ex;
    const op = ex.csr_op_ex.v;
    const we = this.csr_we.v === 1;
    const addr = we ? ex.csr_addr_ex.v : 0;
    const w = we ? ex.csr_wdata_ex.v : 0;
    let pccrWritten = -1;
    let pccrAll = false;
    if (we) {
      // The hardware-loop CSRs are written by the loop block (hwloop_csr); no register here takes their value, so
      // this process does not read the loop registers (they change in every iteration of a loop).
      const old = this.hwloopCsr(addr) >= 0 ? 0 : this.readCsr(addr);
      const nv = this.apply(op, w, old);
      if (r.version === 'cv32e40p') this.writeCv(addr, nv);
      else if (r.pcer.includes(addr)) this.pcer_q.next = this.perfOp(op, w, this.pcer_q.v) & ((1 << r.perfCounters) - 1);
      else if (r.pcmr.includes(addr)) this.pcmr_q.next = this.perfOp(op, w, this.pcmr_q.v) & 3;
      else if ((addr & ~0x1f) === 0x780) {
        pccrAll = addr === 0x79f;
        pccrWritten = addr & 0x1f;
      } else {
        switch (addr) {
          case 0x300:
            this.mstatus_mie.next = (nv >>> 3) & 1;
            this.mstatus_mpie.next = (nv >>> 7) & 1;
            break;
          case 0x340:
            if (r.hasMscratch) this.mscratch_q.next = nv;
            break;
          case 0x341:
            this.mepc_q.next = r.mepcClearsBit0 ? nv & ~1 : nv;
            break;
          case 0x342:
            this.mcause_q.next = (nv & 0x8000001f) >>> 0;
            break;
          case 0x7b0:
            if (r.hasDebugCsrs) this.dcsr_q.next = ((nv & 0x0ffff9e4) | 3) >>> 0;
            break;
          case 0x7b1:
            if (r.hasDebugCsrs) this.dpc_q.next = nv & ~1;
            break;
          case 0x7b2:
            if (r.hasDebugCsrs) this.dscratch0_q.next = nv;
            break;
          case 0x7b3:
            if (r.hasDebugCsrs) this.dscratch1_q.next = nv;
            break;
          default:
            break;
        }
      }
    }
    // trap entry and mret (the controller's csr_save / csr_restore)
    if (l.ctrl.csr_save_cause.v) {
      if (l.ctrl.csr_save_id.v) this.mepc_q.next = this.trap_pc.v;
      this.mcause_q.next = l.ctrl.csr_cause.v & 0x1f;
      this.mstatus_mpie.next = this.mstatus_mie.v;
      this.mstatus_mie.next = 0;
    } else if (l.ctrl.csr_restore_mret.v) {
      this.mstatus_mie.next = this.mstatus_mpie.v;
      this.mstatus_mpie.next = 1;
    }
    if (r.version === 'cv32e40p') {
      this.countCv(we ? addr : -1);
      return;
    }
    // RI5CY PCCR: increment by last cycle's events, a CSR write to the counter overrides it.
    const inc = this.pccr_inc_q.v;
    const pcmr = this.pcmr_q.v;
    if (inc !== 0 || pccrWritten >= 0) {
      const sat = (pcmr & 2) !== 0;
      const n = this.pccr.length;
      for (let i = 0; i < n; i++) {
        const written = pccrAll || pccrWritten === i;
        if (!written && ((inc >>> i) & 1) === 0) continue;
        const c = this.pccr[i]!;
        const v = c.v;
        if (written) c.next = this.perfOp(op, w, v);
        else if (v !== 0xffffffff || !sat) c.next = (v + 1) >>> 0;
      }
    }
    // pccr_in is zero whenever counting is off (perf_events), so the increment register then holds zero
    const incNext = pcmr & 1 ? (this.pccr_in.v & this.pcer_q.v) >>> 0 : 0;
    if (incNext !== inc) this.pccr_inc_q.next = incNext;
  };

  /** PCER/PCMR/PCCR apply csr_op themselves; CLEAR computes `wdata & ~reg` (riscv_cs_registers.sv). */
  private readonly perfOp = (op: number, w: number, cur: number): number => {
    if (op === CSR_OP_WRITE) return w >>> 0;
    if (op === CSR_OP_SET) return (w | cur) >>> 0;
    if (op === CSR_OP_CLEAR) return (w & ~cur) >>> 0;
    return cur >>> 0;
  };

  private readonly writeCv = (addr: number, nv: number): void => {
    switch (addr) {
      case 0x300:
        this.mstatus_mie.next = (nv >>> 3) & 1;
        this.mstatus_mpie.next = (nv >>> 7) & 1;
        break;
      case 0x304:
        this.mie_q.next = nv;
        break;
      case 0x305:
        this.mtvec_q.next = ((nv & ~0xff) | (nv & 1)) >>> 0;
        break;
      case 0x320:
        this.mcountinhibit_q.next = nv & 0xd;
        break;
      case 0x323:
        this.mhpmevent3_q.next = nv & 0xffff;
        break;
      case 0x340:
        this.mscratch_q.next = nv;
        break;
      case 0x341:
        this.mepc_q.next = nv & ~1;
        break;
      case 0x342:
        this.mcause_q.next = (nv & 0x8000001f) >>> 0;
        break;
      case 0x7b0:
        this.dcsr_q.next = ((nv & 0x0ffff9e4) | 0x40000003) >>> 0;
        break;
      case 0x7b1:
        this.dpc_q.next = nv & ~1;
        break;
      case 0x7b2:
        this.dscratch0_q.next = nv;
        break;
      case 0x7b3:
        this.dscratch1_q.next = nv;
        break;
      default:
        break;
    }
  };

  /** CV32E40P: mcycle counts every cycle, minstret every retired instruction, unless inhibited; a CSR write to a
   *  counter replaces that cycle's increment. */
  private readonly countCv = (written: number): void => {
    const inh = this.mcountinhibit_q.v;
    this.countStep(written, this.mcycle_lo, this.mcycle_hi, inh & 1 ? 0 : 1, 0xb00, 0xb80);
    const id = this.l.id;
    this.minstret_ev_q.next = id.id_valid.v & this.l.ctrl.is_decoding.v & (id.illegal_id.v ^ 1) & (id.ebrk_id.v ^ 1) & (id.ecall_id.v ^ 1);
    this.countStep(written, this.minstret_lo, this.minstret_hi, inh & 4 ? 0 : this.minstret_ev_q.v, 0xb02, 0xb82);
  };
  /** One 64-bit counter (lo/hi CSR addresses wl/wh): a CSR write to either half, else the increment. A member, not
   *  a closure made per cycle (each of which also costs a name definition under the TypeScript loader). */
  private readonly countStep = (written: number, lo: Reg, hi: Reg, inc: number, wl: number, wh: number): void => {
    if (written === wl || written === wh) {
      if (written === wl) lo.next = this.csrNew(lo.v);
      else hi.next = this.csrNew(hi.v);
      return;
    }
    if (!inc) return;
    const v = (lo.v + 1) >>> 0;
    lo.next = v;
    if (v === 0) hi.next = (hi.v + 1) >>> 0;
  };

  private readonly csrNew = (old: number): number => {
    return this.apply(this.l.ex.csr_op_ex.v, this.l.ex.csr_wdata_ex.v, old);
  };
}
