// Every entry of every timing-vector folder (every memory variant), run the way a user runs it (`pulpsim run`,
// runCli), against the numbers measured on the RTL: total cycles, results words, tohost and instret.
import { describe, expect, it } from 'vitest';
import { type CoreVersion, preset } from '../../rtl/config/index.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { readFileSync } from 'node:fs';
import { runCli } from '../cli/run.ts';
import { timingVectors } from './vectors.ts';

const CORES: CoreVersion[] = ['ri5cy', 'ri5cy_v1', 'cv32e40p'];

describe.each(CORES)('timing vectors %s', (core) => {
  const vectors = timingVectors(core);
  it('has the entries the fixtures README lists', () => {
    expect(vectors.length).toBe(core === 'cv32e40p' ? 86 : 88);
  });
  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const config = preset(core);
    config.imem = { ...v.imem };
    config.dmem = { ...v.dmem };
    const elf = readElf(readFileSync(v.elf), v.elf);
    const out = runCli(elf, { config, configName: core, maxCycles: v.total_cycles + 5000, json: false });
    expect({
      cycles: out.result.cycles,
      tohost: out.result.tohost,
      results: out.result.results,
      instret: out.result.instret,
    }).toEqual({ cycles: v.total_cycles, tohost: v.tohost, results: v.results, instret: v.instret });
    expect(out.code).toBe(v.tohost === 1 ? 0 : 1);
  });
});
