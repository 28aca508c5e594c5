// The functional memory system of the cluster, shared by every core of the cluster ISS: L2 and TCDM as flat byte
// arrays, the TCDM aliases, and the cluster peripherals the programs touch, routed as pulp_cluster 9fd9c3e's
// core_demux does (fact sheet pulp-cluster.md §1 "How a core's data request is routed"). Each core reads and
// writes through its own port (`port(k)`), because the event unit's demux registers are a per-core view.
//
// Aliases (fact sheet §1): the TCDM also answers at its address with bit `testSetBit` (20) set — a load there is
// a test-and-set: it returns the old bytes and leaves all-ones under the load's byte enables (tcdm_interconnect/
// README.md "Test-and-set"; a store there is a plain store) — and at the local-cluster alias 0x0000_0000 (the
// cluster base bits cleared), with the same test-and-set bit. The RTL decodes only the bank and row bits inside
// the 1 MiB TCDM window, so 0x1001_0000 would wrap onto 0x1000_0000; here such an access is an error instead,
// since no program means it.
import type { ClusterSystemConfig, MemRegion } from '../../rtl/config/index.ts';
import { describeMap } from '../../kernels/toolchain/loader.ts';
import { ClusterEventUnit } from './cluster_event_unit.ts';
import { type AccessKind, IssError, IssStall, UnmappedAccessError, hex } from './errors.ts';
import type { IssBus } from './memory.ts';

/** Cluster base bits: each cluster owns 0x40_0000 from 0x1000_0000 (fact sheet §1). */
const CLUSTER_SPAN = 0x40_0000;

interface Ram {
  name: string;
  base: number;
  end: number;
  bytes: Uint8Array;
}

/** The cluster control unit's registers as plain storage (cluster_ctrl_v2: EOC 0x0, FETCH_EN 0x8, BOOT_ADDR 0x40+4k). */
export class ClusterCtrl {
  readonly regs = new Map<number, number>();
  constructor(cores: number, bootAddr: number) {
    for (let k = 0; k < cores; k++) this.regs.set(0x40 + 4 * k, bootAddr >>> 0);
  }
  read(off: number): number {
    return this.regs.get(off) ?? 0;
  }
  write(off: number, value: number): void {
    this.regs.set(off, value >>> 0);
  }
}

/**
 * The I$ control unit (mp_pf_icache_ctrl_unit, icache/README.md "Control unit"): the functional model has no
 * cache, so only the registers are kept (the enable is what the runtime's start-up sets).
 */
export class IcacheCtrl {
  enabled = false;
  flushes = 0;
  private readonly regs = new Map<number, number>();
  read(off: number): number {
    switch (off) {
      case 0x00:
      case 0x0c:
      case 0x10:
      case 0x14:
      case 0x20:
      case 0x24:
        return this.regs.get(off) ?? 0;
      case 0x04:
        return 0; // FLUSH clears itself once the flush is acknowledged.
      case 0x40:
      case 0x44:
      case 0x48:
        return 0; // statistics counters
      case 0x4c:
        return 0xffffffff;
      default:
        return 0xdeadcace;
    }
  }
  write(off: number, value: number): boolean {
    switch (off) {
      case 0x00:
        this.enabled = (value & 1) !== 0;
        break;
      case 0x04:
        if (value & 1) this.flushes++;
        return true;
      case 0x0c:
      case 0x10:
      case 0x14:
      case 0x20:
      case 0x24:
        break;
      default:
        return false; // the RTL's FSM never responds: the core would hang
    }
    this.regs.set(off, value >>> 0);
    return true;
  }
}

export class ClusterMemory {
  readonly tcdm: Ram;
  readonly rams: Ram[];
  readonly eventUnit: ClusterEventUnit;
  readonly clusterCtrl: ClusterCtrl;
  readonly icacheCtrl = new IcacheCtrl();
  private readonly tas: number;
  private readonly localBase: number;
  private readonly ctrlRegion: MemRegion | undefined;
  private readonly icRegion: MemRegion | undefined;
  private readonly euRegion: MemRegion | undefined;
  private readonly mapText: string;
  private readonly ports: ClusterPort[] = [];

  constructor(readonly config: ClusterSystemConfig) {
    const cores = config.cluster.cores;
    const byName = (n: string): MemRegion | undefined => config.memory.find((r) => r.name === n);
    const t = byName('tcdm');
    if (!t) throw new Error(`cluster memory map: no region named 'tcdm' (${describeMap(config.memory)})`);
    const tcdmBytes = config.cluster.tcdm.banks * config.cluster.tcdm.bankWords * 4;
    if (t.size !== tcdmBytes) {
      throw new Error(`cluster memory map: region 'tcdm' is ${t.size} bytes but cluster.tcdm has ${tcdmBytes} (banks x bankWords x 4)`);
    }
    this.rams = config.memory
      .filter((r) => r.kind === 'ram' || r.kind === 'rom')
      .map((r) => ({ name: r.name, base: r.base >>> 0, end: (r.base >>> 0) + r.size, bytes: new Uint8Array(r.size) }));
    this.tcdm = this.rams.find((r) => r.name === 'tcdm')!;
    this.tas = 1 << config.cluster.tcdm.testSetBit;
    this.localBase = this.tcdm.base % CLUSTER_SPAN;
    this.ctrlRegion = byName('cluster_ctrl');
    this.icRegion = byName('icache_ctrl');
    this.euRegion = byName('event_unit');
    this.eventUnit = new ClusterEventUnit(cores, config.cluster.eventUnit);
    this.clusterCtrl = new ClusterCtrl(cores, config.bootAddr);
    this.mapText =
      describeMap(config.memory) +
      ` (TCDM aliases: test-and-set ${hex(this.tcdm.base + this.tas)}, local ${hex(this.localBase)}, local test-and-set ${hex(this.localBase + this.tas)})`;
    for (let k = 0; k < cores; k++) this.ports.push(new ClusterPort(this, k));
  }

  /** Core k's view (what its Iss reads and writes through). */
  port(core: number): ClusterPort {
    const p = this.ports[core];
    if (!p) throw new RangeError(`no core ${core} in a cluster of ${this.ports.length}`);
    return p;
  }

  /** RAM (TCDM through any alias, L2) holding [a, a + bytes): the array and offset, plus whether it is a TAS alias. */
  private ram(a: number, bytes: number): { r: Ram; o: number; tas: boolean } | undefined {
    for (const r of this.rams) if (a >= r.base && a + bytes <= r.end) return { r, o: a - r.base, tas: false };
    const t = this.tcdm;
    const size = t.end - t.base;
    for (const [base, tas] of [
      [t.base + this.tas, true],
      [this.localBase, false],
      [this.localBase + this.tas, true],
    ] as const) {
      if (a >= base && a + bytes <= base + size) return { r: t, o: a - base, tas };
    }
    return undefined;
  }

  private unmapped(core: number, pc: number, a: number, bytes: number, access: AccessKind): IssError {
    const e = new UnmappedAccessError(pc, a, bytes, access, this.mapText);
    e.message = `core ${core}: ${e.message}`;
    return e;
  }

  read(core: number, addr: number, bytes: number, pc: number, access: AccessKind, event: boolean): number {
    const a = addr >>> 0;
    // Fast path without allocation: L2 and TCDM at their own addresses (every fetch, most data).
    const rams = this.rams;
    for (let i = 0; i < rams.length; i++) {
      const r = rams[i]!;
      if (a >= r.base && a + bytes <= r.end) {
        if (event) throw new IssError(`core ${core} (pc ${hex(pc)}): p.elw to ${hex(a)}, which is memory, not an event-unit register`);
        return readLe(r.bytes, a - r.base, bytes);
      }
    }
    const m = this.ram(a, bytes);
    if (m) {
      if (event) throw new IssError(`core ${core} (pc ${hex(pc)}): p.elw to ${hex(a)}, which is memory, not an event-unit register`);
      const v = readLe(m.r.bytes, m.o, bytes);
      if (m.tas && access === 'load') m.r.bytes.fill(0xff, m.o, m.o + bytes);
      return v;
    }
    if (access === 'fetch') throw this.unmapped(core, pc, a, bytes, access);
    const p = this.periph(core, a, bytes, pc, access);
    if (p.unit === 'eu') {
      const v = this.eventUnit.read(core, p.off, event, pc);
      if (v === undefined) throw new IssStall(`core ${core} ${this.eventUnit.describeWait(core)}`);
      return v;
    }
    if (event) throw new IssError(`core ${core} (pc ${hex(pc)}): p.elw to ${hex(a)}, which is not an event-unit register`);
    return p.unit === 'ctrl' ? this.clusterCtrl.read(p.off) : this.icacheCtrl.read(p.off);
  }

  write(core: number, addr: number, bytes: number, value: number, pc: number): void {
    const a = addr >>> 0;
    const rams = this.rams;
    for (let i = 0; i < rams.length; i++) {
      const r = rams[i]!;
      if (a >= r.base && a + bytes <= r.end) {
        const o = a - r.base;
        for (let j = 0; j < bytes; j++) r.bytes[o + j] = (value >>> (8 * j)) & 0xff;
        return;
      }
    }
    const m = this.ram(a, bytes);
    if (m) {
      for (let i = 0; i < bytes; i++) m.r.bytes[m.o + i] = (value >>> (8 * i)) & 0xff;
      return;
    }
    const p = this.periph(core, a, bytes, pc, 'store');
    if (p.unit === 'eu') this.eventUnit.write(core, p.off, value, pc);
    else if (p.unit === 'ctrl') this.clusterCtrl.write(p.off, value);
    else if (!this.icacheCtrl.write(p.off, value)) {
      throw new IssError(`core ${core} (pc ${hex(pc)}): store to I$ control offset ${hex(p.off)}: the RTL's control unit never answers it (the core would hang)`);
    }
  }

  private periph(core: number, a: number, bytes: number, pc: number, access: AccessKind): { unit: 'eu' | 'ctrl' | 'ic'; off: number } {
    const inside = (r: MemRegion | undefined): boolean => r !== undefined && a >= r.base && a + bytes <= r.base + r.size;
    const unit = inside(this.euRegion) ? 'eu' : inside(this.ctrlRegion) ? 'ctrl' : inside(this.icRegion) ? 'ic' : undefined;
    if (!unit) throw this.unmapped(core, pc, a, bytes, access);
    if (bytes !== 4 || (a & 3) !== 0) {
      throw new IssError(`core ${core} (pc ${hex(pc)}): ${access} of ${bytes} byte(s) at ${hex(a)}: cluster peripherals take aligned words only`);
    }
    const base = unit === 'eu' ? this.euRegion!.base : unit === 'ctrl' ? this.ctrlRegion!.base : this.icRegion!.base;
    return { unit, off: a - base };
  }

  writeBytes(addr: number, data: Uint8Array): void {
    if (data.length === 0) return;
    const m = this.ram(addr >>> 0, data.length);
    if (!m) throw this.unmapped(-1, 0, addr >>> 0, data.length, 'store');
    m.r.bytes.set(data, m.o);
  }

  readBytes(addr: number, length: number): Uint8Array {
    if (length === 0) return new Uint8Array(0);
    const m = this.ram(addr >>> 0, length);
    if (!m) throw this.unmapped(-1, 0, addr >>> 0, length, 'load');
    return m.r.bytes.slice(m.o, m.o + length);
  }

  /** Little-endian word of RAM (no test-and-set side effect), for tests and reports. */
  readWord(addr: number): number {
    const b = this.readBytes(addr, 4);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  writeWord(addr: number, value: number): void {
    this.writeBytes(addr, new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]));
  }

  mapped(addr: number, bytes = 1): boolean {
    return this.ram(addr >>> 0, bytes) !== undefined;
  }
}

function readLe(b: Uint8Array, o: number, bytes: number): number {
  if (bytes === 4) return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
  if (bytes === 2) return b[o]! | (b[o + 1]! << 8);
  return b[o]!;
}

/** One core's port into the shared memory system. */
export class ClusterPort implements IssBus {
  constructor(
    private readonly mem: ClusterMemory,
    readonly core: number,
  ) {}
  read(addr: number, bytes: number, pc: number, access: AccessKind = 'load'): number {
    return this.mem.read(this.core, addr, bytes, pc, access, false);
  }
  write(addr: number, bytes: number, value: number, pc: number): void {
    this.mem.write(this.core, addr, bytes, value, pc);
  }
  readEvent(addr: number, pc: number): number {
    return this.mem.read(this.core, addr, 4, pc, 'load', true);
  }
  writeBytes(addr: number, data: Uint8Array): void {
    this.mem.writeBytes(addr, data);
  }
  readBytes(addr: number, length: number): Uint8Array {
    return this.mem.readBytes(addr, length);
  }
  mapped(addr: number, bytes = 1): boolean {
    return this.mem.mapped(addr, bytes);
  }
}
