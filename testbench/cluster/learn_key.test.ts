// A cluster testbench built after another of the same parameters reuses its learned read sets (ClusterTestbench's
// learn key, sim/elaborate.ts): they equal what learning finds on a cluster built without a key, and a testbench
// of other parameters learns its own.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../rtl/cluster/cluster.ts';
import { Simulator } from '../../sim/index.ts';
import type { Netlist } from '../../sim/index.ts';
import { gap8Params, gap8WithLatency } from './config.ts';
import { ClusterTestbench } from './testbench.ts';

const ELF = readFileSync('testbench/fixtures/timing/cluster/system/psum8.elf');
const sets = (nl: Netlist): string[] => nl.procs.map((p) => `${p.path} r[${p.reads.join(',')}] w[${p.writes.join(',')}] m[${p.memWrites.map((m) => m.path).join(',')}]`);

describe('cluster testbench: learned read sets reused by parameters', () => {
  it('the second testbench of one configuration reuses them, equal to learning without a key', () => {
    const first = new ClusterTestbench(gap8WithLatency(13), ELF);
    const second = new ClusterTestbench(gap8WithLatency(13), ELF);
    const other = new ClusterTestbench(gap8WithLatency(14), ELF);
    expect([first, second, other].map((t) => t.sim.netlist.learnedHere)).toEqual([true, false, true]);
    const reference = new Simulator(new Cluster(gap8Params(gap8WithLatency(13))));
    expect(reference.netlist.learnedHere).toBe(true);
    expect(sets(second.sim.netlist)).toEqual(sets(reference.netlist));
  }, 60_000);
});
