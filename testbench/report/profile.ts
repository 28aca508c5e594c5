// A kernel's headline numbers from a run report (MACs per cycle of the kernel call, QntPack cycles per output)
// next to the CF'20 paper's (testbench/kernels/paper_numbers.ts; fact sheet pulp-nn-mixed §8a). The paper gives no
// absolute MACs/cycle per precision: for 8-bit weights the abstract's 16 MACs/cycle peak on 8 cores stands in, for
// 4/2-bit weights the ideal inner loop on N cores from the paper's per-iteration counts (32/14, 64/72, 128/140).
import type { Precision } from '../../kernels/golden/layer.ts';
import { PAPER } from '../kernels/paper_numbers.ts';
import type { CoreReport } from './report.ts';

export interface LayerShapeInfo {
  h: number;
  w: number;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number;
  padding: number;
}

export interface PaperReference {
  macsPerCycle: number;
  macsPerCycleSource: string;
  qntpackCyclesPerOutput: number;
  qntpackSource: string;
}

export interface KernelSummary {
  name: string;
  precision: { inBits: Precision; wBits: Precision; outBits: Precision };
  layer: LayerShapeInfo;
  /** The layer is smaller than the paper's reference layer (said in every rendering). */
  reduced: boolean;
  cores: number;
  macs: number;
  outputs: number;
  /** The kernel call: from the first core's entry to the last core's return (testbench/kernels/conv_run.ts). */
  cycles: number;
  macsPerCycle: number;
  /** QntPack cycles of all cores per output value. */
  qntpackCyclesPerOutput: number;
  golden: { outputs: number; mismatches: number };
  paper: PaperReference;
}

/** The paper's numbers for a precision triple on `cores` cores (testbench/kernels/paper_numbers.ts). */
export function paperReference(p: { wBits: Precision; outBits: Precision }, cores: number): PaperReference {
  const q = PAPER.table1[p.outBits].mean;
  const qs = `CF'20 Table 1, ${p.outBits}-bit outputs`;
  if (p.wBits === 8 && cores === 8) return { macsPerCycle: PAPER.peakMacsPerCycle8, macsPerCycleSource: "CF'20 abstract: peak on 8 cores (8-bit)", qntpackCyclesPerOutput: q, qntpackSource: qs };
  const ideal = (PAPER.innerLoopMacs[p.wBits] / PAPER.innerLoopCycles[p.wBits]) * cores;
  return {
    macsPerCycle: ideal,
    macsPerCycleSource: `ideal inner loop on ${cores} core(s): ${PAPER.innerLoopMacs[p.wBits]} MACs per ${PAPER.innerLoopCycles[p.wBits]} cycles (CF'20 §3)`,
    qntpackCyclesPerOutput: q,
    qntpackSource: qs,
  };
}

export function layerMacs(l: LayerShapeInfo): { macs: number; outputs: number } {
  const ho = Math.floor((l.h + 2 * l.padding - l.kh) / l.stride) + 1;
  const wo = Math.floor((l.w + 2 * l.padding - l.kw) / l.stride) + 1;
  return { macs: ho * wo * l.cout * l.kh * l.kw * l.cin, outputs: ho * wo * l.cout };
}

/** The kernel summary from the per-core reports of a run. */
export function kernelSummary(
  cores: readonly CoreReport[],
  k: { name: string; precision: KernelSummary['precision']; layer: LayerShapeInfo; reduced: boolean; golden: KernelSummary['golden']; cycles?: number },
): KernelSummary {
  const spans = cores.filter((c) => c.kernelSpan[0] >= 0);
  const first = Math.min(...spans.map((c) => c.kernelSpan[0]));
  const last = Math.max(...spans.map((c) => c.kernelSpan[1]));
  // `cycles` given: the harness's kernel-call measure; else the span the monitors saw in kernel code
  const cycles = k.cycles ?? (spans.length === 0 ? 0 : last - first + 1);
  const { macs, outputs } = layerMacs(k.layer);
  const qnt = cores.reduce((s, c) => s + (c.phases.find((p) => p.name === 'qntpack')?.cycles ?? 0), 0);
  return {
    ...k,
    cores: cores.length,
    macs,
    outputs,
    cycles,
    macsPerCycle: cycles === 0 ? 0 : macs / cycles,
    qntpackCyclesPerOutput: outputs === 0 ? 0 : qnt / outputs,
    paper: paperReference(k.precision, cores.length),
  };
}
