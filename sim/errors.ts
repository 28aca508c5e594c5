// Errors raised by the engine. Every message names the culprit by hierarchical signal/process name.

/** The design is malformed: found while flattening, learning or levelizing, before any cycle runs. */
export class ElaborationError extends Error {
  override name = 'ElaborationError';
}

/** A process broke a rule while the design was running (interpreter checks, or a bad poke/peek). */
export class SimulationError extends Error {
  override name = 'SimulationError';
}
