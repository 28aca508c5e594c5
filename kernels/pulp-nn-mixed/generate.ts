/**
 * The kernel generator: one convolution kernel per (input, weight, output) precision triple in {8, 4, 2}^3 and
 * flavour, from the composable templates (templates/: im2col by input precision, MatMul by weight precision,
 * QntPack by output precision, the driver composing them).
 */
import { PRECISIONS, type Precision } from '../golden/layer.ts';
import type { Flavour } from './flavour.ts';
import { type KernelConfig, kernelName } from './templates/context.ts';
import { type KernelSource, convKernel } from './templates/conv.ts';
import { xpulpnnRefusal } from './templates/xpulpnn.ts';

export type { KernelConfig, KernelSource };
export { kernelName };

export interface PrecisionTriple {
  inBits: Precision;
  wBits: Precision;
  outBits: Precision;
}

/** The 27 precision triples, in the paper's name order (input, output, weights), 8 first. */
export const PRECISION_TRIPLES: readonly PrecisionTriple[] = (() => {
  const desc = [...PRECISIONS].sort((a, b) => b - a);
  const out: PrecisionTriple[] = [];
  for (const inBits of desc) for (const outBits of desc) for (const wBits of desc) out.push({ inBits, wBits, outBits });
  return out;
})();

function checkConfig(cfg: KernelConfig): void {
  for (const k of ['inBits', 'wBits', 'outBits'] as const) {
    const v = cfg[k];
    if (v !== 2 && v !== 4 && v !== 8) throw new Error(`kernel config ${k}: expected 2, 4 or 8, got ${String(v)}`);
  }
  if (cfg.flavour !== 'xpulpv2' && cfg.flavour !== 'corev') throw new Error(`kernel config flavour: expected xpulpv2 or corev, got ${String(cfg.flavour)}`);
  if (cfg.xpulpnn) {
    const why = xpulpnnRefusal(cfg);
    if (why) throw new Error(`kernel ${kernelName(cfg)}: ${why}`);
  }
}

/** The assembly source of one kernel. */
export function generateKernel(cfg: KernelConfig): KernelSource {
  checkConfig(cfg);
  return convKernel(cfg);
}

/** All 27 kernels of a flavour. */
export function generateAll(flavour: Flavour, barrierSymbol?: string): KernelSource[] {
  return PRECISION_TRIPLES.map((t) => generateKernel({ ...t, flavour, ...(barrierSymbol ? { barrierSymbol } : {}) }));
}
