// Property: over random acyclic netlists (random comb processes over random wires and registers, declared in
// random order across a small hierarchy, some subtrees clock-gated), the interpreter, the generated code and
// a naive fixed-point evaluator written here agree on every signal every cycle. The naive evaluator knows
// nothing of levelization: it re-evaluates every wire until nothing changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Module, Simulator, type Input, type Reg, type Signal, type Wire } from './index.ts';

type Op = 'add' | 'sub' | 'xor' | 'and' | 'or' | 'shl' | 'shr' | 'lt' | 'mux' | 'mul';
const OPS: Op[] = ['add', 'sub', 'xor', 'and', 'or', 'shl', 'shr', 'lt', 'mux', 'mul'];

/** A signal index: inputs, then registers, then wires. */
interface Expr {
  op: Op;
  a: number;
  b: number;
  c: number; // mux: a ? b : c  (only the chosen branch is read)
}
interface Spec {
  widths: number[];
  nIn: number;
  nReg: number;
  resets: number[];
  exprs: Expr[]; // one per register then one per wire (index = signal index - nIn)
  wireGroups: number[][]; // comb processes: wires (signal indices) in dependency order
  regGroups: number[][]; // seq processes
  procModule: number[]; // module of each comb process (0 = top)
  regModule: number[]; // module of each seq group
  gateEnable: number[]; // per child module (1..): input index used as clock enable, or -1
  declOrder: number[]; // order in which comb processes are declared
}

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

function evalExpr(e: Expr, w: number, get: (k: number) => number): number {
  let r: number;
  switch (e.op) {
    case 'add': r = get(e.a) + get(e.b); break;
    case 'sub': r = get(e.a) - get(e.b); break;
    case 'xor': r = get(e.a) ^ get(e.b); break;
    case 'and': r = get(e.a) & get(e.b); break;
    case 'or': r = get(e.a) | get(e.b); break;
    case 'shl': r = get(e.a) << (get(e.b) & 7); break;
    case 'shr': r = get(e.a) >>> (get(e.b) & 7); break;
    case 'lt': r = get(e.a) < get(e.b) ? 1 : 0; break;
    case 'mul': r = Math.imul(get(e.a), get(e.b)); break;
    case 'mux': r = get(e.a) & 1 ? get(e.b) : get(e.c); break;
  }
  return (r & maskOf(w)) >>> 0;
}

function makeSpec(nIn: number, nReg: number, nWire: number, seed: number): Spec {
  const R = rng(seed);
  const pick = (n: number): number => R() % n;
  const n = nIn + nReg + nWire;
  const widths = Array.from({ length: n }, (_, k) => (k < nIn && k === 0 ? 1 : [1, 4, 8, 16, 32][pick(5)]!));
  const resets = Array.from({ length: nReg }, (_, k) => R() % (maskOf(widths[nIn + k]!) + 1));
  // Wires in a hidden topological order: wire t may read inputs, registers and wires before t.
  const topo = Array.from({ length: nWire }, (_, k) => nIn + nReg + k);
  const exprs: Expr[] = [];
  for (let k = 0; k < nReg; k++) {
    const src = (): number => pick(n);
    exprs.push({ op: OPS[pick(OPS.length)]!, a: src(), b: src(), c: src() });
  }
  for (let t = 0; t < nWire; t++) {
    const src = (): number => pick(nIn + nReg + t);
    exprs.push({ op: OPS[pick(OPS.length)]!, a: src(), b: src(), c: src() });
  }
  // Comb processes: contiguous runs of the topological order (so processes stay acyclic).
  const wireGroups: number[][] = [];
  for (let t = 0; t < nWire; ) {
    const len = 1 + pick(3);
    wireGroups.push(topo.slice(t, t + len));
    t += len;
  }
  const regGroups: number[][] = [];
  for (let k = 0; k < nReg; ) {
    const len = 1 + pick(2);
    regGroups.push(Array.from({ length: Math.min(len, nReg - k) }, (_, j) => nIn + k + j));
    k += len;
  }
  const declOrder = wireGroups.map((_, k) => k);
  for (let k = declOrder.length - 1; k > 0; k--) {
    const j = pick(k + 1);
    [declOrder[k], declOrder[j]] = [declOrder[j]!, declOrder[k]!];
  }
  return {
    widths,
    nIn,
    nReg,
    resets,
    exprs,
    wireGroups,
    regGroups,
    procModule: wireGroups.map(() => pick(3)),
    regModule: regGroups.map(() => pick(3)),
    gateEnable: [-1, pick(2) === 0 ? 0 : -1, pick(2) === 0 ? 0 : -1],
    declOrder,
  };
}

class Blob extends Module {
  declare(kind: 'comb' | 'seq', name: string, fn: () => void): void {
    if (kind === 'comb') this.comb(name, fn);
    else this.seq(name, fn);
  }
  mkReg(w: number, reset: number, name: string): Reg {
    return this.reg(w, reset, name);
  }
}

class RandomTop extends Blob {
  sigs: Signal[] = [];
  inputs: Input[] = [];
  kids: Blob[];
  constructor(readonly spec: Spec) {
    super();
    const { widths, nIn, nReg } = spec;
    this.kids = [new Blob(), new Blob()];
    const mods: Blob[] = [this, ...this.kids];
    // Registers live in the module of the seq process that assigns them (clock-domain rule).
    const regMod = new Array<number>(nReg).fill(0);
    spec.regGroups.forEach((g, k) => g.forEach((s) => (regMod[s - nIn] = spec.regModule[k]!)));
    for (let k = 0; k < widths.length; k++) {
      let s: Signal;
      if (k < nIn) s = this.input(widths[k]!, `i${k}`);
      else if (k < nIn + nReg) s = mods[regMod[k - nIn]!]!.mkReg(widths[k]!, spec.resets[k - nIn]!, `r${k}`);
      else s = this.wire(widths[k]!, `w${k}`);
      this.sigs.push(s);
      if (k < nIn) this.inputs.push(s as Input);
    }
    const get = (j: number): number => this.sigs[j]!.v;
    for (const gi of spec.declOrder) {
      const g = spec.wireGroups[gi]!;
      mods[spec.procModule[gi]!]!.declare('comb', `c${gi}`, () => {
        for (const s of g) (this.sigs[s] as Wire).v = evalExpr(spec.exprs[s - nIn]!, widths[s]!, get);
      });
    }
    spec.regGroups.forEach((g, gi) => {
      mods[spec.regModule[gi]!]!.declare('seq', `s${gi}`, () => {
        for (const s of g) (this.sigs[s] as Reg).next = evalExpr(spec.exprs[s - nIn]!, widths[s]!, get);
      });
    });
    spec.gateEnable.forEach((e, m) => {
      if (m > 0 && e >= 0) this.clockGate(this.kids[m - 1]!, this.inputs[e]!);
    });
  }
}

/** The naive reference: fixed-point iteration of all wires, then all registers from the settled values. */
class Naive {
  val: number[];
  constructor(readonly spec: Spec) {
    this.val = spec.widths.map((_, k) => (k >= spec.nIn && k < spec.nIn + spec.nReg ? spec.resets[k - spec.nIn]! : 0));
  }
  settle(): void {
    const { spec, val } = this;
    const get = (j: number): number => val[j]!;
    for (let iter = 0; ; iter++) {
      if (iter > spec.widths.length + 2) throw new Error('naive evaluation does not converge');
      let changed = false;
      for (let s = spec.nIn + spec.nReg; s < spec.widths.length; s++) {
        const v = evalExpr(spec.exprs[s - spec.nIn]!, spec.widths[s]!, get);
        if (v !== val[s]) {
          val[s] = v;
          changed = true;
        }
      }
      if (!changed) return;
    }
  }
  clock(): void {
    const { spec, val } = this;
    const get = (j: number): number => val[j]!;
    const regMod = new Array<number>(spec.nReg).fill(0);
    spec.regGroups.forEach((g, k) => g.forEach((s) => (regMod[s - spec.nIn] = spec.regModule[k]!)));
    const next: [number, number][] = [];
    for (let k = 0; k < spec.nReg; k++) {
      const s = spec.nIn + k;
      const m = regMod[k]!;
      const e = spec.gateEnable[m]!;
      if (m > 0 && e >= 0 && val[e] === 0) continue;
      next.push([s, evalExpr(spec.exprs[k]!, spec.widths[s]!, get)]);
    }
    for (const [s, v] of next) val[s] = v;
  }
}

describe('levelization (property)', () => {
  it('interpreter, generated code and a naive fixed-point evaluator agree every cycle', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 0x7fffffff }),
        (nIn, nReg, nWire, seed) => {
          const spec = makeSpec(nIn, nReg, nWire, seed);
          const ti = new RandomTop(spec);
          const tc = new RandomTop(spec);
          const si = new Simulator(ti, { backend: 'interp' });
          const sc = new Simulator(tc, { backend: 'codegen' });
          const naive = new Naive(spec);
          const R = rng(seed ^ 0x5555);
          for (let cyc = 0; cyc < 24; cyc++) {
            for (let k = 0; k < nIn; k++) {
              const v = R() % (maskOf(spec.widths[k]!) + 1);
              si.poke(ti.inputs[k]!, v);
              sc.poke(tc.inputs[k]!, v);
              naive.val[k] = v;
            }
            si.settle();
            sc.settle();
            naive.settle();
            const got = ti.sigs.map((s) => si.peek(s));
            expect(got).toEqual(naive.val);
            expect([...sc.values]).toEqual([...si.values]);
            si.step();
            sc.step();
            naive.clock();
          }
        },
      ),
      { numRuns: Number(process.env.LEVELIZE_RUNS ?? 150) },
    );
  });
});
