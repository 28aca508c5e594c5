// A learn store (sim/learn_store.ts) carries learned accesses to a later process: a design whose key has nothing
// learned in this process takes the store's entry for it, runs no process while elaborating and gets the sets
// learning finds; an entry that is malformed, names slots the design does not have or was learned on another shape
// is not used (the design is learned, and the store gets the right entry).
import { afterEach, describe, expect, it } from 'vitest';
import { Module, setLearnStore, Simulator } from './index.ts';
import type { Netlist } from './netlist.ts';

/** `runs` counts the comb process's calls. With `wide`, one more register (another shape). */
class Pipe extends Module {
  runs = 0;
  a = this.input(8);
  sel = this.input(1);
  r = this.reg(8, 0);
  q = this.wire(8);
  mem = this.memory(8, 4);
  constructor(wide: boolean) {
    super();
    if (wide) this.reg(4, 0);
    this.comb('pick', () => {
      this.runs++;
      this.q.v = this.sel.v === 1 ? this.r.v : this.mem.read(this.a.v & 3);
    });
    this.seq('step', () => {
      this.r.next = this.q.v;
      if (this.a.v === 7) this.mem.write(1, this.r.v);
    });
  }
}

const sets = (nl: Netlist): string[] =>
  nl.procs.map((p) => `${p.path} r[${p.reads.join(',')}] w[${p.writes.join(',')}] m[${p.memWrites.map((m) => m.path).join(',')}] ${p.memReads}`);

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
