// `pulpsim iss`: output and exit codes, on committed timing-vector ELFs whose RTL results are known
// (testbench/fixtures/timing/ri5cy/expected.json: branch_loop ends with tohost 1).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runIssCli } from './iss.ts';

const ELF = 'testbench/fixtures/timing/ri5cy/branch_loop.elf';
const CV_ELF = 'testbench/fixtures/timing/cv32e40p/branch_loop.elf';
const CV_MAC = 'testbench/fixtures/timing/cv32e40p/mac_chain.elf';
const opts = { config: 'ri5cy' as const, maxInstructions: 100_000, json: true, trace: false };

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'testbench/cli/main.ts', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pulpsim iss', () => {
  it('prints tohost and instret as JSON and passes a passing program', () => {
    const out = runIssCli(ELF, opts);
    expect(out.code).toBe(0);
    const j = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ exit: 'tohost', tohost: 1, config: 'ri5cy' });
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

  it('exit codes: 0 pass, 1 fail, 2 usage, 3 model error', () => {
    expect(cli(['iss', CV_ELF, '--config', 'cv32e40p']).status).toBe(0);
    // cv.mac words are illegal on RI5CY: the program traps to 0x0, where it has no handler, until the limit.
    expect(cli(['iss', CV_MAC, '--config', 'ri5cy', '--max-instructions', '5000']).status).toBe(1);
    expect(cli(['iss', ELF, '--config', 'nope']).status).toBe(2);
    expect(cli(['iss', ELF, '--max-instructions', 'x']).status).toBe(2);
    const bad = cli(['iss', 'testbench/fixtures/timing/ri5cy/README.md']);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/README\.md/);
  }, 30_000);
});
