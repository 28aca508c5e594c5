// The functional event unit against the register rules of testbench/fixtures/timing/cluster/event_unit/README.md
// ("Register map as implemented", "Barrier unit", "Dispatch", "Mutex"), driven register by register.
import { describe, expect, it } from 'vitest';
import { gap8Cluster } from '../../rtl/config/index.ts';
import { ClusterEventUnit, EU } from './cluster_event_unit.ts';

const BAR = (b: number, reg: number): number => EU.BARRIER + 0x20 * b + reg;

function unit(): { eu: ClusterEventUnit; woken: number[] } {
  const eu = new ClusterEventUnit(8, gap8Cluster.eventUnit);
  const woken: number[] = [];
  eu.onWake = (k) => woken.push(k);
  return { eu, woken };
}

/** Every core enables the barrier, mutex and dispatch lines (what the runtime's start-up does). */
function withMasks(eu: ClusterEventUnit, mask = (1 << 16) | (1 << 17) | (1 << 18)): void {
  for (let k = 0; k < 8; k++) eu.write(k, EU.EVT_MASK_OR, mask, 0);
}

describe('cluster event unit: HW barriers', () => {
  it('fires when the last core of the trigger mask arrives; the waiters wake and read 0 (barriers 0-5)', () => {
    const { eu, woken } = unit();
    withMasks(eu);
    eu.write(0, BAR(0, EU.BARR_TRIGGER_MASK), 0xff, 0);
    eu.write(0, BAR(0, EU.BARR_TARGET_MASK), 0xff, 0);
    for (let k = 0; k < 7; k++) expect(eu.read(k, BAR(0, EU.BARR_TRIGGER_WAIT_CLEAR), true, 0)).toBeUndefined();
    expect(eu.read(0, BAR(0, EU.BARR_STATUS), false, 0)).toBe(0x7f);
    expect(woken).toEqual([]);
    expect(eu.read(7, BAR(0, EU.BARR_TRIGGER_WAIT_CLEAR), true, 0)).toBe(0);
    expect(woken).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(eu.read(0, BAR(0, EU.BARR_STATUS), false, 0)).toBe(0);
    for (let k = 0; k < 7; k++) {
      expect(eu.read(k, BAR(0, EU.BARR_TRIGGER_WAIT_CLEAR), true, 0)).toBe(0);
      // The _CLEAR variant cleared the masked buffer bits.
      expect(eu.read(k, EU.BUFFER_MASKED, false, 0)).toBe(0);
    }
  });

  it('barriers 6 and 7 return BUFFER_MASKED; a non-clearing wait leaves the bit', () => {
    const { eu } = unit();
    withMasks(eu);
    eu.write(0, BAR(6, EU.BARR_TRIGGER_MASK), 0x3, 0);
    eu.write(0, BAR(6, EU.BARR_TARGET_MASK), 0x3, 0);
    expect(eu.read(0, BAR(6, EU.BARR_TRIGGER_WAIT), true, 0)).toBeUndefined();
    expect(eu.read(1, BAR(6, EU.BARR_TRIGGER_WAIT), true, 0)).toBe(1 << 16);
    expect(eu.read(0, BAR(6, EU.BARR_TRIGGER_WAIT), true, 0)).toBe(1 << 16);
    expect(eu.read(0, EU.BUFFER, false, 0)).toBe(1 << 16);
  });

  it('TRIGGER stores arrive for a mask of cores; the event goes to the target mask only', () => {
    const { eu } = unit();
    withMasks(eu);
    eu.write(0, BAR(2, EU.BARR_TRIGGER_MASK), 0x0f, 0);
    eu.write(0, BAR(2, EU.BARR_TARGET_MASK), 0x30, 0);
    eu.write(1, BAR(2, EU.BARR_TRIGGER), 0x03, 0);
    expect(eu.read(0, BAR(2, EU.BARR_STATUS), false, 0)).toBe(0x03);
    eu.write(2, BAR(2, EU.BARR_TRIGGER), 0x0c, 0);
    expect(eu.read(0, BAR(2, EU.BARR_STATUS), false, 0)).toBe(0);
    const buffers = [...Array(8).keys()].map((k) => eu.buffer(k));
    expect(buffers).toEqual([0, 0, 0, 0, 1 << 16, 1 << 16, 0, 0]);
  });

  it('TRIGGER_SELF and STATUS_SUMMARY are not decoded: read 0, no arrival', () => {
    const { eu } = unit();
    eu.write(0, BAR(0, EU.BARR_TRIGGER_MASK), 0x1, 0);
    eu.write(0, BAR(0, EU.BARR_TARGET_MASK), 0x1, 0);
    expect(eu.read(0, BAR(0, EU.BARR_TRIGGER_SELF), false, 0)).toBe(0);
    expect(eu.read(0, BAR(0, EU.BARR_STATUS_SUMMARY), false, 0)).toBe(0);
    expect(eu.buffer(0)).toBe(0);
  });

  it('a plain load of a barrier wait does not arrive (side effects inhibited) and waits', () => {
    const { eu } = unit();
    withMasks(eu);
    eu.write(0, BAR(0, EU.BARR_TRIGGER_MASK), 0x1, 0);
    eu.write(0, BAR(0, EU.BARR_TARGET_MASK), 0x1, 0);
    expect(eu.read(0, BAR(0, EU.BARR_TRIGGER_WAIT_CLEAR), false, 0)).toBeUndefined();
    expect(eu.waiting(0)).toBe(true);
    expect(eu.read(1, BAR(0, EU.BARR_STATUS), false, 0)).toBe(0);
  });
});

describe('cluster event unit: barriers that do not exist', () => {
  // event_unit_flex pulp-v1.0 event_unit_interface_mux / event_unit_core: the barrier index is add[8:5] (room for
  // 16), the request goes to bit add[8:5] of an NB_BARR-wide vector, so at or above NB_BARR it reaches no barrier
  // (pulp_cluster sets NB_BARR = NB_CORES). The access is lost, so it is reported, naming the parameter.
  const one = (): ClusterEventUnit => new ClusterEventUnit(1, { ...gap8Cluster.eventUnit, barriers: 1 });
  it('a store to barrier 1 of a 1-barrier unit is an error naming cluster.eventUnit.barriers', () => {
    expect(() => one().write(0, BAR(1, EU.BARR_TRIGGER_MASK), 1, 0x1c000040)).toThrow(
      /core 0 \(pc 0x1c000040\): event unit 0x10204220: store of hardware barrier 1, which does not exist \(cluster\.eventUnit\.barriers = 1\)/,
    );
    expect(() => one().write(0, BAR(15, EU.BARR_TARGET_MASK), 1, 0)).toThrow(/hardware barrier 15, which does not exist/);
  });
  it('a barrier wait (p.elw or plain load) and a register read of barrier 1 are errors, not a silent 0', () => {
    const eu = one();
    eu.write(0, EU.EVT_MASK_OR, 1 << 16, 0);
    expect(() => eu.read(0, BAR(1, EU.BARR_TRIGGER_WAIT_CLEAR), true, 0)).toThrow(/read of hardware barrier 1, which does not exist/);
    expect(() => eu.read(0, BAR(1, EU.BARR_TRIGGER_WAIT), false, 0)).toThrow(/hardware barrier 1/);
    expect(() => eu.read(0, BAR(1, EU.BARR_STATUS), false, 0)).toThrow(/hardware barrier 1/);
  });
  it('barrier 0 of the same unit works: one core arriving fires it', () => {
    const eu = one();
    eu.write(0, EU.EVT_MASK_OR, 1 << 16, 0);
    eu.write(0, BAR(0, EU.BARR_TRIGGER_MASK), 1, 0);
    eu.write(0, BAR(0, EU.BARR_TARGET_MASK), 1, 0);
    expect(eu.read(0, BAR(0, EU.BARR_TRIGGER_WAIT_CLEAR), true, 0)).toBe(0);
    expect(eu.buffer(0)).toBe(0);
  });
});

describe('cluster event unit: core registers and SW events', () => {
  it('mask AND/OR, buffer clear, status, unlisted reads', () => {
    const { eu } = unit();
    eu.write(3, EU.EVT_MASK, 0xf0, 0);
    eu.write(3, EU.EVT_MASK_OR, 0x0f, 0);
    eu.write(3, EU.EVT_MASK_AND, 0x30, 0);
    expect(eu.read(3, EU.EVT_MASK, false, 0)).toBe(0xcf);
    expect(eu.read(3, EU.EVT_MASK_OR, false, 0)).toBe(0);
    expect(eu.read(3, EU.STATUS, false, 0)).toBe(1);
    expect(eu.read(2, EU.EVT_MASK, false, 0)).toBe(0);
    eu.write(0, EU.SW_EVENT_TRIG + 4 * 5, 0, 0); // mask 0: all cores
    eu.write(0, EU.SW_EVENT_TRIG + 4 * 1, 0b1000, 0);
    expect(eu.read(3, EU.BUFFER, false, 0)).toBe((1 << 5) | (1 << 1));
    expect(eu.read(2, EU.BUFFER, false, 0)).toBe(1 << 5);
    expect(eu.read(3, EU.BUFFER_MASKED, false, 0)).toBe(1 << 1);
    eu.write(3, EU.BUFFER_CLEAR, 1 << 5, 0);
    expect(eu.read(3, EU.BUFFER, false, 0)).toBe(1 << 1);
    expect(eu.read(3, EU.DISPATCH_TEAM_CONFIG, false, 0)).toBe(0);
  });

  it('0x120-0x13C alias the SW event triggers 0x100-0x11C', () => {
    const { eu } = unit();
    eu.write(0, 0x120 + 4 * 2, 0b10, 0);
    expect(eu.buffer(1)).toBe(1 << 2);
  });

  it('EVT_WAIT sleeps until a masked SW event, returns BUFFER_MASKED; only _CLEAR clears', () => {
    const { eu, woken } = unit();
    eu.write(4, EU.EVT_MASK, 1 << 3, 0);
    expect(eu.read(4, EU.EVT_WAIT, true, 0)).toBeUndefined();
    eu.write(0, EU.SW_EVENT_TRIG + 4 * 2, 1 << 4, 0); // unmasked line: no wake-up
    expect(woken).toEqual([]);
    eu.write(0, EU.SW_EVENT_TRIG + 4 * 3, 1 << 4, 0);
    expect(woken).toEqual([4]);
    expect(eu.read(4, EU.EVT_WAIT, true, 0)).toBe(1 << 3);
    expect(eu.read(4, EU.EVT_WAIT, true, 0)).toBe(1 << 3); // still there: completes at once
    expect(eu.read(4, EU.EVT_WAIT_CLEAR, true, 0)).toBe(1 << 3);
    expect(eu.buffer(4)).toBe(1 << 2); // unmasked bit kept
  });

  it('SW trigger-and-wait sends to SW_EVENTS_MASK (0 = all, itself included)', () => {
    const { eu, woken } = unit();
    for (let k = 0; k < 8; k++) eu.write(k, EU.EVT_MASK, 1 << 6, 0);
    expect(eu.read(1, EU.EVT_WAIT_CLEAR, true, 0)).toBeUndefined();
    eu.write(0, EU.SW_EVENTS_MASK, 0b10, 0);
    expect(eu.read(0, EU.SW_EVENT_TRIG_WAIT + 4 * 6, true, 0)).toBeUndefined(); // core 0 is not in its own mask
    expect(woken).toEqual([1]);
    expect(eu.read(2, EU.SW_EVENT_TRIG_WAIT_CLEAR + 4 * 6, true, 0)).toBe(1 << 6); // mask 0: all, itself too
    expect(woken).toEqual([1, 0]);
    expect(eu.buffer(2)).toBe(0);
  });
});

describe('cluster event unit: dispatch FIFO', () => {
  it('every core of TEAM_CONFIG pops every value pushed under it, in order', () => {
    const { eu } = unit();
    withMasks(eu);
    eu.write(0, EU.DISPATCH_TEAM_CONFIG, 0xfe, 0);
    eu.write(0, EU.DISPATCH_FIFO, 0x1111, 0);
    eu.write(0, EU.DISPATCH_FIFO, 0x2222, 0);
    for (let k = 1; k < 8; k++) {
      expect(eu.read(k, EU.DISPATCH_FIFO, true, 0)).toBe(0x1111);
      expect(eu.read(k, EU.DISPATCH_FIFO, true, 0)).toBe(0x2222);
    }
    expect(eu.read(0, EU.DISPATCH_FIFO, true, 0)).toBeUndefined(); // not in the team: nothing for core 0
  });

  it('a core skips entries pushed for other teams', () => {
    const { eu } = unit();
    withMasks(eu);
    eu.write(0, EU.DISPATCH_TEAM_CONFIG, 0x06, 0);
    eu.write(0, EU.DISPATCH_FIFO, 10, 0);
    eu.write(0, EU.DISPATCH_TEAM_CONFIG, 0x18, 0);
    eu.write(0, EU.DISPATCH_FIFO, 20, 0);
    expect(eu.read(3, EU.DISPATCH_FIFO, true, 0)).toBe(20);
    expect(eu.read(1, EU.DISPATCH_FIFO, true, 0)).toBe(10);
    expect(eu.read(1, EU.DISPATCH_FIFO, true, 0)).toBeUndefined();
  });

  it('a pop before the push sleeps and is woken with the value', () => {
    const { eu, woken } = unit();
    withMasks(eu);
    expect(eu.read(5, EU.DISPATCH_FIFO, true, 0)).toBeUndefined();
    eu.write(0, EU.DISPATCH_TEAM_CONFIG, 1 << 5, 0);
    eu.write(0, EU.DISPATCH_FIFO, 0xabc, 0);
    expect(woken).toEqual([5]);
    expect(eu.read(5, EU.DISPATCH_FIFO, true, 0)).toBe(0xabc);
  });

  it('overwriting an entry a team core has not popped is an overflow error (depth 8)', () => {
    const { eu } = unit();
    eu.write(0, EU.DISPATCH_TEAM_CONFIG, 0x2, 0);
    for (let i = 0; i < 8; i++) eu.write(0, EU.DISPATCH_FIFO, i, 0);
    expect(() => eu.write(0, EU.DISPATCH_FIFO, 8, 0x1c000040)).toThrow(/dispatch FIFO overflow.*core 1 has not popped/);
  });

  it('a plain load cannot pop', () => {
    const { eu } = unit();
    expect(() => eu.read(1, EU.DISPATCH_FIFO, false, 0x1c000100)).toThrow(/plain load of the dispatch FIFO.*use p\.elw/);
  });
});

describe('cluster event unit: HW mutex', () => {
  it('lock, waiters served lowest id first, the unlock message is what the next lock returns', () => {
    const { eu, woken } = unit();
    withMasks(eu);
    expect(eu.read(2, EU.MUTEX, true, 0)).toBe(0);
    expect(eu.read(5, EU.MUTEX, true, 0)).toBeUndefined();
    expect(eu.read(1, EU.MUTEX, true, 0)).toBeUndefined();
    eu.write(2, EU.MUTEX, 42, 0);
    expect(woken).toEqual([1]);
    expect(eu.read(1, EU.MUTEX, true, 0)).toBe(42);
    eu.write(1, EU.MUTEX, 7, 0);
    expect(woken).toEqual([1, 5]);
    expect(eu.read(5, EU.MUTEX, true, 0)).toBe(7);
  });

  it('a lock woken by another masked event without the mutex is reported', () => {
    const { eu } = unit();
    withMasks(eu);
    expect(eu.read(1, EU.MUTEX, true, 0)).toBe(0);
    eu.write(0, EU.EVT_MASK_OR, 1 << 0, 0);
    eu.write(3, EU.SW_EVENT_TRIG, 1, 0); // SW event 0 to core 0, left in its buffer
    expect(() => eu.read(0, EU.MUTEX, true, 0x1c000200)).toThrow(/without the lock \(owner core 1\)/);
  });
});
