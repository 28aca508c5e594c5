// Functional (untimed) event unit of the cluster: event_unit_flex pulp-v1.0 as pulp_cluster 9fd9c3e instantiates it,
// seen through each core's demux port (0x1020_4000, only address bits 9:0 decoded). Register map and semantics:
// testbench/fixtures/timing/cluster/event_unit/README.md ("Register map as implemented", "Timing rules" for which
// side effect happens when), fact sheet pulp-cluster.md §3. What is kept: per-core event mask and buffer, wait and
// wait-clear, SW events, the HW barriers (trigger/target masks), the dispatch FIFO with team config, the HW mutex.
// What is left out: cycles, IRQs (IRQ_MASK is stored but never raises an interrupt: the ISS takes no interrupts),
// external event lines (DMA, timers, accelerators: absent from the functional cluster).
//
// A wait register read either completes at once (a masked event is already buffered, after its side effect) or
// leaves the core waiting: the caller gets `undefined`, stops scheduling the core, and is told through `onWake`
// when a masked event arrives; the core then repeats the same read, which completes without a second side effect
// (the RTL fires the side effect once, when the core goes to sleep, and answers after the wake-up).
import type { EventUnitConfig } from '../../rtl/config/index.ts';
import { IssError, hex } from './errors.ts';

/** Event lines (cluster_event_map; event_unit/README.md "Event lines seen by core k's buffer"). */
export const EVT_BARRIER = 16;
export const EVT_MUTEX = 17;
export const EVT_DISPATCH = 18;

/** Demux offsets (event_unit/README.md "Register map as implemented"). */
export const EU = {
  EVT_MASK: 0x00,
  EVT_MASK_AND: 0x04,
  EVT_MASK_OR: 0x08,
  IRQ_MASK: 0x0c,
  IRQ_MASK_AND: 0x10,
  IRQ_MASK_OR: 0x14,
  STATUS: 0x18,
  BUFFER: 0x1c,
  BUFFER_MASKED: 0x20,
  BUFFER_IRQ_MASKED: 0x24,
  BUFFER_CLEAR: 0x28,
  SW_EVENTS_MASK: 0x2c,
  SW_EVENTS_MASK_AND: 0x30,
  SW_EVENTS_MASK_OR: 0x34,
  EVT_WAIT: 0x38,
  EVT_WAIT_CLEAR: 0x3c,
  DISPATCH_FIFO: 0x80,
  DISPATCH_TEAM_CONFIG: 0x84,
  MUTEX: 0xc0,
  SW_EVENT_TRIG: 0x100,
  SW_EVENT_TRIG_WAIT: 0x140,
  SW_EVENT_TRIG_WAIT_CLEAR: 0x180,
  BARRIER: 0x200,
  BARRIER_STRIDE: 0x20,
  BARR_TRIGGER_MASK: 0x00,
  BARR_STATUS: 0x04,
  BARR_STATUS_SUMMARY: 0x08,
  BARR_TARGET_MASK: 0x0c,
  BARR_TRIGGER: 0x10,
  BARR_TRIGGER_SELF: 0x14,
  BARR_TRIGGER_WAIT: 0x18,
  BARR_TRIGGER_WAIT_CLEAR: 0x1c,
} as const;

/** What a wait register does besides waiting. */
type WaitKind =
  | { kind: 'evt' }
  | { kind: 'sw'; id: number }
  | { kind: 'barrier'; id: number }
  | { kind: 'mutex' }
  | { kind: 'dispatch' };

interface Waiting {
  offset: number;
  what: WaitKind;
  clear: boolean;
  /** A masked event has arrived: the repeated read completes. */
  woken: boolean;
}

interface CoreState {
  mask: number;
  irqMask: number;
  buffer: number;
  swMask: number;
  wait: Waiting | null;
  /** Dispatch: the value this core's pop obtained (popped, not yet returned), or a pop still waiting for one. */
  popped: number | undefined;
  popPending: boolean;
  /** Dispatch read pointer: index of the next entry this core looks at. */
  readPtr: number;
}

interface Barrier {
  triggerMask: number;
  targetMask: number;
  status: number;
}

interface DispatchEntry {
  value: number;
  team: number;
}

export class ClusterEventUnit {
  private readonly cores: CoreState[];
  private readonly barriers: Barrier[];
  private readonly all: number;
  /** Dispatch FIFO: entry i (absolute push count) lives in slot i % depth. */
  private readonly fifo: DispatchEntry[] = [];
  private writePtr = 0;
  private teamConfig = 0;
  private mutexOwner = -1;
  private mutexMsg = 0;
  private mutexRequests = 0;
  /** Called when a waiting core can repeat its read. */
  onWake: (core: number) => void = () => {};

  constructor(
    readonly nbCores: number,
    readonly config: EventUnitConfig,
  ) {
    this.all = nbCores >= 32 ? 0xffffffff : (1 << nbCores) - 1;
    this.cores = Array.from({ length: nbCores }, () => ({
      mask: 0,
      irqMask: 0,
      buffer: 0,
      swMask: 0,
      wait: null,
      popped: undefined,
      popPending: false,
      readPtr: 0,
    }));
    this.barriers = Array.from({ length: config.barriers }, () => ({ triggerMask: 0, targetMask: 0, status: 0 }));
  }

  // ---------------------------------------------------------------- inspection
  eventMask(core: number): number {
    return this.cores[core]!.mask >>> 0;
  }
  buffer(core: number): number {
    return this.cores[core]!.buffer >>> 0;
  }
  waiting(core: number): boolean {
    const w = this.cores[core]!.wait;
    return w !== null && !w.woken;
  }
  /** What a waiting core waits for, for error messages. */
  describeWait(core: number): string {
    const c = this.cores[core]!;
    const w = c.wait;
    if (!w) return 'not waiting';
    const what =
      w.what.kind === 'evt'
        ? 'EVT_WAIT'
        : w.what.kind === 'sw'
          ? `SW event ${w.what.id} trigger-and-wait`
          : w.what.kind === 'barrier'
            ? `barrier ${w.what.id} (status ${hex(this.barriers[w.what.id]!.status)}, trigger mask ${hex(this.barriers[w.what.id]!.triggerMask)})`
            : w.what.kind === 'mutex'
              ? `HW mutex (owner core ${this.mutexOwner})`
              : 'dispatch pop';
    return `waits on ${what} at ${hex(0x1020_4000 + w.offset)} with event mask ${hex(c.mask)}, buffer ${hex(c.buffer)}`;
  }

  // ---------------------------------------------------------------- accesses
  /**
   * A word read by `core` at demux offset `off` (address bits 9:0). `event` = p.elw (side effects fire);
   * a plain load of a wait register waits too but fires nothing (event_unit/README.md "Plain load on a sleep
   * register"). Returns undefined when the core has to wait.
   */
  read(core: number, off: number, event: boolean, pc: number): number | undefined {
    this.checkBarrier(core, off, pc, 'read');
    const c = this.cores[core]!;
    const what = this.waitKind(off);
    if (!what) return this.plainRead(core, off, pc);
    const w = c.wait;
    if (w) {
      if (!w.woken) throw new IssError(`core ${core}: read of ${hex(0x1020_4000 + off)} while it ${this.describeWait(core)}`);
      if (w.offset !== off) {
        throw new IssError(
          `core ${core} (pc ${hex(pc)}): woken while waiting at ${hex(0x1020_4000 + w.offset)} but repeated a read of ${hex(0x1020_4000 + off)}`,
        );
      }
      c.wait = null;
      return this.complete(core, off, w.what, w.clear, event, pc);
    }
    if (!event && (what.kind === 'mutex' || what.kind === 'dispatch')) {
      throw new IssError(
        `core ${core} (pc ${hex(pc)}): plain load of the ${what.kind === 'mutex' ? 'HW mutex' : 'dispatch FIFO'} at ${hex(0x1020_4000 + off)}: ` +
          'the event unit inhibits its side effect for a core that does not sleep, so it never completes; use p.elw',
      );
    }
    const clear = this.isClear(off);
    if (event) this.sideEffect(core, what);
    if ((c.buffer & c.mask) !== 0) return this.complete(core, off, what, clear, event, pc);
    c.wait = { offset: off, what, clear, woken: false };
    return undefined;
  }

  /** A word store by `core` at demux offset `off`. */
  write(core: number, off: number, value: number, pc: number): void {
    this.checkBarrier(core, off, pc, 'store');
    const c = this.cores[core]!;
    const v = value >>> 0;
    if (off >= EU.BARRIER && off < EU.BARRIER + this.barriers.length * EU.BARRIER_STRIDE) {
      const b = this.barriers[(off - EU.BARRIER) >> 5]!;
      const id = (off - EU.BARRIER) >> 5;
      switch (off & 0x1f) {
        case EU.BARR_TRIGGER_MASK:
          b.triggerMask = v & this.all;
          return;
        case EU.BARR_TARGET_MASK:
          b.targetMask = v & this.all;
          return;
        case EU.BARR_TRIGGER:
          this.arrive(id, v & this.all);
          return;
      }
      throw this.bad(core, off, pc, 'store to a barrier register that is not writable');
    }
    if (off >= EU.SW_EVENT_TRIG && off < EU.SW_EVENT_TRIG_WAIT) {
      // 0x120-0x13C alias 0x100-0x11C (8 SW events).
      const id = ((off - EU.SW_EVENT_TRIG) >> 2) & 7;
      if (id >= this.config.swEvents) throw this.bad(core, off, pc, `SW event ${id} does not exist (${this.config.swEvents} configured)`);
      this.raise(v === 0 ? this.all : v & this.all, id);
      return;
    }
    switch (off) {
      case EU.EVT_MASK:
        c.mask = v;
        break;
      case EU.EVT_MASK_AND:
        c.mask &= ~v;
        break;
      case EU.EVT_MASK_OR:
        c.mask |= v;
        break;
      case EU.IRQ_MASK:
        c.irqMask = v;
        return;
      case EU.IRQ_MASK_AND:
        c.irqMask &= ~v;
        return;
      case EU.IRQ_MASK_OR:
        c.irqMask |= v;
        return;
      case EU.BUFFER_CLEAR:
        c.buffer &= ~v;
        return;
      case EU.SW_EVENTS_MASK:
        c.swMask = v & 0xff;
        return;
      case EU.SW_EVENTS_MASK_AND:
        c.swMask &= ~v;
        return;
      case EU.SW_EVENTS_MASK_OR:
        c.swMask = (c.swMask | v) & 0xff;
        return;
      case EU.DISPATCH_FIFO:
        this.push(core, v, pc);
        return;
      case EU.DISPATCH_TEAM_CONFIG:
        this.teamConfig = v & this.all;
        return;
      case EU.MUTEX:
        this.unlock(v);
        return;
      default:
        throw this.bad(core, off, pc, 'store to an offset the event unit does not decode as a writable register');
    }
  }

  // ---------------------------------------------------------------- internals
  /**
   * The barrier area (0x200-0x3FF, barrier add[8:5]) has room for 16 barriers, but the RTL builds NB_BARR of them
   * (pulp_cluster: NB_BARR = NB_CORES) and silently drops an access to any other (its request line is a bit past the
   * end of the NB_BARR-wide select vector; gnt and r_valid come as usual, read data is undefined). A store there is
   * lost and a TRIGGER_WAIT there sleeps without arriving anywhere, so such an access is a program error here.
   */
  private checkBarrier(core: number, off: number, pc: number, kind: 'read' | 'store'): void {
    if (off < EU.BARRIER || off >= EU.BARRIER + 16 * EU.BARRIER_STRIDE) return;
    const id = (off - EU.BARRIER) >> 5;
    if (id < this.barriers.length) return;
    throw this.bad(
      core,
      off,
      pc,
      `${kind} of hardware barrier ${id}, which does not exist (cluster.eventUnit.barriers = ${this.barriers.length}); ` +
        'the event unit ignores it',
    );
  }

  private bad(core: number, off: number, pc: number, why: string): IssError {
    return new IssError(`core ${core} (pc ${hex(pc)}): event unit ${hex(0x1020_4000 + off)}: ${why}`);
  }

  /** The wait registers (event_unit/README.md "Sleep registers"), or null for a plain register. */
  private waitKind(off: number): WaitKind | null {
    if (off === EU.EVT_WAIT || off === EU.EVT_WAIT_CLEAR) return { kind: 'evt' };
    if (off === EU.DISPATCH_FIFO) return { kind: 'dispatch' };
    if (off === EU.MUTEX) return { kind: 'mutex' };
    if (off >= EU.SW_EVENT_TRIG_WAIT && off < EU.BARRIER) {
      const id = ((off - EU.SW_EVENT_TRIG_WAIT) >> 2) & 0xf;
      if (id < this.config.swEvents) return { kind: 'sw', id };
    }
    if (off >= EU.BARRIER && off < EU.BARRIER + this.barriers.length * EU.BARRIER_STRIDE) {
      const r = off & 0x1f;
      if (r === EU.BARR_TRIGGER_WAIT || r === EU.BARR_TRIGGER_WAIT_CLEAR) return { kind: 'barrier', id: (off - EU.BARRIER) >> 5 };
    }
    return null;
  }

  private isClear(off: number): boolean {
    return (
      off === EU.EVT_WAIT_CLEAR ||
      off === EU.MUTEX ||
      off === EU.DISPATCH_FIFO ||
      (off >= EU.SW_EVENT_TRIG_WAIT_CLEAR && off < EU.BARRIER) ||
      (off >= EU.BARRIER && (off & 0x1f) === EU.BARR_TRIGGER_WAIT_CLEAR)
    );
  }

  private plainRead(core: number, off: number, pc: number): number {
    const c = this.cores[core]!;
    if (off >= EU.BARRIER && off < EU.BARRIER + this.barriers.length * EU.BARRIER_STRIDE) {
      const b = this.barriers[(off - EU.BARRIER) >> 5]!;
      switch (off & 0x1f) {
        case EU.BARR_TRIGGER_MASK:
          return b.triggerMask;
        case EU.BARR_STATUS:
          return b.status;
        case EU.BARR_TARGET_MASK:
          return b.targetMask;
        default:
          // STATUS_SUMMARY and TRIGGER_SELF are not decoded in pulp-v1.0: they read 0 and mark nothing.
          return 0;
      }
    }
    switch (off) {
      case EU.EVT_MASK:
        return c.mask >>> 0;
      case EU.IRQ_MASK:
        return c.irqMask >>> 0;
      case EU.STATUS:
        return 1;
      case EU.BUFFER:
        return c.buffer >>> 0;
      case EU.BUFFER_MASKED:
        return (c.buffer & c.mask) >>> 0;
      case EU.BUFFER_IRQ_MASKED:
        return (c.buffer & c.irqMask) >>> 0;
      case EU.SW_EVENTS_MASK:
        return c.swMask;
    }
    // Unlisted offsets, the AND/OR/CLEAR write ports, TEAM_CONFIG and the SW trigger registers read 0.
    void pc;
    return 0;
  }

  /** The side effect of a wait-register p.elw, fired when the core goes to sleep or completes at once. */
  private sideEffect(core: number, what: WaitKind): void {
    const c = this.cores[core]!;
    switch (what.kind) {
      case 'sw':
        this.raise(c.swMask === 0 ? this.all : c.swMask & this.all, what.id);
        return;
      case 'barrier':
        this.arrive(what.id, 1 << core);
        return;
      case 'mutex':
        this.mutexRequests |= 1 << core;
        this.grantMutex();
        return;
      case 'dispatch':
        c.popPending = true;
        this.tryPop(core);
        return;
      case 'evt':
        return;
    }
  }

  /** The read data of a completed wait-register read, then the clear of the masked buffer bits. */
  private complete(core: number, off: number, what: WaitKind, clear: boolean, event: boolean, pc: number): number {
    const c = this.cores[core]!;
    const masked = (c.buffer & c.mask) >>> 0;
    let value = masked;
    switch (what.kind) {
      case 'barrier':
        // pulp-v1.0 read mux: only barriers 6 and 7 return BUFFER_MASKED (add[9:6] decode), the others 0.
        value = what.id === 6 || what.id === 7 ? masked : 0;
        break;
      case 'mutex':
        if (event && this.mutexOwner !== core) {
          throw new IssError(
            `core ${core} (pc ${hex(pc)}): HW mutex lock completed without the lock (owner core ${this.mutexOwner}): ` +
              `woken by other masked events ${hex(masked)}; the RTL returns the same way, so the program has a race`,
          );
        }
        value = this.mutexMsg;
        break;
      case 'dispatch':
        if (event) {
          if (c.popped === undefined) {
            throw new IssError(
              `core ${core} (pc ${hex(pc)}): dispatch pop completed with no value for this core: woken by other ` +
                `masked events ${hex(masked)} (the RTL would return a stale FIFO entry)`,
            );
          }
          value = c.popped;
          c.popped = undefined;
        } else value = 0;
        break;
      default:
        break;
    }
    void off;
    if (clear) c.buffer &= ~c.mask;
    return value >>> 0;
  }

  /** Event `line` into the buffers of the cores in `mask`; waiting cores whose mask now matches wake. */
  private raise(mask: number, line: number): void {
    for (let k = 0; k < this.nbCores; k++) {
      if (!((mask >>> k) & 1)) continue;
      const c = this.cores[k]!;
      c.buffer |= 1 << line;
      if (c.wait && !c.wait.woken && (c.buffer & c.mask) !== 0) {
        c.wait.woken = true;
        this.onWake(k);
      }
    }
  }

  private arrive(id: number, mask: number): void {
    const b = this.barriers[id]!;
    b.status |= mask;
    // The unit compares STATUS with TRIGGER_MASK (equality, mask 0 disables) and clears STATUS when it fires.
    if (b.triggerMask !== 0 && b.status === b.triggerMask) {
      b.status = 0;
      this.raise(b.targetMask, EVT_BARRIER);
    }
  }

  private grantMutex(): void {
    if (this.mutexOwner >= 0 || this.mutexRequests === 0) return;
    // Next owner: the lowest waiting core id (event_unit/README.md "Mutex").
    const k = 31 - Math.clz32(this.mutexRequests & -this.mutexRequests);
    this.mutexRequests &= ~(1 << k);
    this.mutexOwner = k;
    this.raise(1 << k, EVT_MUTEX);
  }

  private unlock(msg: number): void {
    this.mutexMsg = msg >>> 0;
    this.mutexOwner = -1;
    this.grantMutex();
  }

  private push(core: number, value: number, pc: number): void {
    const depth = this.config.dispatchDepth;
    const idx = this.writePtr;
    if (idx >= depth) {
      // The slot being overwritten must have been read by every core of its team (the RTL has no overflow check).
      const old = this.fifo[idx % depth]!;
      for (let k = 0; k < this.nbCores; k++) {
        if ((old.team >>> k) & 1 && this.cores[k]!.readPtr <= idx - depth) {
          throw new IssError(
            `core ${core} (pc ${hex(pc)}): dispatch FIFO overflow: push ${idx} overwrites entry ${idx - depth} (${hex(old.value)}) ` +
              `that core ${k} has not popped (depth ${depth})`,
          );
        }
      }
    }
    this.fifo[idx % depth] = { value: value >>> 0, team: this.teamConfig };
    this.writePtr++;
    for (let k = 0; k < this.nbCores; k++) if (this.cores[k]!.popPending) this.tryPop(k);
  }

  /** A pending pop takes the next entry whose team holds the core; entries for other cores are skipped. */
  private tryPop(core: number): void {
    const c = this.cores[core]!;
    const depth = this.config.dispatchDepth;
    // Entries older than the FIFO's depth were overwritten; push() checked that none was for this core.
    if (c.readPtr < this.writePtr - depth) c.readPtr = this.writePtr - depth;
    while (c.readPtr < this.writePtr) {
      const e = this.fifo[c.readPtr % depth]!;
      c.readPtr++;
      if ((e.team >>> core) & 1) {
        c.popped = e.value;
        c.popPending = false;
        this.raise(1 << core, EVT_DISPATCH);
        return;
      }
    }
  }
}
