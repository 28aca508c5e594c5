// What a back-end provides to the Simulator: the two halves of a cycle.
export interface Backend {
  /** Evaluates every comb process once, in levelized order. */
  settle(): void;
  /** Clock edge: runs the enabled seq processes, then commits their registers and memory writes. */
  clock(): void;
  /** Settled hooks and tracers run with this set, so the interpreter can reject writes from them. */
  enterHooks(): void;
  /** A slot changed outside the back-end's own code (poke). */
  touch(slot: number): void;
  /** Every value may have changed (reset). */
  touchAll(): void;
  leaveHooks(): void;
}
