// The what-if timings build logic of their own (rtl/core: the load-use window, the forwarding of load data into
// EX and its separate LSU request process, the predicted-branch flag, the stretched multiplier and divider FSMs),
// whose read sets activity-based evaluation relies on like the RTL's: the strict interpreter, which refuses any
// read outside them, runs timing-vector programs that exercise each to their end, on a core and on the cluster.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CoreTiming, type CoreVersion, preset } from '../../rtl/config/index.ts';
import { Simulator } from '../../sim/index.ts';
import { readElf, symbol } from '../../kernels/toolchain/elf.ts';
import { loadElf } from '../../kernels/toolchain/loader.ts';
import { gap8WithLatency } from '../cluster/config.ts';
import { ClusterTestbench } from '../cluster/testbench.ts';
import { SingleCoreSystem } from '../system/testbench.ts';
import { timingVectors } from '../timing/vectors.ts';

const VARIANTS: Array<[string, Partial<CoreTiming>]> = [
  ['btfn, load-use 0, mul 2, div 5', { branch: 'btfn', loadUseCycles: 0, mulCycles: 2, divCycles: 5 }],
  ['load-use 3, mulh 9, div 1', { loadUseCycles: 3, mulhCycles: 9, divCycles: 1 }],
];
const PROGRAMS = ['branch_loop', 'load_use', 'misaligned_lw', 'mul_chain', 'mulhu', 'div_small_pos', 'hwloop_nested', 'postinc_rd_eq_rs1'];

/** Runs a vector's program on the strict interpreter; the cycle the tohost store ended it, or an error. */
function strictRun(version: CoreVersion, name: string, timing: Partial<CoreTiming>): number | string {
  const v = timingVectors(version).find((x) => x.name === name);
  if (!v) return -1;
  const cfg = { ...preset(version), imem: v.imem, dmem: v.dmem };
  Object.assign(cfg.core, timing);
  const elf = readElf(readFileSync(v.elf), v.elf);
  const entry = elf.entry >>> 0;
  const top = new SingleCoreSystem(cfg, version === 'ri5cy_v1' ? (entry - 0x80) >>> 0 : entry);
  const sim = new Simulator(top, { backend: 'interp', strictReads: true });
  loadElf(elf, cfg.memory, (a, b) => top.mem.writeBytes(a, b));
  top.harness.endCycle = -1;
  top.harness.tohostWord = symbol(elf, 'tohost')!.value >>> 2;
  try {
    for (let c = 0; c <= v.total_cycles * 4 + 1000 && top.harness.endCycle < 0; c++) sim.step();
  } catch (e) {
    return String(e);
  }
  return top.harness.endCycle;
}

describe.each(VARIANTS)('read sets under %s (strict interpreter)', (_name, timing) => {
  it.each(['ri5cy', 'cv32e40p'] as const)('%s: the programs run to their end', (version) => {
    let ran = 0;
    for (const p of PROGRAMS) {
      const end = strictRun(version, p, timing);
      if (end === -1) continue; // not a vector of this core
      ran++;
      expect(typeof end === 'number' && end > 0 ? 'ended' : end, p).toBe('ended');
    }
    expect(ran).toBeGreaterThanOrEqual(5);
  });
  it('gap8 cluster: psum8 (fork/join, barriers, event-unit sleep) runs to tohost 1', () => {
    const cfg = gap8WithLatency(5);
    Object.assign(cfg.core, timing);
    const tb = new ClusterTestbench(cfg, readFileSync('testbench/fixtures/timing/cluster/system/psum8.elf'), { backend: 'interp', strictReads: true });
    const r = tb.run(10_000);
    expect([r.exit, r.tohost]).toEqual(['tohost', 1]);
  }, 60_000);
});
