// The per-core unit of the cluster event unit (event_unit_flex pulp-v1.0 `event_unit_core`): the core's event mask,
// IRQ mask and event buffer, its SW-event mask, the register file behind the core's demux port, and the sleep
// FSM that gates the core's clock for `p.elw` reads of the "sleep" registers. Only the demux port is modelled:
// the peripheral-interconnect port is tied idle in pulp_cluster's traffic for these registers (fixture README).
//
// Timing (fixture README "Timing rules", "Core FSM", "IRQ"):
//  - plain accesses: `gnt` in the request cycle, `r_valid` the next with the register as it is then (the
//    address is registered, the read mux reads live registers);
//  - a sleep read with nothing pending is held (`gnt` 0); while `core_busy` is 1 its side effect (SW-event
//    trigger, barrier arrival, mutex lock, dispatch pop) is inhibited, in the first idle cycle it fires and the FSM
//    sleeps; an event in the buffer wakes it through WAKEUP_SLEEP (and WAKEUP_SLEEP_DEL for `_CLEAR` reads,
//    which clear the masked buffer bits one cycle after the grant).
import { Module, defineEnum, type Output, type Reg, type Wire } from '../../sim/index.ts';

export const CoreClockState = defineEnum('CoreClockState', [
  'ACTIVE',
  'SLEEP',
  'WAKEUP_SLEEP',
  'WAKEUP_SLEEP_DEL',
  'WAKEUP_IRQ',
  'IRQ_WHILE_SLEEP',
]);
const S = CoreClockState;

/** Bits hi..lo of a 32-bit word. */
const bits = (x: number, hi: number, lo: number): number => (x >>> lo) & ((1 << (hi - lo + 1)) - 1);

/** The address decodes of event_unit_core on the demux address (offset bits 9..0). */
export function isSleepAddress(add: number): boolean {
  return (
    ((bits(add, 9, 8) << 3) | bits(add, 5, 3)) === 0b00_111 || // core regs EVT_WAIT, EVT_WAIT_CLEAR
    bits(add, 9, 6) === 0b0101 || // SW events _WAIT
    bits(add, 9, 6) === 0b0110 || // SW events _WAIT_CLEAR
    ((bits(add, 9, 9) << 3) | bits(add, 4, 2)) === 0b1_110 || // barrier TRIGGER_WAIT
    ((bits(add, 9, 9) << 3) | bits(add, 4, 2)) === 0b1_111 || // barrier TRIGGER_WAIT_CLEAR
    bits(add, 9, 6) === 0b0011 || // mutexes
    ((bits(add, 9, 6) << 2) | bits(add, 3, 2)) === 0b0010_00 // dispatch FIFO read
  );
}
export function isClearAddress(add: number): boolean {
  return (
    bits(add, 9, 2) === 0b00_0011_11 ||
    bits(add, 9, 6) === 0b0110 ||
    ((bits(add, 9, 9) << 3) | bits(add, 4, 2)) === 0b1_111 ||
    bits(add, 9, 6) === 0b0011 ||
    ((bits(add, 9, 6) << 2) | bits(add, 3, 2)) === 0b0010_00
  );
}

/** fl1_loop: index of the highest set bit among 31..1 (bit 0 never selected), 0 if none. */
export function highestIrq(v: number): number {
  const m = v & ~1;
  return m === 0 ? 0 : 31 - Math.clz32(m);
}

/** Bit positions in `EventUnitCore.side`. */
export const Side = {
  MUTEX_LOCK: 0,
  MUTEX_UNLOCK: 1,
  POP_REQ: 2,
  POP_ACK: 3,
  DISPATCH_W: 4,
  /** Up to 16 barriers, one-hot. */
  BARRIER: 8,
  /** Up to 8 SW events. */
  SW: 24,
} as const;

export class EventUnitCore extends Module {
  // Demux port (the interface mux forwards only the addresses of this unit).
  req = this.input(1);
  add = this.input(32);
  /** 1 = read, 0 = write. */
  wen = this.input(1);
  wdata = this.input(32);
  gnt = this.output(1);
  r_valid = this.output(1);
  r_rdata = this.output(32);

  core_busy = this.input(1);
  core_clock_en = this.output(1);
  irq_req = this.output(1);
  irq_id = this.output(5);
  irq_ack = this.input(1);
  irq_ack_id = this.input(5);

  /** This core's 32 event lines (cluster_event_map). */
  master_event_lines = this.input(32);

  /** Side effects towards the shared units, one word (bits: `Side`): mutex lock/unlock, dispatch pop request and
   *  acknowledge, dispatch write, the barrier arrived at (one-hot), the SW events triggered. Nearly always 0, so the
   *  event unit gathers 8 cores' side effects with 8 reads. The written data of an unlock or a dispatch write is the
   *  port's `wdata`, the dispatch register its address bits 3:2. */
  side = this.output(32);
  /** The cores the triggered SW events go to. */
  core_sw_events_mask: Output;
  mutex_msg_rdata = this.input(32);
  dispatch_value = this.input(32);

  core_clock_cs = this.reg(S, S.ACTIVE);
  event_mask = this.reg(32, 0);
  irq_mask = this.reg(32, 0);
  event_buffer = this.reg(32, 0);
  irq_req_del = this.reg(1, 0);
  sw_events_mask: Reg;
  wait_clear_access = this.reg(1, 0);
  p_demux_vld = this.reg(1, 0);
  p_demux_req_del = this.reg(1, 0);
  p_demux_wen_del = this.reg(1, 0);
  p_demux_add_del = this.reg(8, 0);

  /** Next state of the sleep FSM and of the `_CLEAR` flag, for the clock edge. */
  core_clock_ns: Wire;
  wait_clear_access_sn = this.wire(1);

  constructor(nbCores: number, nbSwEvt: number, nbBarr: number) {
    super();
    const coreMask = nbCores === 32 ? 0xffffffff : (1 << nbCores) - 1;
    this.core_sw_events_mask = this.output(nbCores);
    this.sw_events_mask = this.reg(nbCores, 0);
    this.core_clock_ns = this.wire(S);

    // r_valid is the registered request alone (one net with the register), so a core may request again in its cycle.
    this.connect(this.r_valid, this.p_demux_vld);
    this.comb('request', () => {
      const req = this.req.v;
      const cs = this.core_clock_cs.v;
      // The port's address, direction and data matter with a request only, but for the address in the wake-up states.
      const add = req === 1 || cs !== S.ACTIVE ? this.add.v : 0;
      const wen = req === 1 ? this.wen.v : 0;
      const busy = this.core_busy.v;
      const evMask = this.event_mask.v;
      const irqMask = this.irq_mask.v;
      const buf = this.event_buffer.v;
      const irqDel = this.irq_req_del.v;
      const swMask = this.sw_events_mask.v;
      const addDel = this.p_demux_add_del.v;
      const reqDel = this.p_demux_req_del.v;
      const wenDel = this.p_demux_wen_del.v;
      const mutexMsg = this.mutex_msg_rdata.v;
      const dispValue = this.dispatch_value.v;

      const bufMasked = (buf & evMask) >>> 0;
      const irqMasked = (buf & irqMask) >>> 0;
      const irqPending = irqMasked !== 0;
      const sleepAdd = isSleepAddress(add);
      const clearAdd = isClearAddress(add);
      const stop = req === 1 && wen === 1 && sleepAdd;

      // Sleep FSM (core_clock_CS).
      let ns = cs;
      let clockEn = 1;
      let replay = false;
      let fsmGnt = 1;
      let waitClear = 0;
      let waitIdle = false;
      let popAck = 0;
      switch (cs) {
        case S.ACTIVE:
          if (stop) {
            if (irqDel) ns = S.IRQ_WHILE_SLEEP;
            else if (bufMasked !== 0) {
              popAck = 1;
              if (clearAdd) waitClear = 1;
            } else {
              fsmGnt = 0;
              if (busy === 0) ns = S.SLEEP;
              else waitIdle = true;
            }
          }
          break;
        case S.SLEEP:
          clockEn = 0;
          fsmGnt = 0;
          if (irqPending) {
            clockEn = 1;
            ns = S.WAKEUP_IRQ;
          } else if (bufMasked !== 0) ns = S.WAKEUP_SLEEP;
          break;
        case S.WAKEUP_IRQ:
          ns = S.IRQ_WHILE_SLEEP;
          break;
        case S.WAKEUP_SLEEP:
          popAck = 1;
          if (clearAdd) {
            waitClear = 1;
            ns = S.WAKEUP_SLEEP_DEL;
          } else ns = S.ACTIVE;
          break;
        case S.WAKEUP_SLEEP_DEL:
          if (stop) fsmGnt = 0;
          ns = S.ACTIVE;
          break;
        case S.IRQ_WHILE_SLEEP:
          if (stop) {
            replay = true;
            if (!irqPending) {
              if (bufMasked !== 0) {
                ns = S.WAKEUP_SLEEP;
                if (clearAdd) waitClear = 1;
              } else {
                fsmGnt = 0;
                if (busy === 0) ns = S.SLEEP;
              }
            }
          }
          break;
      }
      this.core_clock_ns.v = ns;
      this.wait_clear_access_sn.v = waitClear;
      this.core_clock_en.v = clockEn;
      const gnt = req & fsmGnt;
      this.gnt.v = gnt;

      // IRQ request, masked in the cycle of a new sleep request unless it was already up (irq_mask_fsm).
      const maskFsm = stop && (cs === S.ACTIVE || cs === S.WAKEUP_SLEEP || cs === S.WAKEUP_SLEEP_DEL) && irqDel === 0;
      this.irq_req.v = irqPending && !maskFsm;
      this.irq_id.v = highestIrq(irqMasked);

      // Writes: mutex unlock, dispatch push / team config, SW event trigger.
      const write = req === 1 && wen === 0;
      const wdata = write ? this.wdata.v : 0;
      const group = bits(add, 9, 6);
      let side = popAck << Side.POP_ACK;
      let swReg = 0;
      let swMaskReg = 0;
      if (write) {
        if (group === 0b0011 && bits(add, 5, 2) === 0) side |= 1 << Side.MUTEX_UNLOCK;
        if (group === 0b0010) side |= 1 << Side.DISPATCH_W;
        if ((group & 0b1100) === 0b0100 && bits(add, 7, 6) === 0) {
          const id = bits(add, 4, 2);
          if (id < nbSwEvt) swReg = 1 << id;
          swMaskReg = (wdata & coreMask) === 0 ? coreMask : wdata & coreMask;
        }
      }

      // Side effects of sleep reads, unless replayed after an IRQ or inhibited.
      const inhibit = cs === S.SLEEP || cs === S.WAKEUP_SLEEP || cs === S.WAKEUP_IRQ || waitIdle;
      let swWait = 0;
      let swMaskWait = 0;
      if (req === 1 && wen === 1 && !replay && !inhibit) {
        if (group === 0b0101 || group === 0b0110) {
          const id = bits(add, 4, 2);
          if (id < nbSwEvt) swWait = 1 << id;
          swMaskWait = swMask === 0 ? coreMask : swMask;
        }
        const bsel = (bits(add, 9, 9) << 3) | bits(add, 4, 2);
        if (bsel === 0b1_110 || bsel === 0b1_111) {
          const b = bits(add, 8, 5);
          if (b < nbBarr) side |= 1 << (Side.BARRIER + b);
        }
        if (group === 0b0011 && bits(add, 5, 2) === 0) side |= 1 << Side.MUTEX_LOCK;
        if (bits(add, 9, 2) === 0b0_01000_00) side |= 1 << Side.POP_REQ;
      }
      this.side.v = (side | ((swReg | swWait) << Side.SW)) >>> 0;
      this.core_sw_events_mask.v = swMaskReg | swMaskWait;

      // Read data of the access granted in the previous cycle, from the registers as they are now.
      let rdata = 0;
      if (reqDel === 1 && wenDel === 1) {
        switch (addDel >>> 4) {
          case 0b0000:
            switch (addDel & 15) {
              case 0x0:
                rdata = evMask;
                break;
              case 0x3:
                rdata = irqMask;
                break;
              case 0x6:
                rdata = clockEn;
                break;
              case 0x7:
                rdata = buf;
                break;
              case 0x8:
              case 0xe:
              case 0xf:
                rdata = bufMasked;
                break;
              case 0x9:
                rdata = irqMasked;
                break;
              case 0xb:
                rdata = swMask;
                break;
            }
            break;
          case 0b0010:
            if ((addDel & 3) === 0) rdata = dispValue;
            break;
          case 0b0011:
            // One mutex: the other indices select nothing.
            rdata = (addDel & 15) === 0 ? mutexMsg : 0;
            break;
          case 0b0101:
          case 0b0110:
          case 0b1011:
          case 0b1100:
            rdata = bufMasked;
            break;
        }
      }
      this.r_rdata.v = rdata;
      // The demux port's address, direction and data move with the core's every TCDM access.
    }, { guarded: [{ reads: [this.add], when: [this.req, this.core_clock_cs] }, { reads: [this.wen, this.wdata], when: [this.req] }] });

    this.seq('regs', () => {
      const req = this.req.v;
      const add = req === 1 ? this.add.v : 0;
      const wen = this.wen.v;
      const wdata = req === 1 ? this.wdata.v : 0;
      const evMask = this.event_mask.v;
      const irqMask = this.irq_mask.v;
      const buf = this.event_buffer.v;
      const swMask = this.sw_events_mask.v;
      const lines = this.master_event_lines.v;
      const ack = this.irq_ack.v;
      const ackId = this.irq_ack_id.v;
      const waitClear = this.wait_clear_access.v;
      const gnt = this.gnt.v;
      const ns = this.core_clock_ns.v;
      const waitClearSn = this.wait_clear_access_sn.v;
      const irqReq = this.irq_req.v;

      this.core_clock_cs.next = ns;
      this.irq_req_del.next = irqReq;
      this.wait_clear_access.next = waitClearSn;
      this.p_demux_vld.next = gnt;
      this.p_demux_req_del.next = req;
      this.p_demux_wen_del.next = wen;
      if (req && gnt) this.p_demux_add_del.next = bits(add, 9, 2);

      const irqClear = ack ? ~(1 << ackId) >>> 0 : 0xffffffff;
      let bufClearWrite = false;
      if (req === 1 && wen === 0 && bits(add, 9, 6) === 0) {
        switch (bits(add, 5, 2)) {
          case 0x0:
            this.event_mask.next = wdata;
            break;
          case 0x1:
            this.event_mask.next = evMask & ~wdata;
            break;
          case 0x2:
            this.event_mask.next = evMask | wdata;
            break;
          case 0x3:
            this.irq_mask.next = wdata;
            break;
          case 0x4:
            this.irq_mask.next = irqMask & ~wdata;
            break;
          case 0x5:
            this.irq_mask.next = irqMask | wdata;
            break;
          case 0xa:
            bufClearWrite = true;
            break;
          case 0xb:
            this.sw_events_mask.next = wdata & coreMask;
            break;
          case 0xc:
            this.sw_events_mask.next = swMask & ~wdata & coreMask;
            break;
          case 0xd:
            this.sw_events_mask.next = (swMask | wdata) & coreMask;
            break;
        }
      }
      if (waitClear) this.event_buffer.next = (buf | lines) & ~evMask & irqClear;
      else if (bufClearWrite) this.event_buffer.next = ((buf & ~wdata) | lines) & irqClear;
      else this.event_buffer.next = (buf | lines) & irqClear;
      // The masks are assigned only by a write to their own register, which learning reaches for some cores only:
      // declared, so they commit with this process instead of in every cycle.
    }, { drives: [this.event_mask, this.irq_mask, this.sw_events_mask], stable: true, guarded: [{ reads: [this.add, this.wdata], when: [this.req] }] });
  }
}
