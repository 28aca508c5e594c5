// Accessors bound to one simulator's arrays (signal.ts boundFastSignal, codegen.ts BOUND_BUDGET) against the
// shared FastSignal, the interpreter and a model written here. Random netlists: wires of every width computed
// by comb processes declared in random order (so the schedule must reorder them), values written unmasked,
// negative or as booleans (the generated code's accessors mask them; the interpreter, which rejects values
// wider than the signal, runs a variant writing them in range), registers in a clock-gated child, a tie and a connect()
// alias. Two bound simulators of the same module classes run side by side on different stimuli: each must see
// only its own arrays.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Module, Simulator, type Input, type Output, type Reg, type Signal, type Wire } from './index.ts';
import { FastSignal } from './signal.ts';

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

/** Operation k of a wire or register over operands a, b, s (a narrow select): the raw JS value written. */
type Raw = number | boolean;
function op(k: number, a: number, b: number, s: number): Raw {
  switch (k) {
    case 0:
      return a + b; // may exceed the width: the accessor masks
    case 1:
      return a - b; // may be negative
    case 2:
      return (s & 1) === 1 ? a : b;
    case 3:
      return a < b; // boolean
    case 4:
      return Math.imul(a, b | 1);
    default:
      return ~a; // negative for a < 2^31
  }
}
/** What a `width`-bit signal holds after `v = raw` (written here from the semantics, not from signal.ts). */
function stored(raw: Raw, width: number): number {
  const n = raw === true ? 1 : raw === false ? 0 : raw;
  return Number(BigInt.asUintN(width, BigInt(Math.trunc(n))));
}

interface Spec {
  nIn: number;
  widths: number[]; // inputs, then registers, then wires, then the tied input of the child
  nReg: number;
  nWire: number;
  ops: [number, number, number, number][]; // per register then per wire: op, a, b, s (signal indices below it)
  declOrder: number[];
  resets: number[];
  tie: number;
}

function makeSpec(seed: number, nIn: number, nReg: number, nWire: number): Spec {
  const R = rng(seed);
  const W = [1, 2, 5, 8, 16, 31, 32];
  const n = nIn + nReg + nWire;
  const widths = Array.from({ length: n + 1 }, (_, k) => (k === 0 ? 1 : W[R() % W.length]!));
  const ops: Spec['ops'] = [];
  // Registers read inputs, registers and wires; wire j reads only inputs, registers and wires before it.
  for (let k = 0; k < nReg + nWire; k++) {
    const lim = k < nReg ? n : nIn + nReg + (k - nReg);
    ops.push([R() % 6, R() % lim, R() % lim, R() % lim]);
  }
  const declOrder = Array.from({ length: nWire }, (_, k) => k);
  for (let k = nWire - 1; k > 0; k--) {
    const j = R() % (k + 1);
    [declOrder[k], declOrder[j]] = [declOrder[j]!, declOrder[k]!];
  }
  const resets = Array.from({ length: nReg }, (_, k) => (R() & maskOf(widths[nIn + k]!)) >>> 0);
  return { nIn, widths, nReg, nWire, ops, declOrder, resets, tie: (R() & maskOf(widths[n]!)) >>> 0 };
}

class Child extends Module {
  regs: Reg[];
  tied: Input;
  constructor(spec: Spec) {
    super();
    this.regs = Array.from({ length: spec.nReg }, (_, k) => this.reg(spec.widths[spec.nIn + k]!, spec.resets[k]!));
    this.tied = this.input(spec.widths[spec.widths.length - 1]!);
  }
  addSeq(fn: () => void): void {
    this.seq(fn);
  }
}

class Top extends Module {
  ins: Input[];
  child: Child;
  wires: Wire[];
  /** Inputs, registers, wires: the model's signal order. */
  sigs: Signal[];
  tiedCopy: Output;
  /** `fit`: write values already in range (the interpreter rejects wider ones; the generated code masks). */
  constructor(spec: Spec, fit = false) {
    super();
    const { nIn, nReg, nWire, widths } = spec;
    const put = (r: Raw, width: number): Raw => (!fit || typeof r === 'boolean' ? r : stored(r, width));
    this.ins = Array.from({ length: nIn }, (_, k) => this.input(widths[k]!));
    this.child = new Child(spec);
    this.clockGate(this.child, this.ins[0]!);
    this.tie(this.child.tied, spec.tie);
    this.wires = Array.from({ length: nWire }, (_, k) => this.wire(widths[nIn + nReg + k]!));
    this.sigs = [...this.ins, ...this.child.regs, ...this.wires];
    // An alias of the child's tied input, read back through the alias by the top's seq-side operand.
    this.tiedCopy = this.output(widths[widths.length - 1]!);
    this.connect(this.tiedCopy, this.child.tied);
    const sigs = this.sigs;
    for (const j of spec.declOrder) {
      const [k, a, b, s] = spec.ops[nReg + j]!;
      const w = this.wires[j]!;
      const sa = sigs[a]!;
      const sb = sigs[b]!;
      const ss = sigs[s]!;
      this.comb(`w${j}`, () => {
        w.v = put(op(k, sa.v, sb.v, ss.v), w.width);
      });
    }
    const regs = this.child.regs;
    const tied = this.tiedCopy;
    this.child.addSeq(() => {
      for (let r = 0; r < regs.length; r++) {
        const [k, a, b, s] = spec.ops[r]!;
        regs[r]!.next = put(op(k, sigs[a]!.v, sigs[b]!.v ^ tied.v, sigs[s]!.v), regs[r]!.width);
      }
    });
  }
}

/** The design computed directly from the spec: wires in index order, registers when input 0 is 1. */
class Model {
  val: number[];
  constructor(readonly spec: Spec) {
    this.val = [...new Array<number>(spec.nIn).fill(0), ...spec.resets, ...new Array<number>(spec.nWire).fill(0)];
  }
  settle(): void {
    const { nIn, nReg, nWire, ops, widths } = this.spec;
    for (let j = 0; j < nWire; j++) {
      const [k, a, b, s] = ops[nReg + j]!;
      this.val[nIn + nReg + j] = stored(op(k, this.val[a]!, this.val[b]!, this.val[s]!), widths[nIn + nReg + j]!);
    }
  }
  clock(): void {
    const { nIn, nReg, ops, widths, tie } = this.spec;
    if (this.val[0] !== 1) return;
    const next = ops.slice(0, nReg).map(([k, a, b, s], r) => stored(op(k, this.val[a]!, this.val[b]! ^ tie, this.val[s]!), widths[nIn + r]!));
    next.forEach((v, r) => (this.val[nIn + r] = v));
  }
}

describe('bound accessors', () => {
  it('go to the first simulator of the process only, and are selectable', () => {
    const spec = makeSpec(7, 2, 2, 4);
    const first = new Simulator(new Top(spec));
    const second = new Simulator(new Top(spec));
    const on = new Simulator(new Top(spec), { boundAccessors: true });
    const off = new Simulator(new Top(spec), { boundAccessors: false });
    const proto = (sim: Simulator): object => Object.getPrototypeOf((sim.netlist.top as Top).wires[0]) as object;
    expect(proto(first)).not.toBe(FastSignal.prototype);
    expect((first.netlist.top as Top).wires[0]).toBeInstanceOf(FastSignal);
    expect(proto(second)).toBe(FastSignal.prototype);
    expect(proto(on)).not.toBe(FastSignal.prototype);
    expect(proto(on)).not.toBe(proto(first));
    expect(proto(off)).toBe(FastSignal.prototype);
  });

  it('read an own read-only slot only in a design with one instance of each module class', () => {
    const spec = makeSpec(11, 2, 2, 4);
    const single = new Simulator(new Top(spec), { boundAccessors: true });
    const w = (single.netlist.top as Top).wires[0]! as unknown as FastSignal;
    expect(Object.getOwnPropertyDescriptor(w, 'slot')).toMatchObject({ value: w.i, writable: false });
    class Twice extends Module {
      a = new Top(spec);
      b = new Top(spec);
      constructor() {
        super();
        for (const t of [this.a, this.b]) t.ins.forEach((inp) => this.tie(inp, 1));
      }
    }
    const twice = new Simulator(new Twice(), { boundAccessors: true });
    expect(twice.netlist.signals.some((s) => Object.getOwnPropertyDescriptor(s, 'slot') !== undefined)).toBe(false);
    expect(Object.getPrototypeOf(twice.netlist.signals[0]!)).not.toBe(FastSignal.prototype);
    const shared = new Simulator(new Top(spec), { boundAccessors: false });
    expect(shared.netlist.signals.some((s) => Object.getOwnPropertyDescriptor(s, 'slot') !== undefined)).toBe(false);
  });

  it('agree with the shared accessors, the interpreter and the model on every slot every cycle', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 16 }),
        (seed, nIn, nReg, nWire) => {
          const spec = makeSpec(seed, nIn, nReg, nWire);
          const sims = [
            new Simulator(new Top(spec), { boundAccessors: true }),
            new Simulator(new Top(spec), { boundAccessors: true }),
            new Simulator(new Top(spec), { boundAccessors: false }),
            new Simulator(new Top(spec, true), { boundAccessors: true }),
            new Simulator(new Top(spec, true), { backend: 'interp' }),
          ];
          const tops = sims.map((s) => s.netlist.top as Top);
          // Simulator 1 gets its own stimulus: shared state between bound classes would show as a mismatch.
          const models = [new Model(spec), new Model(spec)];
          const R = [rng(seed ^ 0x1234), rng(seed ^ 0x9876)];
          for (let c = 0; c < 20; c++) {
            const stim = R.map((r) => spec.widths.slice(0, nIn).map((w) => (r() & maskOf(w)) >>> 0));
            sims.forEach((sim, k) => {
              const st = stim[k === 1 ? 1 : 0]!;
              tops[k]!.ins.forEach((inp, j) => sim.poke(inp, st[j]!));
              sim.settle();
            });
            models.forEach((m, k) => {
              stim[k]!.forEach((v, j) => (m.val[j] = v));
              m.settle();
            });
            expect(tops[0]!.sigs.map((s) => sims[0]!.peek(s)), `cycle ${c}: bound vs model`).toEqual(models[0]!.val);
            expect(tops[1]!.sigs.map((s) => sims[1]!.peek(s)), `cycle ${c}: second bound vs its model`).toEqual(models[1]!.val);
            // Reads through the accessors themselves (as a process would), from a settled state.
            expect(tops[0]!.sigs.map((s) => s.v)).toEqual(models[0]!.val);
            expect(tops[1]!.sigs.map((s) => s.v)).toEqual(models[1]!.val);
            expect([...sims[0]!.values], `cycle ${c}: bound vs shared`).toEqual([...sims[2]!.values]);
            expect([...sims[3]!.values], `cycle ${c}: bound vs interpreter (values in range)`).toEqual([...sims[4]!.values]);
            expect(tops[3]!.sigs.map((s) => sims[3]!.peek(s)), `cycle ${c}: bound (values in range) vs model`).toEqual(models[0]!.val);
            sims.forEach((sim) => sim.step());
            models.forEach((m) => m.clock());
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
