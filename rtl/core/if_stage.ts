// IF stage (riscv_if_stage.sv, riscv_prefetch_buffer.sv, riscv_fetch_fifo.sv, riscv_hwloop_controller.sv at
// pulpissimo-v3.4.0): a prefetcher with one outstanding request on the OBI instruction port (req/gnt/rvalid), a
// 4-entry fetch FIFO that re-aligns 32-bit instructions at half-word addresses, the hardware-loop controller that
// compares the fetch address with the loop ends and redirects the prefetcher to the loop start, the PC mux, and
// the IF/ID pipeline register. RVC expansion happens in the ID decoder from the same rtl/isa table.
import { Module, defineEnum, type Signal } from '../../sim/index.ts';
import type { CoreLinks } from './links.ts';

export const PfState = defineEnum('PfState', ['IDLE', 'WAIT_GNT', 'WAIT_RVALID', 'WAIT_ABORTED', 'WAIT_JUMP']);
export const HwlpState = defineEnum('HwlpState', ['NONE', 'IN', 'FETCHING', 'DONE', 'UNALIGNED_COMPRESSED', 'UNALIGNED']);
export const OffsetState = defineEnum('OffsetState', ['WAIT', 'IDLE']);
export const PcMux = defineEnum('PcMux', ['BOOT', 'JUMP', 'BRANCH', 'EXCEPTION', 'FENCEI', 'MRET', 'URET', 'DRET', 'HWLOOP']);

const PF_IDLE = PfState.IDLE;
const PF_WAIT_GNT = PfState.WAIT_GNT;
const PF_WAIT_RVALID = PfState.WAIT_RVALID;
const PF_WAIT_ABORTED = PfState.WAIT_ABORTED;
const PF_WAIT_JUMP = PfState.WAIT_JUMP;
const H_NONE = HwlpState.NONE;
const H_IN = HwlpState.IN;
const H_FETCHING = HwlpState.FETCHING;
const H_DONE = HwlpState.DONE;
const H_UC = HwlpState.UNALIGNED_COMPRESSED;
const H_UN = HwlpState.UNALIGNED;

/** The PC mux of the IF stages (riscv_if_stage.sv, cv32e40p_if_stage.sv fetch_addr_n, before bit 0 is cleared;
 *  RI5CY v1.0's 128-bit L0 IF stage too): the fetch address the controller's pc_mux selects; `boot` is the
 *  version's boot fetch address. URET and DRET select nothing in this model (0); RI5CY ties the controller's
 *  hwlp_targ_addr to 0, so HWLOOP gives the default 0 there, and v1.0 never selects FENCEI (fence.i is illegal). */
export function pcMuxTarget(l: CoreLinks, boot: number): number {
  switch (l.ctrl.pc_mux.v) {
    case PcMux.BOOT:
      return boot;
    case PcMux.JUMP:
      return l.id.jump_target_id.v;
    case PcMux.BRANCH:
      return l.ex.branch_target_ex.v;
    case PcMux.EXCEPTION:
      return l.ctrl.exc_pc.v;
    case PcMux.FENCEI:
      return (l.ifs.pc_id.v + 4) >>> 0;
    case PcMux.MRET:
      return l.cs.mepc.v;
    case PcMux.HWLOOP:
      return l.ctrl.hwlp_targ_addr.v;
    default:
      return 0;
  }
}

/** The inputs pcMuxTarget reads under a non-zero selector (PcMux.BOOT is 0): a process may declare them guarded by
 *  pc_mux, so the targets that move with every instruction rerun it only while selected. */
export function pcMuxSources(l: CoreLinks): Signal[] {
  return [l.id.jump_target_id, l.ex.branch_target_ex, l.ctrl.exc_pc, l.ifs.pc_id, l.cs.mepc, l.ctrl.hwlp_targ_addr];
}

/** Every signal pcMuxTarget may read: declared by the IF processes that call it, as learning's random words seldom
 *  select each input (a jump, a taken branch, a trap, fence.i, mret, a CV32E40P hardware-loop jump). */
export function pcMuxReads(l: CoreLinks): Signal[] {
  return [l.ctrl.pc_mux, ...pcMuxSources(l)];
}

/** riscv_hwloop_controller.sv: at the end address, the loop jumps back unless this is its last iteration
 *  (count 1, or count 2 with the decrement of the instruction in ID still pending). */
function loopGoesOn(cnt: number, decPending: number): boolean {
  if (cnt >>> 2 !== 0 || (cnt & 3) === 3) return true;
  return (cnt & 3) === 2 && decPending === 0;
}

export class IfStage extends Module {
  /** Set once, by the core before any bind (core.ts). */
  declare l: CoreLinks;

  // OBI instruction port
  instr_req = this.output(1);
  instr_addr = this.output(32);
  instr_gnt = this.input(1);
  instr_rvalid = this.input(1);
  instr_rdata = this.input(32);

  // prefetch buffer
  pf_cs = this.reg(PfState, PF_IDLE);
  hwlp_cs = this.reg(HwlpState, H_NONE);
  instr_addr_q = this.reg(32, 0);
  addr_valid = this.wire(1);
  fetch_is_hwlp = this.wire(1);

  // fetch FIFO (DEPTH = 4): entry addresses/data, valid bits [3:0], is_hwlp bits [1:0]
  fifo_addr0 = this.reg(32, 0);
  fifo_addr1 = this.reg(32, 0);
  fifo_addr2 = this.reg(32, 0);
  fifo_addr3 = this.reg(32, 0);
  fifo_rdata0 = this.reg(32, 0);
  fifo_rdata1 = this.reg(32, 0);
  fifo_rdata2 = this.reg(32, 0);
  fifo_rdata3 = this.reg(32, 0);
  fifo_valid_q = this.reg(4, 0);
  fifo_hwlp_q = this.reg(2, 0);
  fifo_in_valid = this.wire(1);
  fetch_valid = this.wire(1);
  fifo_head = this.wire(32);
  fetch_rdata = this.wire(32);
  pc_if = this.wire(32);
  valid_stored = this.wire(1);
  unaligned_is_compressed = this.wire(1);
  fetch_out_is_hwlp = this.wire(1);

  // hardware-loop controller and the prefetcher's hardware-loop FSM outputs
  hwlp_jump = this.wire(1);
  hwlp_target = this.wire(32);
  hwlp_dec_cnt = this.wire(2);
  hwlp_masked = this.wire(1);
  hwlp_branch = this.wire(1);
  hwloop_speculative = this.wire(1);
  hwlp_dec_cnt_if = this.reg(2, 0);

  // offset FSM, PC mux
  offset_cs = this.reg(OffsetState, OffsetState.IDLE);
  branch_req = this.wire(1);
  if_valid = this.wire(1);
  fetch_ready = this.wire(1);

  // IF/ID pipeline register
  instr_valid_id = this.reg(1, 0);
  instr_rdata_id = this.reg(32, 0);
  is_compressed_id = this.reg(1, 0);
  pc_id = this.reg(32, 0);
  is_hwlp_id_q = this.reg(1, 0);
  hwlp_dec_cnt_id = this.reg(2, 0);
  is_hwlp_id = this.wire(1);
  perf_imiss = this.wire(1);

  constructor(private readonly bootAddr: number) {
    super();
  }

  bind(l: CoreLinks): void {
    const bootAddr = this.bootAddr;
    // FIFO output and hardware-loop controller: registers and the memory response only
    this.comb(
      'fetch_out',
      () => this.fetchOut(),
      // The loop registers are read only when pc_if equals an end address, which learning's random values miss.
      {
        reads: [
          this.instr_rvalid,
          this.instr_rdata,
          l.hwlp.hwlp_start0,
          l.hwlp.hwlp_start1,
          l.hwlp.hwlp_end0,
          l.hwlp.hwlp_end1,
          l.hwlp.hwlp_counter0,
          l.hwlp.hwlp_counter1,
        ],
      },
    );
    // PC mux, offset FSM, prefetcher request and the IF/ID handshake (riscv_if_stage.sv, riscv_prefetch_buffer.sv)
    this.comb(
      'front',
      () => {
        // fetch_addr_n and if_valid_pre are locals: only this process uses them
        const addrN = (pcMuxTarget(l, bootAddr) & ~1) >>> 0;
        const req = l.ctrl.instr_req.v;
        const fetchValid = this.fetch_valid.v;
        const hb = this.hwlp_branch.v;
        let br = 0;
        let valid = 0;
        if (this.offset_cs.v === OffsetState.IDLE) {
          if (req) br = 1;
        } else if (fetchValid) valid = 1;
        if (l.ctrl.pc_set.v) {
          valid = 0;
          br = 1;
        } else if (hb) valid = 0;
        this.branch_req.v = br;
        this.perf_imiss.v = (fetchValid ^ 1) | br;
        this.prefetchComb(br, hb, req, addrN, fetchValid);
        // IF hands over to ID (riscv_if_stage.sv if_valid, fetch_ready)
        const ifValid = valid & l.id.id_ready.v & (l.ctrl.halt_if.v ^ 1);
        this.if_valid.v = ifValid;
        this.fetch_ready.v = req & ifValid;
      },
      {
        reads: [
          ...pcMuxReads(l),
          l.ctrl.pc_set,
          l.ctrl.instr_req,
          this.fetch_valid,
          this.hwlp_branch,
          this.hwlp_masked,
          this.valid_stored,
          this.hwlp_target,
          this.instr_rvalid,
          l.id.id_ready,
          l.ctrl.halt_if,
        ],
      },
    );
    this.seq('if_q', () => this.ifSeq());
  }

  /** FIFO output (riscv_fetch_fifo.sv), the hardware-loop controller on the fetch address
   *  (riscv_hwloop_controller.sv) and the prefetcher's hardware-loop FSM outputs. */
  private readonly fetchOut = (): void => {
    const vq = this.fifo_valid_q.v;
    const hq = this.fifo_hwlp_q.v;
    const addrQ = this.instr_addr_q.v;
    const hcs = this.hwlp_cs.v;
    const inValid = this.pf_cs.v === PF_WAIT_RVALID && this.instr_rvalid.v ? 1 : 0;
    const inRdata = this.instr_rdata.v;
    const vq0 = vq & 1;
    const vq1 = (vq >>> 1) & 1;
    const hq1 = (hq >>> 1) & 1;
    const rd0 = this.fifo_rdata0.v;
    const rdata = vq0 ? rd0 : inValid ? inRdata : 0;
    const valid = vq0 | inValid | hq1;
    const uic = ((rdata >>> 16) & 3) !== 3 ? 1 : 0;
    const outAddr = vq0 ? this.fifo_addr0.v : addrQ;
    this.fifo_in_valid.v = inValid;
    this.fifo_head.v = rdata;
    this.unaligned_is_compressed.v = uic;
    this.pc_if.v = outAddr;
    this.fetch_out_is_hwlp.v = vq0 ? hq & 1 : hcs === H_FETCHING ? 1 : 0;
    let validO: number;
    if (outAddr & 2 && !hq1) {
      const rdataUnaligned = vq1
        ? (((this.fifo_rdata1.v & 0xffff) << 16) | (rdata >>> 16)) >>> 0
        : (((inRdata & 0xffff) << 16) | (rdata >>> 16)) >>> 0;
      validO = uic ? valid : vq1 | (vq0 & inValid);
      this.fetch_rdata.v = rdataUnaligned;
      this.valid_stored.v = vq0 && ((rd0 >>> 16) & 3) !== 3 ? 1 : vq1;
    } else {
      validO = valid;
      this.fetch_rdata.v = rdata;
      this.valid_stored.v = vq0;
    }
    this.fetch_valid.v = validO;

    // hardware-loop controller: the first loop whose end address is pc_if and whose count goes on
    const validId = this.instr_valid_id.v;
    const isHwlpIdQ = this.is_hwlp_id_q.v;
    const decId = isHwlpIdQ & validId ? this.hwlp_dec_cnt_id.v : 0;
    const h = this.l.hwlp;
    let jump = 0;
    let target = 0;
    let dec = 0;
    if (outAddr === h.hwlp_end0.v && loopGoesOn(h.hwlp_counter0.v, decId & 1)) {
      jump = 1;
      target = h.hwlp_start0.v;
      dec = 1;
    } else if (outAddr === h.hwlp_end1.v && loopGoesOn(h.hwlp_counter1.v, (decId >>> 1) & 1)) {
      jump = 1;
      target = h.hwlp_start1.v;
      dec = 2;
    }
    this.hwlp_jump.v = jump;
    this.hwlp_target.v = target;
    this.hwlp_dec_cnt.v = dec;
    // riscv_prefetch_buffer.sv hwloop FSM outputs
    const a1 = (addrQ >>> 1) & 1;
    let masked = 0;
    let spec = 0;
    if (hcs === H_NONE) {
      if (jump) {
        masked = a1 ^ 1;
        if ((validO & uic & a1) | (a1 & (validO ^ 1))) spec = 1;
      }
    } else if (hcs === H_UN || hcs === H_IN) masked = 1;
    this.hwlp_masked.v = masked;
    this.hwloop_speculative.v = spec;
    this.hwlp_branch.v = hcs === H_UC ? 1 : 0;
    this.is_hwlp_id.v = isHwlpIdQ & validId;
  };

  private readonly prefetchComb = (branch: number, hb: number, req: number, addrN: number, fetchValid: number): void => {
    const cs = this.pf_cs.v;
    const masked = this.hwlp_masked.v;
    const addrQ = this.instr_addr_q.v;
    const fifoReady = ((this.fifo_valid_q.v >>> 2) & 1) ^ 1;
    let instrReq = 0;
    let addr = (((addrQ >>> 2) << 2) + 4) >>> 0;
    let addrValid = 0;
    let isHwlp = 0;
    switch (cs) {
      case PF_IDLE: {
        const ms = masked & this.valid_stored.v;
        if (branch | hb) addr = branch ? addrN : addrQ;
        else if (ms) addr = this.hwlp_target.v;
        if (req & (fifoReady | branch | hb | ms)) {
          instrReq = 1;
          addrValid = 1;
          if (ms) isHwlp = 1;
        }
        break;
      }
      case PF_WAIT_JUMP:
        if (branch) {
          addr = addrN;
          addrValid = 1;
          instrReq = 1;
        }
        break;
      case PF_WAIT_GNT:
        addr = addrQ;
        instrReq = 1;
        if (branch | hb) {
          addr = branch ? addrN : addrQ;
          addrValid = 1;
        } else if (masked & this.valid_stored.v) {
          addr = this.hwlp_target.v;
          addrValid = 1;
          isHwlp = 1;
        }
        break;
      case PF_WAIT_RVALID:
        if (branch | hb) addr = branch ? addrN : addrQ;
        else if (masked) addr = this.hwlp_target.v;
        if (req & (fifoReady | branch | hb | masked)) {
          if (this.instr_rvalid.v) {
            instrReq = 1;
            addrValid = 1;
            if (masked) isHwlp = 1;
          } else if (branch | hb) {
            addrValid = 1;
          } else if (masked & fetchValid) {
            addrValid = 1;
            isHwlp = 1;
          }
        }
        break;
      case PF_WAIT_ABORTED:
        addr = addrQ;
        if (branch | hb) {
          addr = branch ? addrN : addrQ;
          addrValid = 1;
        }
        if (this.instr_rvalid.v) instrReq = 1;
        break;
      default:
        break;
    }
    this.instr_req.v = instrReq;
    this.instr_addr.v = addr;
    this.addr_valid.v = addrValid;
    this.fetch_is_hwlp.v = isHwlp;
  };

  /** The clock edge of IF: prefetcher and hardware-loop FSMs, fetch FIFO, offset FSM, IF/ID register. Every
   *  signal is read once here and handed to the parts. */
  private readonly ifSeq = (): void => {
    const cs = this.pf_cs.v;
    const gnt = this.instr_gnt.v;
    const rvalid = this.instr_rvalid.v;
    const branch = this.branch_req.v;
    const hb = this.hwlp_branch.v;
    const masked = this.hwlp_masked.v;
    const req = this.l.ctrl.instr_req.v;
    const vq = this.fifo_valid_q.v;
    const fetchValid = this.fetch_valid.v;
    const jump = this.hwlp_jump.v;
    const uic = this.unaligned_is_compressed.v;
    const isHwlpO = this.fetch_out_is_hwlp.v;
    const fetchIsHwlp = this.fetch_is_hwlp.v;
    const ready = this.fetch_ready.v;
    const addrQ = this.instr_addr_q.v;
    const h = this.hwlp_cs.v;

    // prefetcher FSM (riscv_prefetch_buffer.sv)
    const fifoReady = ((vq >>> 2) & 1) ^ 1;
    let ns = cs;
    switch (cs) {
      case PF_IDLE:
        if (this.instr_req.v) ns = gnt ? PF_WAIT_RVALID : PF_WAIT_GNT;
        break;
      case PF_WAIT_JUMP:
        if (branch) ns = gnt ? PF_WAIT_RVALID : PF_WAIT_GNT;
        break;
      case PF_WAIT_GNT:
        ns = gnt ? PF_WAIT_RVALID : PF_WAIT_GNT;
        break;
      case PF_WAIT_RVALID:
        if (req & (fifoReady | branch | hb | masked)) {
          if (rvalid) ns = gnt ? PF_WAIT_RVALID : PF_WAIT_GNT;
          else if (branch | hb) ns = PF_WAIT_ABORTED;
          else if (masked & fetchValid) ns = PF_WAIT_ABORTED;
        } else if (rvalid) ns = PF_IDLE;
        break;
      case PF_WAIT_ABORTED:
        if (rvalid) ns = gnt ? PF_WAIT_RVALID : PF_WAIT_GNT;
        break;
      default:
        ns = PF_IDLE;
    }
    if (ns !== cs) this.pf_cs.next = ns;
    // hardware-loop FSM next state
    const a1 = (addrQ >>> 1) & 1;
    let hn = h;
    switch (h) {
      case H_NONE:
        if (jump) {
          if (fetchValid & uic & a1) hn = H_UC;
          else if (a1 & (fetchValid ^ 1)) hn = H_UN;
          else hn = fetchIsHwlp ? H_FETCHING : H_IN;
        }
        break;
      case H_UN:
        if (fetchValid) hn = H_FETCHING;
        break;
      case H_UC:
        hn = H_FETCHING;
        break;
      case H_IN:
        if (fetchIsHwlp) hn = H_FETCHING;
        break;
      case H_FETCHING:
        if (rvalid && cs !== PF_WAIT_ABORTED) hn = fetchValid & isHwlpO ? H_NONE : H_DONE;
        break;
      case H_DONE:
        if (fetchValid & isHwlpO) hn = H_NONE;
        break;
      default:
        hn = H_NONE;
    }
    if (branch) hn = H_NONE;
    if (hn !== h) this.hwlp_cs.next = hn;
    if (this.addr_valid.v) {
      this.instr_addr_q.next = this.hwloop_speculative.v && !branch ? this.hwlp_target.v : this.instr_addr.v;
    }

    this.fifoSeq(h, branch, jump, ready, rvalid, cs, vq, fetchValid, addrQ, uic);

    if (jump) this.hwlp_dec_cnt_if.next = this.hwlp_dec_cnt.v;
    // offset FSM
    if (this.l.ctrl.pc_set.v || (req && this.offset_cs.v === OffsetState.IDLE)) this.offset_cs.next = OffsetState.WAIT;
    // IF/ID pipeline register
    if (this.if_valid.v) {
      const w = this.fetch_rdata.v;
      const compressed = (w & 3) !== 3;
      this.instr_valid_id.next = 1;
      this.instr_rdata_id.next = compressed ? w & 0xffff : w;
      this.is_compressed_id.next = compressed ? 1 : 0;
      this.pc_id.next = this.pc_if.v;
      this.is_hwlp_id_q.next = isHwlpO;
      if (isHwlpO) this.hwlp_dec_cnt_id.next = this.hwlp_dec_cnt_if.v;
    } else if (this.l.id.clear_instr_valid.v) {
      this.instr_valid_id.next = 0;
    }
  };

  /** Fetch-FIFO update (riscv_fetch_fifo.sv), with the prefetcher's clear. */
  private readonly fifoSeq = (
    h: number,
    branch: number,
    jump: number,
    ready: number,
    rvalid: number,
    pfCs: number,
    vqQ: number,
    fetchValid: number,
    inAddr: number,
    uic: number,
  ): void => {
    let clear = branch === 1;
    switch (h) {
      case H_NONE:
        if (jump && ready) clear = true;
        break;
      case H_UN:
        if (fetchValid && ready) clear = true;
        break;
      case H_UC:
        clear = true;
        break;
      case H_IN:
        if (ready) clear = true;
        break;
      case H_FETCHING:
        if (!(rvalid && pfCs !== PF_WAIT_ABORTED) && ready) clear = true;
        break;
      default:
        break;
    }
    if (clear) {
      this.fifo_valid_q.next = 0;
      this.fifo_hwlp_q.next = 0;
      return;
    }
    const inValid = this.fifo_in_valid.v;
    const pop = ready && fetchValid;
    // neither a response in nor an instruction out: every entry holds
    if (!inValid && !pop) return;
    const a0q = this.fifo_addr0.v;
    const a1q = this.fifo_addr1.v;
    const a2q = this.fifo_addr2.v;
    const a3q = this.fifo_addr3.v;
    const d0q = this.fifo_rdata0.v;
    const d1q = this.fifo_rdata1.v;
    const d2q = this.fifo_rdata2.v;
    const d3q = this.fifo_rdata3.v;
    let a0 = a0q;
    let a1 = a1q;
    let a2 = a2q;
    let a3 = a3q;
    let d0 = d0q;
    let d1 = d1q;
    let d2 = d2q;
    let d3 = d3q;
    let vq = vqQ;
    const hq = this.fifo_hwlp_q.v;
    let hw0 = hq & 1;
    let hw1 = (hq >>> 1) & 1;
    if (inValid) {
      const inRdata = this.instr_rdata.v;
      // first free entry takes the response
      if (!(vq & 1)) {
        a0 = inAddr;
        d0 = inRdata;
        vq |= 1;
      } else if (!(vq & 2)) {
        a1 = inAddr;
        d1 = inRdata;
        vq |= 2;
      } else if (!(vq & 4)) {
        a2 = inAddr;
        d2 = inRdata;
        vq |= 4;
      } else if (!(vq & 8)) {
        a3 = inAddr;
        d3 = inRdata;
        vq |= 8;
      }
      if (h === H_FETCHING) {
        // in_replace2: the hardware-loop target replaces everything after the current instruction
        if (vqQ & 1) {
          a1 = inAddr;
          d0 = this.fetch_rdata.v;
          d1 = inRdata;
          vq = (vq & 1) | 2;
          hw1 = 1;
        } else {
          hw0 = 1;
        }
      }
    }
    if (pop) {
      const nextWord = (((a0 >>> 2) << 2) + 4) >>> 0;
      const wasHw1 = hw1;
      hw0 = hw1;
      hw1 = 0;
      let shift = true;
      if (wasHw1) a0 = a1;
      else if (a0 & 2) a0 = uic ? nextWord : (nextWord | 2) >>> 0;
      else if ((this.fifo_head.v & 3) !== 3) {
        a0 = ((a0 & ~3) | 2) >>> 0;
        shift = false;
      } else a0 = nextWord;
      if (shift) {
        d0 = d1;
        d1 = d2;
        d2 = d3;
        d3 = 0;
        vq = vq >>> 1;
      }
    }
    // the entries' old values are at hand: assign only the ones that change (an unassigned register holds)
    if (a0 !== a0q) this.fifo_addr0.next = a0;
    if (a1 !== a1q) this.fifo_addr1.next = a1;
    if (a2 !== a2q) this.fifo_addr2.next = a2;
    if (a3 !== a3q) this.fifo_addr3.next = a3;
    if (d0 !== d0q) this.fifo_rdata0.next = d0;
    if (d1 !== d1q) this.fifo_rdata1.next = d1;
    if (d2 !== d2q) this.fifo_rdata2.next = d2;
    if (d3 !== d3q) this.fifo_rdata3.next = d3;
    if (vq !== vqQ) this.fifo_valid_q.next = vq;
    const hwq = hw0 | (hw1 << 1);
    if (hwq !== hq) this.fifo_hwlp_q.next = hwq;
  };
}
