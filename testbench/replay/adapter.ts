// How a block is replayed: an adapter per block type, registered by name, says how to parse its scenario files,
// how to build the design, and which DSL signal stands for each signal/port of the file (the one mapping table).
import type { Input, Module, Signal, Simulator } from '../../sim/index.ts';
import type { Scenario } from './scenario.ts';

/** Per port of a file signal: the DSL signal, or for values wider than 32 bits its words (word 0 = bits 31..0).
 *  A signal the file gives as one change list has exactly one port. */
export type PortTable<S extends Signal = Signal> = readonly (S | readonly S[])[];

export interface ReplayBinding {
  /** The design to simulate (a fresh instance per replay). */
  readonly top: Module;
  /** File stimulus name -> the top-level inputs it drives. Every name the file has must be here. */
  readonly inputs: Readonly<Record<string, PortTable<Input>>>;
  /** Inputs the file may omit (held at 0 then), e.g. event lines only some scenarios drive. */
  readonly optionalInputs?: readonly string[];
  /** File expected name -> the signals checked against it. Every name the file has must be here. */
  readonly outputs: Readonly<Record<string, PortTable>>;
  /** File internal name -> signals checked against it; internal names without an entry are not checked. */
  readonly internal?: Readonly<Record<string, PortTable>>;
  /** Runs after the simulator is built and reset, before cycle 0 (e.g. initial memory contents). */
  prepare?(sim: Simulator): void;
}

export interface ReplayAdapter {
  /** The `--module` name. */
  readonly name: string;
  /** One line for `--help` and the list of modules. */
  readonly summary: string;
  /** Validates the parsed file and turns it into traces; throws ScenarioError naming the field at fault. */
  parse(json: unknown, file: string): Scenario;
  /** Builds the design for this scenario (parameters from the file) and its mapping table. */
  bind(scenario: Scenario): ReplayBinding;
}

const registry = new Map<string, ReplayAdapter>();

export function registerAdapter(a: ReplayAdapter): void {
  if (registry.has(a.name)) throw new Error(`replay adapter '${a.name}' is registered twice`);
  registry.set(a.name, a);
}

export function adapterNames(): string[] {
  return [...registry.keys()].sort();
}

/** The adapter registered under `name`; throws listing the valid names. */
export function getAdapter(name: string): ReplayAdapter {
  const a = registry.get(name);
  if (a === undefined) throw new UnknownModuleError(name, adapterNames());
  return a;
}

export class UnknownModuleError extends Error {
  override name = 'UnknownModuleError';
  constructor(
    readonly module: string,
    readonly known: readonly string[],
  ) {
    super(`unknown module '${module}' (valid: ${known.join(', ')})`);
  }
}
