// Learned accesses that outlive the process (sim/elaborate.ts, ElaborateOptions.learnKey). A learn key names a
// design's class and parameters, not its code: only a host that knows exactly which code it runs may keep learned
// accesses across processes, in a store of that code alone. The `pulpsim` command run from its bundle keeps one
// per bundle build (testbench/cli/bundled.ts); nothing else sets one.
//
// This file imports nothing, so that a host can set the store without loading the engine (`pulpsim asm` does not).

export interface LearnStore {
  /** The text saved under `key`, if any. */
  get(key: string): string | undefined;
  /** Saves `text` under `key` (best effort: a store that cannot write keeps nothing). */
  set(key: string, text: string): void;
}

let store: LearnStore | undefined;

/** Where elaboration looks up and saves learned accesses from now on in this process (thread); undefined: nowhere. */
export function setLearnStore(s: LearnStore | undefined): void {
  store = s;
}

export function learnStore(): LearnStore | undefined {
  return store;
}
