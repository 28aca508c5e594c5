// Memories: word arrays outside the slot array. Reads see the contents at the start of the cycle (a memory
// read is never a combinational dependency); writes are queued by seq processes and applied at the commit,
// like a synchronous SRAM write port. `writePorts` bounds the writes per cycle.
import type { Access, Value } from './signal.ts';
import type { Module } from './module.ts';
import { SimulationError } from './errors.ts';

export interface MemoryOptions {
  /** Writes accepted per cycle (default 1). */
  writePorts?: number;
  /** Initial contents (shorter arrays leave the rest zero). */
  init?: ArrayLike<number>;
}

export class MemoryImpl {
  readonly data: Uint32Array;
  readonly mask: number;
  /** Pending writes: address, data, bit mask; `wn` of them. */
  readonly wa: Uint32Array;
  readonly wd: Uint32Array;
  readonly wm: Uint32Array;
  wn = 0;
  acc: Access;
  path = '';
  name: string | null;

  constructor(
    readonly owner: Module,
    readonly width: number,
    readonly depth: number,
    readonly writePorts: number,
    name: string | null,
    acc: Access,
  ) {
    this.data = new Uint32Array(depth);
    this.mask = width === 32 ? -1 : (1 << width) - 1;
    this.wa = new Uint32Array(writePorts);
    this.wd = new Uint32Array(writePorts);
    this.wm = new Uint32Array(writePorts);
    this.name = name;
    this.acc = acc;
  }

  /** Contents at `addr` as of the start of this cycle. */
  read(addr: number): number {
    return this.acc.memRd(this, addr);
  }

  /** Queue a write applied at the clock edge; `mask` selects the bits written (byte enables). */
  write(addr: number, data: Value, mask = 0xffffffff): void {
    this.acc.memWr(this, addr, data, mask);
  }

  /** Applies the queued writes in order (later writes win). Called at commit. */
  flush(): void {
    const d = this.data;
    for (let k = 0; k < this.wn; k++) {
      const addr = this.wa[k]!;
      if (addr < this.depth) {
        const m = this.wm[k]!;
        d[addr] = (d[addr]! & ~m) | (this.wd[k]! & m);
      }
    }
    this.wn = 0;
  }

  tooManyWrites(): never {
    throw new SimulationError(`memory '${this.label()}': more than ${this.writePorts} write(s) in one cycle`);
  }

  label(): string {
    return this.path !== '' ? this.path : (this.name ?? '<unnamed memory>');
  }
}

/** The generated-code back-end's memories (re-parented like FastSignal): no checks but the port count. */
export class FastMemory extends MemoryImpl {
  override read(addr: number): number {
    const a = addr >>> 0;
    return a < this.depth ? this.data[a]! : 0;
  }
  override write(addr: number, data: Value, mask = 0xffffffff): void {
    const n = this.wn;
    if (n >= this.writePorts) this.tooManyWrites();
    this.wa[n] = addr;
    this.wd[n] = (data === true ? 1 : data === false ? 0 : data) & this.mask;
    this.wm[n] = mask & this.mask;
    this.wn = n + 1;
  }
}

export type Memory = MemoryImpl;
