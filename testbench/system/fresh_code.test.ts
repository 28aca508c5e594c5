// TestbenchOptions.freshCode and the learn key: a system built from a fresh copy of its code computes what the
// system built from the classes computes (the RTL's numbers of a timing vector, either way), and a testbench
// reuses learned read sets only from an earlier one of the same config, boot address and hart id.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { preset } from '../../rtl/config/index.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { timingVectors } from '../timing/vectors.ts';
import { SingleCoreSystem, Testbench } from './testbench.ts';

const vectors = timingVectors('ri5cy');
const vector = (name: string) => {
  const v = vectors.find((x) => x.name === name);
  if (v === undefined) throw new Error(`no timing vector '${name}'`);
  return v;
};

describe('fresh copies of the single-core system', () => {
  it.each([false, true, false, true])('freshCode %s gives the RTL numbers', (freshCode) => {
    const v = vector('alu_chain');
    const config = preset('ri5cy');
    config.imem = { ...v.imem };
    config.dmem = { ...v.dmem };
    const tb = new Testbench(config, readElf(readFileSync(v.elf), v.elf), { freshCode });
    expect(tb.top.constructor === SingleCoreSystem).toBe(!freshCode);
    const r = tb.run(v.total_cycles + 5000);
    expect({ cycles: r.cycles, tohost: r.tohost, results: r.results, instret: r.instret }).toEqual({
      cycles: v.total_cycles,
      tohost: v.tohost,
      results: v.results,
      instret: v.instret,
    });
  });

  it('reuses learned read sets only for the same parameters', () => {
    const v = vector('bneimm');
    const elf = readElf(readFileSync(v.elf), v.elf);
    const learned = (mutate: (c: ReturnType<typeof preset>) => void, hartId = 0): boolean => {
      const config = preset('ri5cy');
      mutate(config);
      return new Testbench(config, elf, { hartId }).sim.netlist.learnedHere;
    };
    // a grant delay no other test of this file uses: the first build learns, the second reuses
    const slowData = (c: ReturnType<typeof preset>) => (c.dmem = { grantDelay: 3, responseDelay: 2 });
    expect(learned(slowData)).toBe(true);
    expect(learned(slowData)).toBe(false);
    // any other parameter: learned anew (a timing switch, the hart id, the memory map)
    expect(learned((c) => (slowData(c), (c.core.mulhCycles = 4)))).toBe(true);
    expect(learned(slowData, 1)).toBe(true);
    expect(learned((c) => (slowData(c), (c.memory = c.memory.map((r) => ({ ...r, size: r.size / 2 })))))).toBe(true);
  });
});
