// Replicated blocks rolled into loops (codegen.ts rollRepeats) against the same design unrolled and against the
// strict interpreter: four identical lanes (each clock-gated by its own enable, with comb processes reading each
// other's outputs, registers, a seq process declared stable and a memory), and a top that reads every lane, agree
// on every slot every cycle under random stimulus and resets; the rolled source does hold loops (the one over the
// lanes' comb processes, a clock-gated block's activity group, after its peeled first repeat), the unrolled one
// none, and a design with one instance of each module class comes out with rolling as without.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Module, Simulator, type Input, type Reg, type Wire } from './index.ts';
import type { Codegen } from './codegen.ts';
import type { Memory } from './memory.ts';

class Lane extends Module {
  a = this.input(8);
  b = this.input(8);
  en = this.input(1);
  acc = this.reg(8, 3);
  cnt = this.reg(4, 0);
  sum = this.wire(8);
  big = this.wire(1);
  q = this.wire(8);
  out = this.output(8);
  mem: Memory;
  constructor() {
    super();
    this.mem = this.memory(8, 8, { init: [1, 2, 3, 4, 5, 6, 7, 8] });
    this.comb('sum_p', () => {
      this.sum.v = (this.acc.v + this.a.v) & 0xff;
    });
    this.comb('big_p', () => {
      this.big.v = this.sum.v > 100 ? 1 : 0;
    });
    this.comb('rd', () => {
      this.q.v = this.mem.read(this.cnt.v & 7);
    });
    this.comb('out_p', () => {
      this.out.v = this.big.v === 1 ? this.q.v ^ this.b.v : this.sum.v;
    });
    this.seq(
      'acc_q',
      () => {
        this.acc.next = this.big.v === 1 ? (this.sum.v >>> 1) & 0xff : this.sum.v;
      },
      { stable: true },
    );
    this.seq('cnt_q', () => {
      this.cnt.next = (this.cnt.v + 1) & 15;
      if (this.big.v === 1) this.mem.write(this.cnt.v & 7, this.b.v);
    });
  }
}

class Top extends Module {
  ens = this.input(4);
  x = this.input(8);
  lanes: Lane[] = [];
  lens: Wire[] = [];
  total = this.wire(8);
  hist: Reg;
  constructor(n: number) {
    super();
    this.hist = this.reg(8, 0);
    for (let k = 0; k < n; k++) {
      const lane = this.addChild(`lane${k}`, new Lane());
      const en = this.wire(1, `en${k}`);
      this.comb(`en_p${k}`, () => {
        en.v = (this.ens.v >>> (k & 3)) & 1;
      });
      this.lens.push(en);
      this.lanes.push(lane);
    }
    this.lanes.forEach((lane, k) => {
      const prev = k === 0 ? null : this.lanes[k - 1]!;
      this.connect(lane.en, this.lens[k]!);
      this.comb(`ab_p${k}`, () => {
        lane.a.v = (this.x.v + k) & 0xff;
        lane.b.v = prev === null ? this.x.v ^ 0x5a : prev.out.v;
      });
      this.clockGate(lane, this.lens[k]!);
    });
    this.comb('total_p', () => {
      let t = 0;
      for (const l of this.lanes) t = (t + l.out.v) & 0xff;
      this.total.v = t;
    });
    this.seq('hist_q', () => {
      this.hist.next = (this.hist.v ^ this.total.v) & 0xff;
    });
  }
}

const source = (sim: Simulator): string => (sim as unknown as { be: Codegen }).be.source;

describe('rolled replicated blocks', () => {
  it('agree with the unrolled code and the strict interpreter on every slot every cycle', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(7), fc.nat(0xff)), { minLength: 60, maxLength: 60 }), (stim) => {
        const sims = [
          new Simulator(new Top(4), { backend: 'codegen', roll: true }),
          new Simulator(new Top(4), { backend: 'codegen', roll: false }),
          new Simulator(new Top(4), { backend: 'interp', strictReads: true }),
        ];
        expect(source(sims[0]!)).toMatch(/for \(let k = 0; k < 4; k\+\+\)/);
        // The comb loop over lanes 0..2 (lane 3's output feeds the top only: no repeat) starts at 1, lane 0 written
        // out before it (PEEL_COMB).
        expect(source(sims[0]!)).toMatch(/for \(let k = 1; k < 3; k\+\+\)/);
        expect(source(sims[1]!)).not.toMatch(/for \(let k/);
        const tops = sims.map((s) => s.netlist.top as Top);
        for (let c = 0; c < stim.length; c++) {
          const [what, val] = stim[c]!;
          sims.forEach((sim, k) => {
            const t = tops[k]!;
            const pins: Input[] = [t.ens, t.x];
            if (what < 4) sim.poke(pins[what & 1]!, what & 1 ? val : val & 15);
            if (what === 7 && val % 4 === 0) sim.reset();
            sim.settle();
          });
          const ref = Array.from(sims[2]!.values);
          expect(Array.from(sims[0]!.values), `cycle ${c}: rolled vs interpreter`).toEqual(ref);
          expect(Array.from(sims[1]!.values), `cycle ${c}: unrolled vs interpreter`).toEqual(ref);
          for (let l = 0; l < 4; l++) expect(Array.from(tops[0]!.lanes[l]!.mem.data)).toEqual(Array.from(tops[2]!.lanes[l]!.mem.data));
          sims.forEach((sim) => sim.step());
        }
      }),
      { numRuns: 30 },
    );
  });

  it('leaves a design with one instance of each module class as it was', () => {
    const on = new Simulator(new Top(1), { backend: 'codegen' });
    const off = new Simulator(new Top(1), { backend: 'codegen', roll: false });
    const body = (s: string): string => s.slice(s.indexOf('\n'));
    expect(body(source(on))).toBe(body(source(off)));
    expect(source(on)).not.toMatch(/for \(let k/);
  });
});
