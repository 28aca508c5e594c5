// Privileged returns, wfi (privileged spec 3.3), dret (debug spec 4.8) and Zifencei. The controller does the
// work; the semantics only hand the request over.
import { enc32, fixed, shape } from './fields.ts';
import { base } from './rv32i.ts';
import type { InstrDef } from './types.ts';

const exact = (w: number) => ({ ...fixed([31, 0, w]), fields: [] });

export const systemInstrs: InstrDef[] = [
  base('mret', 'I', 'mret', enc32('mret', '', exact(0x30200073)), (h) => h.system('mret')),
  base('uret', 'I', 'uret', enc32('uret', '', exact(0x00200073)), (h) => h.system('uret')),
  // Debug spec 4.8: return from debug mode. The controllers treat it like mret (flush, then jump in XRET_JUMP,
  // to dpc instead of mepc); whether it is legal outside debug mode depends on the core (Hart.system).
  base('dret', 'I', 'mret', enc32('dret', '', exact(0x7b200073)), (h) => h.system('dret')),
  base('wfi', 'I', 'wfi', enc32('wfi', '', exact(0x10500073)), (h) => h.system('wfi')),
  // imm, rs1 and rd are reserved and ignored (Zifencei: "base implementations shall ignore these fields").
  base('fence.i', 'Zifencei', 'fencei', enc32('fence.i', '', shape([[6, 0, 0x0f], [14, 12, 1]], [])), (h) =>
    h.system('fencei'),
  ),
];
