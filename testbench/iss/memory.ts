// The memory of the single-core test system: one byte array per region of the configured map (flat
// little-endian RAM, testbench/fixtures/timing/README.md). Accesses may be misaligned (fact sheet §4.14: split
// in two by the LSU, no exception); an access that leaves the map names pc, address and kind.
import type { MemRegion } from '../../rtl/config/index.ts';
import { describeMap } from '../../kernels/toolchain/loader.ts';
import { type AccessKind, UnmappedAccessError } from './errors.ts';

/**
 * What the ISS reads and writes through: its own IssMemory by default, or a shared memory system (the cluster's,
 * testbench/iss/cluster_memory.ts) whose per-core port routes peripherals. A read may throw IssStall when the
 * access cannot complete yet (the core waits, e.g. on the event unit).
 */
export interface IssBus {
  read(addr: number, bytes: number, pc: number, access?: AccessKind): number;
  write(addr: number, bytes: number, value: number, pc: number): void;
  writeBytes(addr: number, data: Uint8Array): void;
  readBytes(addr: number, length: number): Uint8Array;
  mapped(addr: number, bytes?: number): boolean;
  /** p.elw (word): present when the system has an event unit; without it an event load is a plain load. */
  readEvent?(addr: number, pc: number): number;
}

interface Bank {
  base: number;
  end: number;
  bytes: Uint8Array;
}

export class IssMemory implements IssBus {
  private readonly banks: Bank[];
  private readonly mapText: string;

  constructor(readonly regions: MemRegion[]) {
    this.banks = regions.map((r) => ({ base: r.base >>> 0, end: (r.base >>> 0) + r.size, bytes: new Uint8Array(r.size) }));
    this.mapText = describeMap(regions);
  }

  private bank(addr: number, bytes: number, pc: number, access: AccessKind): Bank {
    const a = addr >>> 0;
    for (const b of this.banks) if (a >= b.base && a + bytes <= b.end) return b;
    throw new UnmappedAccessError(pc, a, bytes, access, this.mapText);
  }

  /** Little-endian unsigned read of 1, 2 or 4 bytes (the result is a non-negative number). */
  read(addr: number, bytes: number, pc: number, access: AccessKind = 'load'): number {
    const b = this.bank(addr, bytes, pc, access);
    const o = (addr >>> 0) - b.base;
    const m = b.bytes;
    if (bytes === 4) return (m[o]! | (m[o + 1]! << 8) | (m[o + 2]! << 16) | (m[o + 3]! << 24)) >>> 0;
    if (bytes === 2) return m[o]! | (m[o + 1]! << 8);
    return m[o]!;
  }

  write(addr: number, bytes: number, value: number, pc: number): void {
    const b = this.bank(addr, bytes, pc, 'store');
    const o = (addr >>> 0) - b.base;
    for (let i = 0; i < bytes; i++) b.bytes[o + i] = (value >>> (8 * i)) & 0xff;
  }

  /** Copies `data` to `addr` (used by the ELF loader and by tests). */
  writeBytes(addr: number, data: Uint8Array): void {
    if (data.length === 0) return;
    const b = this.bank(addr, data.length, 0, 'store');
    b.bytes.set(data, (addr >>> 0) - b.base);
  }

  readBytes(addr: number, length: number): Uint8Array {
    if (length === 0) return new Uint8Array(0);
    const b = this.bank(addr, length, 0, 'load');
    const o = (addr >>> 0) - b.base;
    return b.bytes.slice(o, o + length);
  }

  /** True when [addr, addr + bytes) lies inside one region. */
  mapped(addr: number, bytes = 1): boolean {
    const a = addr >>> 0;
    return this.banks.some((b) => a >= b.base && a + bytes <= b.end);
  }
}
