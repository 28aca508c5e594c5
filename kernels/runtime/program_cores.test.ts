import { describe, expect, it } from 'vitest';
import { gap8, gap8ClusterSystem } from '../../rtl/config/index.ts';
import { readElf } from '../toolchain/elf.ts';
import { ClusterIss } from '../../testbench/iss/cluster_iss.ts';
import { ClusterTestbench } from '../../testbench/cluster/testbench.ts';
import { CORES_SYMBOL, checkProgramCores, programCores } from './program_cores.ts';
import { buildClusterProgram } from './runtime.ts';

const MAIN = '  .text\n  .globl main\nmain:\n  li a0, 0\n  ret\n';

function clusterOf(cores: number) {
  const c = gap8ClusterSystem();
  c.cluster.cores = cores;
  c.cluster.eventUnit.barriers = cores;
  return c;
}

describe('the core count a cluster program was built for', () => {
  it('is the absolute symbol __rt_nb_cores (no bytes in memory)', () => {
    const e8 = readElf(buildClusterProgram(MAIN, clusterOf(8)).elf, 'p8.elf');
    const e4 = readElf(buildClusterProgram(MAIN, clusterOf(4)).elf, 'p4.elf');
    expect(programCores(e8)).toBe(8);
    expect(programCores(e4)).toBe(4);
    const s = e8.symbols.find((x) => x.name === CORES_SYMBOL)!;
    expect([s.section, s.bind]).toEqual(['ABS', 'global']);
  });

  it('a program without the runtime is not checked', () => {
    const e = readElf(buildClusterProgram(MAIN, clusterOf(8)).elf, 'p.elf');
    const bare = { ...e, symbols: e.symbols.filter((x) => x.name !== CORES_SYMBOL) };
    expect(programCores(bare)).toBeUndefined();
    expect(() => checkProgramCores(bare, 2)).not.toThrow();
  });

  it('the cluster ISS and the cluster testbench refuse a program built for another core count, naming both', () => {
    const elf = readElf(buildClusterProgram(MAIN, clusterOf(8)).elf, 'p8.elf');
    const msg = /p8\.elf: built by the cluster runtime for 8 cores \(symbol __rt_nb_cores\), but the cluster has 4 \(cluster\.cores\)/;
    expect(() => new ClusterIss(clusterOf(4)).load(elf)).toThrow(msg);
    const cfg = gap8();
    cfg.cluster.cores = 4;
    cfg.cluster.eventUnit.barriers = 4;
    // Refused before the cluster is built.
    expect(() => new ClusterTestbench(cfg, elf)).toThrow(msg);
    // The same program on 8 cores runs (ISS: main returns 0, tohost 1).
    const iss = new ClusterIss(clusterOf(8));
    iss.load(elf);
    expect(iss.run().tohost).toBe(1);
  });
});
