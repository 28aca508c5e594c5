// `pulpsim run` on the single-core system: output and port timing, on timing-vector ELFs whose RTL numbers are
// known (testbench/fixtures/timing/ri5cy/expected.json). Options, exit codes and waves through the CLI process:
// cli_options.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { preset } from '../../rtl/config/index.ts';
import { setParam } from '../../rtl/config/params.ts';
import { runCli } from './run.ts';

const ELF = 'testbench/fixtures/timing/ri5cy/jal.elf';
const elf = readElf(readFileSync(ELF), ELF);

describe('pulpsim run', () => {
  it('prints cycles, instructions, tohost and results as the RTL measured them', () => {
    // expected.json jal: total_cycles 60, instret 44, results [2, 8, 5, 3]
    const out = runCli(elf, { config: preset('ri5cy'), configName: 'ri5cy', maxCycles: 10_000, json: false });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('cycles=60 instructions=44 tohost=1 exit=tohost\nresults=[2, 8, 5, 3]\n');
  });

  it('runs the configuration it is given (expected.json: jal@dg3 78 cycles, jal@ir2 117)', () => {
    const dg3 = setParam(preset('ri5cy'), 'dmem.grantDelay', 3);
    const ir2 = setParam(preset('ri5cy'), 'imem.responseDelay', 2);
    expect(runCli(elf, { config: dg3, configName: 'ri5cy', maxCycles: 10_000, json: true }).result.cycles).toBe(78);
    expect(runCli(elf, { config: ir2, configName: 'ri5cy', maxCycles: 10_000, json: true }).result.cycles).toBe(117);
  });

  it('--json: one object with cycles, instructions, tohost and the core counters', () => {
    const out = runCli(elf, { config: preset('ri5cy'), configName: 'ri5cy', set: {}, maxCycles: 10_000, json: true });
    expect(out.stdout.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(out.stdout) as Record<string, unknown> & { cores: { core: number; counters: Record<string, number> }[] };
    expect(j).toMatchObject({ cycles: 60, instructions: 44, tohost: 1, exit: 'tohost', config: 'ri5cy' });
    expect(j.cores).toHaveLength(1);
    expect(Object.keys(j.cores[0]!.counters)).toContain('pccr0');
  });
});
