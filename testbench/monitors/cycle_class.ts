// Where a core cycle goes. Every cycle of a core is exactly one of these classes, so per function, per kernel
// phase and per core the classes add up to the cycles (the report's invariant). `instr` is a cycle in which an
// instruction leaves ID (RI5CY issues at most one per cycle); every other class is a cycle in which none does,
// named for what held it (fact sheet ri5cy-isa-timing §1.3 for the hazards, §1.4 for their costs).
import { StallCause } from '../../rtl/core/controller.ts';

export const CYCLE_CLASSES = [
  'instr',
  'load_use',
  'jalr',
  'mulh',
  'div',
  'data_gnt',
  'wb_rvalid',
  'misaligned',
  'fetch',
  'branch',
  'jump',
  'csr_flush',
  'elw',
  'sleep',
] as const;

export type CycleClass = (typeof CYCLE_CLASSES)[number];
export const NCLASSES = CYCLE_CLASSES.length;

/** Index of each class in CYCLE_CLASSES (and in the monitors' count arrays). */
export const CC: { readonly [K in CycleClass]: number } = Object.freeze(
  Object.fromEntries(CYCLE_CLASSES.map((c, i) => [c, i])) as { [K in CycleClass]: number },
);

/** What each class means, for tables and legends. */
export const CLASS_LABELS: { readonly [K in CycleClass]: string } = {
  instr: 'instruction issued',
  load_use: 'load-use hazard',
  jalr: 'jalr operand hazard',
  mulh: 'mulh (multi-cycle multiply)',
  div: 'div/rem (serial divider)',
  data_gnt: 'data grant wait (TCDM contention, slow port)',
  wb_rvalid: 'load response wait (rvalid)',
  misaligned: 'misaligned access (second transaction)',
  fetch: 'fetch: no instruction from IF (I$ miss, refill)',
  branch: 'taken-branch penalty (flush and refetch)',
  jump: 'jump bubble (jal/jalr redirect in ID)',
  csr_flush: 'pipeline flush (CSR side effects, fence, traps, mret)',
  elw: 'p.elw: waiting for an event (barrier), clock gated',
  sleep: 'not running (reset, boot, wfi, clock gated)',
};

/** The stall classes only (everything but `instr`). */
export const STALL_CLASSES: readonly CycleClass[] = CYCLE_CLASSES.filter((c) => c !== 'instr');

/** The controller's stall_cause value -> cycle class index; NONE maps to -1 (decided by the monitor). */
export const CLASS_OF_STALL_CAUSE: Int8Array = (() => {
  const byName: Record<string, CycleClass | null> = {
    NONE: null,
    LOAD_USE: 'load_use',
    JALR: 'jalr',
    MULH: 'mulh',
    DIV: 'div',
    DATA_GNT: 'data_gnt',
    WB_RVALID: 'wb_rvalid',
    MISALIGNED: 'misaligned',
    FETCH: 'fetch',
    ELW: 'elw',
    CSR_FLUSH: 'csr_flush',
  };
  const t = new Int8Array(StallCause.names.length).fill(-1);
  StallCause.names.forEach((n, v) => {
    if (!(n in byName)) throw new Error(`cycle classes: the controller's stall cause '${n}' has no class; add it to cycle_class.ts`);
    const c = byName[n];
    t[v] = c === null || c === undefined ? -1 : CC[c];
  });
  return t;
})();
