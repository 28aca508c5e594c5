// The GAP-8-generation PULP cluster (pulp_cluster 9fd9c3e) from the project's blocks: N RI5CY v1.0 cores with the
// 128-bit L0 fetch, each behind its core demux; the TCDM interconnect and banks; the event unit on the demux ports
// with the cores' clock gates; the shared I$ with its refill path; the peripheral interconnect (cluster control
// unit, I$ control unit, per2axi); the AXI path to the L2 memory model of latency L.
// Memory map (fact sheet pulp-cluster.md §1, system README "Map used"): TCDM 0x1000_0000 (+ test-and-set alias at
// bit 20), cluster peripherals 0x1020_0000 (control unit +0x000, I$ control +0x1400), demux peripherals
// 0x1020_4000 (event unit), everything else through AXI (L2 at 0x1C00_0000).
//
// Per core (core_region.sv, riscv_core.sv v1.0): core_busy = first fetch ? 1 : a register of
// (p.elw request in EX ? if_busy : if_busy | ctrl_busy | lsu_busy), clocked by the ungated clock; the core's clock
// runs when the event unit's clock_en or core_busy is 1, so a core asleep in a p.elw stops.
import { Module, type Output, type Wire } from '../../sim/index.ts';
import { icacheConfig, validateCluster, type ClusterConfig, type CoreConfig, type IcacheConfig } from '../config/index.ts';
import { Core } from '../core/core.ts';
import { LsuState } from '../core/load_store_unit.ts';
import { CtrlState } from '../core/controller.ts';
import { DecodeCache } from '../core/decode_info.ts';
import { coreRules } from '../core/version.ts';
import { IfStageL0 } from '../core/prefetch_l0_buffer.ts';
import { ClusterAxi } from './axi_bus.ts';
import { ClusterCtrl } from './cluster_ctrl.ts';
import { CoreDemux } from './core_demux.ts';
import { EventUnit } from './event_unit.ts';
import { Icache, type LineSource } from './icache.ts';
import { icachePorts } from './icache_geometry.ts';
import { L2Memory } from './l2.ts';
import { PeriphInterconnect } from './periph_interco.ts';
import { TcdmInterconnect } from './tcdm_interconnect.ts';

export interface ClusterParams {
  core: CoreConfig;
  cluster: ClusterConfig;
  icache: IcacheConfig;
  /** Reset value of the cores' boot address (cluster control unit). */
  bootAddr: number;
  l2: { base: number; sizeBytes: number; latency: number };
  /** Cycles from cycle 0 until the cluster's blocks leave reset (first fetch one cycle later). */
  resetCycles: number;
}

/** One core with its demux, busy logic and clock gate (pulp_cluster core_region). */
export class CoreRegion extends Module {
  core: Core;
  demux = new CoreDemux();
  /** The core's IF stage (RI5CY's 128-bit L0 variant). */
  get ifs(): IfStageL0 {
    return this.core.if_stage as IfStageL0;
  }
  /** Event unit's clock enable for this core, and the cluster's fetch enable. */
  eu_clock_en = this.input(1);
  fetch_en = this.input(1);
  core_busy = this.output(1);
  core_busy_int = this.wire(1);
  core_busy_q = this.reg(1, 0);
  clk_en = this.wire(1);

  constructor(p: ClusterParams, hartId: number, decode: DecodeCache) {
    super();
    this.core = new Core({ core: p.core, bootAddr: p.bootAddr, hartId, ifStage: (pc) => new IfStageL0(pc), decode });
    const c = this.core;
    const d = this.demux;
    this.connect(d.req, c.data.req);
    this.connect(d.add, c.data.addr);
    this.connect(d.we, c.data.we);
    this.connect(d.be, c.data.be);
    this.connect(d.wdata, c.data.wdata);
    this.connect(c.data.gnt, d.gnt);
    this.connect(c.data.rvalid, d.r_valid);
    this.connect(c.data.rdata, d.r_rdata);
    c.cs_registers.extPerf = true;
    const cs = c.cs_registers;
    this.comb('ext_perf', () => {
      cs.ext_perf_counters.v = d.perf.v;
    });
    const ctrl = c.controller;
    const lsu = c.load_store_unit;
    const ex = c.ex_stage;
    const ifsL0 = this.ifs;
    this.comb('busy', () => {
      const st = ctrl.ctrl_fsm_cs.v;
      const ctrlBusy = st === CtrlState.SLEEP || st === CtrlState.WAIT_SLEEP ? 0 : 1;
      const req = lsu.data_req.v;
      const lsuBusy = lsu.lsu_cs.v !== LsuState.IDLE || req ? 1 : 0;
      // data_load_event_ex & data_req_o: the instruction in EX is p.elw (LOAD opcode, funct3 110) and requests.
      const elwReq = req && (ex.instr_ex.v & 0x707f) === 0x6003;
      const ifBusy = ifsL0.if_busy.v;
      this.core_busy_int.v = elwReq ? ifBusy : ifBusy | ctrlBusy | lsuBusy;
      // The instruction in EX changes with every instruction and matters only with a data request.
    }, { guarded: [{ reads: [ex.instr_ex], when: [lsu.data_req] }] });
    this.comb('busy_o', () => {
      this.core_busy.v = ctrl.ctrl_fsm_cs.v === CtrlState.FIRST_FETCH ? 1 : this.core_busy_q.v;
    });
    this.comb('gate', () => {
      this.clk_en.v = this.fetch_en.v & (this.eu_clock_en.v | this.core_busy.v);
    });
    this.seq('busy_q', () => {
      // The core region leaves reset with the rest of the cluster.
      if (this.fetch_en.v) this.core_busy_q.next = this.core_busy_int.v;
    }, { stable: true });
    this.clockGate(c, this.clk_en);
    this.clockGate(d, d.clk_en);
  }
}

/** Word `word` of the 16-byte line at `lineAddr` as L2 holds it; 0 outside L2 (what an AXI read there returns). */
export function l2LineSource(l2: L2Memory): LineSource {
  const words = l2.words;
  return (lineAddr, word) => {
    const i = ((lineAddr + 4 * word - l2.base) >>> 0) >>> 2;
    return i < words ? l2.mem.read(i) : 0;
  };
}

export class Cluster extends Module {
  readonly n: number;
  regions: CoreRegion[] = [];
  tcdm: TcdmInterconnect;
  eu: EventUnit;
  icache: Icache;
  periph: PeriphInterconnect;
  ctrl: ClusterCtrl;
  axi = new ClusterAxi();
  l2: L2Memory;
  /** Blocks out of reset. */
  rst_done: Wire;
  fetch_en: Output[] = [];

  constructor(readonly params: ClusterParams) {
    super();
    const p = params;
    validateCluster(p.cluster);
    const n = p.cluster.cores;
    this.n = n;
    this.tcdm = new TcdmInterconnect(p.cluster);
    this.eu = new EventUnit(p.cluster);
    // L2 first: the ideal I$ (a what-if) reads its lines straight from L2's memory.
    this.l2 = new L2Memory(p.l2);
    // GAP-8's cache has 8 fetch ports (unused ones idle with fewer cores); a 16-core cluster gets one per core.
    this.icache = new Icache({ config: icacheConfig(p.icache), ports: icachePorts(n), lineSource: l2LineSource(this.l2) });
    this.periph = new PeriphInterconnect(n);
    this.ctrl = new ClusterCtrl(n, p.bootAddr, p.resetCycles);
    this.rst_done = this.wire(1);
    this.connect(this.rst_done, this.ctrl.rst_done);
    // the cores share one config, so one decode cache (Core's `decode`)
    const decode = new DecodeCache(coreRules(p.core));
    for (let k = 0; k < n; k++) {
      const r = new CoreRegion(p, k, decode);
      this.regions.push(r);
    }
    const { tcdm, eu, icache, periph, ctrl, axi, l2 } = this;
    const fe = ctrl.fetch_en;

    for (let k = 0; k < n; k++) {
      const r = this.regions[k]!;
      const d = r.demux;
      const c = r.core;
      // fetch
      this.connect(icache.fetch_req[k]!, c.instr.req);
      this.connect(icache.fetch_addr[k]!, c.instr.addr);
      this.connect(c.instr.gnt, icache.fetch_gnt[k]!);
      this.connect(c.instr.rvalid, icache.fetch_rvalid[k]!);
      this.connect(c.instr.rdata, icache.fetch_rdata[k]![0]!);
      for (let i = 0; i < 3; i++) this.connect(r.ifs.instr_rdata_hi[i]!, icache.fetch_rdata[k]![i + 1]!);
      // TCDM
      this.connect(tcdm.req[k]!, d.sh_req);
      this.connect(tcdm.add[k]!, d.sh_add);
      this.connect(tcdm.wen[k]!, d.sh_wen);
      this.connect(tcdm.be[k]!, d.sh_be);
      this.connect(tcdm.wdata[k]!, d.sh_wdata);
      this.connect(d.sh_gnt, tcdm.gnt[k]!);
      this.connect(d.sh_r_valid, tcdm.r_valid[k]!);
      this.connect(d.sh_r_rdata, tcdm.r_rdata[k]!);
      // event unit (demux peripherals)
      this.connect(eu.req[k]!, d.ext_req);
      this.connect(eu.add[k]!, d.ext_add);
      this.connect(eu.wen[k]!, d.ext_wen);
      this.connect(eu.wdata[k]!, d.ext_wdata);
      this.connect(eu.be[k]!, d.ext_be);
      this.connect(d.ext_gnt, eu.gnt[k]!);
      this.connect(d.ext_r_valid, eu.r_valid[k]!);
      this.connect(d.ext_r_rdata, eu.r_rdata[k]!);
      this.connect(eu.core_busy[k]!, r.core_busy);
      this.connect(r.eu_clock_en, eu.clock_en[k]!);
      this.tie(eu.irq_ack[k]!, 0);
      this.tie(eu.irq_ack_id[k]!, 0);
      this.tie(eu.acc_events[k]!, 0);
      this.tie(eu.dma_events[k]!, 0);
      this.tie(eu.timer_events[k]!, 0);
      this.tie(eu.cluster_events[k]!, 0);
      // peripheral interconnect
      this.connect(periph.req[k]!, d.pe_req);
      this.connect(periph.add[k]!, d.pe_add);
      this.connect(periph.wen[k]!, d.pe_wen);
      this.connect(periph.be[k]!, d.pe_be);
      this.connect(periph.wdata[k]!, d.pe_wdata);
      this.connect(d.pe_gnt, periph.gnt[k]!);
      this.connect(d.pe_r_valid, periph.r_valid[k]!);
      this.connect(d.pe_r_rdata, periph.r_rdata[k]!);
      const en = this.wire(1, `fetch_en_${k}`);
      this.fetch_en.push(en as unknown as Output);
      this.comb(`fetch_en_p${k}`, () => {
        en.v = (fe.v >>> k) & 1;
      });
      this.connect(r.fetch_en, en);
    }
    for (let k = n; k < icache.ports; k++) {
      this.tie(icache.fetch_req[k]!, 0);
      this.tie(icache.fetch_addr[k]!, 0);
    }
    // masters of the TCDM interconnect not modelled (HWCE, external AXI, DMA): idle
    for (let m = n; m < tcdm.nMasters; m++) {
      this.tie(tcdm.req[m]!, 0);
      this.tie(tcdm.add[m]!, 0);
      this.tie(tcdm.wen[m]!, 1);
      this.tie(tcdm.be[m]!, 0);
      this.tie(tcdm.wdata[m]!, 0);
    }
    this.tie(tcdm.arb_policy, p.cluster.tcdm.arbPolicy);

    // peripheral targets
    this.connect(icache.ctl_req, periph.ic_req);
    this.connect(icache.ctl_add, periph.ic_add);
    this.connect(icache.ctl_wen, periph.ic_wen);
    this.connect(icache.ctl_wdata, periph.ic_wdata);
    this.connect(periph.ic_gnt, icache.ctl_gnt);
    this.connect(periph.ic_r_valid, icache.ctl_r_valid);
    this.connect(periph.ic_r_rdata, icache.ctl_r_rdata);
    this.connect(ctrl.req, periph.cc_req);
    this.connect(ctrl.add, periph.cc_add);
    this.connect(ctrl.wen, periph.cc_wen);
    this.connect(ctrl.wdata, periph.cc_wdata);
    this.connect(periph.cc_gnt, ctrl.gnt);
    this.connect(periph.cc_r_valid, ctrl.r_valid);
    this.connect(periph.cc_r_rdata, ctrl.r_rdata);
    this.connect(axi.p_req, periph.ext_req);
    this.connect(axi.p_add, periph.ext_add);
    this.connect(axi.p_wen, periph.ext_wen);
    this.connect(axi.p_wdata, periph.ext_wdata);
    this.connect(axi.p_be, periph.ext_be);
    this.connect(axi.p_core, periph.ext_core);
    this.connect(periph.ext_gnt, axi.p_gnt);
    this.connect(periph.ext_r_valid, axi.p_r_valid);
    this.connect(periph.ext_r_core, axi.p_r_core);
    this.connect(periph.ext_r_rdata, axi.p_r_rdata);

    // I$ refill port -> AXI path -> L2
    this.connect(axi.ic_ar_valid, icache.ar_valid);
    this.connect(axi.ic_ar_addr, icache.ar_addr);
    this.connect(axi.ic_ar_id, icache.ar_id);
    this.connect(axi.ic_ar_len, icache.ar_len);
    this.connect(axi.ic_ar_size, icache.ar_size);
    this.connect(icache.ar_ready, axi.ic_ar_ready);
    this.connect(icache.r_valid, axi.ic_r_valid);
    this.connect(icache.r_id, axi.ic_r_id);
    this.connect(icache.r_data[0]!, axi.ic_r_data[0]!);
    this.connect(icache.r_data[1]!, axi.ic_r_data[1]!);
    this.connect(icache.r_last, axi.ic_r_last);
    this.tie(icache.r_resp, 0);
    this.connect(l2.ar_valid, axi.ar_valid);
    this.connect(l2.ar_addr, axi.ar_addr);
    this.connect(l2.ar_id, axi.ar_id);
    this.connect(l2.ar_len, axi.ar_len);
    this.connect(l2.ar_size, axi.ar_size);
    this.connect(axi.ar_ready, l2.ar_ready);
    this.connect(axi.r_valid, l2.r_valid);
    this.connect(axi.r_id, l2.r_id);
    this.connect(axi.r_data[0]!, l2.r_data[0]!);
    this.connect(axi.r_data[1]!, l2.r_data[1]!);
    this.connect(axi.r_last, l2.r_last);
    this.connect(l2.r_ready, axi.r_ready);
    this.connect(l2.aw_valid, axi.aw_valid);
    this.connect(l2.aw_addr, axi.aw_addr);
    this.connect(l2.aw_id, axi.aw_id);
    this.connect(l2.aw_len, axi.aw_len);
    this.connect(l2.aw_size, axi.aw_size);
    this.connect(axi.aw_ready, l2.aw_ready);
    this.connect(l2.w_valid, axi.w_valid);
    this.connect(l2.w_data[0]!, axi.w_data[0]!);
    this.connect(l2.w_data[1]!, axi.w_data[1]!);
    this.connect(l2.w_strb, axi.w_strb);
    this.connect(l2.w_last, axi.w_last);
    this.connect(axi.w_ready, l2.w_ready);
    this.connect(axi.b_valid, l2.b_valid);
    this.connect(axi.b_id, l2.b_id);
    this.connect(l2.b_ready, axi.b_ready);

    // Everything inside the cluster leaves reset together (rstgen); L2 is on the SoC side.
    for (const m of [tcdm, eu, icache, periph, axi] as Module[]) this.clockGate(m, this.rst_done);
  }
}
