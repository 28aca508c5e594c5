// A core's data-port demux (pulp_cluster 9fd9c3e rtl/core_demux.sv without DEM_PER_BEFORE_TCDM_TS, with
// periph_FIFO.sv): address[31:21] = TCDM (0x100/0x101, local alias 0x000/0x001) -> the TCDM interconnect, request
// and grant straight through; 0x102 with bit 14 -> the core-private ("demux") peripherals (event unit), straight
// through; everything else -> the peripheral interconnect through a 2-deep FIFO with the TRANS_IDLE/PENDING/GRANTED
// FSM: the core's grant comes only the cycle after the response reached the demux, and the response two cycles
// after that (two registers), which is why an L2 load is granted together with its answer (system README).
// The response mux follows the destination registered at every request cycle. Performance events for the core's
// external counters: L2 (= non-TCDM) loads/stores and their cycles, TCDM contention (req & ~gnt).
import { Module, defineEnum, type Reg } from '../../sim/index.ts';

export const Dest = defineEnum('DemuxDest', ['SH', 'PE', 'EXT']);
export const TransState = defineEnum('TransState', ['IDLE', 'PENDING', 'GRANTED']);

/** Where a data address goes (core_demux.sv destination decode). */
export function demuxDest(add: number): number {
  const top = add >>> 21;
  if (top === 0x100 >>> 1 || top === 0) return Dest.SH;
  if (add >>> 20 === 0x102 && (add >>> 14) & 1) return Dest.EXT;
  return Dest.PE;
}

export class CoreDemux extends Module {
  // From the core (OBI: `we` active high).
  req = this.input(1);
  add = this.input(32);
  we = this.input(1);
  be = this.input(4);
  wdata = this.input(32);
  gnt = this.output(1);
  r_valid = this.output(1);
  r_rdata = this.output(32);

  // To the TCDM interconnect (`wen` active low).
  sh_req = this.output(1);
  sh_add = this.output(32);
  sh_wen = this.output(1);
  sh_be = this.output(4);
  sh_wdata = this.output(32);
  sh_gnt = this.input(1);
  sh_r_valid = this.input(1);
  sh_r_rdata = this.input(32);

  // To the demux peripherals (event unit).
  ext_req = this.output(1);
  ext_add = this.output(32);
  ext_wen = this.output(1);
  ext_be = this.output(4);
  ext_wdata = this.output(32);
  ext_gnt = this.input(1);
  ext_r_valid = this.input(1);
  ext_r_rdata = this.input(32);

  // To the peripheral interconnect (the FIFO's output).
  pe_req = this.output(1);
  pe_add = this.output(32);
  pe_wen = this.output(1);
  pe_be = this.output(4);
  pe_wdata = this.output(32);
  pe_gnt = this.input(1);
  pe_r_valid = this.input(1);
  pe_r_rdata = this.input(32);

  /** {TCDM contention, L2 store cycles, L2 load cycles, L2 stores, L2 loads} = RI5CY ext counters 15..11. */
  perf = this.output(5);
  /** The registers may change at this edge: the demux's clock enable (core region). */
  clk_en = this.output(1);

  dest = this.wire(Dest);
  request_destination = this.reg(Dest, Dest.SH);
  cs = this.reg(TransState, TransState.IDLE);
  fifo_push = this.wire(1);
  fifo_grant = this.wire(1);
  // periph_FIFO: generic_fifo of depth 2 (no fall-through). Its two slots are kept in read-pointer order, [0] the
  // slot the read pointer selects (the head, what the FIFO shows, also when empty) and [1] the other, so the outputs
  // are the head registers themselves; a pop rotates the pair as the pointer's move would.
  fifo_count = this.reg(2);
  fifo_add: Reg[] = [this.reg(32), this.reg(32)];
  fifo_wen: Reg[] = [this.reg(1), this.reg(1)];
  fifo_be: Reg[] = [this.reg(4), this.reg(4)];
  fifo_wdata: Reg[] = [this.reg(32), this.reg(32)];
  /** fifo_count > 0, as a register of its own (the FIFO's valid output). */
  fifo_valid = this.reg(1);
  r_valid_pe0 = this.reg(1);
  r_data_pe0 = this.reg(32);
  r_valid_pe = this.reg(1);
  r_data_pe = this.reg(32);

  constructor() {
    super();
    // Address, byte enables and write data reach the TCDM and demux-peripheral ports unchanged (core_demux.sv
    // assigns them without a mux), and both ports' active-low `wen` is the same inversion: one net each.
    this.connect(this.sh_add, this.add);
    this.connect(this.ext_add, this.add);
    this.connect(this.sh_be, this.be);
    this.connect(this.ext_be, this.be);
    this.connect(this.sh_wdata, this.wdata);
    this.connect(this.ext_wdata, this.wdata);
    this.connect(this.ext_wen, this.sh_wen);
    this.connect(this.pe_req, this.fifo_valid);
    this.connect(this.pe_add, this.fifo_add[0]!);
    this.connect(this.pe_wen, this.fifo_wen[0]!);
    this.connect(this.pe_be, this.fifo_be[0]!);
    this.connect(this.pe_wdata, this.fifo_wdata[0]!);
    // Request routing and the clock enable: no request, and no peripheral access queued, pending or answering,
    // every register holds (the usual cycle of a core computing or asleep), so the demux's clock is gated then.
    this.comb('request', () => {
      const req = this.req.v;
      const dest = demuxDest(this.add.v);
      const cs = this.cs.v;
      const n = this.fifo_count.v;
      this.dest.v = dest;
      this.sh_req.v = req & (dest === Dest.SH ? 1 : 0);
      this.sh_wen.v = this.we.v ^ 1;
      this.ext_req.v = req & (dest === Dest.EXT ? 1 : 0);
      const grant = n < 2 ? 1 : 0;
      this.fifo_grant.v = grant;
      this.fifo_push.v = req & (dest === Dest.PE ? 1 : 0) & (cs === TransState.IDLE ? 1 : 0) & grant;
      const busy = req | n | this.pe_r_valid.v | this.r_valid_pe0.v | this.r_valid_pe.v;
      this.clk_en.v = busy !== 0 || cs !== TransState.IDLE;
    });
    this.comb('grant', () => {
      const req = this.req.v;
      const dest = this.dest.v;
      const g = dest === Dest.SH ? this.sh_gnt.v : dest === Dest.EXT ? this.ext_gnt.v : this.cs.v === TransState.GRANTED ? 1 : 0;
      this.gnt.v = req & g;
      const toL2 = req & (dest !== Dest.SH ? 1 : 0);
      const ld = this.we.v ^ 1;
      const cont = this.sh_req.v & (this.sh_gnt.v ^ 1);
      this.perf.v = (toL2 & g & ld) | ((toL2 & g & (ld ^ 1)) << 1) | ((toL2 & ld) << 2) | ((toL2 & (ld ^ 1)) << 3) | (cont << 4);
    });
    // Valid and data apart: the core's next request may follow the valid, the data may follow the request.
    this.comb('response_valid', () => {
      const rd = this.request_destination.v;
      this.r_valid.v = rd === Dest.SH ? this.sh_r_valid.v : rd === Dest.PE ? this.r_valid_pe.v : this.ext_r_valid.v;
    });
    this.comb('response_data', () => {
      const rd = this.request_destination.v;
      this.r_rdata.v = rd === Dest.SH ? this.sh_r_rdata.v : rd === Dest.PE ? this.r_data_pe.v : this.ext_r_rdata.v;
    });
    this.seq('regs', () => {
      if (this.req.v) this.request_destination.next = this.dest.v;
      const cs = this.cs.v;

      if (cs === TransState.IDLE) {
        if (this.fifo_push.v) this.cs.next = TransState.PENDING;
      } else if (cs === TransState.PENDING) {
        if (this.pe_r_valid.v) this.cs.next = TransState.GRANTED;
      } else this.cs.next = TransState.IDLE;
      // FIFO
      let n = this.fifo_count.v;
      const push = this.fifo_push.v;
      const pop = n > 0 && this.pe_gnt.v === 1;
      if (push === 1 || pop) {
        // Slot contents in read-pointer order after the push (it lands in slot `n`), then rotated by a pop.
        let a0 = this.fifo_add[0]!.v;
        let w0 = this.fifo_wen[0]!.v;
        let b0 = this.fifo_be[0]!.v;
        let d0 = this.fifo_wdata[0]!.v;
        let a1 = this.fifo_add[1]!.v;
        let w1 = this.fifo_wen[1]!.v;
        let b1 = this.fifo_be[1]!.v;
        let d1 = this.fifo_wdata[1]!.v;
        if (push === 1) {
          const a = this.add.v;
          const w = this.we.v ^ 1;
          const b = this.be.v;
          const d = this.wdata.v;
          if (n === 0) {
            a0 = a;
            w0 = w;
            b0 = b;
            d0 = d;
          } else {
            a1 = a;
            w1 = w;
            b1 = b;
            d1 = d;
          }
          n++;
        }
        if (pop) n--;
        const r = pop ? 1 : 0;
        this.fifo_add[r]!.next = a0;
        this.fifo_wen[r]!.next = w0;
        this.fifo_be[r]!.next = b0;
        this.fifo_wdata[r]!.next = d0;
        this.fifo_add[r ^ 1]!.next = a1;
        this.fifo_wen[r ^ 1]!.next = w1;
        this.fifo_be[r ^ 1]!.next = b1;
        this.fifo_wdata[r ^ 1]!.next = d1;
        this.fifo_count.next = n;
        this.fifo_valid.next = n > 0 ? 1 : 0;
      }
      this.r_valid_pe0.next = this.pe_r_valid.v;
      if (this.pe_r_valid.v) this.r_data_pe0.next = this.pe_r_rdata.v;
      this.r_valid_pe.next = this.r_valid_pe0.v;
      if (this.r_valid_pe0.v) this.r_data_pe.next = this.r_data_pe0.v;
      // The core's request fields move with its every access; the registers take them only with a request (the
      // destination) or a push into the FIFO (the rest).
    }, { stable: true, guarded: [{ reads: [this.dest], when: [this.req] }, { reads: [this.add, this.we, this.be, this.wdata], when: [this.fifo_push] }] });
  }
}
