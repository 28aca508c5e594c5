// A minimal Hart for semantics tests: 32 registers, a sparse byte memory, a CSR map, and a log of the
// controller-level effects (jumps, system requests, loop registers, illegal). Used by the rtl/isa tests and
// available to other tests of table entries.
import { findId } from './table.ts';
import { zeroOperands } from './fields.ts';
import type { Flavour, Hart, Operands } from './types.ts';

export class TestHart implements Hart {
  pc: number;
  size: 2 | 4 = 4;
  flavour: Flavour;
  readonly regs = new Int32Array(32);
  readonly mem = new Map<number, number>();
  readonly csrs = new Map<number, number>();
  /** CSR accesses in order: number and whether it was written. */
  readonly csrLog: Array<{ csr: number; write: boolean }> = [];
  next: number | undefined;
  readonly system_: string[] = [];
  readonly loops: Array<{ L: number; what: string; value: number }> = [];
  illegalRaised = false;
  /** Pending load write-backs, applied after the instruction (the Hart contract: after any setX). */
  private pendingLoads: Array<() => void> = [];

  constructor(pc = 0x1000, flavour: Flavour = 'xpulpv2') {
    this.pc = pc;
    this.flavour = flavour;
  }

  x(r: number): number {
    return r === 0 ? 0 : this.regs[r]!;
  }
  setX(r: number, value: number): void {
    if (r !== 0) this.regs[r] = value;
  }
  jump(target: number): void {
    this.next = target;
  }
  readByte(a: number): number {
    return this.mem.get(a >>> 0) ?? 0;
  }
  writeByte(a: number, v: number): void {
    this.mem.set(a >>> 0, v & 0xff);
  }
  readMem(addr: number, bytes: number): number {
    let v = 0;
    for (let i = bytes - 1; i >= 0; i--) v = (v * 256 + this.readByte(addr + i)) >>> 0;
    return v;
  }
  load(rd: number, addr: number, bytes: 1 | 2 | 4, signed: boolean): void {
    const raw = this.readMem(addr, bytes);
    const s = 32 - bytes * 8;
    const v = signed ? (raw << s) >> s : s === 0 ? raw | 0 : raw;
    this.pendingLoads.push(() => this.setX(rd, v | 0));
  }
  store(addr: number, bytes: 1 | 2 | 4, value: number): void {
    for (let i = 0; i < bytes; i++) this.writeByte(addr + i, value >>> (8 * i));
  }
  elw(rd: number, addr: number): void {
    this.load(rd, addr, 4, true);
  }
  csr(csr: number, write: boolean, value: (old: number) => number): number {
    const old = this.csrs.get(csr) ?? 0;
    this.csrLog.push({ csr, write });
    if (write) this.csrs.set(csr, value(old) | 0);
    return old;
  }
  setLoop(L: number, what: 'start' | 'end' | 'count', value: number): void {
    this.loops.push({ L, what, value });
  }
  system(kind: string): void {
    this.system_.push(kind);
  }
  illegal(): void {
    this.illegalRaised = true;
  }

  /** Runs the entry `id` (an RVC id runs its expansion with size 2) with the given operands. */
  run(id: string, ops: Partial<Operands>): this {
    const def = findId(id);
    if (!def) throw new Error(`no instruction '${id}'`);
    const o = { ...zeroOperands(), ...ops };
    this.next = undefined;
    if (def.expandsTo) {
      const target = findId(def.expandsTo);
      if (!target?.exec || !def.expand) throw new Error(`${id}: bad expansion`);
      this.size = 2;
      target.exec(this, def.expand(o));
    } else {
      if (!def.exec) throw new Error(`${id}: no semantics`);
      this.size = 4;
      def.exec(this, o);
    }
    for (const f of this.pendingLoads) f();
    this.pendingLoads = [];
    return this;
  }
}
