// Activity-based evaluation (activity.ts) against full evaluation: on random netlists (comb processes with
// data-dependent reads through muxes, registers in clock-gated children, a memory read combinationally and
// written by a seq process, seq processes declared stable, top-level inputs poked at random cycles, resets
// mid-run), the generated code with
// activity, the generated code without it and the strict interpreter agree on every slot every cycle. Plus
// hand-built cases: a process that must not re-run when its inputs are stable, and the strictReads error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Module, Simulator, type Input, type Reg, type Signal, type Wire } from './index.ts';
import { Activity } from './activity.ts';
import type { Memory } from './memory.ts';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

const maskOf = (w: number): number => (w === 32 ? 0xffffffff : 2 ** w - 1);

interface Shape {
  seed: number;
  nIn: number;
  nReg: number;
  nWire: number;
}

/** Registers live in child modules (some gated by input 0), wires are driven by processes of the top or of a child
 *  (a gated child's comb processes form activity groups, tested behind one flag). */
class Child extends Module {
  regs: Reg[] = [];
  wires: Wire[] = [];
  constructor(widths: number[], resets: number[]) {
    super();
    this.regs = widths.map((w, k) => this.reg(w, resets[k]!));
  }
  addSeq(fn: () => void, stable: boolean): void {
    this.seq(fn, { stable });
  }
  addWire(width: number): Wire {
    const w = this.wire(width);
    this.wires.push(w);
    return w;
  }
  addComb(name: string, fn: () => void): void {
    this.comb(name, fn);
  }
}

class RandomTop extends Module {
  ins: Input[];
  kids: Child[];
  wires: Wire[] = [];
  mem: Memory;
  memQ: Wire;
  constructor(sh: Shape) {
    super();
    const R = rng(sh.seed);
    const pick = (n: number): number => R() % n;
    const W = [1, 3, 8, 16, 32];
    this.ins = Array.from({ length: sh.nIn }, (_, k) => this.input(k === 0 ? 1 : W[pick(W.length)]!));
    const nKids = 1 + pick(3);
    const regW = Array.from({ length: sh.nReg }, () => W[pick(W.length)]!);
    const per = Math.ceil(sh.nReg / nKids);
    this.kids = Array.from({ length: nKids }, (_, c) => {
      const ws = regW.slice(c * per, (c + 1) * per);
      return new Child(ws, ws.map((w) => (R() & maskOf(w)) >>> 0));
    });
    this.kids.forEach((kid, c) => {
      if (c > 0 && (R() & 1) === 1) this.clockGate(kid, this.ins[0]!);
    });
    const regs = this.kids.flatMap((k) => k.regs);
    this.mem = this.memory(8, 16, { init: Array.from({ length: 16 }, () => R() & 0xff) });
    this.memQ = this.wire(8);
    const sources: Signal[] = [...this.ins, ...regs];
    // The memory's read port: address from a register (or an input), a comb read of the contents.
    const addrSrc = sources[pick(sources.length)]!;
    this.comb('mem_rd', () => {
      this.memQ.v = this.mem.read(addrSrc.v & 15);
    });
    sources.push(this.memQ);
    for (let k = 0; k < sh.nWire; k++) {
      // Half the wires are driven by a process of a child, so a child's processes sit in runs between the top's.
      const owner = (R() & 1) === 1 ? this.kids[pick(nKids)]! : null;
      const w = owner === null ? this.wire(W[pick(W.length)]!) : owner.addWire(W[pick(W.length)]!);
      const mask = maskOf(w.width);
      // A mux whose select is narrow (so learning sees both ways), then an op on the chosen operands.
      const sel = sources.filter((s) => s.width <= 3);
      const s = sel.length > 0 ? sel[pick(sel.length)]! : this.ins[0]!;
      const a = sources[pick(sources.length)]!;
      const b = sources[pick(sources.length)]!;
      const c = sources[pick(sources.length)]!;
      const op = pick(4);
      const fn = (): void => {
        const x = (s.v & 1) === 1 ? a.v : b.v;
        const y = op === 0 ? x + c.v : op === 1 ? x ^ c.v : op === 2 ? Math.imul(x, c.v | 1) : x >>> (c.v & 7);
        w.v = (y & mask) >>> 0;
      };
      if (owner === null) this.comb(`w${k}`, fn);
      else owner.addComb(`w${k}`, fn);
      this.wires.push(w);
      sources.push(w);
    }
    // Each child's seq process: every register takes a function of random sources; one writes the memory.
    // Most seq processes are declared stable (skipped while their reads are stable; the memory writer never is).
    this.kids.forEach((kid, c) => {
      const stable = (R() & 3) !== 0;
      const srcs = kid.regs.map(() => [sources[pick(sources.length)]!, sources[pick(sources.length)]!] as const);
      // Half the designs write the very word being read (the read's address unchanged, its data not).
      const memWrite = c === 0 ? ([sources[pick(sources.length)]!, (R() & 1) === 1 ? addrSrc : sources[pick(sources.length)]!] as const) : null;
      kid.addSeq(() => {
        kid.regs.forEach((r, j) => {
          const [p, q] = srcs[j]!;
          r.next = ((p.v + 3 * q.v + 1) & maskOf(r.width)) >>> 0;
        });
        if (memWrite !== null && (memWrite[0].v & 1) === 1) this.mem.write(memWrite[1].v & 15, memWrite[0].v & 0xff);
      }, stable);
    });
  }
}

describe('activity-based evaluation', () => {
  it('agrees with full evaluation and the strict interpreter on every slot every cycle', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 0x7fffffff }),
          nIn: fc.integer({ min: 1, max: 4 }),
          nReg: fc.integer({ min: 1, max: 10 }),
          nWire: fc.integer({ min: 1, max: 24 }),
        }),
        fc.array(fc.tuple(fc.nat(3), fc.nat(0xffffffff)), { minLength: 40, maxLength: 40 }),
        (sh, stim) => {
          const sims = [
            new Simulator(new RandomTop(sh), { backend: 'codegen', activity: true }),
            new Simulator(new RandomTop(sh), { backend: 'codegen', activity: false }),
            new Simulator(new RandomTop(sh), { backend: 'interp', strictReads: true }),
          ];
          const tops = sims.map((s) => s.netlist.top as RandomTop);
          for (let c = 0; c < stim.length; c++) {
            const [what, val] = stim[c]!;
            sims.forEach((sim, k) => {
              const ins = tops[k]!.ins;
              // Mostly quiet inputs (so activity actually skips), sometimes a poke, rarely a reset.
              if (what === 1) sim.poke(ins[val % ins.length]!, (val & maskOf(ins[val % ins.length]!.width)) >>> 0);
              if (what === 2 && val % 5 === 0) sim.reset();
              sim.settle();
            });
            const ref = sims[2]!.values;
            expect(Array.from(sims[0]!.values), `cycle ${c}: activity vs interpreter`).toEqual(Array.from(ref));
            expect(Array.from(sims[1]!.values), `cycle ${c}: full codegen vs interpreter`).toEqual(Array.from(ref));
            expect(Array.from(tops[0]!.mem.data)).toEqual(Array.from(tops[2]!.mem.data));
            sims.forEach((sim) => sim.step());
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('does not re-run a comb process whose inputs are stable, and re-runs it when one changes', () => {
    let runs = 0;
    class T extends Module {
      a = this.input(8);
      b = this.input(8);
      r = this.reg(8, 0);
      sum = this.wire(8);
      constructor() {
        super();
        this.comb('add', () => {
          runs++;
          this.sum.v = (this.a.v + this.r.v) & 0xff;
        });
        this.seq('hold', () => {
          if (this.b.v === 1) this.r.next = 5;
        });
      }
    }
    const t = new T();
    const sim = new Simulator(t, { activity: true });
    sim.run(3);
    const base = runs;
    sim.run(10); // nothing changes: 'add' stays as it is
    expect(runs).toBe(base);
    sim.poke(t.a, 7);
    sim.step();
    expect(runs).toBe(base + 1);
    expect(sim.peek(t.sum)).toBe(7);
    sim.poke(t.b, 1); // r becomes 5 at the next edge, so 'add' runs again after it
    sim.step();
    expect(sim.peek(t.sum)).toBe(12);
    expect(runs).toBe(base + 2);
    sim.poke(t.a, 7); // same value: no change, no run
    sim.run(4);
    expect(runs).toBe(base + 2);
  });

  it('a clock-gated block skipped as a group still sees a poked input, a top process and a top register change', () => {
    interface Runs {
      a: number;
      b: number;
      d: number;
    }
    // The gated block's processes: a, b (reading the block's register and the top's bus and tick), then, after the
    // top's process t (which reads b), d reading t's output: two runs of one group in the order.
    class Block extends Module {
      bus = this.input(8);
      tick = this.input(8);
      tOut = this.input(8);
      r = this.reg(8, 3);
      a = this.wire(8);
      b = this.output(8);
      d = this.output(8);
      constructor(runs: Runs) {
        super();
        this.comb('a_p', () => {
          runs.a++;
          this.a.v = (this.r.v + this.tick.v) & 0xff;
        });
        this.comb('b_p', () => {
          runs.b++;
          this.b.v = (this.a.v ^ this.bus.v) & 0xff;
        });
        this.comb('d_p', () => {
          runs.d++;
          this.d.v = (this.tOut.v + 1) & 0xff;
        });
        this.seq('count', () => {
          this.r.next = (this.r.v + 1) & 0xff;
        });
      }
    }
    class T extends Module {
      en = this.input(1);
      bus = this.input(8);
      go = this.input(1);
      tick = this.reg(8, 0);
      t = this.wire(8);
      blk: Block;
      constructor(runs: Runs) {
        super();
        this.blk = new Block(runs);
        this.clockGate(this.blk, this.en);
        this.connect(this.blk.bus, this.bus);
        this.connect(this.blk.tick, this.tick);
        this.connect(this.blk.tOut, this.t);
        this.comb('t_p', () => {
          this.t.v = (this.blk.b.v * 3) & 0xff;
        });
        this.seq('tick_p', () => {
          if (this.go.v) this.tick.next = (this.tick.v + 5) & 0xff;
        });
      }
    }
    const runs: Runs = { a: 0, b: 0, d: 0 };
    const t = new T(runs);
    const sim = new Simulator(t, { activity: true });
    const full = new Simulator(new T({ a: 0, b: 0, d: 0 }), { activity: false });
    // The shape this test relies on: the block's three processes form one group (a_p and b_p neighbours in the order,
    // d_p after the top's t_p).
    const act = new Activity(sim.netlist);
    const idx = (name: string): number => sim.netlist.procs.find((p) => p.path === `top.blk.${name}`)!.idx;
    expect(act.group[idx('a_p')]).toBeGreaterThanOrEqual(0);
    expect([idx('b_p'), idx('d_p')].map((k) => act.group[k])).toEqual([act.group[idx('a_p')], act.group[idx('a_p')]]);
    const both = (f: (s: Simulator, top: T) => void): void => [sim, full].forEach((s) => f(s, s.netlist.top as T));
    const same = (): void => expect([sim.peek(t.blk.b), sim.peek(t.blk.d)]).toEqual([full.peek((full.netlist.top as T).blk.b), full.peek((full.netlist.top as T).blk.d)]);
    both((s, top) => s.poke(top.en, 1));
    both((s) => s.run(3));
    both((s, top) => s.poke(top.en, 0)); // the block sleeps: its register holds
    both((s) => s.run(2));
    const base = { ...runs };
    both((s) => s.run(10));
    same();
    expect(runs).toEqual(base); // nothing moved: the group was skipped
    both((s, top) => s.poke(top.bus, 0x5a)); // a poked input read by b_p
    same();
    both((s) => s.step());
    both((s, top) => s.poke(top.go, 1)); // the top's register read by a_p changes at the next edges
    both((s) => s.run(3));
    same();
    both((s, top) => s.poke(top.go, 0));
    both((s) => s.run(3));
    same();
    // Each change reached b_p and, through t_p, d_p (the group's second run).
    expect(runs.b - base.b).toBeGreaterThanOrEqual(4);
    expect(runs.d - base.d).toBeGreaterThanOrEqual(4);
  });

  it('skips a stable seq process and its commits while its reads are stable', () => {
    let runs = 0;
    class T extends Module {
      go = this.input(1);
      count = this.reg(8, 0);
      busy = this.wire(1);
      constructor() {
        super();
        this.comb('busy_p', () => {
          this.busy.v = this.go.v | (this.count.v !== 0 && this.count.v !== 3 ? 1 : 0);
        });
        // Counts 0 -> 3 once started, then holds at 3 until go is raised again.
        this.seq(
          'step',
          () => {
            runs++;
            if (this.busy.v) this.count.next = (this.count.v + 1) & 3;
          },
          { stable: true },
        );
      }
    }
    const t = new T();
    const sim = new Simulator(t, { activity: true });
    sim.run(5);
    const base = runs;
    expect(base).toBeGreaterThan(0);
    sim.run(10); // reads stable: not run
    expect(runs).toBe(base);
    expect(sim.peek(t.count)).toBe(0);
    sim.poke(t.go, 1);
    sim.step();
    sim.poke(t.go, 0);
    sim.run(6);
    expect(sim.peek(t.count)).toBe(3);
    // Run at the go edge, then once per count change while busy, once more when busy fell: 1 + 2 + 1.
    expect(runs).toBe(base + 4);
    sim.run(10);
    expect(runs).toBe(base + 4);
  });

  it('strictReads names a read of a stable seq process that learning missed', () => {
    class T extends Module {
      key = this.input(32);
      x = this.input(8);
      r = this.reg(8, 0);
      constructor() {
        super();
        this.seq('rare', () => {
          this.r.next = this.key.v === 0x12345678 ? this.x.v : 0;
        }, { stable: true });
      }
    }
    const t = new T();
    const sim = new Simulator(t, { backend: 'interp', strictReads: true });
    sim.poke(t.key, 0x12345678);
    expect(() => sim.step()).toThrow(/stable seq process 'top.rare' read 'top.x', which the learning phase never saw it read.*stable: true, reads: \[/);
  });

  it('strictReads names a comb read that learning missed', () => {
    class T extends Module {
      key = this.input(32);
      x = this.input(8);
      y = this.wire(8);
      constructor() {
        super();
        // Random 32-bit values essentially never equal this constant, so the read of x is never learned.
        this.comb('rare', () => {
          this.y.v = this.key.v === 0x12345678 ? this.x.v : 0;
        });
      }
    }
    const t = new T();
    const sim = new Simulator(t, { backend: 'interp', strictReads: true });
    sim.poke(t.key, 0x12345678);
    expect(() => sim.step()).toThrow(/comb process 'top.rare' read 'top.x', which the learning phase never saw it read.*reads: \[/);
    const lax = new Simulator(new T(), { backend: 'interp' });
    lax.poke((lax.netlist.top as T).key, 0x12345678);
    expect(() => lax.step()).not.toThrow();
  });

  it('strictReads as a function receives each missed read once (comb and stable seq) and the run goes on', () => {
    class T extends Module {
      key = this.input(32);
      x = this.input(8);
      y = this.wire(8);
      r = this.reg(8, 0);
      constructor() {
        super();
        this.comb('rare', () => {
          this.y.v = this.key.v === 0x12345678 ? this.x.v : 0;
        });
        this.seq('rareSeq', () => {
          this.r.next = this.key.v === 0x12345678 ? this.x.v + 1 : 0;
        }, { stable: true });
      }
    }
    const t = new T();
    const seen: string[] = [];
    const sim = new Simulator(t, { backend: 'interp', strictReads: (v) => seen.push(`${v.kind} ${v.process} <- ${v.signal}`) });
    sim.poke(t.key, 0x12345678);
    sim.poke(t.x, 7);
    sim.run(3);
    expect(seen).toEqual(['comb top.rare <- top.x', 'seq top.rareSeq <- top.x']);
    expect([sim.peek(t.y), sim.peek(t.r)]).toEqual([7, 8]);
  });

  it('guarded reads: a change of a guarded read re-runs its reader only while a guard is non-zero, values as full evaluation', () => {
    const runs = { comb: 0, seq: 0 };
    class T extends Module {
      a = this.input(8);
      req = this.input(1);
      addr = this.wire(16);
      hit = this.wire(1);
      y = this.wire(16);
      r = this.reg(16, 0);
      constructor() {
        super();
        // The address moves with every input change; the guard `hit` is computed after it in the schedule, so the
        // generated code tests the guard's old value when the address changes.
        this.comb('addr_p', () => {
          this.addr.v = (this.a.v * 257) & 0xffff;
        });
        this.comb('hit_p', () => {
          this.hit.v = this.req.v & (this.a.v & 1);
        });
        this.comb('use', () => {
          runs.comb++;
          this.y.v = this.hit.v ? (this.addr.v + 1) & 0xffff : 0;
        }, { guarded: [{ reads: [this.addr], when: [this.hit] }] });
        this.seq('latch', () => {
          runs.seq++;
          if (this.req.v) this.r.next = this.addr.v;
        }, { stable: true, guarded: [{ reads: [this.addr], when: [this.req] }] });
      }
    }
    const t = new T();
    const sim = new Simulator(t, { activity: true });
    const full = new Simulator(new T(), { activity: false });
    const strict = new Simulator(new T(), { backend: 'interp', strictReads: true });
    const sims = [sim, full, strict];
    const top = (s: Simulator): T => s.netlist.top as T;
    sim.run(2);
    const base = { ...runs };
    for (let a = 0; a < 20; a += 2) {
      sim.poke(t.a, a); // req low: neither reader runs
      sim.step();
    }
    expect(runs).toEqual(base);
    const R = rng(7);
    for (let k = 0; k < 300; k++) {
      const a = R() & 0xff;
      const req = R() & 1;
      for (const s of sims) {
        s.poke(top(s).a, a);
        s.poke(top(s).req, req);
      }
      const got = sims.map((s) => [s.peek(top(s).y), s.peek(top(s).r)]);
      expect(got[0]).toEqual(got[1]);
      expect(got[2]).toEqual(got[1]);
      for (const s of sims) s.step();
    }
  });

  it('strictReads refuses a guarded read made while every guard is zero', () => {
    class T extends Module {
      req = this.input(1);
      busy = this.input(1);
      addr = this.input(16);
      y = this.wire(16);
      constructor() {
        super();
        this.comb('leaky', () => {
          this.y.v = this.req.v ? this.addr.v : this.addr.v & 1;
        }, { guarded: [{ reads: [this.addr], when: [this.req, this.busy] }] });
      }
    }
    const t = new T();
    const sim = new Simulator(t, { backend: 'interp', strictReads: true });
    sim.poke(t.req, 1);
    sim.step();
    sim.poke(t.busy, 1);
    sim.poke(t.req, 0);
    sim.step();
    sim.poke(t.busy, 0);
    expect(() => sim.step()).toThrow(/comb process 'top.leaky' read 'top.addr' while all of its guards \('top.req', 'top.busy'\) were zero/);
  });
});
