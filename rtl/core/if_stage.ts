// IF stage (riscv_if_stage.sv, riscv_prefetch_buffer.sv, riscv_fetch_fifo.sv, riscv_hwloop_controller.sv at
// pulpissimo-v3.4.0): a prefetcher with one outstanding request on the OBI instruction port (req/gnt/rvalid), a
// 4-entry fetch FIFO that re-aligns 32-bit instructions at half-word addresses, the hardware-loop controller that
// compares the fetch address with the loop ends and redirects the prefetcher to the loop start, the PC mux, and
// the IF/ID pipeline register. RVC expansion happens in the ID decoder from the same rtl/isa table.
import { Module, defineEnum } from '../../sim/index.ts';
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

export class IfStage extends Module {
  l!: CoreLinks;

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
  if_valid_pre = this.wire(1);
  if_valid = this.wire(1);
  fetch_ready = this.wire(1);
  fetch_addr_n = this.wire(32);

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
    this.l = l;
    const bootAddr = this.bootAddr;
    // FIFO output and hardware-loop controller: registers and the memory response only
    this.comb(
      'fetch_out',
      () => {
        this.fifoOut();
        this.hwloopCtrl();
        this.is_hwlp_id.v = this.is_hwlp_id_q.v & this.instr_valid_id.v;
      },
      // The loop registers are read only when pc_if equals an end address, which learning's random values miss.
      { reads: [this.instr_rvalid, this.instr_rdata, l.hwlp.hwlp_start0, l.hwlp.hwlp_start1, l.hwlp.hwlp_counter0, l.hwlp.hwlp_counter1] },
    );
    // PC mux, offset FSM and prefetcher request (riscv_if_stage.sv, riscv_prefetch_buffer.sv)
    this.comb(
      'front',
      () => {
        let a = 0;
        switch (l.ctrl.pc_mux.v) {
          case PcMux.BOOT:
            a = bootAddr;
            break;
          case PcMux.JUMP:
            a = l.id.jump_target_id.v;
            break;
          case PcMux.BRANCH:
            a = l.ex.branch_target_ex.v;
            break;
          case PcMux.EXCEPTION:
            a = l.ctrl.exc_pc.v;
            break;
          case PcMux.FENCEI:
            a = (this.pc_id.v + 4) >>> 0;
            break;
          case PcMux.MRET:
            a = l.cs.mepc.v;
            break;
          default:
            a = 0;
        }
        this.fetch_addr_n.v = a & ~1;
        const pcSet = l.ctrl.pc_set.v;
        let br = 0;
        let valid = 0;
        if (this.offset_cs.v === OffsetState.IDLE) {
          if (l.ctrl.instr_req.v) br = 1;
        } else if (this.fetch_valid.v) valid = 1;
        if (pcSet) {
          valid = 0;
          br = 1;
        } else if (this.hwlp_branch.v) valid = 0;
        this.branch_req.v = br;
        this.if_valid_pre.v = valid;
        this.perf_imiss.v = (this.fetch_valid.v ^ 1) | br;
        this.prefetchComb();
      },
      {
        reads: [
          l.ctrl.pc_mux,
          l.id.jump_target_id,
          l.ex.branch_target_ex,
          l.ctrl.exc_pc,
          l.cs.mepc,
          l.ctrl.pc_set,
          l.ctrl.instr_req,
          this.fetch_valid,
          this.hwlp_branch,
          this.hwlp_masked,
          this.valid_stored,
          this.hwlp_target,
          this.instr_rvalid,
        ],
      },
    );
    this.comb('if_ready', () => {
      const ifValid = this.if_valid_pre.v & this.l.id.id_ready.v & (this.l.ctrl.halt_if.v ^ 1);
      this.if_valid.v = ifValid;
      this.fetch_ready.v = this.l.ctrl.instr_req.v & ifValid;
    });
    this.seq('if_q', () => {
      this.prefetchSeq();
      this.fifoSeq();
      if (this.hwlp_jump.v) this.hwlp_dec_cnt_if.next = this.hwlp_dec_cnt.v;
      let ns = this.offset_cs.v;
      if (this.offset_cs.v === OffsetState.IDLE && this.l.ctrl.instr_req.v) ns = OffsetState.WAIT;
      if (this.l.ctrl.pc_set.v) ns = OffsetState.WAIT;
      this.offset_cs.next = ns;
      if (this.if_valid.v) {
        const w = this.fetch_rdata.v;
        const compressed = (w & 3) !== 3;
        this.instr_valid_id.next = 1;
        this.instr_rdata_id.next = compressed ? w & 0xffff : w;
        this.is_compressed_id.next = compressed ? 1 : 0;
        this.pc_id.next = this.pc_if.v;
        this.is_hwlp_id_q.next = this.fetch_out_is_hwlp.v;
        if (this.fetch_out_is_hwlp.v) this.hwlp_dec_cnt_id.next = this.hwlp_dec_cnt_if.v;
      } else if (this.l.id.clear_instr_valid.v) {
        this.instr_valid_id.next = 0;
      }
    });
  }

  private fifoOut(): void {
    const vq = this.fifo_valid_q.v;
    const hq = this.fifo_hwlp_q.v;
    const inValid = this.pf_cs.v === PF_WAIT_RVALID && this.instr_rvalid.v ? 1 : 0;
    const inRdata = this.instr_rdata.v;
    const vq0 = vq & 1;
    const vq1 = (vq >>> 1) & 1;
    const hq1 = (hq >>> 1) & 1;
    const rd0 = this.fifo_rdata0.v;
    const rdata = vq0 ? rd0 : inValid ? inRdata : 0;
    const valid = vq0 | inValid | hq1;
    const rdataUnaligned = vq1
      ? (((this.fifo_rdata1.v & 0xffff) << 16) | (rdata >>> 16)) >>> 0
      : (((inRdata & 0xffff) << 16) | (rdata >>> 16)) >>> 0;
    const validUnaligned = vq1 | (vq0 & inValid);
    const uic = ((rdata >>> 16) & 3) !== 3 ? 1 : 0;
    const uicSt = vq0 && ((rd0 >>> 16) & 3) !== 3 ? 1 : 0;
    const outAddr = vq0 ? this.fifo_addr0.v : this.instr_addr_q.v;
    this.fifo_in_valid.v = inValid;
    this.fifo_head.v = rdata;
    this.unaligned_is_compressed.v = uic;
    this.pc_if.v = outAddr;
    this.fetch_out_is_hwlp.v = vq0 ? hq & 1 : this.hwlp_cs.v === H_FETCHING ? 1 : 0;
    if (outAddr & 2 && !hq1) {
      this.fetch_rdata.v = rdataUnaligned;
      this.fetch_valid.v = uic ? valid : validUnaligned;
      this.valid_stored.v = uicSt ? 1 : vq1;
    } else {
      this.fetch_rdata.v = rdata;
      this.fetch_valid.v = valid;
      this.valid_stored.v = vq0;
    }
  }

  private hwloopCtrl(): void {
    const h = this.l.hwlp;
    const pc = this.pc_if.v;
    const decId = this.is_hwlp_id_q.v & this.instr_valid_id.v ? this.hwlp_dec_cnt_id.v : 0;
    let jump = 0;
    let target = 0;
    let dec = 0;
    for (let i = 0; i < 2; i++) {
      const end = i === 0 ? h.hwlp_end0.v : h.hwlp_end1.v;
      if (pc !== end) continue;
      const cnt = i === 0 ? h.hwlp_counter0.v : h.hwlp_counter1.v;
      let m = false;
      if (cnt >>> 2 !== 0) m = true;
      else if ((cnt & 3) === 3) m = true;
      else if ((cnt & 3) === 2) m = ((decId >>> i) & 1) === 0;
      if (m && !jump) {
        jump = 1;
        target = i === 0 ? h.hwlp_start0.v : h.hwlp_start1.v;
        dec = 1 << i;
      }
    }
    this.hwlp_jump.v = jump;
    this.hwlp_target.v = target;
    this.hwlp_dec_cnt.v = dec;
    // riscv_prefetch_buffer.sv hwloop FSM outputs
    const cs = this.hwlp_cs.v;
    const a1 = (this.instr_addr_q.v >>> 1) & 1;
    const validO = this.fetch_valid.v;
    let masked = 0;
    let spec = 0;
    if (cs === H_NONE) {
      if (jump) {
        masked = a1 ^ 1;
        if ((validO & this.unaligned_is_compressed.v & a1) | (a1 & (validO ^ 1))) spec = 1;
      }
    } else if (cs === H_UN || cs === H_IN) masked = 1;
    this.hwlp_masked.v = masked;
    this.hwloop_speculative.v = spec;
    this.hwlp_branch.v = cs === H_UC ? 1 : 0;
  }

  private prefetchComb(): void {
    const cs = this.pf_cs.v;
    const branch = this.branch_req.v;
    const hb = this.hwlp_branch.v;
    const masked = this.hwlp_masked.v;
    const req = this.l.ctrl.instr_req.v;
    const fifoReady = ((this.fifo_valid_q.v >>> 2) & 1) ^ 1;
    const fetchAddr = (((this.instr_addr_q.v >>> 2) << 2) + 4) >>> 0;
    let instrReq = 0;
    let addr = fetchAddr;
    let addrValid = 0;
    let isHwlp = 0;
    switch (cs) {
      case PF_IDLE:
        if (branch | hb) addr = branch ? this.fetch_addr_n.v : this.instr_addr_q.v;
        else if (masked & this.valid_stored.v) addr = this.hwlp_target.v;
        if (req & (fifoReady | branch | hb | (masked & this.valid_stored.v))) {
          instrReq = 1;
          addrValid = 1;
          if (masked & this.valid_stored.v) isHwlp = 1;
        }
        break;
      case PF_WAIT_JUMP:
        if (branch) {
          addr = this.fetch_addr_n.v;
          addrValid = 1;
          instrReq = 1;
        }
        break;
      case PF_WAIT_GNT:
        addr = this.instr_addr_q.v;
        instrReq = 1;
        if (branch | hb) {
          addr = branch ? this.fetch_addr_n.v : this.instr_addr_q.v;
          addrValid = 1;
        } else if (masked & this.valid_stored.v) {
          addr = this.hwlp_target.v;
          addrValid = 1;
          isHwlp = 1;
        }
        break;
      case PF_WAIT_RVALID:
        if (branch | hb) addr = branch ? this.fetch_addr_n.v : this.instr_addr_q.v;
        else if (masked) addr = this.hwlp_target.v;
        if (req & (fifoReady | branch | hb | masked)) {
          if (this.instr_rvalid.v) {
            instrReq = 1;
            addrValid = 1;
            if (masked) isHwlp = 1;
          } else if (branch | hb) {
            addrValid = 1;
          } else if (masked & this.fetch_valid.v) {
            addrValid = 1;
            isHwlp = 1;
          }
        }
        break;
      case PF_WAIT_ABORTED:
        addr = this.instr_addr_q.v;
        if (branch | hb) {
          addr = branch ? this.fetch_addr_n.v : this.instr_addr_q.v;
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
  }

  private prefetchSeq(): void {
    const cs = this.pf_cs.v;
    const gnt = this.instr_gnt.v;
    const rvalid = this.instr_rvalid.v;
    const branch = this.branch_req.v;
    const hb = this.hwlp_branch.v;
    const masked = this.hwlp_masked.v;
    const req = this.l.ctrl.instr_req.v;
    const fifoReady = ((this.fifo_valid_q.v >>> 2) & 1) ^ 1;
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
          else if (masked & this.fetch_valid.v) ns = PF_WAIT_ABORTED;
        } else if (rvalid) ns = PF_IDLE;
        break;
      case PF_WAIT_ABORTED:
        if (rvalid) ns = gnt ? PF_WAIT_RVALID : PF_WAIT_GNT;
        break;
      default:
        ns = PF_IDLE;
    }
    this.pf_cs.next = ns;
    // hardware-loop FSM next state
    const h = this.hwlp_cs.v;
    const jump = this.hwlp_jump.v;
    const a1 = (this.instr_addr_q.v >>> 1) & 1;
    const validO = this.fetch_valid.v;
    const isHwlpO = this.fetch_out_is_hwlp.v;
    let hn = h;
    switch (h) {
      case H_NONE:
        if (jump) {
          if (validO & this.unaligned_is_compressed.v & a1) hn = H_UC;
          else if (a1 & (validO ^ 1)) hn = H_UN;
          else hn = this.fetch_is_hwlp.v ? H_FETCHING : H_IN;
        }
        break;
      case H_UN:
        if (validO) hn = H_FETCHING;
        break;
      case H_UC:
        hn = H_FETCHING;
        break;
      case H_IN:
        if (this.fetch_is_hwlp.v) hn = H_FETCHING;
        break;
      case H_FETCHING:
        if (rvalid && cs !== PF_WAIT_ABORTED) hn = validO & isHwlpO ? H_NONE : H_DONE;
        break;
      case H_DONE:
        if (validO & isHwlpO) hn = H_NONE;
        break;
      default:
        hn = H_NONE;
    }
    if (branch) hn = H_NONE;
    this.hwlp_cs.next = hn;
    if (this.addr_valid.v) {
      this.instr_addr_q.next = this.hwloop_speculative.v && !branch ? this.hwlp_target.v : this.instr_addr.v;
    }
  }

  /** Fetch-FIFO update (riscv_fetch_fifo.sv), with the prefetcher's clear. */
  private fifoSeq(): void {
    const h = this.hwlp_cs.v;
    const ready = this.fetch_ready.v;
    const rvalid = this.instr_rvalid.v;
    let clear = this.branch_req.v === 1;
    switch (h) {
      case H_NONE:
        if (this.hwlp_jump.v && ready) clear = true;
        break;
      case H_UN:
        if (this.fetch_valid.v && ready) clear = true;
        break;
      case H_UC:
        clear = true;
        break;
      case H_IN:
        if (ready) clear = true;
        break;
      case H_FETCHING:
        if (!(rvalid && this.pf_cs.v !== PF_WAIT_ABORTED) && ready) clear = true;
        break;
      default:
        break;
    }
    if (clear) {
      this.fifo_valid_q.next = 0;
      this.fifo_hwlp_q.next = 0;
      return;
    }
    let a0 = this.fifo_addr0.v;
    let a1 = this.fifo_addr1.v;
    let a2 = this.fifo_addr2.v;
    let a3 = this.fifo_addr3.v;
    let d0 = this.fifo_rdata0.v;
    let d1 = this.fifo_rdata1.v;
    let d2 = this.fifo_rdata2.v;
    let d3 = this.fifo_rdata3.v;
    let vq = this.fifo_valid_q.v;
    let hw0 = this.fifo_hwlp_q.v & 1;
    let hw1 = (this.fifo_hwlp_q.v >>> 1) & 1;
    if (this.fifo_in_valid.v) {
      const inAddr = this.instr_addr_q.v;
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
        if (this.fifo_valid_q.v & 1) {
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
    if (ready && this.fetch_valid.v) {
      const nextWord = (((a0 >>> 2) << 2) + 4) >>> 0;
      const wasHw1 = hw1;
      hw0 = hw1;
      hw1 = 0;
      let shift = true;
      if (wasHw1) a0 = a1;
      else if (a0 & 2) a0 = this.unaligned_is_compressed.v ? nextWord : (nextWord | 2) >>> 0;
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
    // registers written only when they change (an unassigned register holds its value)
    if (a0 !== this.fifo_addr0.v) this.fifo_addr0.next = a0;
    if (a1 !== this.fifo_addr1.v) this.fifo_addr1.next = a1;
    if (a2 !== this.fifo_addr2.v) this.fifo_addr2.next = a2;
    if (a3 !== this.fifo_addr3.v) this.fifo_addr3.next = a3;
    if (d0 !== this.fifo_rdata0.v) this.fifo_rdata0.next = d0;
    if (d1 !== this.fifo_rdata1.v) this.fifo_rdata1.next = d1;
    if (d2 !== this.fifo_rdata2.v) this.fifo_rdata2.next = d2;
    if (d3 !== this.fifo_rdata3.v) this.fifo_rdata3.next = d3;
    if (vq !== this.fifo_valid_q.v) this.fifo_valid_q.next = vq;
    this.fifo_hwlp_q.next = hw0 | (hw1 << 1);
  }
}
