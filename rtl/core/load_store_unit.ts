// Load-store unit (riscv_load_store_unit.sv at pulpissimo-v3.4.0; fact sheet §1.3): one outstanding transaction
// on the OBI data port, the instruction waits in EX until `gnt`, a following access may request only in the cycle
// the previous `rvalid` arrives; misaligned words (and half-words at offset 3) are split into two word accesses
// (the second at address + 4, with the pipeline held by misaligned_stall); byte enables and write-data rotation;
// sign/zero extension and re-assembly of split loads in WB.
import { Module, defineEnum } from '../../sim/index.ts';
import type { CoreLinks } from './links.ts';

export const LsuState = defineEnum('LsuState', ['IDLE', 'WAIT_RVALID', 'WAIT_RVALID_EX_STALL', 'IDLE_EX_STALL']);
const L = LsuState;

export class LoadStoreUnit extends Module {
  /** Set once, by the core before any bind (core.ts). */
  declare l: CoreLinks;

  // OBI data port
  data_req = this.output(1);
  data_addr = this.output(32);
  data_we = this.output(1);
  data_be = this.output(4);
  data_wdata = this.output(32);
  data_gnt = this.input(1);
  data_rvalid = this.input(1);
  data_rdata = this.input(32);

  lsu_cs = this.reg(LsuState, L.IDLE);
  data_type_q = this.reg(2, 0);
  rdata_offset_q = this.reg(2, 0);
  data_sign_ext_q = this.reg(1, 0);
  data_we_q = this.reg(1, 0);
  rdata_q = this.reg(32, 0);
  /** The granted access was the first half of a split load (its response is not the final value). */
  partial_q = this.reg(1, 0);
  /** CV32E40P: outstanding OBI transactions (cv32e40p_load_store_unit.sv cnt_q, at most 2). */
  cnt_q = this.reg(2, 0);
  /** CV32E40P: first-half flags of the (up to two) outstanding accesses, oldest in bit 0. */
  partial_fifo = this.reg(2, 0);

  constructor(
    private readonly cv = false,
    /** core.loadUseCycles=0: EX may hold an access whose address or data is the result of the load ahead of it
     *  (ExStage fwd_ld_ex); its request waits until EX has latched that value. */
    private readonly bypass = false,
  ) {
    super();
  }

  data_misaligned = this.output(1);
  lsu_ready_ex = this.output(1);
  lsu_ready_wb = this.output(1);
  wb_rdata = this.output(32);

  bind(l: CoreLinks): void {
    this.comb('request', () => {
      const ex = this.l.ex;
      const reqEx = ex.data_req_ex.v;
      const second = ex.data_misaligned_ex.v;
      const type = ex.lsu_type_ex.v;
      const addr = second ? (ex.lsu_addr_ex.v + 4) >>> 0 : ex.lsu_addr_ex.v;
      const off = addr & 3;
      let mis = 0;
      if (reqEx && !second) {
        if (type === 0 && off !== 0) mis = 1;
        else if (type === 1 && off === 3) mis = 1;
      }
      let be: number;
      if (type === 0) be = second ? (1 << off) - 1 : (0xf << off) & 0xf;
      else if (type === 1) be = second ? 1 : off === 3 ? 0x8 : 3 << off;
      else be = 1 << off;
      const w = ex.lsu_wdata_ex.v;
      const sh = off * 8;
      this.data_misaligned.v = mis;
      // CV32E40P sends the second half of a split access to the word address
      this.data_addr.v = this.cv && second ? (addr & ~3) >>> 0 : addr;
      this.data_be.v = be;
      this.data_wdata.v = sh === 0 ? w : ((w << sh) | (w >>> (32 - sh))) >>> 0;
      this.data_we.v = ex.data_we_ex.v;
      if (this.cv) {
        // PULP_OBI = 0, TRANS_STABLE = 1: the request is the transaction, up to two outstanding
        this.data_req.v = reqEx && this.cnt_q.v < 2 && !this.waitsForLoad() ? 1 : 0;
        return;
      }
      const cs = this.lsu_cs.v;
      this.data_req.v = this.waitsForLoad() ? 0 : cs === L.IDLE ? reqEx : cs === L.WAIT_RVALID && this.data_rvalid.v ? reqEx : 0;
    }, { reads: [this.data_rvalid, l.ex.lsu_addr_ex, l.ex.lsu_type_ex, l.ex.lsu_wdata_ex, ...(this.bypass ? [l.ex.fwd_ld_ex] : [])] });
    this.comb('ready', () => {
      const reqEx = this.l.ex.data_req_ex.v;
      if (this.cv) {
        const cnt = this.cnt_q.v;
        const resp = this.data_rvalid.v;
        const tr = this.data_req.v & this.data_gnt.v;
        this.lsu_ready_wb.v = cnt === 0 ? 1 : resp;
        this.lsu_ready_ex.v = !reqEx ? 1 : this.waitsForLoad() ? 0 : cnt === 0 ? tr : cnt === 1 ? resp & tr : resp;
        return;
      }
      const cs = this.lsu_cs.v;
      let rex = 1;
      let rwb = 1;
      if (cs === L.IDLE) {
        if (reqEx && !this.data_gnt.v) rex = 0;
      } else if (cs === L.WAIT_RVALID) {
        if (!this.data_rvalid.v) rwb = 0;
        else if (reqEx && !this.data_gnt.v) rex = 0;
      }
      this.lsu_ready_ex.v = rex;
      this.lsu_ready_wb.v = rwb;
    }, { reads: [this.data_gnt, this.data_rvalid, ...(this.bypass ? [l.ex.fwd_ld_ex] : [])] });
    this.comb('wb_data', () => {
      const d = this.data_rdata.v;
      const q = this.rdata_q.v;
      const off = this.rdata_offset_q.v;
      const type = this.data_type_q.v;
      const sign = this.data_sign_ext_q.v;
      let v: number;
      if (type === 0) {
        v = off === 0 ? d : ((d << (32 - off * 8)) | (q >>> (off * 8))) >>> 0;
      } else if (type === 1) {
        const h = off === 3 ? ((d & 0xff) << 8) | (q >>> 24) : (d >>> (off * 8)) & 0xffff;
        v = sign ? ((h << 16) >> 16) >>> 0 : h;
      } else {
        const b = (d >>> (off * 8)) & 0xff;
        v = sign ? ((b << 24) >> 24) >>> 0 : b;
      }
      this.wb_rdata.v = this.data_rvalid.v ? v : q;
      this.ext.v = v;
    });
    this.seq('lsu_q', () => {
      const ex = this.l.ex;
      if (this.cv) {
        this.cvSeq();
        return;
      }
      const cs = this.lsu_cs.v;
      const gnt = this.data_gnt.v;
      const rvalid = this.data_rvalid.v;
      const exValid = ex.ex_valid.v;
      const reqEx = ex.data_req_ex.v;
      let ns = cs;
      switch (cs) {
        case L.IDLE:
          if (reqEx && gnt) ns = exValid ? L.WAIT_RVALID : L.WAIT_RVALID_EX_STALL;
          break;
        case L.WAIT_RVALID:
          if (rvalid) {
            if (reqEx) ns = gnt ? (exValid ? L.WAIT_RVALID : L.WAIT_RVALID_EX_STALL) : L.IDLE;
            else ns = L.IDLE;
          }
          break;
        case L.WAIT_RVALID_EX_STALL:
          if (rvalid) ns = exValid ? L.IDLE : L.IDLE_EX_STALL;
          else if (exValid) ns = L.WAIT_RVALID;
          break;
        case L.IDLE_EX_STALL:
          if (exValid) ns = L.IDLE;
          break;
        default:
          ns = L.IDLE;
      }
      this.lsu_cs.next = ns;
      if (gnt) {
        this.data_type_q.next = ex.lsu_type_ex.v;
        this.rdata_offset_q.next = this.data_addr.v & 3;
        this.data_sign_ext_q.next = ex.lsu_sign_ex.v;
        this.data_we_q.next = ex.data_we_ex.v;
        this.partial_q.next = this.data_misaligned.v;
      }
      if (rvalid && !this.data_we_q.v) {
        this.rdata_q.next = ex.data_misaligned_ex.v || this.data_misaligned.v ? this.data_rdata.v : this.ext.v;
      }
    });
  }

  /** core.loadUseCycles=0: EX's access uses a load result EX has not latched yet (no grant without a request,
   *  so RI5CY's lsu_ready_ex follows; CV32E40P's is gated explicitly). */
  private waitsForLoad(): boolean {
    return this.bypass && this.l.ex.fwd_ld_ex.v !== 0;
  }

  /** Register-file port A enable: RI5CY writes in the response cycle; CV32E40P (regfile_we_wb_power) when WB is
   *  ready and EX is not on the second half of a split access. */
  portAWrite(): boolean {
    const ex = this.l.ex;
    if (!ex.regfile_we_wb.v) return false;
    if (this.cv) return this.lsu_ready_wb.v === 1 && ex.data_misaligned_ex.v === 0;
    return this.data_rvalid.v === 1;
  }

  /** This cycle's response belongs to the first half of a split load (not the register's final value). */
  responseIsPartial(): boolean {
    return (this.cv ? this.partial_fifo.v & 1 : this.partial_q.v) === 1;
  }

  /** Extended load data of this cycle's response. */
  ext = this.wire(32);

  /** cv32e40p_load_store_unit.sv: control registers update when EX hands the access over (ctrl_update), the
   *  transaction counter follows requests granted and responses. */
  private readonly cvSeq = (): void => {
    const ex = this.l.ex;
    const issued = this.data_req.v & this.data_gnt.v;
    const resp = this.data_rvalid.v;
    this.cnt_q.next = this.cnt_q.v + issued - resp;
    if (this.lsu_ready_ex.v && ex.data_req_ex.v) {
      this.data_type_q.next = ex.lsu_type_ex.v;
      this.rdata_offset_q.next = ex.lsu_addr_ex.v & 3;
      this.data_sign_ext_q.next = ex.lsu_sign_ex.v;
      this.data_we_q.next = ex.data_we_ex.v;
    }
    // which response is the first half of a split load (for the lockstep monitor's view of port A)
    let pf = this.partial_fifo.v;
    let n = this.cnt_q.v;
    if (resp) {
      pf >>>= 1;
      n--;
    }
    if (issued) pf |= this.data_misaligned.v << n;
    this.partial_fifo.next = pf & 3;
    if (resp && !this.data_we_q.v) {
      this.rdata_q.next = ex.data_misaligned_ex.v || this.data_misaligned.v ? this.data_rdata.v : this.ext.v;
    }
  };
}
