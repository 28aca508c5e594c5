// `pulpsim iss`: output and exit codes, on committed timing-vector ELFs whose RTL results are known
// (testbench/fixtures/timing/ri5cy/expected.json: branch_loop ends with tohost 1).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { preset } from '../../rtl/config/index.ts';
import { runIssCli } from './iss.ts';

const PATH = 'testbench/fixtures/timing/ri5cy/branch_loop.elf';
const ELF = readElf(readFileSync(PATH), PATH);
const opts = { config: preset('ri5cy'), configName: 'ri5cy', maxInstructions: 100_000, json: true, trace: false };

// Exit codes and the common options through the CLI process: cli_options.test.ts.
describe('pulpsim iss', () => {
  it('prints tohost and instret as JSON and passes a passing program', () => {
    const out = runIssCli(ELF, opts);
    expect(out.code).toBe(0);
    const j = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ exit: 'tohost', tohost: 1, config: 'ri5cy' });
    expect(j.instructions).toBe(j.instret);
    expect(typeof j.instret).toBe('number');
  });

  it('fails (code 1) when the instruction limit is reached, saying so', () => {
    const out = runIssCli(ELF, { ...opts, maxInstructions: 20, json: false });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^tohost=0 instret=20 exit=limit/);
    expect(out.stderr).toMatch(/instruction limit of 20/);
  });

  it('traces every instruction with its disassembly', () => {
    const out = runIssCli(ELF, { ...opts, maxInstructions: 3, trace: true });
    const lines = out.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^00000080: 7e105073  csrw/);
    expect(lines.length).toBe(4); // 3 instructions + the failure line
  });
});
