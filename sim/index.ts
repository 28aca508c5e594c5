// The DSL and the engine, for rtl/ and testbench/.
export { Module, type ProcOptions, type Width } from './module.ts';
export type { Signal, Wire, Input, Output, Reg, Drivable, Value } from './signal.ts';
export type { Memory, MemoryOptions } from './memory.ts';
export { defineEnum, type EnumType } from './enum.ts';
export { defineBundle, inp, out, type BundleDef, type BundlePorts, type BundleSpec } from './bundle.ts';
export { Simulator, type SimulatorOptions, type BackendKind, type SettledHook, type Tracer } from './simulator.ts';
export { ElaborationError, SimulationError } from './errors.ts';
export type { ReadViolation, StrictReads } from './interp.ts';
export type { Netlist } from './netlist.ts';
export { bits, bit, sext, cat } from './bits.ts';
export { freshCopy, copiesEnabled, copyStats, type ModuleClass } from './specialize.ts';
export { setLearnStore, type LearnStore } from './learn_store.ts';
