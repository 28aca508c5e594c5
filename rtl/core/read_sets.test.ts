// The core's processes read some signals only behind rare conditions (a jalr in ID, a legal ALU word, a loop end
// address equal to the fetch address), which the elaboration's random trials seldom reach, so those reads are
// declared. Activity-based evaluation relies on complete read sets: the strict interpreter refuses any comb
// read the schedule was not built from. Every timing-vector program runs to its end on the strict interpreter, for
// the three core versions, and must reach its RTL-measured end: each program once, and the nested hardware loops,
// misaligned loads and load-use programs in every memory timing they were measured with (slower grants and
// responses move the loop ends, split accesses and stalls against other pipeline states).
// testbench/bench/read_sets_sweep.ts runs every vector and many more programs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { preset, type CoreVersion } from '../config/index.ts';
import { Simulator } from '../../sim/index.ts';
import { readElf, symbol } from '../../kernels/toolchain/elf.ts';
import { loadElf } from '../../kernels/toolchain/loader.ts';
import { SingleCoreSystem } from '../../testbench/system/testbench.ts';
import { timingVectors } from '../../testbench/timing/vectors.ts';

/** Programs run in every memory timing of the fixtures (the others once). */
const EVERY_TIMING = new Set(['hwloop_nested', 'misaligned_lw', 'load_use']);

function strictRun(core: CoreVersion): { runs: number; ended: number; errors: string[] } {
  const seen = new Set<string>();
  const errors: string[] = [];
  let runs = 0;
  let ended = 0;
  for (const v of timingVectors(core)) {
    const key = EVERY_TIMING.has(v.name.split('@')[0]!) ? v.name : v.elf;
    if (seen.has(key)) continue;
    seen.add(key);
    const cfg = preset(core);
    cfg.imem = v.imem;
    cfg.dmem = v.dmem;
    const elf = readElf(readFileSync(v.elf), v.elf);
    const entry = elf.entry >>> 0;
    // RI5CY v1.0 resets to boot[31:8] + 0x80 (as the Testbench boots it)
    const top = new SingleCoreSystem(cfg, core === 'ri5cy_v1' ? (entry - 0x80) >>> 0 : entry);
    const sim = new Simulator(top, { backend: 'interp', strictReads: true });
    top.mem.clearFault();
    loadElf(elf, cfg.memory, (a, b) => top.mem.writeBytes(a, b));
    const t = symbol(elf, 'tohost');
    top.harness.endCycle = -1;
    top.harness.tohostWord = t === undefined ? -1 : t.value >>> 2;
    runs++;
    try {
      for (let c = 0; c <= v.total_cycles + 50 && top.harness.endCycle < 0; c++) sim.step();
      if (top.harness.endCycle === v.total_cycles) ended++;
      else errors.push(`${v.name}: ended in cycle ${top.harness.endCycle}, RTL ${v.total_cycles}`);
    } catch (e) {
      errors.push(`${v.name}: ${String(e)}`);
    }
  }
  return { runs, ended, errors };
}

describe('core read sets are complete (strict interpreter over the timing-vector programs)', () => {
  for (const core of ['ri5cy', 'ri5cy_v1', 'cv32e40p'] as const) {
    it(core, () => {
      const r = strictRun(core);
      expect(r.errors).toEqual([]);
      expect(r.runs).toBeGreaterThan(10);
      expect(r.ended).toBe(r.runs);
    });
  }
});
