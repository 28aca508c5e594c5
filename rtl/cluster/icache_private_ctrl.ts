// A core's private cache controller (icache_mp_128_pf pulp-v1.0 icache_bank_mp_128, instance k for core k): tag
// check one cycle after the grant against the arrays' registered read address, a 2-deep miss buffer towards the
// central controller, way choice (highest invalid way, else the per-core 8-bit LFSR) and the bypass handshake.
// Reproduces the RTL's hazards: WAIT_EMPTY_FIFOS ignores the miss buffer (a bypass fetch still queued there is later
// served as a refill whose notification nobody waits for), and WAIT_NOTIFICATION ignores bypass responses.
import { Module, defineEnum, type Input, type Output, type Reg, type Wire } from '../../sim/index.ts';
import { GenericFifo } from './icache_fifo.ts';
import { LINE_WORDS, type IcacheGeometry } from './icache_geometry.ts';

export const BankState = defineEnum('IcacheBankState', [
  'DISABLED_ICACHE',
  'WAIT_NOTIFICATION',
  'OPERATIVE',
  'REQ_REFILL',
  'WAIT_EMPTY_FIFOS',
  'ENTER_BYPASS',
]);

/** generic_LFSR_8bit step: shift left, feed back ~(q7 ^ q3 ^ q2 ^ q1). */
export function lfsrStep(q: number): number {
  const fb = ~((q >>> 7) ^ (q >>> 3) ^ (q >>> 2) ^ (q >>> 1)) & 1;
  return ((q << 1) | fb) & 0xff;
}

export class IcachePrivateCtrl extends Module {
  // Core fetch port.
  readonly fetch_req = this.input(1);
  readonly fetch_addr = this.input(32);
  readonly fetch_gnt = this.output(1);
  readonly fetch_rvalid = this.output(1);
  readonly fetch_rdata: Output[];
  // Cache-wide status.
  readonly bypass_req = this.input(1);
  readonly empty_fifo = this.input(1);
  /** &bypass_status: every private controller, the prefetcher's and the central controller are bypassed. */
  readonly all_bypassed = this.input(1);
  readonly notify = this.input(1);
  readonly retry = this.input(1);
  readonly is_bypassed = this.output(1);
  // From the central controller: the bypass response for this core and the line register (default r_rdata).
  readonly byp_rvalid = this.input(1);
  readonly line: Input[];
  // Array read port k.
  readonly rd_req = this.output(1);
  readonly rd_bank = this.output(3);
  readonly rd_set: Output;
  readonly tag: Input[];
  /** data[way * 4 + word]. */
  readonly data: Input[];
  // Miss buffer head, to the interconnect.
  readonly miss_valid = this.output(1);
  readonly miss_addr = this.output(32);
  readonly miss_way: Output;
  readonly miss_pop = this.input(1);
  // Statistics (FEATURE_ICACHE_STAT).
  readonly stat_clear = this.input(1);
  readonly stat_enable = this.input(1);
  readonly hit_count = this.reg(32);
  readonly trans_count = this.reg(32);
  readonly miss_count = this.reg(32);
  /** The controller's or its miss buffer's registers may change at this edge: their clock enable. A bank at rest
   *  (OPERATIVE without a fetch in flight, or waiting for a refill) holds every register, so gating its clock
   *  changes no value. */
  readonly clk_en = this.output(1);

  readonly state = this.reg(BankState, BankState.DISABLED_ICACHE);
  /** Previous state (only the hit counter looks at it). */
  readonly prevState = this.reg(BankState, BankState.DISABLED_ICACHE);
  readonly reqQ = this.reg(1);
  readonly addrQ = this.reg(32);
  readonly wvalidQ: Reg;
  readonly lfsr = this.reg(8);
  readonly missFifo: GenericFifo;

  // Decisions of the cycle, for the clock edge.
  readonly ns = this.wire(BankState);
  readonly enablePipe = this.wire(1);
  readonly clearPipe = this.wire(1);
  readonly savePipe = this.wire(1);
  readonly updateLfsr = this.wire(1);
  readonly wayValid: Wire;
  readonly hit = this.wire(1);

  constructor(readonly g: IcacheGeometry) {
    super();
    const W = g.ways;
    const tagMask = (1 << g.tagBits) - 1;
    const validBit = 1 << g.tagBits;
    const setMask = g.setsPerBank - 1;
    this.fetch_rdata = Array.from({ length: LINE_WORDS }, () => this.output(32));
    this.line = Array.from({ length: LINE_WORDS }, () => this.input(32));
    this.rd_set = this.output(g.setBits);
    this.tag = Array.from({ length: W }, () => this.input(g.tagBits + 1));
    this.data = Array.from({ length: W * LINE_WORDS }, () => this.input(32));
    this.miss_way = this.output(W);
    this.wvalidQ = this.reg(W);
    this.wayValid = this.wire(W);
    this.missFifo = new GenericFifo(2, [32, W]);
    this.connect(this.miss_valid, this.missFifo.valid_o);
    this.connect(this.miss_addr, this.missFifo.data_o[0]!);
    this.connect(this.miss_way, this.missFifo.data_o[1]!);
    this.connect(this.miss_pop, this.missFifo.grant_i);

    this.comb('status', () => {
      const st = this.state.v;
      this.is_bypassed.v = st === BankState.DISABLED_ICACHE || st === BankState.WAIT_EMPTY_FIFOS || st === BankState.ENTER_BYPASS;
    });

    // The response never depends on this cycle's request (a core may request again in the cycle of its rvalid):
    // a process of its own, so the core's next request can follow it.
    this.comb('response', () => {
      const st = this.state.v;
      const byp = this.bypass_req.v;
      const tagQ = (this.addrQ.v >>> g.tagLsb) & tagMask;
      let hitWay = -1;
      for (let w = 0; w < W; w++) {
        const t = this.tag[w]!.v;
        if (t & validBit && (t & tagMask) === tagQ) hitWay = w;
      }
      let rvalid = 0;
      if (st === BankState.DISABLED_ICACHE || st === BankState.WAIT_EMPTY_FIFOS) rvalid = this.byp_rvalid.v;
      else if (st === BankState.OPERATIVE && this.reqQ.v && hitWay >= 0) rvalid = 1;
      void byp;
      this.fetch_rvalid.v = rvalid;
      for (let i = 0; i < LINE_WORDS; i++) {
        this.fetch_rdata[i]!.v = rvalid && hitWay >= 0 && st === BankState.OPERATIVE ? this.data[hitWay * LINE_WORDS + i]!.v : this.line[i]!.v;
      }
      // Only the hit way's words are read, and learning's random tags rarely hit: every way declared.
    }, { reads: [...this.tag, ...this.data] });

    this.comb('fsm', () => {
      const st = this.state.v;
      const req = this.fetch_req.v;
      const addr = this.fetch_addr.v;
      const byp = this.bypass_req.v;
      const reqQ = this.reqQ.v;
      const tagQ = (this.addrQ.v >>> g.tagLsb) & tagMask;
      // Tag check of the fetch in addrQ: hit way = highest matching way.
      let valid = 0;
      let hitWay = -1;
      for (let w = 0; w < W; w++) {
        const t = this.tag[w]!.v;
        if (t & validBit) {
          valid |= 1 << w;
          if ((t & tagMask) === tagQ) hitWay = w;
        }
      }
      this.wayValid.v = valid;
      this.hit.v = hitWay >= 0;
      let gnt = 0;
      let rvalid = 0;
      let useHitData = false;
      let push = 0;
      let pushAddr = addr;
      let pushWay = 0;
      let rdReq = 0;
      let rdAddr = addr;
      let ns = st;
      let enable = 0;
      let clear = 0;
      let save = 0;
      let upd = 0;
      switch (st) {
        case BankState.DISABLED_ICACHE:
          clear = 1;
          rvalid = this.byp_rvalid.v;
          if (byp) {
            push = req;
            gnt = this.missFifo.grant_o.v & req;
          } else {
            ns = BankState.WAIT_EMPTY_FIFOS;
          }
          break;
        case BankState.WAIT_EMPTY_FIFOS:
          clear = 1;
          rvalid = this.byp_rvalid.v;
          // empty_fifo looks at the CAM and the bypass tracking FIFO only, not at this core's miss buffer.
          if (this.empty_fifo.v) ns = BankState.OPERATIVE;
          break;
        case BankState.OPERATIVE:
          gnt = byp ? 0 : req;
          if (byp) {
            if (reqQ) {
              if (hitWay >= 0) {
                ns = BankState.ENTER_BYPASS;
                if (!req) clear = 1;
                rvalid = 1;
                useHitData = true;
              } else {
                ns = BankState.REQ_REFILL;
                save = 1;
              }
            } else {
              ns = BankState.DISABLED_ICACHE;
              clear = 1;
            }
          } else {
            // addrQ is loaded exactly when the arrays are read at the same address (WAIT_NOTIFICATION re-reads at
            // addrQ): the arrays' read ports rely on it (icache_arrays.ts).
            enable = req;
            rdReq = req;
            if (reqQ) {
              if (hitWay >= 0) {
                if (!req) clear = 1;
                rvalid = 1;
                useHitData = true;
              } else {
                ns = BankState.REQ_REFILL;
                save = 1;
              }
            }
          }
          break;
        case BankState.ENTER_BYPASS:
          if (this.all_bypassed.v) ns = BankState.DISABLED_ICACHE;
          break;
        case BankState.REQ_REFILL: {
          push = 1;
          pushAddr = this.addrQ.v;
          const wv = this.wvalidQ.v;
          if (wv === (1 << W) - 1) {
            pushWay = 1 << ((this.lfsr.v >>> 1) & (W - 1));
            upd = 1;
          } else {
            let first = 0;
            for (let w = 0; w < W; w++) if (!((wv >>> w) & 1)) first = w;
            pushWay = 1 << first;
          }
          if (this.missFifo.grant_o.v) ns = BankState.WAIT_NOTIFICATION;
          break;
        }
        case BankState.WAIT_NOTIFICATION:
          if (this.notify.v || this.retry.v) {
            ns = BankState.OPERATIVE;
            rdReq = 1;
            rdAddr = this.addrQ.v;
          }
          break;
        default:
          ns = BankState.DISABLED_ICACHE;
      }
      this.fetch_gnt.v = gnt;
      void rvalid;
      void useHitData;
      this.missFifo.valid_i.v = push;
      this.missFifo.data_i[0]!.v = pushAddr;
      this.missFifo.data_i[1]!.v = pushWay;
      this.rd_req.v = rdReq;
      this.rd_bank.v = (rdAddr >>> 4) & 7;
      this.rd_set.v = (rdAddr >>> 7) & setMask;
      this.ns.v = ns;
      this.enablePipe.v = enable;
      this.clearPipe.v = clear;
      this.savePipe.v = save;
      this.updateLfsr.v = upd;
      // Each state reads its own inputs; the replacement LFSR only when every way is valid: all declared.
    }, { reads: [this.lfsr, this.wvalidQ, this.addrQ, this.notify, this.retry, this.all_bypassed, this.empty_fifo, this.byp_rvalid, this.missFifo.grant_o] });

    this.comb('clk_en_p', () => {
      const st = this.state.v;
      const ns = this.ns.v;
      const prev = this.prevState.v;
      const pipe = this.enablePipe.v | this.clearPipe.v | this.savePipe.v | this.updateLfsr.v | this.stat_clear.v;
      const fifo = this.missFifo.valid_i.v | this.miss_pop.v;
      this.clk_en.v = ns !== st || prev !== st || (pipe | fifo) !== 0;
    });

    this.seq('update', () => {
      const st = this.state.v;
      this.state.next = this.ns.v;
      this.prevState.next = st;
      if (this.enablePipe.v) {
        this.reqQ.next = 1;
        this.addrQ.next = this.fetch_addr.v;
      } else if (this.clearPipe.v) {
        this.reqQ.next = 0;
      }
      if (this.savePipe.v) this.wvalidQ.next = this.wayValid.v;
      if (this.updateLfsr.v) this.lfsr.next = lfsrStep(this.lfsr.v);
      if (this.stat_clear.v) {
        this.hit_count.next = 0;
        this.trans_count.next = 0;
        this.miss_count.next = 0;
      } else if (this.stat_enable.v) {
        if (this.fetch_req.v && this.fetch_gnt.v) this.trans_count.next = (this.trans_count.v + 1) >>> 0;
        if (st === BankState.OPERATIVE && this.reqQ.v && this.hit.v && this.prevState.v !== BankState.WAIT_NOTIFICATION) {
          this.hit_count.next = (this.hit_count.v + 1) >>> 0;
        }
        if (st === BankState.REQ_REFILL && this.missFifo.grant_o.v) this.miss_count.next = (this.miss_count.v + 1) >>> 0;
      }
      // Every read declared: the statistics counters are read only while counting, which learning seldom reaches.
    }, {
      reads: [
        this.state, this.ns, this.enablePipe, this.fetch_addr, this.clearPipe, this.savePipe, this.wayValid, this.updateLfsr, this.lfsr,
        this.stat_clear, this.stat_enable, this.fetch_req, this.fetch_gnt, this.reqQ, this.hit, this.prevState, this.missFifo.grant_o,
        this.hit_count, this.trans_count, this.miss_count,
      ],
      stable: true,
    });
  }
}
