// Placeholder for the XpulpV2 / CORE-V entries (rtl/isa/xpulp_*.ts); replaced by the aggregation of those files.
import type { InstrDef } from './types.ts';

export const xpulpInstrs: InstrDef[] = [];
