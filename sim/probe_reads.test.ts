// Declared probe reads: carried to the trace source as slots, and checked by the strictReads interpreter.
import { describe, expect, it } from 'vitest';
import { ElaborationError, Module, Simulator, SimulationError, type BackendKind } from './index.ts';

class Pair extends Module {
  a = this.input(8);
  b = this.input(8);
  c = this.input(8);
  sum = this.output(9);
  constructor(probeReadsC: boolean) {
    super();
    this.comb(() => {
      this.sum.v = this.a.v + this.b.v;
    });
    // Declares `a` and `sum` but (when asked) also reads `c`: the stale-text bug the check is for.
    this.probe('good', () => `${this.a.v}+? = ${this.sum.v}`, { reads: [this.a, this.sum] });
    this.probe('bad', () => `${this.a.v} ${probeReadsC ? this.c.v : ''}`, { reads: [this.a] });
    this.probe('free', () => `b=${this.b.v}`);
  }
}

const byPath = (sim: Simulator, path: string) => sim.traceSource().strings!.find((p) => p.path === path)!;

describe.each<BackendKind>(['interp', 'codegen'])('probe reads (%s)', (backend) => {
  it('are given to wave writers as the slots of the declared signals, probes without them have none', () => {
    const top = new Pair(false);
    const sim = new Simulator(top, { backend });
    expect(byPath(sim, 'top.good').reads).toEqual([sim.signal('top.a'), sim.signal('top.sum')].map((s) => (s as unknown as { i: number }).i));
    expect(byPath(sim, 'top.bad').reads).toHaveLength(1);
    expect(byPath(sim, 'top.free').reads).toBeUndefined();
    sim.poke(top.a, 3);
    sim.poke(top.b, 4);
    sim.settle();
    expect(byPath(sim, 'top.good').get()).toBe('3+? = 7');
    const vals = sim.traceSource().values;
    expect(byPath(sim, 'top.good').reads!.map((s) => vals[s])).toEqual([3, 7]);
  });
});

describe('strictReads interpreter', () => {
  it('rejects a probe reading a signal outside its declared reads, naming probe and signal', () => {
    const top = new Pair(true);
    const sim = new Simulator(top, { backend: 'interp', strictReads: true });
    sim.poke(top.c, 5);
    sim.settle();
    expect(byPath(sim, 'top.good').get()).toBe('0+? = 0');
    expect(() => byPath(sim, 'top.bad').get()).toThrow(SimulationError);
    expect(() => byPath(sim, 'top.bad').get()).toThrow(/probe 'top\.bad' read 'top\.c', which is not among its declared reads/);
    // Undeclared probes are not checked, and the check does not leak into later accesses.
    expect(byPath(sim, 'top.free').get()).toBe('b=0');
    sim.step();
  });

  it('without strictReads (or with generated code) the same probe runs unchecked', () => {
    for (const opts of [{ backend: 'interp' as const }, { backend: 'codegen' as const }]) {
      const top = new Pair(true);
      const sim = new Simulator(top, opts);
      sim.poke(top.a, 1);
      sim.poke(top.c, 5);
      expect(byPath(sim, 'top.bad').get()).toBe('1 5');
    }
  });
});

describe('probe read declarations', () => {
  it('must name signals of the design', () => {
    class Foreign extends Module {
      x = this.input(4);
      constructor(other: Pair) {
        super();
        this.probe('p', () => '', { reads: [other.a] });
      }
    }
    expect(() => new Simulator(new Foreign(new Pair(false)))).toThrow(ElaborationError);
    expect(() => new Simulator(new Foreign(new Pair(false)))).toThrow(/probe 'top\.p' declares a read of '<unnamed input>', which is not a signal of this design/);
  });
});
