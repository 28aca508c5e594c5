// `pulpsim run`: output, exit codes (0 pass, 1 fail, 2 usage, 3 model error) and the VCD option, on timing-vector
// ELFs whose RTL numbers are known (testbench/fixtures/timing/ri5cy/expected.json).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePortTiming, runCli } from './run.ts';

const ELF = 'testbench/fixtures/timing/ri5cy/jal.elf';
const CV_MAC = 'testbench/fixtures/timing/cv32e40p/mac_chain.elf';

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'testbench/cli/main.ts', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pulpsim run', () => {
  it('prints cycles, instructions, tohost and results as the RTL measured them', () => {
    // expected.json jal: total_cycles 60, instret 44, results [2, 8, 5, 3]
    const out = runCli(ELF, { config: 'ri5cy', maxCycles: 10_000, json: false });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('cycles=60 instructions=44 tohost=1 exit=tohost\nresults=[2, 8, 5, 3]\n');
  });

  it('applies --dmem/--imem timing (expected.json: jal@dg3 78 cycles, jal@ir2 117)', () => {
    expect(runCli(ELF, { config: 'ri5cy', dmem: parsePortTiming('3,1', '--dmem'), maxCycles: 10_000, json: true }).result.cycles).toBe(78);
    expect(runCli(ELF, { config: 'ri5cy', imem: parsePortTiming('0,2', '--imem'), maxCycles: 10_000, json: true }).result.cycles).toBe(117);
  });

  it('rejects malformed port timings naming the option', () => {
    expect(() => parsePortTiming('1', '--imem')).toThrow(/--imem '1' must be G,R/);
    expect(() => parsePortTiming('0,0', '--dmem')).toThrow(/--dmem '0,0': response delay R must be 1\.\.16/);
  });

  it('exit codes: 0 pass, 1 fail, 2 usage, 3 model error; --vcd writes the waves', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulpsim-run-'));
    const vcd = join(dir, 'jal.vcd');
    const ok = cli(['run', ELF, '--json', '--vcd', vcd]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ exit: 'tohost', cycles: 60, tohost: 1, instret: 44 });
    const waves = readFileSync(vcd, 'utf8');
    expect(waves).toMatch(/\$var \S+ \d+ \S+ stall_cause/);
    expect(waves).toMatch(/instr_id_asm/);
    // cv.mac words are illegal on RI5CY: the program traps to 0x0 (a loop to `fail`) and never passes
    const fail = cli(['run', CV_MAC, '--config', 'ri5cy', '--max-cycles', '3000']);
    expect(fail.status).toBe(1);
    expect(fail.stderr).toMatch(/FAIL/);
    const usage = cli(['run', ELF, '--imem', '1']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--imem/);
    expect(cli(['run', ELF, '--config', 'nope']).status).toBe(2);
    const bad = cli(['run', 'testbench/fixtures/timing/ri5cy/README.md']);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/README\.md/);
  }, 60_000);
});
