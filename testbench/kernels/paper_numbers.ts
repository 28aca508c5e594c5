/**
 * The CF'20 paper's published figures the reproduction compares against (Bruschi et al., "Enabling
 * mixed-precision quantized neural networks in extreme-edge devices", CF'20, DOI 10.1145/3387902.3394038),
 * copied by hand from the paper's text: §2.2 (7.5x speed-up), §3 (inner-loop counts), §4.1 (Fig. 4 drops,
 * Table 1), the abstract (16 MACs/cycle on 8 cores), and the reference layer of §4.
 */
import type { Precision } from '../../kernels/golden/layer.ts';

export const PAPER = {
  citation: "Bruschi et al., CF'20, DOI 10.1145/3387902.3394038",
  /** §4: 32x16x16 ifmaps, 64x16x16 ofmaps, 3x3 filters, an im2col column of 288. */
  referenceLayer: { h: 16, w: 16, cin: 32, cout: 64, k: 3 },
  /** §4.1, Fig. 4: single-core MACs/cycle of im2col + MatMul drops by these factors against 8-bit weights. */
  fig4Drop: { 4: 2.5, 2: 2.43 } as Record<4 | 2, number>,
  /** §3: MatMul inner-loop cycles per iteration (4 channels x 2 pixels) by weight precision. */
  innerLoopCycles: { 8: 14, 4: 72, 2: 140 } as Record<Precision, number>,
  /** §3: MACs per inner-loop iteration by weight precision (4 x 2 x 4 / 8 / 16 weights). */
  innerLoopMacs: { 8: 32, 4: 64, 2: 128 } as Record<Precision, number>,
  /** §4.1, Table 1: QntPack cycles per output pixel by ofmap precision, mean and variance. */
  table1: {
    8: { mean: 2.01, spread: 0.57 },
    4: { mean: 16.64, spread: 4.47 },
    2: { mean: 8.02, spread: 1.15 },
  } as Record<Precision, { mean: number; spread: number }>,
  /** §2.2: speed-up of the 8-core cluster over one core. */
  speedup8: 7.5,
  /** Abstract: peak MACs/cycle on 8 cores. */
  peakMacsPerCycle8: 16,
} as const;
