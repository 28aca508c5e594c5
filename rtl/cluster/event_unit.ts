// The cluster event unit (event_unit_flex pulp-v1.0 `event_unit_top` with its `event_unit_interface_mux`, as
// pulp_cluster 9fd9c3e instantiates it): per-core units, hardware barriers, one hardware mutex, the dispatch FIFO,
// and pulp_cluster's `cluster_event_map` of the event lines. Ports: each core's demux port (`eu_direct_link`),
// `core_busy`, the clock enable, the IRQ lines and the external event inputs. The peripheral-interconnect slave
// port and the SoC event FIFO input are tied idle in the cluster's use of these registers and left out.
//
// Interface mux (per core): offsets with bit 9 clear, and the barriers' TRIGGER_WAIT(_CLEAR) (+0x18/+0x1C), go to
// the core's own unit; the other barrier offsets go to barrier add[8:5], which always grants. A response is given
// in the cycle after a request cycle; which unit answers is registered when a request starts, ends or is granted.
import { Module, type Input, type Output, type Reg } from '../../sim/index.ts';
import { gap8Cluster, validateCluster, type ClusterConfig } from '../config/index.ts';
import { EventUnitCore, Side } from './event_unit_core.ts';
import { HwBarrierUnit } from './event_unit_barrier.ts';
import { HwDispatch } from './event_unit_dispatch.ts';
import { HwMutexUnit } from './event_unit_mutex.ts';

/** cluster_event_map (pulp_cluster 9fd9c3e): where each source sits in a core's 32 event lines. */
export const EventLine = {
  SW: 0, // 8 lines
  DMA: 8, // 2
  TIMER: 10, // 2
  ACC: 12, // 4
  BARRIER: 16,
  MUTEX: 17,
  DISPATCH: 18,
  CLUSTER: 22, // cluster_events[1:0]
  SOC_FIFO: 27,
} as const;

/** The core's own unit answers this demux address (else a barrier unit does). */
export function addIsCore(add: number): boolean {
  const sel = (((add >>> 9) & 1) << 3) | ((add >>> 2) & 7);
  return ((add >>> 9) & 1) === 0 || sel === 0b1_110 || sel === 0b1_111;
}

export class EventUnit extends Module {
  readonly nbCores: number;
  readonly nbBarr: number;

  // Per core.
  req: Input[] = [];
  add: Input[] = [];
  wen: Input[] = [];
  wdata: Input[] = [];
  /** Byte enables of the demux port: ignored by the event unit. */
  be: Input[] = [];
  gnt: Output[] = [];
  r_valid: Output[] = [];
  r_rdata: Output[] = [];
  core_busy: Input[] = [];
  clock_en: Output[] = [];
  irq_req: Output[] = [];
  irq_id: Output[] = [];
  irq_ack: Input[] = [];
  irq_ack_id: Input[] = [];
  acc_events: Input[] = [];
  dma_events: Input[] = [];
  timer_events: Input[] = [];
  cluster_events: Input[] = [];

  /** Interface mux registers: a request was up in the previous cycle; the unit that answers it. */
  demux_req_del: Reg[] = [];
  demux_ip_sel: Reg[] = [];

  cores: EventUnitCore[] = [];
  barriers: HwBarrierUnit[] = [];
  mutex: HwMutexUnit;
  dispatch: HwDispatch;

  constructor(readonly config: ClusterConfig = gap8Cluster) {
    super();
    validateCluster(config);
    const n = config.cores;
    const nb = config.eventUnit.barriers;
    const nsw = config.eventUnit.swEvents;
    this.nbCores = n;
    this.nbBarr = nb;
    for (let k = 0; k < n; k++) {
      this.req.push(this.input(1));
      this.add.push(this.input(32));
      this.wen.push(this.input(1));
      this.wdata.push(this.input(32));
      this.be.push(this.input(4));
      this.gnt.push(this.output(1));
      this.r_valid.push(this.output(1));
      this.r_rdata.push(this.output(32));
      this.core_busy.push(this.input(1));
      this.clock_en.push(this.output(1));
      this.irq_req.push(this.output(1));
      this.irq_id.push(this.output(5));
      this.irq_ack.push(this.input(1));
      this.irq_ack_id.push(this.input(5));
      this.acc_events.push(this.input(4));
      this.dma_events.push(this.input(2));
      this.timer_events.push(this.input(2));
      this.cluster_events.push(this.input(32));
      this.demux_req_del.push(this.reg(1, 0));
      this.demux_ip_sel.push(this.reg(5, 0));
      const c = new EventUnitCore(n, nsw, nb);
      this.cores.push(c);
      this.connect(c.add, this.add[k]!);
      this.connect(c.wen, this.wen[k]!);
      this.connect(c.wdata, this.wdata[k]!);
      this.connect(c.core_busy, this.core_busy[k]!);
      this.connect(c.irq_ack, this.irq_ack[k]!);
      this.connect(c.irq_ack_id, this.irq_ack_id[k]!);
      this.connect(c.core_clock_en, this.clock_en[k]!);
      this.connect(c.irq_req, this.irq_req[k]!);
      this.connect(c.irq_id, this.irq_id[k]!);
    }
    for (let b = 0; b < nb; b++) {
      const u = new HwBarrierUnit(n);
      this.barriers.push(u);
      this.clockGate(u, u.clk_en);
      for (let k = 0; k < n; k++) {
        this.connect(u.add[k]!, this.add[k]!);
        this.connect(u.wen[k]!, this.wen[k]!);
        this.connect(u.wdata[k]!, this.wdata[k]!);
      }
    }
    this.mutex = new HwMutexUnit(n);
    this.dispatch = new HwDispatch(n, config.eventUnit.dispatchDepth);
    for (let k = 0; k < n; k++) {
      this.connect(this.dispatch.w_data[k]!, this.wdata[k]!);
      this.connect(this.dispatch.w_add[k]!, this.add[k]!);
      this.connect(this.cores[k]!.dispatch_value, this.dispatch.dispatch_value[k]!);
      this.connect(this.cores[k]!.mutex_msg_rdata, this.mutex.mutex_msg_rdata);
    }

    // Scratch arrays of the processes (rewritten every evaluation; no allocation per cycle).
    const trig = new Uint32Array(nb);
    const swTo = new Uint32Array(n);

    // Requests to the units.
    const barrReq = new Uint32Array(nb);
    this.comb('demux_req', () => {
      barrReq.fill(0);
      for (let k = 0; k < n; k++) {
        const req = this.req[k]!.v;
        const core = req === 1 && addIsCore(this.add[k]!.v);
        this.cores[k]!.req.v = core;
        if (req === 1 && !core) {
          const b = (this.add[k]!.v >>> 5) & 15;
          if (b < nb) barrReq[b] = barrReq[b]! | (1 << k);
        }
      }
      for (let j = 0; j < nb; j++) this.barriers[j]!.req.v = barrReq[j]!;
      // A core's address moves with its every TCDM access; only a request here makes it matter.
    }, { guarded: this.add.map((a, k) => ({ reads: [a], when: [this.req[k]!] })) });

    // Grants and responses back to the cores: two processes, since a core's next request may depend on the response
    // (RI5CY's LSU requests again in the rvalid cycle) while the grant depends on the request. One of each per core
    // (and the demux registers below): a core's request runs only its own.
    for (let k = 0; k < n; k++) {
      const req = this.req[k]!;
      const add = this.add[k]!;
      const gnt = this.gnt[k]!;
      const coreGnt = this.cores[k]!.gnt;
      this.comb(`demux_gnt_${k}`, () => {
        gnt.v = req.v === 1 && (addIsCore(add.v) ? coreGnt.v === 1 : true);
      }, { reads: [req, coreGnt], guarded: [{ reads: [add], when: [req] }] });
      const del = this.demux_req_del[k]!;
      const sel = this.demux_ip_sel[k]!;
      const rValid = this.r_valid[k]!;
      const coreRValid = this.cores[k]!.r_valid;
      this.comb(`demux_rvalid_${k}`, () => {
        const s = sel.v;
        rValid.v = del.v === 0 ? 0 : (s & 16) === 0 ? coreRValid.v : 1;
      }, { reads: [del, sel, coreRValid] });
    }
    this.comb('demux_rdata', () => {
      for (let k = 0; k < n; k++) {
        const del = this.demux_req_del[k]!.v;
        const sel = this.demux_ip_sel[k]!.v;
        if (del === 0) this.r_rdata[k]!.v = 0;
        else if ((sel & 16) === 0) this.r_rdata[k]!.v = this.cores[k]!.r_rdata.v;
        else {
          const j = sel & 15;
          this.r_rdata[k]!.v = j < nb ? this.barriers[j]!.readData(k) : 0;
        }
      }
    }, { reads: this.barriers.flatMap((u) => [u.read_sel, u.trigger_mask, u.trigger_status, u.target_mask]) });

    for (let k = 0; k < n; k++) {
      const reqS = this.req[k]!;
      const addS = this.add[k]!;
      const gntS = this.gnt[k]!;
      const delS = this.demux_req_del[k]!;
      const selS = this.demux_ip_sel[k]!;
      this.seq(`demux_regs_${k}`, () => {
        const req = reqS.v;
        const del = delS.v;
        // No request now or before: nothing moves (most cycles of most cores).
        if (req === 0 && del === 0) return;
        const add = addS.v;
        const gnt = gntS.v;
        delS.next = req;
        if ((req === 1 && del === 0) || (req === 0 && del === 1) || (req === 1 && gnt === 1)) {
          selS.next = addIsCore(add) ? 0 : 16 | ((add >>> 5) & 15);
        }
      }, { reads: [reqS, gntS, delS], drives: [delS, selS], stable: true, guarded: [{ reads: [addS], when: [reqS, delS] }] });
    }

    // The cores' side effects gathered for the shared units (a core has none in nearly every cycle).
    this.comb('gather', () => {
      let lock = 0;
      let unlock = 0;
      let msg = 0;
      let pop = 0;
      let ack = 0;
      let wreq = 0;
      trig.fill(0);
      for (let k = 0; k < n; k++) {
        const sd = this.cores[k]!.side.v;
        if (sd === 0) continue;
        lock |= ((sd >>> Side.MUTEX_LOCK) & 1) << k;
        pop |= ((sd >>> Side.POP_REQ) & 1) << k;
        ack |= ((sd >>> Side.POP_ACK) & 1) << k;
        wreq |= ((sd >>> Side.DISPATCH_W) & 1) << k;
        // Unlocks of several cores in one cycle OR their messages.
        if ((sd >>> Side.MUTEX_UNLOCK) & 1) {
          unlock |= 1 << k;
          msg |= this.wdata[k]!.v;
        }
        // A core arrives at one barrier at most per cycle.
        for (let barr = (sd >>> Side.BARRIER) & 0xffff; barr !== 0; barr &= barr - 1) {
          const j = 31 - Math.clz32(barr & -barr);
          trig[j] = trig[j]! | (1 << k);
        }
      }
      this.mutex.lock_req.v = lock;
      this.mutex.unlock_req.v = unlock;
      this.mutex.mutex_msg_wdata.v = msg;
      this.dispatch.pop_req.v = pop;
      this.dispatch.pop_ack.v = ack;
      this.dispatch.w_req.v = wreq;
      for (let j = 0; j < nb; j++) this.barriers[j]!.barrier_trigger_core.v = trig[j]!;
    }, { guarded: this.wdata.map((d, k) => ({ reads: [d], when: [this.cores[k]!.side] })) });

    // cluster_event_map: every core's 32 event lines.
    this.comb('event_map', () => {
      // SW event j reaches core i when a core triggering j has i in its mask (triggers are rare: scatter them).
      swTo.fill(0);
      for (let k = 0; k < n; k++) {
        const ev = this.cores[k]!.side.v >>> Side.SW;
        if (ev === 0) continue;
        for (let m = this.cores[k]!.core_sw_events_mask.v; m !== 0; m &= m - 1) {
          const i = 31 - Math.clz32(m & -m);
          if (i < n) swTo[i] = swTo[i]! | ev;
        }
      }
      // Core i's barrier line: any barrier sending it its event.
      let bev = 0;
      for (let j = 0; j < nb; j++) bev |= this.barriers[j]!.barrier_events.v;
      const mev = this.mutex.mutex_event.v;
      const dev = this.dispatch.dispatch_event.v;
      for (let i = 0; i < n; i++) {
        const sw = swTo[i]!;
        const barr = (bev >>> i) & 1;
        this.cores[i]!.master_event_lines.v =
          ((sw & 0xff) |
            ((this.dma_events[i]!.v & 3) << EventLine.DMA) |
            ((this.timer_events[i]!.v & 3) << EventLine.TIMER) |
            ((this.acc_events[i]!.v & 15) << EventLine.ACC) |
            (barr << EventLine.BARRIER) |
            (((mev >>> i) & 1) << EventLine.MUTEX) |
            (((dev >>> i) & 1) << EventLine.DISPATCH) |
            ((this.cluster_events[i]!.v & 3) << EventLine.CLUSTER)) >>>
          0;
      }
    }, { reads: this.cores.map((c) => c.core_sw_events_mask) });
  }
}
