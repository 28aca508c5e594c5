// The event unit against the timing rules of its fixture README, driven by hand (not through the replay files).
// Expected cycles come from the README's formulas: plain access r_valid t+1; SW event to a sleeping core gnt W+2,
// r_valid W+3; barrier last arrival applied in T -> sleeping targets clock_en/gnt T+3, r_valid T+4; lock of a free
// mutex by p.elw in t -> gnt t+3; undecoded barrier offsets; IRQ id = highest pending bit.
import { describe, expect, it } from 'vitest';
import { Simulator, type BackendKind } from '../../sim/index.ts';
import { EventUnit } from './event_unit.ts';
import { CoreClockState, highestIrq, isClearAddress, isSleepAddress } from './event_unit_core.ts';

const BASE = 0x1020_4000;
const EVT_MASK = 0x00;
const EVT_WAIT = 0x38;
const SW_TRIG = (i: number): number => 0x100 + 4 * i;
const BARR = (b: number, off: number): number => 0x200 + 0x20 * b + off;
const MUTEX = 0xc0;

/** Drives the demux ports like a core: a request is held until granted; core_busy drops after a p.elw request. */
class Bench {
  readonly eu = new EventUnit();
  readonly sim: Simulator;
  constructor(backend: BackendKind = 'codegen') {
    this.sim = new Simulator(this.eu, { backend });
    for (let k = 0; k < 8; k++) this.sim.poke(this.eu.core_busy[k]!, 1);
  }
  request(k: number, off: number, wen: 0 | 1, wdata = 0): void {
    this.sim.poke(this.eu.req[k]!, 1);
    this.sim.poke(this.eu.add[k]!, BASE + off);
    this.sim.poke(this.eu.wen[k]!, wen);
    this.sim.poke(this.eu.wdata[k]!, wdata);
  }
  idle(k: number): void {
    this.sim.poke(this.eu.req[k]!, 0);
  }
  peek(sig: 'gnt' | 'r_valid' | 'r_rdata' | 'clock_en' | 'irq_req' | 'irq_id', k: number): number {
    return this.sim.peek(this.eu[sig][k]!);
  }
  /** Steps one cycle; p.elw requesters (sleep reads) see core_busy 0 from the next cycle (RI5CY). */
  step(): void {
    const elw: number[] = [];
    const done: number[] = [];
    for (let k = 0; k < 8; k++) {
      const req = this.sim.peek(this.eu.req[k]!);
      const add = this.sim.peek(this.eu.add[k]!);
      const wen = this.sim.peek(this.eu.wen[k]!);
      const gnt = this.sim.peek(this.eu.gnt[k]!);
      if (req && gnt) done.push(k);
      if (req && wen && isSleepAddress(add & 0x3ff) && this.elwCores.has(k)) elw.push(k);
    }
    this.sim.step();
    for (const k of done) this.idle(k);
    for (let k = 0; k < 8; k++) this.sim.poke(this.eu.core_busy[k]!, elw.includes(k) ? 0 : 1);
  }
  readonly elwCores = new Set<number>();
  /** Runs until cycle `t` (the bench's cycle count), recording `sig` of core k in every cycle. */
  until(t: number, log?: { sig: 'gnt' | 'r_valid' | 'clock_en'; k: number; out: number[] }): void {
    while (this.sim.cycle < t) {
      if (log) log.out[this.sim.cycle] = this.peek(log.sig, log.k);
      this.step();
    }
  }
  /** Issues a single access from core k in the current cycle and steps until it is granted. */
  access(k: number, off: number, wen: 0 | 1, wdata = 0): number {
    this.request(k, off, wen, wdata);
    const t = this.sim.cycle;
    this.step();
    return t;
  }
}

describe.each(['interp', 'codegen'] as const)('event unit timing (%s)', (backend) => {
  it('plain write then read: gnt in the request cycle, r_valid the next with the register', () => {
    const b = new Bench(backend);
    b.request(0, EVT_MASK, 0, 0x5);
    expect(b.peek('gnt', 0)).toBe(1);
    b.step();
    expect(b.peek('r_valid', 0)).toBe(1);
    b.request(0, EVT_MASK, 1);
    expect(b.peek('gnt', 0)).toBe(1);
    b.step();
    expect(b.peek('r_valid', 0)).toBe(1);
    expect(b.peek('r_rdata', 0)).toBe(0x5);
    b.step();
    expect(b.peek('r_valid', 0)).toBe(0);
  });

  it('SW event to a sleeping core: clock gated from T_s+1, gnt at W+2, r_valid at W+3 with BUFFER_MASKED', () => {
    const b = new Bench(backend);
    b.elwCores.add(1);
    b.access(1, EVT_MASK, 0, 1 << 3); // cycle 0
    b.until(2);
    b.request(1, EVT_WAIT, 1); // p.elw in R = 2: busy 1 in R, 0 from R+1 = T_s
    const ce: number[] = [];
    const W = 8;
    b.until(W, { sig: 'clock_en', k: 1, out: ce });
    expect(ce.slice(2)).toEqual([1, 1, 0, 0, 0, 0]); // gated from T_s + 1 = 4
    b.request(0, SW_TRIG(3), 0, 0b10); // trigger event 3 for core 1 in W
    b.step();
    expect(b.peek('gnt', 1)).toBe(0); // W+1: SLEEP sees the buffer
    expect(b.peek('clock_en', 1)).toBe(0);
    b.step();
    expect(b.peek('gnt', 1)).toBe(1); // W+2
    expect(b.peek('clock_en', 1)).toBe(1);
    b.step();
    expect(b.peek('r_valid', 1)).toBe(1); // W+3
    expect(b.peek('r_rdata', 1)).toBe(1 << 3);
  });

  it('barrier: last arrival by a TRIGGER store in W wakes the sleeping waiter at W+3, r_valid W+4; wait read of barrier 0 returns 0', () => {
    const b = new Bench(backend);
    b.elwCores.add(1);
    b.access(0, BARR(0, 0x00), 0, 0b11); // TRIGGER_MASK
    b.access(0, BARR(0, 0x0c), 0, 0b10); // TARGET_MASK: core 1
    b.access(1, EVT_MASK, 0, 1 << 16);
    b.until(4);
    b.request(1, BARR(0, 0x1c), 1); // TRIGGER_WAIT_CLEAR by p.elw: arrives at 5
    b.until(10);
    expect(b.sim.peek(b.eu.barriers[0]!.trigger_status)).toBe(0b10);
    const W = 10;
    b.request(0, BARR(0, 0x10), 0, 0b01); // TRIGGER for core 0
    const gnt: number[] = [];
    b.until(W + 3, { sig: 'gnt', k: 1, out: gnt });
    expect(gnt.slice(W)).toEqual([0, 0, 0]);
    expect(b.peek('gnt', 1)).toBe(1);
    expect(b.peek('clock_en', 1)).toBe(1);
    b.step();
    expect(b.peek('r_valid', 1)).toBe(1);
    expect(b.peek('r_rdata', 1)).toBe(0); // barriers 0-5: TRIGGER_WAIT(_CLEAR) reads return 0
    expect(b.sim.peek(b.eu.barriers[0]!.trigger_status)).toBe(0);
  });

  it('p.elw lock of a free mutex still sleeps one cycle: gnt at t+3, r_valid t+4 with the last unlock message', () => {
    const b = new Bench(backend);
    b.elwCores.add(2);
    b.access(2, EVT_MASK, 0, 1 << 17);
    b.access(3, MUTEX, 0, 0xcafe); // an unlock with a message while unlocked: only the message is kept
    b.until(3);
    const t = 3;
    b.request(2, MUTEX, 1);
    const gnt: number[] = [];
    b.until(t + 3, { sig: 'gnt', k: 2, out: gnt });
    expect(gnt.slice(t)).toEqual([0, 0, 0]);
    expect(b.peek('gnt', 2)).toBe(1);
    b.step();
    expect(b.peek('r_valid', 2)).toBe(1);
    expect(b.peek('r_rdata', 2)).toBe(0xcafe);
    expect(b.sim.peek(b.eu.mutex.mutex_cs)).toBe(1);
  });

  it('TRIGGER_SELF marks nothing and STATUS_SUMMARY reads 0', () => {
    const b = new Bench(backend);
    b.access(0, BARR(2, 0x00), 0, 0xff);
    b.access(4, BARR(2, 0x14), 0, 0xff); // TRIGGER_SELF: not decoded
    b.access(4, BARR(2, 0x10), 0, 0x0f); // TRIGGER: marks cores 0-3
    b.access(5, BARR(2, 0x04), 1); // STATUS
    expect(b.peek('r_rdata', 5)).toBe(0x0f);
    b.access(5, BARR(2, 0x08), 1); // STATUS_SUMMARY
    expect(b.peek('r_valid', 5)).toBe(1);
    expect(b.peek('r_rdata', 5)).toBe(0);
  });

  // event_unit_flex pulp-v1.0 event_unit_interface_mux: a barrier offset goes to request bit add[8:5] of an
  // NB_BARR-wide vector and is granted at once; event_unit_core sets hw_barr_id_o[add[8:5]] for a wait. At or above
  // NB_BARR (pulp_cluster: NB_CORES) the bit does not exist: the access is granted and answered as usual and
  // changes nothing, and a wait sleeps without arriving anywhere.
  it('barrier 9 of 8 (add[8:5] >= NB_BARR): a store is granted and answered but reaches no barrier', () => {
    const b = new Bench(backend);
    b.request(0, BARR(9, 0x00), 0, 0xff); // TRIGGER_MASK of barrier 9
    expect(b.peek('gnt', 0)).toBe(1);
    b.step();
    expect(b.peek('r_valid', 0)).toBe(1);
    b.access(0, BARR(9, 0x0c), 0, 0xff); // TARGET_MASK
    b.access(0, BARR(9, 0x10), 0, 0xff); // TRIGGER
    for (const u of b.eu.barriers) {
      expect(b.sim.peek(u.trigger_mask)).toBe(0);
      expect(b.sim.peek(u.target_mask)).toBe(0);
      expect(b.sim.peek(u.trigger_status)).toBe(0);
    }
  });

  it('barrier 9 of 8: a p.elw TRIGGER_WAIT_CLEAR arrives nowhere and the core stays asleep', () => {
    const b = new Bench(backend);
    b.elwCores.add(1);
    b.access(0, BARR(1, 0x00), 0, 0b10); // barrier 1 (exists) waits for core 1 only
    b.access(1, EVT_MASK, 0, 1 << 16);
    b.until(3);
    b.request(1, BARR(9, 0x1c), 1); // 9 = 0b1001: bits [8:5] of 0x31c are 9, not 1
    const ce: number[] = [];
    b.until(20, { sig: 'clock_en', k: 1, out: ce });
    expect(ce.slice(6)).toEqual(new Array(14).fill(0));
    expect(b.peek('gnt', 1)).toBe(0);
    for (const u of b.eu.barriers) expect(b.sim.peek(u.trigger_status)).toBe(0);
  });

  it('IRQ: id of the highest pending masked bit, ack clears it', () => {
    const b = new Bench(backend);
    b.access(0, 0x0c, 0, (1 << 5) | (1 << 9)); // IRQ_MASK
    b.access(0, SW_TRIG(5), 0, 0b1); // SW event 5 to core 0
    expect(b.peek('irq_req', 0)).toBe(1);
    expect(b.peek('irq_id', 0)).toBe(5);
    b.sim.poke(b.eu.dma_events[0]!, 0b10); // line 9
    b.step();
    b.sim.poke(b.eu.dma_events[0]!, 0);
    expect(b.peek('irq_id', 0)).toBe(9);
    b.sim.poke(b.eu.irq_ack[0]!, 1);
    b.sim.poke(b.eu.irq_ack_id[0]!, 9);
    b.step();
    b.sim.poke(b.eu.irq_ack[0]!, 0);
    expect(b.peek('irq_req', 0)).toBe(1);
    expect(b.peek('irq_id', 0)).toBe(5);
    expect(b.sim.peek(b.eu.cores[0]!.core_clock_cs)).toBe(CoreClockState.ACTIVE);
  });
});

describe('event unit decodes', () => {
  it('sleep and clear offsets follow the register map of the README', () => {
    const sleep = [0x38, 0x3c, 0x78, 0xbc, 0x140, 0x1bc, 0x218, 0x21c, 0x2f8, 0xc0, 0xfc, 0x80];
    const notSleep = [0x00, 0x1c, 0x84, 0x100, 0x13c, 0x200, 0x210, 0x214, 0x208];
    for (const a of sleep) expect(isSleepAddress(a), `0x${a.toString(16)}`).toBe(true);
    for (const a of notSleep) expect(isSleepAddress(a), `0x${a.toString(16)}`).toBe(false);
    for (const a of [0x3c, 0x180, 0x1bc, 0x21c, 0xc0, 0x80]) expect(isClearAddress(a), `0x${a.toString(16)}`).toBe(true);
    for (const a of [0x38, 0x140, 0x218, 0x84]) expect(isClearAddress(a), `0x${a.toString(16)}`).toBe(false);
  });
  it('IRQ id ignores bit 0', () => {
    expect(highestIrq(1)).toBe(0);
    expect(highestIrq(0b1010)).toBe(3);
    expect(highestIrq(0x8000_0001)).toBe(31);
  });
});
