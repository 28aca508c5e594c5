// IF stage of CV32E40P (cv32e40p_if_stage.sv, cv32e40p_prefetch_buffer.sv, cv32e40p_prefetch_controller.sv,
// cv32e40p_obi_interface.sv, cv32e40p_fifo.sv, cv32e40p_aligner.sv at cv32e40p_v1.8.3; fixtures README
// cv32e40p/): an OBI prefetcher with up to two outstanding requests and a 2-entry response FIFO (responses of
// requests issued before a branch are dropped by a flush counter), a registered OBI interface that holds a
// request until its grant, an aligner that splits 32-bit words into 16/32-bit instructions, the hardware-loop
// jump from the controller (prefetched one instruction early), and the IF/ID pipeline register.
import { Module, defineEnum } from '../../sim/index.ts';
import { pcMuxReads, pcMuxTarget } from './if_stage.ts';
import type { CoreLinks } from './links.ts';

export const PfcState = defineEnum('PfcState', ['IDLE', 'BRANCH_WAIT']);
export const ObiState = defineEnum('ObiState', ['TRANSPARENT', 'REGISTERED']);
export const AlignState = defineEnum('AlignState', ['ALIGNED32', 'MISALIGNED32', 'MISALIGNED16', 'BRANCH_MISALIGNED']);

const A32 = AlignState.ALIGNED32;
const M32 = AlignState.MISALIGNED32;
const M16 = AlignState.MISALIGNED16;
const BM = AlignState.BRANCH_MISALIGNED;
const DEPTH = 2;

export class IfStageCv extends Module {
  /** Set once, by the core before any bind (core.ts). */
  declare l: CoreLinks;

  instr_req = this.output(1);
  instr_addr = this.output(32);
  instr_gnt = this.input(1);
  instr_rvalid = this.input(1);
  instr_rdata = this.input(32);

  // prefetch controller
  pfc_cs = this.reg(PfcState, PfcState.IDLE);
  cnt_q = this.reg(2, 0);
  flush_cnt_q = this.reg(2, 0);
  trans_addr_q = this.reg(32, 0);
  hwlp_flush_after_resp = this.reg(1, 0);
  hwlp_flush_cnt_delayed_q = this.reg(2, 0);
  trans_valid = this.wire(1);
  trans_addr = this.wire(32);
  // OBI interface (TRANS_STABLE = 0)
  obi_cs = this.reg(ObiState, ObiState.TRANSPARENT);
  obi_addr_q = this.reg(32, 0);
  trans_ready = this.wire(1);
  // response FIFO
  fifo_mem0 = this.reg(32, 0);
  fifo_mem1 = this.reg(32, 0);
  fifo_rptr = this.reg(1, 0);
  fifo_wptr = this.reg(1, 0);
  fifo_cnt = this.reg(2, 0);
  fetch_valid = this.wire(1);
  fetch_rdata = this.wire(32);
  // aligner
  align_cs = this.reg(AlignState, A32);
  r_instr_h = this.reg(16, 0);
  hwlp_addr_q = this.reg(32, 0);
  pc_q = this.reg(32, 0);
  aligner_ready_q = this.reg(1, 0);
  hwlp_update_pc_q = this.reg(1, 0);
  instr_aligned = this.wire(32);
  instr_valid = this.wire(1);
  aligner_ready = this.wire(1);
  pc_if = this.wire(32);

  fetch_addr_n = this.wire(32);
  branch_req = this.wire(1);
  if_valid = this.wire(1);
  fetch_ready = this.wire(1);
  perf_imiss = this.wire(1);

  // IF/ID pipeline register
  instr_valid_id = this.reg(1, 0);
  instr_rdata_id = this.reg(32, 0);
  is_compressed_id = this.reg(1, 0);
  pc_id = this.reg(32, 0);
  /** RI5CY's IF-side hardware-loop tags; CV32E40P decides loops in ID (always 0 here). */
  is_hwlp_id = this.wire(1);
  hwlp_dec_cnt_id = this.wire(2);

  constructor(private readonly bootAddr: number) {
    super();
  }

  bind(l: CoreLinks): void {
    const boot = this.bootAddr;
    this.tie(this.is_hwlp_id, 0);
    this.tie(this.hwlp_dec_cnt_id, 0);
    // the branch request is the controller's pc_set and the aligner's PC its register: one net each, not a copy
    // driven in every cycle
    this.connect(this.branch_req, l.ctrl.pc_set);
    this.connect(this.pc_if, this.pc_q);
    // The PC mux, the prefetcher's outputs and the aligner feed each other in this order and run in every cycle:
    // one process (`pcMux`, then the prefetcher, then alignerComb), each part handing the next its values through
    // the signals it has just driven (one call and the compares of the intermediate signals fewer per part,
    // single-core bench).
    const bootFetch = (boot & ~3) >>> 0;
    const pcMux = (): void => {
      this.fetch_addr_n.v = pcMuxTarget(l, bootFetch) & ~1;
    };
    this.comb('prefetch', () => {
      pcMux();
      const branch = this.branch_req.v;
      const hj = l.ctrl.hwlp_jump.v;
      const fifoEmpty = this.fifo_cnt.v === 0;
      const resp = this.instr_rvalid.v;
      this.fetch_valid.v = (!fifoEmpty || resp) && !(branch || this.flush_cnt_q.v > 0) ? 1 : 0;
      this.fetch_rdata.v = fifoEmpty ? this.instr_rdata.v : this.fifo_rptr.v ? this.fifo_mem1.v : this.fifo_mem0.v;
      const masked = branch || hj ? 0 : this.fifo_cnt.v;
      const tv = l.ctrl.instr_req.v && masked + this.cnt_q.v < DEPTH ? 1 : 0;
      this.trans_valid.v = tv;
      let ta: number;
      if (this.pfc_cs.v === PfcState.IDLE) {
        if (branch) ta = this.fetch_addr_n.v & ~3;
        else if (hj) ta = l.ctrl.hwlp_targ_addr.v;
        else ta = (((this.trans_addr_q.v >>> 2) << 2) + 4) >>> 0;
      } else ta = branch ? this.fetch_addr_n.v & ~3 : this.trans_addr_q.v;
      this.trans_addr.v = ta >>> 0;
      const transparent = this.obi_cs.v === ObiState.TRANSPARENT;
      this.trans_ready.v = transparent ? 1 : 0;
      this.instr_req.v = transparent ? tv : 1;
      this.instr_addr.v = transparent ? (ta & ~3) >>> 0 : this.obi_addr_q.v;
      this.perf_imiss.v = !this.fetch_valid.v && !branch ? 1 : 0;
      this.alignerComb();
    }, {
      reads: [
        ...pcMuxReads(l),
        l.ctrl.pc_set,
        l.ctrl.hwlp_jump,
        l.ctrl.instr_req,
        this.instr_rvalid,
        this.instr_rdata,
      ],
    });
    this.comb('if_ready', () => {
      const ifValid = this.fetch_valid.v & l.id.id_ready.v & (l.ctrl.halt_if.v ^ 1);
      this.if_valid.v = ifValid;
      this.fetch_ready.v = !this.branch_req.v && this.fetch_valid.v && l.ctrl.instr_req.v && ifValid ? this.aligner_ready.v : 0;
    });
    this.seq('prefetch_q', () => this.prefetchSeq());
    this.seq('aligner_q', () => this.alignerSeq());
    this.seq('if_id', () => {
      if (this.if_valid.v && this.instr_valid.v) {
        const w = this.instr_aligned.v;
        const compressed = (w & 3) !== 3;
        this.instr_valid_id.next = 1;
        this.instr_rdata_id.next = compressed ? w & 0xffff : w;
        this.is_compressed_id.next = compressed ? 1 : 0;
        this.pc_id.next = this.pc_if.v;
      } else if (l.id.clear_instr_valid.v) {
        this.instr_valid_id.next = 0;
      }
    });
  }

  private readonly alignerComb = (): void => {
    const st = this.align_cs.v;
    const fv = this.fetch_valid.v;
    const rd = this.fetch_rdata.v;
    let valid = fv;
    let aligned = rd;
    let ready = 1;
    switch (st) {
      case M32:
        if ((this.r_instr_h.v & 3) === 3) aligned = (((rd & 0xffff) << 16) | this.r_instr_h.v) >>> 0;
        else {
          aligned = ((rd & 0xffff0000) | this.r_instr_h.v) >>> 0;
          valid = 1;
          ready = fv ^ 1;
        }
        break;
      case M16:
        valid = !this.aligner_ready_q.v || fv ? 1 : 0;
        break;
      case BM:
        if (((rd >>> 16) & 3) === 3) valid = 0;
        else aligned = ((rd & 0xffff0000) | (rd >>> 16)) >>> 0;
        break;
      default:
        break;
    }
    this.instr_aligned.v = aligned;
    this.instr_valid.v = valid;
    this.aligner_ready.v = ready;
  };

  private readonly alignerSeq = (): void => {
    const st = this.align_cs.v;
    const fv = this.fetch_valid.v;
    const rd = this.fetch_rdata.v;
    const ifv = this.if_valid.v;
    const pc = this.pc_q.v;
    const hj = this.l.ctrl.hwlp_jump.v;
    let update = false;
    let pcN = pc;
    let ns = st;
    switch (st) {
      case A32:
        if ((rd & 3) === 3) {
          ns = A32;
          pcN = (pc + 4) >>> 0;
          update = !!(fv & ifv);
          if (hj || this.hwlp_update_pc_q.v) pcN = hj ? this.l.ctrl.hwlp_targ_addr.v : this.hwlp_addr_q.v;
        } else {
          ns = M32;
          pcN = (pc + 2) >>> 0;
          update = !!(fv & ifv);
        }
        break;
      case M32:
        if ((this.r_instr_h.v & 3) === 3) {
          ns = M32;
          pcN = (pc + 4) >>> 0;
          update = !!(fv & ifv);
        } else {
          ns = M16;
          pcN = (pc + 2) >>> 0;
          update = !!ifv;
        }
        break;
      case M16:
        ns = (rd & 3) === 3 ? A32 : M32;
        pcN = (rd & 3) === 3 ? (pc + 4) >>> 0 : (pc + 2) >>> 0;
        update = !!((!this.aligner_ready_q.v || fv) && ifv);
        break;
      case BM:
        if (((rd >>> 16) & 3) === 3) {
          ns = M32;
          pcN = pc;
        } else {
          ns = A32;
          pcN = (pc + 2) >>> 0;
        }
        update = !!(fv & ifv);
        break;
      default:
        break;
    }
    if (this.branch_req.v) {
      update = true;
      pcN = this.fetch_addr_n.v;
      ns = pcN & 2 ? BM : A32;
    }
    if (update) {
      this.pc_q.next = pcN;
      this.align_cs.next = ns;
      this.r_instr_h.next = rd >>> 16;
      this.aligner_ready_q.next = this.aligner_ready.v;
      this.hwlp_update_pc_q.next = 0;
    } else if (hj) {
      this.hwlp_addr_q.next = this.l.ctrl.hwlp_targ_addr.v;
      this.hwlp_update_pc_q.next = 1;
    }
  };

  private readonly prefetchSeq = (): void => {
    const branch = this.branch_req.v;
    const hj = this.l.ctrl.hwlp_jump.v;
    const resp = this.instr_rvalid.v;
    const fifoCnt = this.fifo_cnt.v;
    const fifoEmpty = fifoCnt === 0;
    const fetchReady = this.fetch_ready.v;
    const issued = this.trans_valid.v && this.trans_ready.v;
    // controller state and transaction address
    if (this.pfc_cs.v === PfcState.IDLE) {
      if ((branch || hj) && !issued) this.pfc_cs.next = PfcState.BRANCH_WAIT;
    } else if (issued) this.pfc_cs.next = PfcState.IDLE;
    if (branch || hj || issued) this.trans_addr_q.next = this.trans_addr.v;
    const cnt = this.cnt_q.v;
    this.cnt_q.next = cnt + (issued ? 1 : 0) - (resp ? 1 : 0);
    // responses of requests issued before a branch or hardware-loop jump are dropped
    const hwlpFlushResp = hj && !(fifoEmpty && !resp);
    const hwlpWaitRespFlush = hj && fifoEmpty && !resp;
    const hwlpFlushRespDelayed = this.hwlp_flush_after_resp.v && resp;
    if (branch) {
      this.hwlp_flush_after_resp.next = 0;
      this.hwlp_flush_cnt_delayed_q.next = 0;
    } else if (hwlpWaitRespFlush) {
      this.hwlp_flush_after_resp.next = 1;
      this.hwlp_flush_cnt_delayed_q.next = (cnt - 1) & 3;
    } else if (hwlpFlushRespDelayed) {
      this.hwlp_flush_after_resp.next = 0;
      this.hwlp_flush_cnt_delayed_q.next = 0;
    }
    const fl = this.flush_cnt_q.v;
    if (branch || hwlpFlushResp) this.flush_cnt_q.next = resp && cnt > 0 ? cnt - 1 : cnt;
    else if (hwlpFlushRespDelayed) this.flush_cnt_q.next = this.hwlp_flush_cnt_delayed_q.v;
    else if (resp && fl > 0) this.flush_cnt_q.next = fl - 1;
    // OBI interface
    if (this.obi_cs.v === ObiState.TRANSPARENT) {
      if (this.instr_req.v && !this.instr_gnt.v) {
        this.obi_cs.next = ObiState.REGISTERED;
        this.obi_addr_q.next = this.instr_addr.v;
      }
    } else if (this.instr_gnt.v) this.obi_cs.next = ObiState.TRANSPARENT;
    // FIFO
    const fifoValid = !fifoEmpty;
    const push = resp && (fifoValid || !fetchReady) && !(branch || fl > 0);
    const pop = fifoValid && fetchReady;
    const flush = branch || (hj && !fifoEmpty && pop);
    const flushButFirst = hj && !fifoEmpty && !pop;
    if (flush) {
      this.fifo_rptr.next = 0;
      this.fifo_wptr.next = 0;
      this.fifo_cnt.next = 0;
    } else if (flushButFirst) {
      this.fifo_wptr.next = fifoCnt > 0 ? (this.fifo_rptr.v + 1) & 1 : 0;
      if (fifoCnt === 0) this.fifo_rptr.next = 0;
      this.fifo_cnt.next = fifoCnt > 0 ? 1 : 0;
    } else {
      let c = fifoCnt;
      if (push && fifoCnt < DEPTH) {
        c++;
        this.fifo_wptr.next = (this.fifo_wptr.v + 1) & 1;
      }
      if (pop) {
        c--;
        this.fifo_rptr.next = (this.fifo_rptr.v + 1) & 1;
      }
      this.fifo_cnt.next = c;
    }
    if (push && fifoCnt < DEPTH) {
      if (this.fifo_wptr.v) this.fifo_mem1.next = this.instr_rdata.v;
      else this.fifo_mem0.next = this.instr_rdata.v;
    }
  };
}
