// `pulpsim replay`: exit codes, the JSON shape, the first mismatch named, unknown modules listed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReplayCli } from './replay.ts';

const TCDM = 'testbench/fixtures/timing/cluster/tcdm_interconnect/samebank_k3_mixed.json';
const opts = { module: 'tcdm_interconnect', json: true, backend: 'codegen' as const, internal: true };

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'testbench/cli/main.ts', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the scenario with master 1's grant flipped in the first cycle it is granted. */
function corrupted(): { file: string; cycle: number } {
  const j = JSON.parse(readFileSync(TCDM, 'utf8')) as { expected: { gnt: string[] } };
  const g = j.expected.gnt[1]!;
  const cycle = g.indexOf('1');
  j.expected.gnt[1] = g.slice(0, cycle) + '0' + g.slice(cycle + 1);
  const dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
  const file = join(dir, 'bad_k3.json');
  writeFileSync(file, JSON.stringify(j));
  return { file, cycle };
}

describe('pulpsim replay', () => {
  it('--json prints exactly { cycles, checked, mismatches, first } and passes a matching scenario', () => {
    const out = runReplayCli(TCDM, opts);
    expect(out.code).toBe(0);
    const j = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(Object.keys(j).sort()).toEqual(['checked', 'cycles', 'first', 'mismatches']);
    expect(j).toMatchObject({ cycles: 260, mismatches: 0, first: null });
    expect(j.checked).toBe(260 * 108);
  });

  it('names the first mismatch and fails with code 1', () => {
    const { file, cycle } = corrupted();
    const out = runReplayCli(file, { ...opts, json: false });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/MISMATCH: 260 cycles, 28080 signal-cycles checked, 1 mismatch/);
    expect(out.stderr).toContain(`first mismatch at cycle ${cycle}: gnt[1] expected 0x0 (0), got 0x1 (1)`);
    const js = JSON.parse(runReplayCli(file, opts).stdout) as { first: unknown };
    expect(js.first).toEqual({ cycle, signal: 'gnt', port: 1, expected: 0, got: 1 });
  });

  it('exit codes: 0 match, 1 mismatch, 2 unknown module (listing the valid ones) or option, 3 bad file', () => {
    expect(cli(['replay', '--module', 'tcdm_interconnect', TCDM, '--backend', 'interp']).status).toBe(0);
    expect(cli(['replay', '--module', 'tcdm_interconnect', corrupted().file, '--json']).status).toBe(1);
    const unk = cli(['replay', '--module', 'nope', TCDM]);
    expect(unk.status).toBe(2);
    expect(unk.stderr).toMatch(/unknown module 'nope' \(valid: .*event_unit.*tcdm_interconnect/);
    const eu = cli(['replay', '--module', 'event_unit', 'testbench/fixtures/timing/cluster/event_unit/barrier8_same_cycle.json', '--json']);
    expect(eu.status).toBe(0);
    expect(JSON.parse(eu.stdout)).toEqual({ cycles: 34, checked: 34 * 91, mismatches: 0, first: null });
    expect(cli(['replay', '--module', 'tcdm_interconnect', TCDM, '--backend', 'fast']).status).toBe(2);
    const bad = cli(['replay', '--module', 'tcdm_interconnect', 'testbench/fixtures/timing/cluster/tcdm_interconnect/README.md']);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/README\.md:1:1: invalid JSON/);
  }, 60_000);
});
