// The engine-to-waves interface: the engine (sim/) implements these; the VCD writer only reads them.

export interface TraceSignal {
  /** Hierarchical name, dot-separated, e.g. 'top.core0.if_stage.pc_if'. Scopes = all but the last part. */
  path: string;
  /** 1..32; the engine splits wider values into several signals. */
  width: number;
  kind: 'wire' | 'reg';
  /** Index of the signal's current value in TraceSource.values. */
  slot: number;
  /** Names of an enumerated signal's values (index = value): dumped as a GTKWave string signal when strings are on. */
  enumNames?: readonly string[];
}

/** A string-valued probe computed from the model each sample (e.g. a disassembled instruction). */
export interface TraceString {
  path: string;
  get(): string;
  /**
   * Optional: the slots of TraceSource.values that get() reads. When given, get() must return the same
   * text whenever these slots hold the same values; writers then call get() only when one of them
   * changed and may reuse the text of earlier values (a disassembly probe is called once per distinct
   * instruction word and pc instead of every cycle). Without it, get() is called every sample.
   */
  reads?: readonly number[];
}

export interface TraceSource {
  readonly signals: readonly TraceSignal[];
  readonly strings?: readonly TraceString[];
  /** Current value of every slot (unsigned, masked to width). The engine owns and updates it in place. */
  readonly values: Uint32Array;
}
