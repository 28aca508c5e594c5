// A kernel's headline numbers from a run report (MACs per cycle over the kernel's span, QntPack cycles per output)
// next to the CF'20 paper's (fact sheet pulp-nn-mixed §8a). The paper's Fig. 4 (MACs/cycle per precision) is not
// retrievable: for 8-bit weights the abstract's 16 MACs/cycle peak on 8 cores stands in, for 4/2-bit weights the
// ideal inner loop on 8 cores derived from the paper's instruction counts (14/72/140 per 4x2 block).
import type { Precision } from '../../kernels/golden/layer.ts';
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
  /** From the first cycle any core ran kernel code to the last one (the final barrier included). */
  cycles: number;
  macsPerCycle: number;
  /** QntPack cycles of all cores per output value. */
  qntpackCyclesPerOutput: number;
  golden: { outputs: number; mismatches: number };
  paper: PaperReference;
}

/** The paper's numbers for a precision triple on `cores` cores (§8a). */
export function paperReference(p: { wBits: Precision; outBits: Precision }, cores: number): PaperReference {
  const q = { 8: 2.01, 4: 16.64, 2: 8.02 }[p.outBits];
  const qs = `CF'20 Table 1, ${p.outBits}-bit outputs`;
  if (p.wBits === 8 && cores === 8) return { macsPerCycle: 16, macsPerCycleSource: "CF'20 abstract: peak on 8 cores (8-bit)", qntpackCyclesPerOutput: q, qntpackSource: qs };
  // ideal inner loop: MACs per 4x2 block / instructions per block, per core (§8a derived row)
  const ideal = { 8: 32 / 14, 4: 64 / 72, 2: 128 / 140 }[p.wBits] * cores;
  return {
    macsPerCycle: ideal,
    macsPerCycleSource: `ideal inner loop on ${cores} core(s), derived from the paper's ${{ 8: 14, 4: 72, 2: 140 }[p.wBits]} instructions per block`,
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
  k: { name: string; precision: KernelSummary['precision']; layer: LayerShapeInfo; reduced: boolean; golden: KernelSummary['golden'] },
): KernelSummary {
  const spans = cores.filter((c) => c.kernelSpan[0] >= 0);
  const first = Math.min(...spans.map((c) => c.kernelSpan[0]));
  const last = Math.max(...spans.map((c) => c.kernelSpan[1]));
  const cycles = spans.length === 0 ? 0 : last - first + 1;
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
