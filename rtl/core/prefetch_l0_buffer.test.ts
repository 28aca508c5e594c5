// RI5CY's 128-bit prefetcher in isolation: a line memory behind it (grant after G cycles, answer the next cycle) and
// a consumer that takes an instruction when it is valid unless stalled. Expected streams come from an independent
// walk of the program image (16-bit when the low two bits are not 11, else 32-bit), not from the model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Module, Simulator } from '../../sim/index.ts';
import { PrefetchL0Buffer } from './prefetch_l0_buffer.ts';

/** A memory of 16-byte lines: `req` granted after `g` waiting cycles, the line in the cycle after the grant. */
class LineMem extends Module {
  req = this.input(1);
  addr = this.input(32);
  gnt = this.output(1);
  rvalid = this.reg(1);
  rdata = [this.reg(32), this.reg(32), this.reg(32), this.reg(32)];
  wait = this.reg(8);
  grants = this.reg(32);
  constructor(g: number, word: (a: number) => number) {
    super();
    this.comb('gnt_p', () => {
      this.gnt.v = this.req.v & (this.wait.v >= g ? 1 : 0);
    });
    this.seq('mem', () => {
      const take = this.req.v & this.gnt.v;
      this.rvalid.next = take;
      this.wait.next = this.req.v && !take ? this.wait.v + 1 : 0;
      if (take) {
        this.grants.next = this.grants.v + 1;
        const a = this.addr.v >>> 0;
        for (let i = 0; i < 4; i++) this.rdata[i]!.next = word(a + 4 * i);
      }
    });
  }
}

class Top extends Module {
  branch = this.input(1);
  target = this.input(32);
  stall = this.input(1);
  pf = new PrefetchL0Buffer();
  mem: LineMem;
  take = this.wire(1);
  constructor(g: number, word: (a: number) => number) {
    super();
    this.mem = new LineMem(g, word);
    const { pf, mem } = this;
    this.connect(pf.branch, this.branch);
    this.connect(pf.addr_i, this.target);
    this.tie(pf.hwloop, 0);
    this.tie(pf.hwloop_target, 0);
    this.connect(mem.req, pf.instr_req);
    this.connect(mem.addr, pf.instr_addr);
    this.connect(pf.instr_gnt, mem.gnt);
    this.connect(pf.instr_rvalid, mem.rvalid);
    for (let i = 0; i < 4; i++) this.connect(pf.instr_rdata[i]!, mem.rdata[i]!);
    this.comb('consumer', () => {
      this.take.v = this.pf.valid_o.v & (this.stall.v ^ 1);
    });
    this.connect(pf.ready, this.take);
  }
}

/** A program image of instructions at `base`: sizes 2/4, contents random but with the right low bits. */
function image(base: number, sizes: number[], seed: number): { half: Map<number, number>; pcs: number[] } {
  const half = new Map<number, number>();
  const pcs: number[] = [];
  let a = base;
  let x = seed >>> 0 || 1;
  const rnd = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (const s of sizes) {
    pcs.push(a);
    if (s === 2) {
      half.set(a, (rnd() & 0xfffc) | (rnd() % 3)); // low bits 00, 01 or 10
      a += 2;
    } else {
      half.set(a, (rnd() & 0xfffc) | 3);
      half.set(a + 2, rnd() & 0xffff);
      a += 4;
    }
  }
  return { half, pcs };
}

function run(g: number, base: number, sizes: number[], stalls: boolean[], seed: number, branchAt = -1, branchTo = 0) {
  const { half } = image(base, sizes, seed);
  const h = (a: number): number => half.get(a) ?? 0x0001; // outside the program: c.nop-like 16-bit filler
  const word = (a: number): number => ((h(a + 2) << 16) | h(a)) >>> 0;
  const top = new Top(g, word);
  const sim = new Simulator(top);
  const got: { cycle: number; addr: number; instr: number; grants: number }[] = [];
  sim.poke(top.branch, 1);
  sim.poke(top.target, base);
  for (let c = 0; c < 400; c++) {
    if (c > 0) {
      sim.poke(top.branch, c === branchAt ? 1 : 0);
      if (c === branchAt) sim.poke(top.target, branchTo);
    }
    sim.poke(top.stall, stalls[c % stalls.length] ? 1 : 0);
    if (sim.peek(top.take)) {
      const a = sim.peek(top.pf.addr_o);
      const d = sim.peek(top.pf.rdata_o);
      got.push({ cycle: c, addr: a, instr: (d & 3) === 3 ? d >>> 0 : d & 0xffff, grants: sim.peek(top.mem.grants) + (sim.peek(top.mem.req) & sim.peek(top.mem.gnt)) });
    }
    sim.step();
  }
  return { got, h };
}

/** The instruction the walk finds at `a`. */
const at = (h: (a: number) => number, a: number): { instr: number; size: number } =>
  (h(a) & 3) === 3 ? { instr: ((h(a + 2) << 16) | h(a)) >>> 0, size: 4 } : { instr: h(a), size: 2 };

function expectWalk(got: { addr: number; instr: number }[], h: (a: number) => number, start: number): void {
  let a = start;
  for (const x of got) {
    const e = at(h, a);
    expect(x.addr).toBe(a);
    expect(x.instr).toBe(e.instr);
    a += e.size;
  }
}

const sizesArb = fc.array(fc.constantFrom(2, 4), { minLength: 40, maxLength: 120 });

describe('RI5CY L0 prefetch buffer (128-bit fetch)', () => {
  it('straight 32-bit code from a fresh branch, memory G=0: one line fetch per 4 instructions, no bubble after the first', () => {
    const sizes = Array<number>(64).fill(4);
    const { got, h } = run(0, 0x1c00_0080, sizes, [false], 7);
    expectWalk(got.slice(0, 64), h, 0x1c00_0080);
    // branch in cycle 0: request in 0, line in 1, first instruction handed over in 1; then every cycle.
    expect(got[0]!.cycle).toBe(1);
    for (let i = 1; i < 64; i++) expect(got[i]!.cycle).toBe(got[i - 1]!.cycle + 1);
    // Grants up to and including the cycle instruction i is handed over: lines 0..floor(i/4), and from the last word
    // of a line on (fetch_possible) the next one.
    for (let i = 0; i < 64; i++) expect(got[i]!.grants, `instruction ${i}`).toBe(Math.floor(i / 4) + (i % 4 === 3 ? 2 : 1));
  });

  it('delivers the program in order for any mix of 16/32-bit instructions, start alignment, grant delay and stalls', () => {
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 9 }),
        fc.integer({ min: 1, max: 1 << 30 }),
        (sizes, startHalf, g, stalls, seed) => {
          if (stalls.every((s) => s)) stalls = [...stalls, false];
          const base = 0x1c00_0100 + 2 * startHalf;
          const { got, h } = run(g, base, sizes, stalls, seed);
          const n = Math.min(got.length, sizes.length);
          expect(n).toBeGreaterThan(10);
          expectWalk(got.slice(0, n), h, base);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('after a branch the stream restarts at the target, and nothing is handed over in the branch cycle', () => {
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({ min: 3, max: 60 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 1 << 30 }),
        (sizes, branchAt, targetIdx, g, seed) => {
          const base = 0x1c00_0200;
          const { pcs } = image(base, sizes, seed);
          const target = pcs[Math.min(targetIdx, pcs.length - 1)]!;
          const { got, h } = run(g, base, sizes, [false, false, true], seed, branchAt, target);
          const before = got.filter((x) => x.cycle < branchAt);
          const after = got.filter((x) => x.cycle > branchAt);
          expect(got.some((x) => x.cycle === branchAt)).toBe(false);
          expectWalk(before, h, base);
          const inProgram = after.filter((x, i) => i < 20 && x.addr < base + sizes.reduce((s, v) => s + v, 0) - 4);
          expectWalk(inProgram, h, target);
        },
      ),
      { numRuns: 40 },
    );
  });
});
