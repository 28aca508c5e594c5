// From the `gap8` preset to the cluster's build parameters, with `--set`-style overrides checked by name.
import { type Gap8Config, gap8 } from '../../rtl/config/index.ts';
import type { ClusterParams } from '../../rtl/cluster/cluster.ts';

export type { Gap8Config };

/** The TCDM region of the config's memory map (its base is where the cores' TCDM addresses start). */
export function tcdmBase(c: Gap8Config): number {
  const r = c.memory.find((m) => m.name === 'tcdm');
  if (!r) throw new Error(`cluster config: the memory map has no 'tcdm' region`);
  return r.base >>> 0;
}

export function gap8Params(c: Gap8Config): ClusterParams {
  return { core: c.core, cluster: c.cluster, icache: c.icache, bootAddr: c.bootAddr, l2: c.l2, resetCycles: c.resetCycles };
}

/** The preset with an L2 latency (`--l2-latency L`, `--set l2.latency=L`). */
export function gap8WithLatency(latency: number): Gap8Config {
  const c = gap8();
  if (!Number.isInteger(latency) || latency < 1 || latency > 10000) throw new RangeError(`l2.latency: must be an integer 1..10000 cycles, got ${latency}`);
  c.l2.latency = latency;
  return c;
}
