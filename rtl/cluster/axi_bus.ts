// The cluster's path to L2 (pulp_cluster 9fd9c3e: per2axi for the cores' data accesses, the I$ refill port,
// cluster_bus_wrap's AXI crossbar and the dual-clock slice pair to the SoC), reduced to what it does to timing
// (testbench/fixtures/timing/cluster/system/README.md "What the traces showed"):
//  - I$ AR handshake in cycle t -> AR at the L2 port in t + 4; an L2 R beat in x reaches the I$ in x + 4
//    (with the I$'s own g + 4 AR and g + L + 8 answer this is the measured I-miss g + 16 + L, bypass first beat + 7);
//  - per2axi: a request accepted from the peripheral interconnect in g -> AR (or AW) at the L2 port in g + 5, W in
//    g + 6; the R beat (or B) in x -> the response to the peripheral interconnect in x + 5.
// IDs at the L2 port carry the crossbar's master index in bits 5:4 (I$ 3, per2axi 2; README: bypass fetches 48-55,
// core data 32-39). Both masters' reads share the crossbar stages, one AR per cycle, round robin between the two
// (l2_data8: an I$ miss's AR goes out between two per2axi reads); the loser waits (`ic_ar_ready` 0, or per2axi holds
// its request register and stops taking requests).
import { Module, type Input, type Output, type Reg } from '../../sim/index.ts';

/** Crossbar stages between a master's AR/AW and the L2 port, and between the L2's R/B and the masters. */
export const AXI_STAGES = 4;
const ID_ICACHE = 3 << 4;
const ID_PER2AXI = 2 << 4;

interface Stage {
  v: Reg;
  addr: Reg;
  id: Reg;
  len: Reg;
  size: Reg;
}

export class ClusterAxi extends Module {
  // I$ refill port (AXI AR/R, 64-bit data).
  ic_ar_valid = this.input(1);
  ic_ar_addr = this.input(32);
  ic_ar_id = this.input(6);
  ic_ar_len = this.input(8);
  ic_ar_size = this.input(3);
  ic_ar_ready = this.output(1);
  ic_r_valid = this.output(1);
  ic_r_id = this.output(6);
  ic_r_data: Output[] = [this.output(32), this.output(32)];
  ic_r_last = this.output(1);

  // per2axi: the peripheral interconnect's external target (one request per cycle, `core` = initiator).
  p_req = this.input(1);
  p_add = this.input(32);
  /** 1 = read (active-low write enable, as the peripheral bus). */
  p_wen = this.input(1);
  p_wdata = this.input(32);
  p_be = this.input(4);
  p_core = this.input(4);
  p_gnt = this.output(1);
  p_r_valid = this.output(1);
  p_r_core = this.output(4);
  p_r_rdata = this.output(32);

  // Master port towards L2.
  ar_valid = this.output(1);
  ar_addr = this.output(32);
  ar_id = this.output(6);
  ar_len = this.output(8);
  ar_size = this.output(3);
  ar_ready = this.input(1);
  r_valid = this.input(1);
  r_id = this.input(6);
  r_data: Input[] = [this.input(32), this.input(32)];
  r_last = this.input(1);
  r_ready = this.output(1);
  aw_valid = this.output(1);
  aw_addr = this.output(32);
  aw_id = this.output(6);
  aw_len = this.output(8);
  aw_size = this.output(3);
  aw_ready = this.input(1);
  w_valid = this.output(1);
  w_data: Output[] = [this.output(32), this.output(32)];
  w_strb = this.output(8);
  w_last = this.output(1);
  w_ready = this.input(1);
  b_valid = this.input(1);
  b_id = this.input(6);
  b_ready = this.output(1);

  // per2axi's request register.
  pv = this.reg(1);
  pAddr = this.reg(32);
  pWen = this.reg(1);
  pWdata = this.reg(32);
  pBe = this.reg(4);
  pCore = this.reg(4);
  /** Word lane (address bit 2) of each core's outstanding access. */
  lane: Reg[] = [];

  ar: Stage[] = [];
  aw: Stage[] = [];
  wv: Reg[] = [];
  wd0: Reg[] = [];
  wd1: Reg[] = [];
  ws: Reg[] = [];
  rv: Reg[] = [];
  rid: Reg[] = [];
  rd0: Reg[] = [];
  rd1: Reg[] = [];
  rl: Reg[] = [];
  bv: Reg[] = [];
  bid: Reg[] = [];
  /** per2axi's responses (one cycle later than the I$ sees its beats): a small queue, since an R and a B may reach
   *  it in the same cycle and the peripheral interconnect takes one response per cycle. */
  pr_count = this.reg(3);
  pr_head = this.reg(2);
  pr_core: Reg[] = [];
  pr_data: Reg[] = [];
  /** The crossbar's AR round robin: 1 = the I$ won the last contended cycle. */
  rr_ic = this.reg(1);
  /** This cycle's AR merge: per2axi's read goes (else the I$'s AR, if any). */
  p_ar_go = this.wire(1);
  /** L2 refuses the AR at the end of the stages (16 reads queued): every AR stage holds. */
  ar_stall = this.wire(1);

  constructor() {
    super();
    const D = AXI_STAGES;
    const stage = (): Stage => ({ v: this.reg(1), addr: this.reg(32), id: this.reg(6), len: this.reg(8), size: this.reg(3) });
    for (let k = 0; k < D; k++) {
      this.ar.push(stage());
      this.aw.push(stage());
      this.rv.push(this.reg(1));
      this.rid.push(this.reg(6));
      this.rd0.push(this.reg(32));
      this.rd1.push(this.reg(32));
      this.rl.push(this.reg(1));
      this.bv.push(this.reg(1));
      this.bid.push(this.reg(6));
    }
    for (let k = 0; k <= D; k++) {
      this.wv.push(this.reg(1));
      this.wd0.push(this.reg(32));
      this.wd1.push(this.reg(32));
      this.ws.push(this.reg(8));
    }
    for (let k = 0; k < 16; k++) this.lane.push(this.reg(1));
    for (let k = 0; k < 4; k++) {
      this.pr_core.push(this.reg(4));
      this.pr_data.push(this.reg(32));
    }

    this.comb('ready', () => {
      const stall = this.ar[D - 1]!.v.v & (this.ar_ready.v ^ 1);
      const pRead = this.pv.v & this.pWen.v;
      const ic = this.ic_ar_valid.v;
      const pGo = pRead & (ic === 0 || this.rr_ic.v === 1 ? 1 : 0) & (stall ^ 1);
      this.ar_stall.v = stall;
      this.p_ar_go.v = pGo;
      this.ic_ar_ready.v = (pGo | stall) ^ 1;
      // per2axi's request register holds a read that lost the crossbar: no new request this cycle.
      this.p_gnt.v = this.p_req.v & ((pRead & (pGo ^ 1)) ^ 1);
    });
    // The L2 side is the last stage's registers: one net each (the W beat is always the last, AW single-beat words).
    const aLast = this.ar[D - 1]!;
    this.connect(this.ar_valid, aLast.v);
    this.connect(this.ar_addr, aLast.addr);
    this.connect(this.ar_id, aLast.id);
    this.connect(this.ar_len, aLast.len);
    this.connect(this.ar_size, aLast.size);
    const wLast = this.aw[D - 1]!;
    this.connect(this.aw_valid, wLast.v);
    this.connect(this.aw_addr, wLast.addr);
    this.connect(this.aw_id, wLast.id);
    this.tie(this.aw_len, 0);
    this.tie(this.aw_size, 2);
    this.connect(this.w_valid, this.wv[D]!);
    this.connect(this.w_last, this.wv[D]!);
    this.connect(this.w_data[0]!, this.wd0[D]!);
    this.connect(this.w_data[1]!, this.wd1[D]!);
    this.connect(this.w_strb, this.ws[D]!);
    this.connect(this.ic_r_data[0]!, this.rd0[D - 1]!);
    this.connect(this.ic_r_data[1]!, this.rd1[D - 1]!);
    this.tie(this.r_ready, 1);
    this.tie(this.b_ready, 1);
    this.comb('to_masters', () => {
      const v = this.rv[D - 1]!.v;
      const id = this.rid[D - 1]!.v;
      const ic = v === 1 && id >>> 4 === ID_ICACHE >>> 4;
      this.ic_r_valid.v = ic;
      this.ic_r_id.v = ic ? id & 15 : 0;
      this.ic_r_last.v = ic ? this.rl[D - 1]!.v : 0;
      const h = this.pr_head.v;
      this.p_r_valid.v = this.pr_count.v > 0;
      this.p_r_core.v = this.pr_core[h]!.v;
      this.p_r_rdata.v = this.pr_data[h]!.v;
    });
    this.seq('pipes', () => {
      // per2axi request register
      const take = this.p_req.v & this.p_gnt.v;
      const hold = this.pv.v & this.pWen.v & (this.p_ar_go.v ^ 1);
      if (this.pv.v & this.pWen.v & this.ic_ar_valid.v & (this.ar_stall.v ^ 1)) this.rr_ic.next = this.p_ar_go.v ^ 1;
      this.pv.next = take | hold;
      if (take) {
        this.pAddr.next = this.p_add.v;
        this.pWen.next = this.p_wen.v;
        this.pWdata.next = this.p_wdata.v;
        this.pBe.next = this.p_be.v;
        this.pCore.next = this.p_core.v;
        this.lane[this.p_core.v]!.next = (this.p_add.v >>> 2) & 1;
      }
      // AR stages: per2axi read or the I$ (round robin); all hold while L2 refuses the last one.
      const a0 = this.ar[0]!;
      if (this.ar_stall.v) {
        // registers keep their values
      } else if (this.p_ar_go.v) {
        for (let k = D - 1; k > 0; k--) copyStage(this.ar[k]!, this.ar[k - 1]!);
        a0.v.next = 1;
        a0.addr.next = this.pAddr.v;
        a0.id.next = ID_PER2AXI | this.pCore.v;
        a0.len.next = 0;
        a0.size.next = 2;
      } else if (this.ic_ar_valid.v && this.ic_ar_ready.v) {
        for (let k = D - 1; k > 0; k--) copyStage(this.ar[k]!, this.ar[k - 1]!);
        a0.v.next = 1;
        a0.addr.next = this.ic_ar_addr.v;
        a0.id.next = ID_ICACHE | (this.ic_ar_id.v & 15);
        a0.len.next = this.ic_ar_len.v;
        a0.size.next = this.ic_ar_size.v;
      } else {
        for (let k = D - 1; k > 0; k--) copyStage(this.ar[k]!, this.ar[k - 1]!);
        a0.v.next = 0;
      }
      // AW stages and W one cycle behind.
      for (let k = D - 1; k > 0; k--) copyStage(this.aw[k]!, this.aw[k - 1]!);
      const w0 = this.aw[0]!;
      const wr = this.pv.v === 1 && this.pWen.v === 0;
      w0.v.next = wr;
      if (wr) {
        w0.addr.next = this.pAddr.v;
        w0.id.next = ID_PER2AXI | this.pCore.v;
      }
      for (let k = D; k > 0; k--) {
        this.wv[k]!.next = this.wv[k - 1]!.v;
        this.wd0[k]!.next = this.wd0[k - 1]!.v;
        this.wd1[k]!.next = this.wd1[k - 1]!.v;
        this.ws[k]!.next = this.ws[k - 1]!.v;
      }
      this.wv[0]!.next = wr;
      if (wr) {
        this.wd0[0]!.next = this.pWdata.v;
        this.wd1[0]!.next = this.pWdata.v;
        this.ws[0]!.next = this.pAddr.v & 4 ? this.pBe.v << 4 : this.pBe.v;
      }
      // R and B stages back.
      for (let k = D - 1; k > 0; k--) {
        this.rv[k]!.next = this.rv[k - 1]!.v;
        this.rid[k]!.next = this.rid[k - 1]!.v;
        this.rd0[k]!.next = this.rd0[k - 1]!.v;
        this.rd1[k]!.next = this.rd1[k - 1]!.v;
        this.rl[k]!.next = this.rl[k - 1]!.v;
        this.bv[k]!.next = this.bv[k - 1]!.v;
        this.bid[k]!.next = this.bid[k - 1]!.v;
      }
      const rIn = this.r_valid.v & this.r_ready.v;
      this.rv[0]!.next = rIn;
      this.rid[0]!.next = rIn ? this.r_id.v : 0;
      this.rd0[0]!.next = this.r_data[0]!.v;
      this.rd1[0]!.next = this.r_data[1]!.v;
      this.rl[0]!.next = this.r_last.v;
      const bIn = this.b_valid.v & this.b_ready.v;
      this.bv[0]!.next = bIn;
      this.bid[0]!.next = bIn ? this.b_id.v : 0;
      // per2axi responses: the last R (for a per2axi id) and B stages, queued, one per cycle to the interconnect.
      const rv = this.rv[D - 1]!.v === 1 && this.rid[D - 1]!.v >>> 4 === ID_PER2AXI >>> 4;
      const bv = this.bv[D - 1]!.v === 1;
      let n = this.pr_count.v;
      let h = this.pr_head.v;
      if (n > 0) {
        h = (h + 1) & 3;
        n--;
      }
      if (rv) {
        const c = this.rid[D - 1]!.v & 15;
        const t = (h + n) & 3;
        this.pr_core[t]!.next = c;
        this.pr_data[t]!.next = this.lane[c]!.v ? this.rd1[D - 1]!.v : this.rd0[D - 1]!.v;
        n++;
      }
      if (bv) {
        const t = (h + n) & 3;
        this.pr_core[t]!.next = this.bid[D - 1]!.v & 15;
        this.pr_data[t]!.next = 0;
        n++;
      }
      this.pr_count.next = n;
      this.pr_head.next = h;
      // The lane of the answered core is read at its id: declared, since learning reaches only a few ids.
    }, { reads: this.lane, stable: true });
  }
}

function copyStage(dst: Stage, src: Stage): void {
  dst.v.next = src.v.v;
  dst.addr.next = src.addr.v;
  dst.id.next = src.id.v;
  dst.len.next = src.len.v;
  dst.size.next = src.size.v;
}
