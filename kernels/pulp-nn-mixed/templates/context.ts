/**
 * What every template shares: the precision triple, the flavour's mnemonics, unique local labels, and the
 * kernel's stack frame. Loop state that is not hot (rows, columns, block counters, pointers between phases)
 * lives in the frame, so each phase has the whole register file: the 4x2 MatMul with 2-bit weights needs 27
 * registers in its inner loop (8 accumulators, 8 activation words, 6 pointers, weight word, vector, 2 temps, count).
 */
import type { Precision } from '../../golden/layer.ts';
import { type Flavour, type FlavourOps, flavourOps } from '../flavour.ts';

export interface KernelConfig {
  inBits: Precision;
  wBits: Precision;
  outBits: Precision;
  flavour: Flavour;
  /** Function the kernel calls once at its end to join the team (default `pulp_nn_barrier`). */
  barrierSymbol?: string;
  /** The XpulpNN variant (nibble/crumb dot products, templates/xpulpnn.ts); needs the core's XpulpNN extension. */
  xpulpnn?: boolean;
}

/** The paper's name, input / output / weight precision in that order (facts §1). */
export function kernelName(c: Pick<KernelConfig, 'inBits' | 'wBits' | 'outBits'> & { xpulpnn?: boolean }): string {
  return `conv_u${c.inBits}_u${c.outBits}_i${c.wBits}${c.xpulpnn ? '_nn' : ''}`;
}

/** Frame words below the saved registers (ra, gp, tp, s0..s11). */
const SAVED = ['ra', 'gp', 'tp', 's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11'] as const;

const LOCALS = [
  'DESC', 'CORE', 'NC',
  // layer parameters copied from the descriptor
  'H', 'W', 'CIN', 'HO', 'WO', 'KH', 'KW', 'SY', 'SX', 'PT', 'PL', 'SHIFT', 'XBASE', 'OUT', 'W0', 'QA0', 'QB0',
  // derived sizes
  'NUMCOL', 'WROW', 'INPIX', 'INROW', 'OUTPIX', 'KWCIN', 'BUF', 'NIT', 'LEFTB', 'NBLK', 'NLEFT',
  // this core's share of the output
  'YS', 'YE', 'XS', 'XE',
  // loop state
  'Y', 'X', 'IY0', 'POUT', 'RA2', 'BLK', 'WCUR', 'QA', 'QB',
  // XpulpNN variant: bytes of a padded column and of one of its planes (the frame keeps its 240 bytes)
  'COLB', 'PB',
] as const;

export type FrameSlot = (typeof LOCALS)[number];
export const SAVED_REGS: readonly string[] = SAVED;

export function savedOffset(reg: string): number {
  const i = SAVED.indexOf(reg as (typeof SAVED)[number]);
  if (i < 0) throw new Error(`no frame slot saves ${reg}`);
  return i * 4;
}

export function frameOffset(slot: FrameSlot): number {
  return (SAVED.length + LOCALS.indexOf(slot)) * 4;
}

/** Frame size, rounded to the 16-byte stack alignment of the RISC-V calling convention. */
export const FRAME_BYTES = Math.ceil(((SAVED.length + LOCALS.length) * 4) / 16) * 16;

export class Ctx {
  readonly fl: FlavourOps;
  private n = 0;
  constructor(readonly cfg: KernelConfig) {
    this.fl = flavourOps(cfg.flavour);
  }
  get name(): string {
    return kernelName(this.cfg);
  }
  /** A fresh local label. */
  label(tag: string): string {
    return `.L${this.name}_${tag}_${this.n++}`;
  }
  /** A fixed local label (for routines referenced by name). */
  fixed(tag: string): string {
    return `.L${this.name}_${tag}`;
  }
  ld(reg: string, slot: FrameSlot): string {
    return `lw ${reg}, ${frameOffset(slot)}(sp)`;
  }
  st(reg: string, slot: FrameSlot): string {
    return `sw ${reg}, ${frameOffset(slot)}(sp)`;
  }
}

/** Elements per byte of a precision. */
export function perByte(bits: Precision): number {
  return 8 / bits;
}
