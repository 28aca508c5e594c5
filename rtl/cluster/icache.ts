// The cluster's shared instruction cache, signal for signal after icache_mp_128_pf pulp-v1.0 as pulp_cluster
// 9fd9c3e instantiates it (icache_top_mp_128_PF: 8 fetch ports of 128 bits, 4 KB, 4 ways, 16-B lines, 8
// line-interleaved TAG/DATA arrays with a read port per core, AXI refills of 2 x 64 bits), with its control unit.
// `ports` = NB_CORES (8 in GAP-8; 16 for a 16-core cluster: a private controller and array read port per core, a
// deeper miss arbitration tree, wider core IDs; the 8 banks, CAM and refill path unchanged).
// The rules and their RTL sources: testbench/fixtures/timing/cluster/icache/README.md. Disabled (bypassed) at
// reset: software enables it by writing 1 to ENABLE at 0x1020_1400; every enable and flush costs a 64-cycle
// invalidation. The RTL's hazards (a selective flush that never completes, a bypass fetch lost across an
// enable, a deadlock on disable while a miss is pending) are reproduced, not fixed.
//
// `ideal` (a what-if, off in the RTL): every fetch is granted at once and answered in the next cycle with the
// line read from `lineSource`; the refill path stays idle.
import { Module, type Input, type Output, type Reg, type Wire } from '../../sim/index.ts';
import { icacheConfig, type IcacheConfig } from '../config/index.ts';
import { IcacheArrays } from './icache_arrays.ts';
import { IcacheAxi } from './icache_axi.ts';
import { IcacheCentral } from './icache_central.ts';
import { IcacheCtrlUnit } from './icache_ctrl_unit.ts';
import { ICACHE_PORTS, LINE_WORDS, checkIcachePorts, icacheGeometry, type IcacheGeometry } from './icache_geometry.ts';
import { IcacheIntc } from './icache_intc.ts';
import { IcachePfCtrl } from './icache_pf_ctrl.ts';
import { IcachePrivateCtrl } from './icache_private_ctrl.ts';

/** Word `word` (0 = bits 31..0) of the 16-byte line at `lineAddr` (bits 3:0 zero) in the memory behind the cache. */
export type LineSource = (lineAddr: number, word: number) => number;

export interface IcacheOptions {
  config?: Partial<IcacheConfig>;
  /** Fetch ports (NB_CORES): 8 (GAP-8, default) or 16; see icachePorts. */
  ports?: number;
  /** Required when `config.ideal`: where ideal fetches read their line. */
  lineSource?: LineSource;
}

export class Icache extends Module {
  readonly config: IcacheConfig;
  readonly geometry: IcacheGeometry;
  readonly ports: number;
  // Core fetch ports (RI5CY instr_req/addr/gnt/rvalid/rdata[127:0]).
  readonly fetch_req: Input[];
  readonly fetch_addr: Input[];
  readonly fetch_gnt: Output[];
  readonly fetch_rvalid: Output[];
  /** fetch_rdata[k][w]: word w (0 = bits 31..0) of core k's 128-bit line. */
  readonly fetch_rdata: Output[][];
  // Control unit peripheral port.
  readonly ctl_req = this.input(1);
  readonly ctl_add = this.input(32);
  readonly ctl_wen = this.input(1);
  readonly ctl_wdata = this.input(32);
  readonly ctl_gnt = this.output(1);
  readonly ctl_r_valid = this.output(1);
  readonly ctl_r_rdata = this.output(32);
  // AXI read channels of the refill port.
  readonly ar_valid = this.output(1);
  readonly ar_addr = this.output(32);
  readonly ar_id = this.output(6);
  readonly ar_len = this.output(8);
  readonly ar_size = this.output(3);
  readonly ar_burst = this.output(2);
  readonly ar_ready = this.input(1);
  readonly r_valid = this.input(1);
  readonly r_id = this.input(6);
  /** Beat data: [bits 31..0, bits 63..32]. */
  readonly r_data: Input[] = [this.input(32), this.input(32)];
  readonly r_last = this.input(1);
  readonly r_resp = this.input(2);
  readonly r_ready = this.output(1);

  readonly ctrl: IcacheCtrlUnit;
  readonly banks: IcachePrivateCtrl[];
  readonly pf = new IcachePfCtrl();
  readonly arrays: IcacheArrays;
  readonly intc: IcacheIntc;
  readonly central: IcacheCentral;
  readonly axi = new IcacheAxi();
  /** Bypass acknowledge seen by the control unit (bits 0..ports-1 the cores, bit `ports` the prefetcher). */
  readonly bypass_ack: Wire;
  readonly missCount = this.reg(32);
  /** Ideal mode only: the fetch waiting for its next-cycle answer. */
  readonly idealReqQ: Reg[] = [];
  /** Ideal mode only: that fetch's line, [port][word]. */
  readonly idealDataQ: Reg[][] = [];

  constructor(options: IcacheOptions = {}) {
    super();
    const cfg = icacheConfig(options.config);
    this.config = cfg;
    const g = icacheGeometry(cfg);
    this.geometry = g;
    const P = checkIcachePorts(options.ports ?? ICACHE_PORTS);
    this.ports = P;
    this.fetch_req = Array.from({ length: P }, () => this.input(1));
    this.fetch_addr = Array.from({ length: P }, () => this.input(32));
    this.fetch_gnt = Array.from({ length: P }, () => this.output(1));
    this.fetch_rvalid = Array.from({ length: P }, () => this.output(1));
    this.fetch_rdata = Array.from({ length: P }, () => Array.from({ length: LINE_WORDS }, () => this.output(32)));
    this.bypass_ack = this.wire(P + 1);
    this.ctrl = new IcacheCtrlUnit(P);
    this.banks = Array.from({ length: P }, () => new IcachePrivateCtrl(g));
    this.arrays = new IcacheArrays(g, P);
    this.intc = new IcacheIntc(g.ways, P);
    this.central = new IcacheCentral(g, P);
    const { ctrl, banks, pf, arrays, intc, central, axi } = this;

    // Control unit.
    this.connect(ctrl.req, this.ctl_req);
    this.connect(ctrl.add, this.ctl_add);
    this.connect(ctrl.wen, this.ctl_wen);
    this.connect(ctrl.wdata, this.ctl_wdata);
    this.connect(this.ctl_gnt, ctrl.gnt);
    this.connect(this.ctl_r_valid, ctrl.r_valid);
    this.connect(this.ctl_r_rdata, ctrl.r_rdata);
    this.connect(ctrl.bypass_ack, this.bypass_ack);
    this.connect(ctrl.flush_ack, central.flush_ack);
    this.connect(ctrl.sel_flush_ack, central.sel_flush_ack);
    this.tie(ctrl.pf_ack, 1); // the prefetcher's command FIFO always has room (no prefetch is ever queued)
    this.connect(ctrl.miss_count, this.missCount);

    // Private controllers, arrays, interconnect.
    for (let k = 0; k < P; k++) {
      const b = banks[k]!;
      this.clockGate(b, b.clk_en);
      this.connect(b.bypass_req, ctrl.bypass_req);
      this.connect(b.empty_fifo, central.empty_fifo);
      this.connect(b.byp_rvalid, central.byp_rvalid[k]!);
      for (let i = 0; i < LINE_WORDS; i++) this.connect(b.line[i]!, axi.line[i]!);
      this.connect(arrays.rd_req[k]!, b.rd_req);
      this.connect(arrays.rd_bank[k]!, b.rd_bank);
      this.connect(arrays.rd_set[k]!, b.rd_set);
      for (let w = 0; w < g.ways; w++) this.connect(b.tag[w]!, arrays.tag[k]![w]!);
      for (let i = 0; i < g.ways * LINE_WORDS; i++) this.connect(b.data[i]!, arrays.data[k]![i]!);
      this.connect(intc.miss_valid[k]!, b.miss_valid);
      this.connect(intc.miss_addr[k]!, b.miss_addr);
      this.connect(intc.miss_way[k]!, b.miss_way);
      this.connect(b.miss_pop, intc.miss_pop[k]!);
    }
    this.connect(pf.bypass_req, ctrl.bypass_req);
    this.connect(pf.empty_fifo, central.empty_fifo);

    // Central controller.
    this.connect(central.req, intc.req);
    this.connect(central.addr, intc.addr);
    this.connect(central.way, intc.way);
    this.connect(central.id_oh, intc.id_oh);
    this.connect(intc.gnt, central.gnt);
    this.connect(central.bypass_req, ctrl.bypass_req);
    this.connect(central.flush_req, ctrl.flush_req);
    this.connect(central.sel_flush_req, ctrl.sel_flush_req);
    this.connect(central.sel_flush_addr, ctrl.sel_flush_addr);
    this.connect(central.ar_room, axi.ar_room);
    this.connect(central.line_valid, axi.line_valid);
    this.connect(central.line_id, axi.line_id);
    this.connect(arrays.tag_we, central.tag_we);
    this.connect(arrays.tag_row, central.tag_row);
    this.connect(arrays.tag_ways, central.tag_ways);
    this.connect(arrays.tag_wdata, central.tag_wdata);
    this.connect(arrays.data_we, central.data_we);
    this.connect(arrays.data_row, central.data_row);
    this.connect(arrays.data_ways, central.data_ways);
    for (let i = 0; i < LINE_WORDS; i++) this.connect(arrays.data_wdata[i]!, axi.line[i]!);

    // AXI.
    this.connect(axi.ar_push, central.ar_push);
    this.connect(axi.ar_push_addr, central.ar_addr);
    this.connect(axi.ar_push_id, central.ar_id);
    this.connect(this.ar_valid, axi.ar_valid);
    this.connect(this.ar_addr, axi.ar_addr);
    this.connect(this.ar_id, axi.ar_id);
    this.connect(this.ar_len, axi.ar_len);
    this.connect(this.ar_size, axi.ar_size);
    this.connect(this.ar_burst, axi.ar_burst);
    this.connect(axi.ar_ready, this.ar_ready);
    this.connect(axi.r_valid, this.r_valid);
    this.connect(axi.r_id, this.r_id);
    this.connect(axi.r_data[0]!, this.r_data[0]!);
    this.connect(axi.r_data[1]!, this.r_data[1]!);
    this.connect(axi.r_last, this.r_last);
    this.connect(axi.r_resp, this.r_resp);
    this.connect(this.r_ready, axi.r_ready);

    const allAck = 2 ** (P + 1) - 1;
    this.comb('status', () => {
      let ack = pf.is_bypassed.v * 2 ** P;
      for (let k = 0; k < P; k++) ack |= banks[k]!.is_bypassed.v << k;
      this.bypass_ack.v = ack;
      const all = ack === allAck && central.is_bypassed.v === 1 ? 1 : 0;
      const notify = central.notify.v;
      const retry = central.retry.v;
      const clear = ctrl.clear_regs.v & 1;
      const enable = ctrl.enable_regs.v & 1;
      for (let k = 0; k < P; k++) {
        const b = banks[k]!;
        b.all_bypassed.v = all;
        b.notify.v = (notify >>> k) & 1;
        b.retry.v = (retry >>> k) & 1;
        b.stat_clear.v = clear;
        b.stat_enable.v = enable;
      }
    });
    this.comb('stats', () => {
      let hit = 0;
      let trans = 0;
      for (let k = 0; k < P; k++) {
        hit += banks[k]!.hit_count.v;
        trans += banks[k]!.trans_count.v;
      }
      ctrl.hit_count.v = hit >>> 0;
      ctrl.trans_count.v = trans >>> 0;
    });
    this.seq('miss_count', () => {
      if (ctrl.clear_regs.v !== 0) this.missCount.next = 0;
      else if (ctrl.enable_regs.v !== 0 && central.ar_push.v && axi.ar_room.v) this.missCount.next = (this.missCount.v + 1) >>> 0;
      // Counts only while enabled: stable, every read declared (the refill's handshake only while counting).
    }, { reads: [ctrl.clear_regs, ctrl.enable_regs, central.ar_push, axi.ar_room, this.missCount], drives: [this.missCount], stable: true });

    if (!cfg.ideal) {
      for (let k = 0; k < P; k++) {
        const b = banks[k]!;
        this.connect(b.fetch_req, this.fetch_req[k]!);
        this.connect(b.fetch_addr, this.fetch_addr[k]!);
        this.connect(this.fetch_gnt[k]!, b.fetch_gnt);
        this.connect(this.fetch_rvalid[k]!, b.fetch_rvalid);
        for (let i = 0; i < LINE_WORDS; i++) this.connect(this.fetch_rdata[k]![i]!, b.fetch_rdata[i]!);
      }
      return;
    }
    const src = options.lineSource;
    if (src === undefined) throw new Error('icache: ideal mode needs a lineSource (the memory the fetches read)');
    for (let k = 0; k < P; k++) {
      this.tie(banks[k]!.fetch_req, 0);
      this.tie(banks[k]!.fetch_addr, 0);
      this.idealReqQ.push(this.reg(1));
      this.idealDataQ.push(Array.from({ length: LINE_WORDS }, () => this.reg(32)));
    }
    // The grant depends on the request only, the answer on registers only: one process driving both would tie the
    // core's request to its own r_valid (the L0 buffer's request depends on r_valid), a combinational loop.
    this.comb('ideal_gnt', () => {
      for (let k = 0; k < P; k++) this.fetch_gnt[k]!.v = this.fetch_req[k]!.v;
    });
    this.comb('ideal_r', () => {
      for (let k = 0; k < P; k++) {
        this.fetch_rvalid[k]!.v = this.idealReqQ[k]!.v;
        for (let i = 0; i < LINE_WORDS; i++) this.fetch_rdata[k]![i]!.v = this.idealDataQ[k]![i]!.v;
      }
    });
    this.seq('ideal_q', () => {
      for (let k = 0; k < P; k++) {
        const req = this.fetch_req[k]!.v;
        this.idealReqQ[k]!.next = req;
        // The line is read at the grant's edge (memory contents of the grant cycle) and shown with r_valid only.
        const a = (this.fetch_addr[k]!.v & ~0xf) >>> 0;
        for (let i = 0; i < LINE_WORDS; i++) this.idealDataQ[k]![i]!.next = req ? src(a, i) >>> 0 : 0;
      }
    });
  }
}
