/**
 * Runs a layer's pulp-nn-mixed kernel on the cycle-accurate cluster (rtl/cluster through testbench/cluster):
 * builds the program (conv_program.ts), packs the layer into the TCDM behind the runtime's data (the kernels'
 * layout, kernels/pulp-nn-mixed/layout.ts), runs to the exit, unpacks the output, compares it with convGolden,
 * and reports the kernel's cycles, MACs, per-phase cycles and per-core performance counters.
 *
 * `cycles` is the kernel call as a cluster timer sees it: from the first core's kernel entry to the last core's
 * return (the kernel ends with its team barrier, so all return within a few cycles of each other). The per-core
 * counters are the RI5CY PCCRs, started just before the call and stopped just after it, as the library's test
 * does (facts/pulp-nn-mixed.md §7); a core's PCCR cycles exclude the cycles its clock was gated (asleep in the
 * barrier).
 */
import { type Gap8Config, gap8 } from '../../rtl/config/index.ts';
import { type Layer, outputShape } from '../../kernels/golden/layer.ts';
import { unpackBits } from '../../kernels/golden/pack.ts';
import { compareOutputs, describeMismatch, type Mismatch } from '../../kernels/pulp-nn-mixed/harness.ts';
import { layerImage, layerLimits, LayerLimitError } from '../../kernels/pulp-nn-mixed/layout.ts';
import { xpulpnnLimits } from '../../kernels/pulp-nn-mixed/templates/xpulpnn.ts';
import type { BackendKind, StrictReads } from '../../sim/index.ts';
import type { Elf } from '../../kernels/toolchain/elf.ts';
import { ClusterTestbench, type ClusterTestbenchOptions } from '../cluster/testbench.ts';
import { convProgram } from './conv_program.ts';
import { type CorePhases, PERF_EVENTS, type PerfEvent, type Phase, PHASES, PhaseMonitor, phaseMap } from './phases.ts';

export { LayerLimitError };

export interface ConvRunOptions {
  /** The cluster (default the gap8 preset); `cores` overrides its core count (and barriers, one per core). */
  config?: Gap8Config;
  cores?: number;
  /** Run the XpulpNN variant of the kernel (needs `core.isa.xpulpnn` in the config). */
  xpulpnn?: boolean;
  /** Cycle limit (default 100000 + 8 cycles per MAC). */
  maxCycles?: number;
  backend?: BackendKind;
  /** Interpreter: refuse any read outside a process's read set (SimulatorOptions.strictReads). */
  strictReads?: StrictReads;
  /** Called with the testbench before the run (e.g. to attach a VCD writer); may return a clean-up called after it. */
  onTestbench?: (tb: ClusterTestbench) => (() => void) | void;
  /**
   * Run on this thread's testbench of the same configuration and options when an earlier run left one
   * (ClusterTestbench.restart), and keep it for the next: the same cycles and values as a new testbench, without
   * elaborating, compiling and optimising the cluster's code again (a paper worker's jobs, a sweep's). The thread
   * keeps the testbenches of its last KEPT_TESTBENCHES configurations; one whose run threw is not kept.
   */
  reuse?: boolean;
}

export interface CoreReport {
  core: number;
  /** PCCR0..15 by name at the end of the run (counting only during the kernel call). */
  counters: Record<PerfEvent, number>;
  /** Cycles the core's clock ran during the whole run. */
  activeCycles: number;
  entryCycle: number;
  returnCycle: number;
  phases: Record<Phase, number>;
}

export interface QntPackStats {
  /** QntPack cycles (all cores) per output value. */
  cyclesPerOutput: number;
  /** Standard deviation over the layer's QntPack blocks of a block's cycles per output (weighted by outputs). */
  spread: number;
  blocks: number;
}

export interface ConvRunResult {
  kernel: string;
  cores: number;
  /** Kernel call cycles (first entry to last return). */
  cycles: number;
  /** Cycle of the program's exit (core 0's tohost store). */
  totalCycles: number;
  macs: number;
  outputs: number;
  macsPerCycle: number;
  /** MACs per cycle of im2col + MatMul alone (the kernel call minus QntPack per core), CF'20 Fig. 4's metric. */
  linearMacsPerCycle: number;
  bitExact: boolean;
  mismatches: number;
  first?: Mismatch;
  /** Unpacked output, HWC, and the packed bytes the kernel wrote. */
  output: Uint8Array;
  packed: Uint8Array;
  /** Cycles per phase summed over the cores (core-cycles; equal to the cycles on one core). */
  phases: Record<Phase, number>;
  /** Performance events per phase, summed over the cores. */
  phaseEvents: Record<Phase, Record<PerfEvent, number>>;
  /**
   * Main 4 x 2 MatMul inner loop (all cores): mean cycles per iteration (cycles with the body in ID over the
   * iterations), the most common iteration length (start to next start), the share of iterations of exactly that
   * length and the number of the others (of the iterations followed by another), the iterations, the cycles with
   * the body in ID and the body's instructions.
   */
  inner: {
    cyclesPerIteration: number;
    steadyCycles: number;
    steadyShare: number;
    otherLengths: number;
    iterations: number;
    cycles: number;
    instructions: number;
  };
  qntpack: QntPackStats;
  perCore: CoreReport[];
  /** Host seconds the simulation took and its speed. */
  seconds: number;
  cyclesPerSecond: number;
}

export class ConvRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConvRunError';
  }
}

/** The gap8 preset with `cores` cores (and one hardware barrier per core, as pulp_cluster builds it). */
export function clusterWithCores(cores: number, base: Gap8Config = gap8()): Gap8Config {
  const c = structuredClone(base);
  if (!Number.isInteger(cores) || cores < 1 || cores > 16) throw new RangeError(`cores: expected an integer 1..16, got ${cores}`);
  c.cluster.cores = cores;
  c.cluster.eventUnit.barriers = cores;
  return c;
}

/** MACs of a layer: kh * kw * cin per output value (padding taps included, as the library's test counts). */
export function layerMacs(layer: Layer): number {
  const o = outputShape(layer.spec);
  const s = layer.spec;
  return o.ho * o.wo * o.c * s.weights.kh * s.weights.kw * s.ifmap.c;
}

/** Why the kernels cannot run a layer on this cluster (empty when they can), before anything is built. */
export function convLimits(layer: Layer, config: Gap8Config, xpulpnn = false): string[] {
  const p = convProgram({ inBits: layer.spec.ifmap.bits, wBits: layer.spec.weights.bits, outBits: layer.spec.ofmap.bits, xpulpnn }, config);
  return [...layerLimits(layer.spec, config.cluster.cores, p.dataEnd - p.dataBase), ...(xpulpnn ? xpulpnnLimits(layer.spec) : [])];
}

const sumPhases = (list: Record<Phase, number>[]): Record<Phase, number> =>
  Object.fromEntries(PHASES.map((p) => [p, list.reduce((a, r) => a + r[p], 0)])) as Record<Phase, number>;

function qntStats(cores: CorePhases[], outputs: number): QntPackStats {
  const blocks = cores.flatMap((c) => c.qntBlocks);
  const qCycles = cores.reduce((a, c) => a + c.cycles.qntpack, 0);
  let n = 0;
  let s = 0;
  for (const b of blocks) {
    n += b.outputs;
    s += b.cycles;
  }
  const mean = n > 0 ? s / n : 0;
  let v = 0;
  for (const b of blocks) v += b.outputs * (b.cycles / b.outputs - mean) ** 2;
  return { cyclesPerOutput: outputs > 0 ? qCycles / outputs : 0, spread: n > 0 ? Math.sqrt(v / n) : 0, blocks: blocks.length };
}

/** Testbenches a thread keeps for reuse: a paper worker alternates two configurations (1 and 8 cores); a sweep
 *  over many configurations must not hold a cluster per configuration. */
export const KEPT_TESTBENCHES = 2;
/** This thread's testbenches kept for reuse, by configuration and options, the least recently used first. */
const kept = new Map<string, ClusterTestbench>();

/** The testbench of a run and the key under which `release` keeps it (null: not to be kept). */
function acquire(config: Gap8Config, elf: Elf, opts: ClusterTestbenchOptions, reuse: boolean): { tb: ClusterTestbench; key: string | null } {
  if (!reuse) return { tb: new ClusterTestbench(config, elf, opts), key: null };
  const key = JSON.stringify([config, opts]);
  const tb = kept.get(key);
  // Out of the map while it runs: a run that throws (a bus error, a broken program) may leave it in any state.
  kept.delete(key);
  if (tb) tb.restart(elf);
  return { tb: tb ?? new ClusterTestbench(config, elf, opts), key };
}

/** Testbenches this thread keeps now. */
export function keptTestbenches(): number {
  return kept.size;
}

/** Keeps a testbench whose run ended (normally or at its cycle limit) for the next run of its configuration. */
function release(tb: ClusterTestbench, key: string | null): void {
  if (key === null) return;
  kept.set(key, tb);
  while (kept.size > KEPT_TESTBENCHES) kept.delete(kept.keys().next().value!);
}

/**
 * Runs the layer's kernel on the cluster and checks it against the golden model. Throws LayerLimitError before
 * building anything for a layer the kernels cannot run, ConvRunError when the program does not exit normally.
 */
export function runConvOnCluster(layer: Layer, opts: ConvRunOptions = {}): ConvRunResult {
  const base = opts.config ?? gap8();
  const config = opts.cores !== undefined ? clusterWithCores(opts.cores, base) : structuredClone(base);
  // The testbench records stores to its result area; the kernels' data may sit there, so move it out of the way.
  config.resultBase = config.l2.base + config.l2.sizeBytes - 0x800;
  const { spec } = layer;
  const cores = config.cluster.cores;
  const program = convProgram({ inBits: spec.ifmap.bits, wBits: spec.weights.bits, outBits: spec.ofmap.bits, xpulpnn: opts.xpulpnn === true }, config);
  if (opts.xpulpnn) {
    const why = xpulpnnLimits(spec);
    if (why.length > 0) throw new LayerLimitError(why);
  }
  const image = layerImage(layer, { base: program.dataBase, cores, l1Bytes: program.dataEnd - program.dataBase });
  const macs = layerMacs(layer);
  const o = outputShape(spec);
  const outputs = o.ho * o.wo * o.c;
  const { tb, key } = acquire(config, program.elf, { backend: opts.backend ?? 'codegen', strictReads: opts.strictReads }, opts.reuse === true);
  for (const b of image.blocks) tb.writeBytes(b.addr, b.bytes);
  tb.writeWord(program.descAddrWord, image.descriptorAddr);
  const map = phaseMap(program.elf, program.kernel.name);
  const mon = new PhaseMonitor(tb, map, program.kernelEntry, program.kernelReturn);
  const t0 = performance.now();
  let r;
  try {
    const cleanup = opts.onTestbench?.(tb);
    try {
      r = tb.run(opts.maxCycles ?? 100_000 + 8 * macs);
    } finally {
      cleanup?.();
    }
  } finally {
    mon.detach();
  }
  release(tb, key);
  const seconds = (performance.now() - t0) / 1000;
  if (r.exit !== 'tohost' || r.tohost !== 1) {
    throw new ConvRunError(`${program.kernel.name} on ${cores} core(s) did not end normally: ${r.message}`);
  }
  const packed = new Uint8Array(image.outBytes);
  for (let i = 0; i < packed.length; i++) {
    const a = image.outAddr + i;
    packed[i] = (tb.readWord(a & ~3) >>> ((a & 3) * 8)) & 0xff;
  }
  const output = spec.ofmap.bits === 8 ? packed.slice() : unpackBits(packed, spec.ofmap.bits);
  const cmp = compareOutputs(layer, output);
  const ph = mon.result();
  const ran = ph.filter((c) => c.entryCycle >= 0);
  if (ran.length !== cores || ran.some((c) => c.returnCycle < 0)) {
    throw new ConvRunError(`${program.kernel.name}: ${cores - ran.length} core(s) never entered the kernel or never returned`);
  }
  const cycles = Math.max(...ran.map((c) => c.returnCycle)) - Math.min(...ran.map((c) => c.entryCycle));
  const phases = sumPhases(ph.map((c) => c.cycles));
  const phaseEvents = Object.fromEntries(
    PHASES.map((p) => [p, Object.fromEntries(PERF_EVENTS.map((e) => [e, ph.reduce((a, c) => a + c.events[p][e], 0)]))]),
  ) as Record<Phase, Record<PerfEvent, number>>;
  const iters = ph.reduce((a, c) => a + c.innerIterations, 0);
  const innerCycles = ph.reduce((a, c) => a + c.innerCycles, 0);
  const lengths = new Map<number, number>();
  for (const c of ph) for (const [len, n] of c.iterationLengths) lengths.set(len, (lengths.get(len) ?? 0) + n);
  let steady = 0;
  let steadyN = 0;
  let measured = 0;
  for (const [len, n] of lengths) {
    measured += n;
    if (n > steadyN) {
      steady = len;
      steadyN = n;
    }
  }
  const counters = tb.counters();
  const perCore: CoreReport[] = ph.map((c, k) => ({
    core: k,
    counters: Object.fromEntries(PERF_EVENTS.map((e, i) => [e, counters[k]!.pccr[i] ?? 0])) as Record<PerfEvent, number>,
    activeCycles: counters[k]!.activeCycles,
    entryCycle: c.entryCycle,
    returnCycle: c.returnCycle,
    phases: c.cycles,
  }));
  const linear = cycles - phases.qntpack / cores;
  return {
    kernel: program.kernel.name,
    cores,
    cycles,
    totalCycles: r.cycles,
    macs,
    outputs,
    macsPerCycle: macs / cycles,
    linearMacsPerCycle: macs / linear,
    bitExact: cmp.mismatches === 0,
    mismatches: cmp.mismatches,
    ...(cmp.first ? { first: cmp.first } : {}),
    output,
    packed,
    phases,
    phaseEvents,
    inner: {
      cyclesPerIteration: iters > 0 ? innerCycles / iters : 0,
      steadyCycles: steady,
      steadyShare: measured > 0 ? steadyN / measured : 0,
      otherLengths: measured - steadyN,
      iterations: iters,
      cycles: innerCycles,
      instructions: map.innerInstructions,
    },
    qntpack: qntStats(ph, outputs),
    perCore,
    seconds,
    cyclesPerSecond: Math.round(tb.cycle / Math.max(seconds, 1e-6)),
  };
}

/** A one-line description of a run's golden comparison. */
export function describeComparison(r: Pick<ConvRunResult, 'mismatches' | 'first'>): string {
  return describeMismatch(r);
}
