// A tiny Hart for the XpulpV2 / CORE-V semantics tests: 32 registers, a sparse byte memory, and logs of the
// effects the controller owns (jump target, loop registers, event loads). Load data is written after the
// instruction's own register writes, as the Hart contract requires.
import { byId } from './table.ts';
import type { Flavour, Hart, Operands } from './types.ts';

export class MiniHart implements Hart {
  pc: number;
  readonly size = 4 as const;
  flavour: Flavour;
  readonly r = new Int32Array(32);
  readonly mem = new Map<number, number>();
  target: number | undefined;
  readonly loops: Array<[number, string, number]> = [];
  readonly elws: Array<[number, number]> = [];
  private after: Array<() => void> = [];

  constructor(flavour: Flavour = 'xpulpv2', pc = 0x1000) {
    this.flavour = flavour;
    this.pc = pc;
  }
  x(n: number): number {
    return n === 0 ? 0 : this.r[n]!;
  }
  setX(n: number, v: number): void {
    if (n !== 0) this.r[n] = v;
  }
  jump(t: number): void {
    this.target = t;
  }
  load(rd: number, addr: number, bytes: 1 | 2 | 4, signed: boolean): void {
    let v = 0;
    for (let i = bytes - 1; i >= 0; i--) v = v * 256 + (this.mem.get((addr + i) >>> 0) ?? 0);
    const sh = 32 - 8 * bytes;
    const val = signed ? (v << sh) >> sh : v | 0;
    this.after.push(() => this.setX(rd, val));
  }
  store(addr: number, bytes: 1 | 2 | 4, value: number): void {
    for (let i = 0; i < bytes; i++) this.mem.set((addr + i) >>> 0, (value >>> (8 * i)) & 0xff);
  }
  elw(rd: number, addr: number): void {
    this.elws.push([rd, addr]);
    this.load(rd, addr, 4, true);
  }
  csr(): number {
    throw new Error('MiniHart: no CSRs');
  }
  setLoop(L: number, what: 'start' | 'end' | 'count', value: number): void {
    this.loops.push([L, what, value]);
  }
  system(): void {
    throw new Error('MiniHart: no system instructions');
  }
  illegal(): void {
    throw new Error('MiniHart: illegal');
  }
  word(addr: number): number {
    let v = 0;
    for (let i = 3; i >= 0; i--) v = v * 256 + (this.mem.get((addr + i) >>> 0) ?? 0);
    return v | 0;
  }
  /** Runs table entry `id` with `ops` (absent operands 0) after loading `regs`; returns this. */
  run(id: string, ops: Partial<Operands>, regs: Record<number, number> = {}): this {
    for (const [k, v] of Object.entries(regs)) this.setX(Number(k), v | 0);
    const o: Operands = { rd: 0, rs1: 0, rs2: 0, rs3: 0, imm: 0, imm2: 0, csr: 0, L: 0, pred: 0, succ: 0, ...ops };
    const d = byId(id);
    if (!d.exec) throw new Error(`${id}: no exec`);
    this.target = undefined;
    d.exec(this, o);
    for (const f of this.after) f();
    this.after = [];
    return this;
  }
}

/** Result register of a single instruction: runs `id` with rd = x10, rs1 = x11, rs2 = x12 preloaded. */
export function res(id: string, a: number, b = 0, extra: Partial<Operands> = {}, rdInit = 0): number {
  const h = new MiniHart();
  h.run(id, { rd: 10, rs1: 11, rs2: 12, ...extra }, { 10: rdInit, 11: a, 12: b });
  return h.x(10);
}
