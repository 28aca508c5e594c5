// Monitors on a whole system: one CoreMonitor per core, sampled from one settled hook, and a trace source that
// adds their string probes to the design's so the waves show function, phase, cycle class and branch outcome.
import type { Elf } from '../../kernels/toolchain/elf.ts';
import type { Core } from '../../rtl/core/core.ts';
import type { Signal, Simulator } from '../../sim/index.ts';
import type { TraceSource, TraceString } from '../../waves/trace_source.ts';
import type { ClusterTestbench } from '../cluster/testbench.ts';
import type { Testbench } from '../system/testbench.ts';
import { type CodeMap, functionMap } from './code_map.ts';
import { CoreMonitor, type CoreMonitorOptions } from './core_monitor.ts';
import { phaseMap } from './phases.ts';

export class SystemMonitor {
  private detachHook: (() => void) | null;
  private source: TraceSource | null = null;

  constructor(
    readonly sim: Simulator,
    readonly cores: readonly CoreMonitor[],
    readonly functions: CodeMap,
    readonly phases: CodeMap,
  ) {
    const list = [...cores];
    this.detachHook = sim.onSettled(() => {
      for (let k = 0; k < list.length; k++) list[k]!.sample();
    });
  }

  /** Stops sampling (counts stay). */
  detach(): void {
    this.detachHook?.();
    this.detachHook = null;
  }

  /** The simulator's trace source plus every core's monitor probes (`<core>.monitor.{function,phase,stall,branch}`). */
  traceSource(): TraceSource {
    if (this.source === null) {
      const base = this.sim.traceSource();
      const strings: TraceString[] = [...(base.strings ?? []), ...this.cores.flatMap((m) => m.probes())];
      this.source = { signals: base.signals, strings, values: base.values };
    }
    return this.source;
  }
}

/** The core's hierarchical name from one of its signals' paths. */
function corePath(core: Core): string {
  const p = core.controller.stall_cause.path;
  const suffix = '.controller.stall_cause';
  if (!p.endsWith(suffix)) throw new Error(`monitor: unexpected core signal path '${p}'`);
  return p.slice(0, -suffix.length);
}

function maps(elf: Elf): { functions: CodeMap; phases: CodeMap } {
  return { functions: functionMap(elf), phases: phaseMap(elf) };
}

/** Monitors the single core of the test system (testbench/system). Attach before running. */
export function monitorSystem(tb: Testbench): SystemMonitor {
  const { functions, phases } = maps(tb.elf);
  const core = tb.top.core;
  const m = new CoreMonitor(core, corePath(core), { functions, phases });
  return new SystemMonitor(tb.sim, [m], functions, phases);
}

/** Monitors every core of the cluster, with TCDM contention and I$ misses per core. Attach before running. */
export function monitorCluster(tb: ClusterTestbench): SystemMonitor {
  const { functions, phases } = maps(tb.elf);
  const top = tb.top;
  const mons = top.regions.map((r, k) => {
    const bank = top.icache.banks[k];
    const o: CoreMonitorOptions = {
      functions,
      phases,
      clockEnable: r.clk_en as Signal,
      tcdmReq: r.demux.sh_req,
      tcdmGnt: r.demux.sh_gnt,
    };
    if (bank) {
      o.icacheMissValid = bank.missFifo.valid_i;
      o.icacheMissGrant = bank.missFifo.grant_o;
    }
    return new CoreMonitor(r.core, corePath(r.core), o);
  });
  return new SystemMonitor(tb.sim, mons, functions, phases);
}
