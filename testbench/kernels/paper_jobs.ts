/**
 * The runs behind `pulpsim paper`: which kernel, on how many cores, on which layer, and the compact measurement
 * each run returns (what crosses a worker thread: numbers only, no outputs).
 *
 * Layers: the CF'20 reference layer itself; while the cycle-accurate engine is slow, 8 pixels of one of its interior
 * output rows (the same im2col column of 3x3x32 = 288 and 64 output channels, so the same per-pixel work, without
 * the padded border); and a small layer for bit-exactness on 8 cores.
 */
import { generateLayer, type LayerShape, referenceLayerShape } from '../../kernels/golden/generate.ts';
import type { Precision } from '../../kernels/golden/layer.ts';
import { kernelName, PRECISION_TRIPLES } from '../../kernels/pulp-nn-mixed/generate.ts';
import { type ConvRunResult, describeComparison, runConvOnCluster } from './conv_run.ts';
import type { PerfEvent, Phase } from './phases.ts';

export type PaperLayer = 'reference' | 'row' | 'small';

export const PAPER_LAYERS: Record<PaperLayer, { shape: LayerShape; describe: string }> = {
  reference: { shape: referenceLayerShape(), describe: "CF'20 reference layer: 16x16x32 -> 16x16x64, 3x3, pad 1" },
  row: {
    shape: { h: 3, w: 10, cin: 32, cout: 64, kh: 3, kw: 3, stride: 1, padding: 0 },
    describe: 'half an interior output row of the reference layer: 3x10x32 -> 1x8x64, 3x3, no padding',
  },
  small: {
    shape: { h: 8, w: 4, cin: 8, cout: 8, kh: 3, kw: 3, stride: 1, padding: 1 },
    describe: 'a small layer for bit-exactness: 8x4x8 -> 8x4x8, 3x3, pad 1',
  },
};

export const PAPER_SEED = 2020;

export interface Triple {
  inBits: Precision;
  wBits: Precision;
  outBits: Precision;
}

export interface PaperJob {
  bits: Triple;
  cores: number;
  layer: PaperLayer;
}

export interface Measurement {
  job: PaperJob;
  kernel: string;
  cycles: number;
  macs: number;
  outputs: number;
  macsPerCycle: number;
  linearMacsPerCycle: number;
  bitExact: boolean;
  mismatch: string;
  phases: Record<Phase, number>;
  phaseEvents: Record<Phase, Record<PerfEvent, number>>;
  inner: ConvRunResult['inner'];
  qntpack: { cyclesPerOutput: number; spread: number; blocks: number };
  /** Host seconds of the simulation, and the cycles it simulated (boot to exit). */
  seconds: number;
  simulatedCycles: number;
}

export type PaperMode = 'quick' | 'full';

/**
 * The runs of a mode: 27 kernels on 1 and on 8 cores; quick mode adds the 8-bit kernel on the whole reference layer
 * on 1 and 8 cores (the speed-up and the peak).
 */
export function paperJobs(mode: PaperMode): PaperJob[] {
  const jobs: PaperJob[] = [];
  const c1: PaperLayer = mode === 'full' ? 'reference' : 'row';
  const c8: PaperLayer = mode === 'full' ? 'reference' : 'small';
  for (const bits of PRECISION_TRIPLES) jobs.push({ bits, cores: 1, layer: c1 });
  for (const bits of PRECISION_TRIPLES) jobs.push({ bits, cores: 8, layer: c8 });
  if (mode === 'quick') {
    const b8: Triple = { inBits: 8, wBits: 8, outBits: 8 };
    jobs.push({ bits: b8, cores: 1, layer: 'reference' }, { bits: b8, cores: 8, layer: 'reference' });
  }
  return jobs;
}

/** Rough cost of a job in core-cycles (MACs times the cycles per MAC of its weight precision), for scheduling. */
export function jobCost(job: PaperJob): number {
  const s = PAPER_LAYERS[job.layer].shape;
  const ho = Math.floor((s.h + 2 * s.padding - s.kh) / s.stride) + 1;
  const wo = Math.floor((s.w + 2 * s.padding - s.kw) / s.stride) + 1;
  const macs = ho * wo * s.cout * s.kh * s.kw * s.cin;
  return macs * (job.bits.wBits === 8 ? 0.5 : 1.2) + 20_000 * job.cores;
}

export function jobName(job: PaperJob): string {
  return `${kernelName(job.bits)}@${job.cores}c/${job.layer}`;
}

/** Runs one job in this thread. */
export function runPaperJob(job: PaperJob): Measurement {
  const layer = generateLayer({ ...job.bits, ...PAPER_LAYERS[job.layer].shape, seed: PAPER_SEED });
  const r = runConvOnCluster(layer, { cores: job.cores, reuse: true });
  return {
    job,
    kernel: r.kernel,
    cycles: r.cycles,
    macs: r.macs,
    outputs: r.outputs,
    macsPerCycle: r.macsPerCycle,
    linearMacsPerCycle: r.linearMacsPerCycle,
    bitExact: r.bitExact,
    mismatch: describeComparison(r),
    phases: r.phases,
    phaseEvents: r.phaseEvents,
    inner: r.inner,
    qntpack: r.qntpack,
    seconds: r.seconds,
    simulatedCycles: r.totalCycles,
  };
}
