// The central controller (icache_mp_128_pf pulp-v1.0 central_controller_128 with merge_refill_cam_128_16): the
// reset/flush invalidation (one row of every way per cycle), bypass forwarding with a 16-deep tracking FIFO, and
// in ENABLED the refill CAM: a miss for a line already being refilled merges into that slot (one AR per line), a
// miss that reaches the CAM as its line completes, or one cycle later, gets a retry instead; otherwise the lowest
// free slot is allocated and its index is the AR id. A completed line is written to DATA and TAG and notifies the
// slot's cores in the same cycle.
import { Module, defineEnum, type Input, type Output, type Reg, type Wire } from '../../sim/index.ts';
import { GenericFifo } from './icache_fifo.ts';
import { CAM_SLOTS, ICACHE_PORTS, type IcacheGeometry } from './icache_geometry.ts';

export const MainState = defineEnum('IcacheMainState', [
  'INVALIDATE',
  'BYPASSED',
  'WAIT_EMPTY_BYPASS_FIFO',
  'ENABLED',
  'GOING_BYPASS',
  'FLUSH_SET_ID',
]);

/** onehot_to_bin: the OR of the indices of the set bits. */
export function onehotToBin(x: number): number {
  let b = 0;
  for (let i = 0; x !== 0; i++, x >>>= 1) if (x & 1) b |= i;
  return b;
}

export class IcacheCentral extends Module {
  // Presented miss (from the interconnect).
  readonly req = this.input(1);
  readonly addr = this.input(32);
  readonly way: Input;
  /** One-hot requester: bits 0..ports-1 the cores, bit `ports` the prefetcher. */
  readonly id_oh: Input;
  readonly gnt = this.output(1);
  // Control unit.
  readonly bypass_req = this.input(1);
  readonly flush_req = this.input(1);
  readonly sel_flush_req = this.input(1);
  readonly sel_flush_addr = this.input(32);
  readonly is_bypassed = this.output(1);
  readonly flush_ack = this.output(1);
  readonly sel_flush_ack = this.output(1);
  /** CAM empty and no bypass fetch in flight. */
  readonly empty_fifo = this.output(1);
  // AXI side.
  readonly ar_room = this.input(1);
  readonly ar_push = this.output(1);
  readonly ar_addr = this.output(32);
  readonly ar_id = this.output(4);
  readonly line_valid = this.input(1);
  readonly line_id = this.input(4);
  // To the private controllers.
  readonly notify: Output;
  readonly retry: Reg;
  /** Bypass response per core (r_valid of a bypass fetch). */
  readonly byp_rvalid: Output[];
  // Array writes.
  readonly tag_we = this.output(1);
  readonly tag_row: Output;
  readonly tag_ways: Output;
  readonly tag_wdata: Output;
  readonly data_we = this.output(1);
  readonly data_row: Output;
  readonly data_ways: Output;

  readonly state = this.reg(MainState, MainState.INVALIDATE);
  readonly counter: Reg;
  // merge_refill_cam_128_16.
  readonly camValid = this.reg(CAM_SLOTS);
  readonly camId: Reg[];
  readonly camAddr: Reg[] = Array.from({ length: CAM_SLOTS }, () => this.reg(32));
  readonly camWay: Reg[];
  readonly lastRefillAddr = this.reg(32);
  readonly lastRefillValid = this.reg(1);
  /** Bypass tracking FIFO (REL_CHUNK_FIFO): one entry per bypass AR not yet answered. */
  readonly relFifo = new GenericFifo(CAM_SLOTS, []);

  // Decisions of the cycle, for the clock edge.
  readonly ns = this.wire(MainState);
  readonly counterNext: Wire;
  readonly camReq = this.wire(1);
  readonly lastHit = this.wire(1);
  readonly match = this.wire(CAM_SLOTS);

  constructor(
    readonly g: IcacheGeometry,
    ports = ICACHE_PORTS,
  ) {
    super();
    this.id_oh = this.input(ports + 1);
    this.notify = this.output(ports + 1);
    this.retry = this.reg(ports + 1);
    this.camId = Array.from({ length: CAM_SLOTS }, () => this.reg(ports + 1));
    const W = g.ways;
    const rowBits = g.setBits + 3;
    const rows = g.rows;
    const S = g.setsPerBank;
    const tagMask = (1 << g.tagBits) - 1;
    this.way = this.input(W);
    this.byp_rvalid = Array.from({ length: ports }, () => this.output(1));
    this.tag_row = this.output(rowBits);
    this.tag_ways = this.output(W);
    this.tag_wdata = this.output(g.tagBits + 1);
    this.data_row = this.output(rowBits);
    this.data_ways = this.output(W);
    this.counter = this.reg(rowBits);
    this.counterNext = this.wire(rowBits);
    this.camWay = Array.from({ length: CAM_SLOTS }, () => this.reg(W));
    const rel = this.relFifo;
    const rowOf = (a: number): number => ((a >>> 4) & 7) * S + ((a >>> 7) & (S - 1));

    this.comb('fsm', () => {
      const st = this.state.v;
      const req = this.req.v;
      const addr = this.addr.v;
      const rv = this.line_valid.v;
      const rid = this.line_id.v;
      const byp = this.bypass_req.v;
      const arRoom = this.ar_room.v;
      // CAM lookup of the presented address (bits 31:4).
      const lk = this.camValid.v;
      const line = addr >>> 4;
      let match = 0;
      for (let s = 0; s < CAM_SLOTS; s++) if ((lk >>> s) & 1 && this.camAddr[s]!.v >>> 4 === line) match |= 1 << s;
      const full = lk === 0xffff;
      const lastHit = this.lastRefillValid.v === 1 && this.lastRefillAddr.v >>> 4 === line;
      let camGnt = 0;
      let camAxiReq = 0;
      let camAxiId = 0;
      if (lastHit || match !== 0) {
        camGnt = 1;
      } else if (!full) {
        camAxiReq = req;
        camGnt = arRoom;
        if (req && arRoom) {
          let s = 0;
          while ((lk >>> s) & 1) s++;
          camAxiId = s;
        }
      }
      const refillAddr = this.camAddr[rid]!.v;
      const refillWay = this.camWay[rid]!.v;

      let gnt = 0;
      let bypassRvalid = 0;
      let arPush = 0;
      let arAddr = 0;
      let arId = 0;
      let flushAck = 0;
      let selFlushAck = 0;
      let tagWe = 0;
      let tagRow = 0;
      let tagWays = 0;
      let tagWdata = 0;
      let dataWe = 0;
      let bypassed = 1;
      let ns = st;
      let cnt = this.counter.v;
      switch (st) {
        case MainState.FLUSH_SET_ID: {
          const a = this.sel_flush_addr.v;
          tagWe = 1;
          tagRow = rowOf(a);
          tagWays = (1 << W) - 1;
          bypassed = 0;
          selFlushAck = 1;
          ns = byp ? MainState.BYPASSED : MainState.ENABLED;
          break;
        }
        case MainState.INVALIDATE:
          tagWe = 1;
          tagRow = cnt;
          tagWays = (1 << W) - 1;
          if (cnt < rows - 1) {
            cnt = cnt + 1;
          } else {
            flushAck = 1;
            ns = byp ? MainState.BYPASSED : MainState.ENABLED;
            cnt = 0;
          }
          break;
        case MainState.BYPASSED:
          flushAck = 1;
          selFlushAck = 1;
          bypassRvalid = rv;
          gnt = arRoom & rel.grant_o.v;
          arPush = req & rel.grant_o.v;
          arAddr = (addr & ~0xf) >>> 0;
          // The requesting core's index: 4 bits also for 16 cores (the prefetcher's ID never requests here). With 16
          // cores the one-hot's idle value (bit 16) gives 16 while nothing is pushed: truncated to the port's 4 bits,
          // as the RTL's assignment does (the AXI side keeps the low 4 bits of it anyway).
          arId = onehotToBin(this.id_oh.v) & 15;
          if (!byp) ns = MainState.WAIT_EMPTY_BYPASS_FIFO;
          break;
        case MainState.WAIT_EMPTY_BYPASS_FIFO:
          bypassRvalid = rv;
          if (!rel.valid_o.v) ns = MainState.INVALIDATE;
          break;
        case MainState.ENABLED:
        case MainState.GOING_BYPASS:
          bypassed = 0;
          if (st === MainState.ENABLED) {
            arPush = camAxiReq;
            arAddr = (addr & ~0xf) >>> 0;
            arId = camAxiId;
            gnt = camGnt;
            if (byp || this.flush_req.v || this.sel_flush_req.v) ns = MainState.GOING_BYPASS;
          } else if (lk === 0) {
            ns = this.flush_req.v ? MainState.INVALIDATE : this.sel_flush_req.v ? MainState.FLUSH_SET_ID : MainState.BYPASSED;
          }
          if (rv) {
            tagWe = 1;
            dataWe = 1;
            tagRow = rowOf(refillAddr);
            tagWays = refillWay;
            tagWdata = (1 << g.tagBits) | ((refillAddr >>> g.tagLsb) & tagMask);
          }
          break;
        default:
          ns = MainState.INVALIDATE;
      }
      this.gnt.v = gnt;
      this.ar_push.v = arPush;
      this.ar_addr.v = arAddr;
      this.ar_id.v = arId;
      this.flush_ack.v = flushAck;
      this.sel_flush_ack.v = selFlushAck;
      this.is_bypassed.v = bypassed;
      this.empty_fifo.v = lk === 0 && !rel.valid_o.v;
      this.notify.v = !bypassed && rv ? this.camId[rid]!.v : 0;
      for (let k = 0; k < ports; k++) this.byp_rvalid[k]!.v = bypassRvalid && rid === k;
      this.tag_we.v = tagWe;
      this.tag_row.v = tagRow;
      this.tag_ways.v = tagWays;
      this.tag_wdata.v = tagWdata;
      this.data_we.v = dataWe;
      this.data_row.v = rowOf(refillAddr);
      this.data_ways.v = refillWay;
      // The tracking FIFO counts every bypass AR pushed (request and AR room, in BYPASSED), popped per line.
      rel.valid_i.v = req & arRoom & (st === MainState.BYPASSED ? 1 : 0);
      rel.grant_i.v = rv;
      this.ns.v = ns;
      this.counterNext.v = cnt;
      this.camReq.v = req & gnt & (bypassed ^ 1);
      this.lastHit.v = lastHit;
      this.match.v = match;
      // CAM slots are read at dynamic indices (valid slots, the refill's ID): every slot declared.
    }, { reads: [...this.camId, ...this.camAddr, ...this.camWay] });

    this.seq('update', () => {
      this.state.next = this.ns.v;
      this.counter.next = this.counterNext.v;
      // merge_refill_cam_128_16's clocked process: the completing slot is cleared first; later assignments win.
      const rv = this.line_valid.v;
      const rid = this.line_id.v;
      const camReq = this.camReq.v;
      const match = this.match.v;
      const pushIdx = onehotToBin(match);
      const bin = onehotToBin(this.id_oh.v);
      let lk = this.camValid.v;
      const full = lk === 0xffff;
      let clearedId = -1;
      if (rv) {
        lk &= ~(1 << rid);
        this.camId[rid]!.next = 0;
        this.camAddr[rid]!.next = 0;
        this.camWay[rid]!.next = 0;
        this.lastRefillAddr.next = this.camAddr[rid]!.v;
        clearedId = rid;
      }
      this.lastRefillValid.next = rv;
      if ((camReq && this.lastHit.v) || (rid === pushIdx && match !== 0 && rv)) {
        // Checked on the presented request even when it is not granted (the second term has no request term).
        this.retry.next = this.id_oh.v;
      } else {
        this.retry.next = 0;
        if (match !== 0) {
          if (camReq) {
            lk |= 1 << pushIdx;
            this.camId[pushIdx]!.next = this.camId[pushIdx]!.v | (1 << bin);
          }
        } else if (!full && camReq && this.ar_room.v) {
          let s = 0;
          while ((this.camValid.v >>> s) & 1) s++;
          lk |= 1 << s;
          this.camId[s]!.next = (clearedId === s ? 0 : this.camId[s]!.v) | (1 << bin);
          this.camAddr[s]!.next = this.addr.v;
          this.camWay[s]!.next = this.way.v;
        }
      }
      this.camValid.next = lk;
      // Every read declared: the CAM slots are read at computed indices, and the allocation of a free slot only
      // when no slot matches (a 16-bit match vector of 0), which learning's random valuations seldom give.
    }, {
      reads: [this.ns, this.counterNext, this.line_valid, this.line_id, this.camReq, this.match, this.id_oh, this.camValid, this.lastHit, this.ar_room, this.addr, this.way, ...this.camId, ...this.camAddr],
      stable: true,
    });
  }
}
