// The XpulpV2 / CORE-V v2 part of the instruction table: every PULP extension entry, each with its RI5CY
// (`p.*`, `pv.*`, `lp.*`) and/or CORE-V (`cv.*`) encoding.
import { corevCplxInstrs } from './corev_cplx.ts';
import type { InstrDef } from './types.ts';
import { xpulpAluInstrs } from './xpulp_alu.ts';
import { xpulpBitmanInstrs } from './xpulp_bitman.ts';
import { xpulpHwloopInstrs } from './xpulp_hwloop.ts';
import { xpulpMacInstrs } from './xpulp_mac.ts';
import { xpulpMemInstrs } from './xpulp_mem.ts';
import { xpulpSimdInstrs } from './xpulp_simd.ts';

export const xpulpInstrs: InstrDef[] = [
  ...xpulpMemInstrs,
  ...xpulpHwloopInstrs,
  ...xpulpBitmanInstrs,
  ...xpulpAluInstrs,
  ...xpulpMacInstrs,
  ...xpulpSimdInstrs,
  ...corevCplxInstrs,
];
