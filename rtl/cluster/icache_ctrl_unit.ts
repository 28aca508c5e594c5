// The I$ control unit (cluster_peripherals pulp-v1.0 mp_pf_icache_ctrl_unit, FEATURE_ICACHE_STAT defined) on the
// cluster peripheral port at 0x1020_1400: ENABLE (0x00), FLUSH (0x04), SEL_FLUSH (0x0C), CLEAR_CNTS (0x10),
// ENABLE_CNTS (0x14), PF_SIZE (0x20), PF_ADDR (0x24); only add[7:2] is decoded. A write is granted in IDLE and
// answered (r_valid, one cycle after the respond condition) only once the cache acknowledged it, which is how a
// core's store to ENABLE/FLUSH stalls until the switch is done.
import { Module, defineEnum, type Input } from '../../sim/index.ts';
import { ICACHE_PORTS } from './icache_geometry.ts';

/** The RTL's state encoding with FEATURE_ICACHE_STAT (TRIGGER_PF is 7). */
export const CtrlState = defineEnum('IcacheCtrlState', [
  'IDLE',
  'ENABLE_ICACHE',
  'DISABLE_ICACHE',
  'FLUSH_ICACHE_CHECK',
  'SEL_FLUSH_ICACHE',
  'CLEAR_STAT_REGS',
  'ENABLE_STAT_REGS',
  'TRIGGER_PF',
]);

/** Register offsets (add[7:2]). */
export const IcacheReg = {
  ENABLE: 0x00,
  FLUSH: 0x01,
  SEL_FLUSH: 0x03,
  CLEAR_CNTS: 0x04,
  ENABLE_CNTS: 0x05,
  PF_SIZE: 0x08,
  PF_ADDR: 0x09,
} as const;

/** Physical address of the control unit in the cluster (peripheral slot 5). */
export const ICACHE_CTRL_BASE = 0x1020_1400;

export class IcacheCtrlUnit extends Module {
  // Peripheral port (XBAR_PERIPH_BUS slave; wen 1 = read).
  readonly req = this.input(1);
  readonly add = this.input(32);
  readonly wen = this.input(1);
  readonly wdata = this.input(32);
  readonly gnt = this.output(1);
  readonly r_valid = this.reg(1);
  readonly r_rdata = this.reg(32);
  // To/from the cache.
  readonly bypass_req = this.output(1);
  readonly flush_req = this.output(1);
  readonly sel_flush_req = this.output(1);
  readonly sel_flush_addr = this.output(32);
  /** Bits 0..ports-1: the private controllers; bit `ports`: the prefetcher's controller. */
  readonly bypass_ack: Input;
  readonly flush_ack = this.input(1);
  readonly sel_flush_ack = this.input(1);
  /** Software prefetcher command FIFO has room (prefetcher_if pf_ack_o). */
  readonly pf_ack = this.input(1);
  /** Statistics counters read at 0x40..0x48 (global hit, transaction, miss counts). */
  readonly hit_count = this.input(32);
  readonly trans_count = this.input(32);
  readonly miss_count = this.input(32);
  readonly clear_regs = this.output(8);
  readonly enable_regs = this.output(8);

  readonly state = this.reg(CtrlState, CtrlState.IDLE);
  readonly ENABLE = this.reg(32);
  readonly FLUSH = this.reg(32);
  readonly SEL_FLUSH = this.reg(32);
  readonly CLEAR_CNTS = this.reg(32);
  readonly ENABLE_CNTS = this.reg(32);
  readonly PF_SIZE = this.reg(32);
  readonly PF_ADDR = this.reg(32);
  /** The cycle's respond condition (deliver_response). */
  readonly deliver = this.wire(1);

  constructor(ports = ICACHE_PORTS) {
    super();
    this.bypass_ack = this.input(ports + 1);
    const allAck = 2 ** (ports + 1) - 1;
    this.comb('regs_out', () => {
      this.bypass_req.v = ~this.ENABLE.v & 1;
      this.flush_req.v = this.FLUSH.v & 1;
      // mp_pf_icache_ctrl_unit never assigns icache_sel_flush_req_o but its default 0: selective flush never starts.
      this.sel_flush_req.v = 0;
      this.sel_flush_addr.v = this.SEL_FLUSH.v;
      this.enable_regs.v = this.ENABLE_CNTS.v & 0xff;
      this.clear_regs.v = this.state.v === CtrlState.CLEAR_STAT_REGS ? this.CLEAR_CNTS.v & 0xff : 0;
    });

    this.comb('fsm', () => {
      const st = this.state.v;
      let gnt = 0;
      let deliver = 0;
      switch (st) {
        case CtrlState.IDLE:
          gnt = 1;
          if (this.req.v) deliver = this.wen.v ? 1 : ((this.add.v >>> 2) & 0x3f) === IcacheReg.PF_SIZE ? 1 : 0;
          break;
        case CtrlState.CLEAR_STAT_REGS:
        case CtrlState.ENABLE_STAT_REGS:
          deliver = 1;
          break;
        case CtrlState.ENABLE_ICACHE:
          deliver = this.bypass_ack.v === 0 ? 1 : 0;
          break;
        case CtrlState.DISABLE_ICACHE:
          deliver = this.bypass_ack.v === allAck ? 1 : 0;
          break;
        case CtrlState.FLUSH_ICACHE_CHECK:
          deliver = this.flush_ack.v;
          break;
        case CtrlState.SEL_FLUSH_ICACHE:
          gnt = this.sel_flush_ack.v;
          deliver = this.sel_flush_ack.v;
          break;
        default:
          deliver = this.pf_ack.v;
      }
      this.gnt.v = gnt;
      this.deliver.v = deliver;
    });

    this.seq('update', () => {
      const st = this.state.v;
      const off = (this.add.v >>> 2) & 0x3f;
      const isWrite = st === CtrlState.IDLE && this.req.v === 1 && this.wen.v === 0;
      let ns = st;
      switch (st) {
        case CtrlState.IDLE:
          if (this.req.v && !this.wen.v) {
            ns =
              off === IcacheReg.ENABLE ? (this.wdata.v === 0 ? CtrlState.DISABLE_ICACHE : CtrlState.ENABLE_ICACHE)
              : off === IcacheReg.FLUSH ? CtrlState.FLUSH_ICACHE_CHECK
              : off === IcacheReg.SEL_FLUSH ? CtrlState.SEL_FLUSH_ICACHE
              : off === IcacheReg.PF_ADDR ? CtrlState.TRIGGER_PF
              : off === IcacheReg.CLEAR_CNTS ? CtrlState.CLEAR_STAT_REGS
              : off === IcacheReg.ENABLE_CNTS ? CtrlState.ENABLE_STAT_REGS
              : CtrlState.IDLE;
          }
          break;
        case CtrlState.CLEAR_STAT_REGS:
        case CtrlState.ENABLE_STAT_REGS:
          ns = CtrlState.IDLE;
          break;
        default:
          if (this.deliver.v) ns = CtrlState.IDLE;
      }
      this.state.next = ns;
      if (isWrite) {
        const d = this.wdata.v;
        if (off === IcacheReg.ENABLE) this.ENABLE.next = d & 1;
        else if (off === IcacheReg.FLUSH) this.FLUSH.next = d & 1;
        else if (off === IcacheReg.SEL_FLUSH) this.SEL_FLUSH.next = d;
        else if (off === IcacheReg.PF_SIZE) this.PF_SIZE.next = d & 0xff;
        else if (off === IcacheReg.PF_ADDR) this.PF_ADDR.next = d;
        else if (off === IcacheReg.CLEAR_CNTS) this.CLEAR_CNTS.next = d;
        else if (off === IcacheReg.ENABLE_CNTS) this.ENABLE_CNTS.next = d;
      } else if (st === CtrlState.FLUSH_ICACHE_CHECK && this.flush_ack.v) {
        this.FLUSH.next = 0;
      }
      if (this.deliver.v) {
        this.r_valid.next = 1;
        // The response shows the register the port addresses now (not necessarily the written one);
        // SEL_FLUSH is not readable (0xDEADCACE).
        this.r_rdata.next =
          off === IcacheReg.ENABLE ? this.ENABLE.v
          : off === IcacheReg.FLUSH ? this.FLUSH.v
          : off === IcacheReg.PF_SIZE ? this.PF_SIZE.v
          : off === IcacheReg.PF_ADDR ? this.PF_ADDR.v
          : off === IcacheReg.CLEAR_CNTS ? this.CLEAR_CNTS.v
          : off === IcacheReg.ENABLE_CNTS ? this.ENABLE_CNTS.v
          : off === 16 ? this.hit_count.v
          : off === 17 ? this.trans_count.v
          : off === 18 ? this.miss_count.v
          : off === 19 ? 0xffffffff
          : 0xdeadcace;
      } else {
        this.r_valid.next = 0;
      }
      // Idle unless the port is used: stable, with every read and register declared (the registers are read and
      // written at the addressed offset, which learning reaches for a few only).
    }, {
      reads: [
        this.state, this.add, this.req, this.wen, this.wdata, this.deliver, this.flush_ack, this.ENABLE, this.FLUSH, this.PF_SIZE, this.PF_ADDR,
        this.CLEAR_CNTS, this.ENABLE_CNTS, this.hit_count, this.trans_count, this.miss_count,
      ],
      drives: [this.state, this.ENABLE, this.FLUSH, this.SEL_FLUSH, this.PF_SIZE, this.PF_ADDR, this.CLEAR_CNTS, this.ENABLE_CNTS, this.r_valid, this.r_rdata],
      stable: true,
    });
  }
}
