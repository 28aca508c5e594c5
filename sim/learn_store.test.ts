// A learn store (sim/learn_store.ts) carries learned accesses to a later process: a design whose key has nothing
// learned in this process takes the store's entry for it, runs no process while elaborating and gets the sets
// learning finds; an entry that is malformed, names slots the design does not have or was learned on another shape
// is not used (the design is learned, and the store gets the right entry).
import { afterEach, describe, expect, it } from 'vitest';
import { setLearnStore, Simulator } from './index.ts';
import { Pipe, sets } from './learn_fixture.ts';

/** A store in a Map, as a later process would find it; keys are elaboration's (trials, seed, learn key). */
function mapStore(): Map<string, string> {
  const m = new Map<string, string>();
  setLearnStore({ get: (k) => m.get(k), set: (k, t) => void m.set(k, t) });
  return m;
}
const entryKey = (learnKey: string): string => `128 1 ${learnKey}`;

afterEach(() => setLearnStore(undefined));

describe('learn store', () => {
  it('saves what a design learned; a design of a key new to this process takes it and runs no process', () => {
    const store = mapStore();
    const first = `pipe ${Math.random()}`;
    const learning = new Pipe(false);
    new Simulator(learning, { learnKey: first });
    expect(learning.runs).toBeGreaterThan(0);
    expect([...store.keys()]).toEqual([entryKey(first)]);
    // a later process: its first design of this configuration (another key here, as this process remembers `first`)
    const later = `pipe ${Math.random()}`;
    store.set(entryKey(later), store.get(entryKey(first))!);
    const top = new Pipe(false);
    const reused = new Simulator(top, { learnKey: later });
    expect(top.runs).toBe(0);
    expect(reused.netlist.learnedHere).toBe(false);
    expect(sets(reused.netlist)).toEqual(sets(new Simulator(new Pipe(false)).netlist));
  });

  it('learns anew over a malformed entry, one naming slots the design lacks, or one of another shape', () => {
    const store = mapStore();
    const good = `pipe ${Math.random()}`;
    new Simulator(new Pipe(false), { learnKey: good });
    const entry = JSON.parse(store.get(entryKey(good))!) as { shape: string; procs: { reads: number[] }[] };
    const wideKey = `pipe wide ${Math.random()}`;
    new Simulator(new Pipe(true), { learnKey: wideKey });
    const bad = {
      truncated: store.get(entryKey(good))!.slice(0, 40),
      'slot out of range': JSON.stringify({ ...entry, procs: entry.procs.map((p, i) => (i === 0 ? { ...p, reads: [...p.reads, 999] } : p)) }),
      'another shape': store.get(entryKey(wideKey))!,
    };
    const reference = sets(new Simulator(new Pipe(false)).netlist);
    for (const [what, text] of Object.entries(bad)) {
      const key = `pipe ${what} ${Math.random()}`;
      store.set(entryKey(key), text);
      const top = new Pipe(false);
      const sim = new Simulator(top, { learnKey: key });
      expect([what, sim.netlist.learnedHere, top.runs > 0]).toEqual([what, true, true]);
      expect(sets(sim.netlist)).toEqual(reference);
      expect(store.get(entryKey(key))).toBe(store.get(entryKey(good)));
    }
  });
});
