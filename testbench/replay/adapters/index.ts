// The blocks `pulpsim replay --module` knows: one line per adapter in `registerBuiltinAdapters`.
import { registerAdapter, type ReplayAdapter } from '../adapter.ts';
import { icacheAdapter } from '../icache.ts';
import { eventUnitAdapter } from './event_unit.ts';
import { tcdmInterconnectAdapter } from './tcdm_interconnect.ts';

const builtins: readonly ReplayAdapter[] = [tcdmInterconnectAdapter, eventUnitAdapter, icacheAdapter];

let done = false;

/** Registers every built-in adapter once (idempotent). */
export function registerBuiltinAdapters(): void {
  if (done) return;
  done = true;
  for (const a of builtins) registerAdapter(a);
}
