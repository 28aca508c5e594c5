// ElaborateOptions.learnKey: a design elaborated after another of the same key reuses its learned accesses (its
// processes do not run during elaboration) and gets the read and write sets that learning finds; a design of
// another shape under the same key is learned anew.
import { describe, expect, it } from 'vitest';
import { Simulator } from './index.ts';
import { Pipe, sets } from './learn_fixture.ts';

describe('learned accesses reused by learn key', () => {
  it('the second design of a key runs no process while elaborating and has the sets learning finds', () => {
    const key = `pipe ${Math.random()}`;
    const fresh = new Pipe(false);
    const learned = new Simulator(fresh, { learnKey: key });
    expect(fresh.runs).toBeGreaterThan(0);
    expect(learned.netlist.learnedHere).toBe(true);
    const again = new Pipe(false);
    const reused = new Simulator(again, { learnKey: key });
    expect(again.runs).toBe(0);
    expect(reused.netlist.learnedHere).toBe(false);
    const reference = new Simulator(new Pipe(false));
    expect(sets(reused.netlist)).toEqual(sets(reference.netlist));
    expect(sets(reference.netlist).join(' ')).toMatch(/pick r\[\d+,\d+,\d+\].*step r\[.*\] w\[.*\] m\[top\.mem\]/);
    // Both simulate alike.
    for (const sim of [reused, reference]) {
      const top = sim.netlist.top as Pipe;
      sim.poke(top.a, 7);
      sim.poke(top.sel, 1);
      sim.run(3);
      sim.poke(top.sel, 0);
      sim.poke(top.a, 1);
    }
    expect(reused.peek((reused.netlist.top as Pipe).q)).toBe(reference.peek((reference.netlist.top as Pipe).q));
  });

  it('learns a design of another shape under the same key, and different trials or seeds apart', () => {
    const key = `pipe ${Math.random()}`;
    new Simulator(new Pipe(false), { learnKey: key });
    const wide = new Pipe(true);
    expect(new Simulator(wide, { learnKey: key }).netlist.learnedHere).toBe(true);
    expect(wide.runs).toBeGreaterThan(0);
    expect(new Simulator(new Pipe(true), { learnKey: key }).netlist.learnedHere).toBe(false);
    expect(new Simulator(new Pipe(true), { learnKey: key, seed: 2 }).netlist.learnedHere).toBe(true);
    expect(new Simulator(new Pipe(true), { learnKey: key, learnTrials: 64 }).netlist.learnedHere).toBe(true);
  });
});
