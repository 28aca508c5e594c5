// The common options of the simulation commands through the real `pulpsim` process (bin/pulpsim.mjs): --set and
// configuration files on the single-core system and on the cluster give the RTL's numbers for the timing the
// fixtures were measured with (testbench/fixtures/timing/*/expected.json), misspellings get the closest valid
// name, bad values and unwritable outputs are refused before anything runs, and the exit codes are 0 pass,
// 1 program failure, 2 usage, 3 model error. The processes run a few at a time to keep the wall time small.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliOutput, ROOT, runCli } from './spawn_cli.ts';

const JAL = 'testbench/fixtures/timing/ri5cy/jal.elf';
const PSUM8 = 'testbench/fixtures/timing/cluster/system/psum8.elf';
// cv.mac words are illegal on RI5CY: run there, the program traps to 0x0 and never passes (exit 1). A refusal
// with exit 2 and no FAIL line on this program shows that nothing was simulated.
const CV_MAC = 'testbench/fixtures/timing/cv32e40p/mac_chain.elf';

interface Vector {
  total_cycles: number;
  instret: number;
  tohost: number;
}
const ri5cy = JSON.parse(readFileSync(join(ROOT, 'testbench/fixtures/timing/ri5cy/expected.json'), 'utf8')) as { vectors: Record<string, Vector> };
const cluster = JSON.parse(readFileSync(join(ROOT, 'testbench/fixtures/timing/cluster/system/expected.json'), 'utf8')) as {
  programs: Record<string, { total_cycles: number; tohost: number; results: { region_cycles: number[][]; values: Record<string, number> } }>;
};

const dir = mkdtempSync(join(tmpdir(), 'pulpsim-cli-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pulpsim = (args: string[]): Promise<CliOutput> => runCli(args);

const dg3File = join(dir, 'ri5cy_dg3.json');
const notADir = join(dir, 'plain-file');

const cases: Record<string, string[]> = {
  // the cluster run is the longest: start it first
  clusterSet: ['run', PSUM8, '--config', 'gap8', '--set', 'l2.latency=20', '--dump', '0x1000f800:4', '--json'],
  singleSet: ['run', JAL, '--set', 'dmem.grantDelay=2', '--json'],
  singleFile: ['run', JAL, '--config', dg3File, '--json'],
  misspeltOption: ['run', CV_MAC, '--max-cycle', '3000'],
  misspeltParam: ['run', CV_MAC, '--set', 'dmem.grantDelai=2'],
  wrongType: ['run', CV_MAC, '--set', 'dmem.grantDelay=fast'],
  wrongTypeCluster: ['report', CV_MAC, '--config', 'gap8', '--set', 'icache.ideal=maybe'],
  unwritableVcd: ['run', CV_MAC, '--vcd', join(notADir, 'w.vcd')],
  missingElf: ['run', join(dir, 'nope.elf')],
  malformedElf: ['run', 'testbench/fixtures/timing/ri5cy/README.md'],
  programFails: ['run', CV_MAC, '--max-cycles', '3000'],
};
const out: Record<string, CliOutput> = {};

beforeAll(async () => {
  writeFileSync(dg3File, JSON.stringify({ preset: 'ri5cy', dmem: { grantDelay: 3 } }));
  writeFileSync(notADir, '');
  const queue = Object.entries(cases);
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) out[next[0]] = await pulpsim(next[1]);
  };
  await Promise.all([worker(), worker(), worker()]);
}, 120_000);

describe('pulpsim run with --set and configuration files', () => {
  it('--set dmem.grantDelay=2 on ri5cy gives the RTL cycles of jal@dg2, as one JSON object', () => {
    const r = out.singleSet!;
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    const v = ri5cy.vectors['jal@dg2']!;
    expect(j).toMatchObject({ cycles: v.total_cycles, instructions: v.instret, tohost: v.tohost, set: { 'dmem.grantDelay': 2 } });
    expect(v.total_cycles).not.toBe(ri5cy.vectors.jal!.total_cycles);
  });

  it('a JSON configuration file with a nested override gives jal@dg3', () => {
    const r = out.singleFile!;
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { cycles: number; set: Record<string, unknown> };
    expect(j.cycles).toBe(ri5cy.vectors['jal@dg3']!.total_cycles);
    expect(j.set).toEqual({ 'dmem.grantDelay': 3 });
  });

  it('--set l2.latency=20 on gap8 gives the RTL cycles, per-core regions and sum of psum8@L20', () => {
    const r = out.clusterSet!;
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { cycles: number; tohost: number; instructions: number; cores: { regionCycles: number[]; instructions: number }[]; dump: Record<string, number> };
    const e = cluster.programs['psum8@L20']!;
    expect(e.total_cycles).not.toBe(cluster.programs['psum8@L5']!.total_cycles);
    expect(j.cycles).toBe(e.total_cycles);
    expect(j.tohost).toBe(e.tohost);
    expect(j.cores.map((c) => c.regionCycles)).toEqual(e.results.region_cycles);
    expect(j.dump['0x1000f800']).toBe(e.results.values['0x1000f800']);
    expect(j.instructions).toBe(j.cores.reduce((a, c) => a + c.instructions, 0));
  });
});

describe('refusals (exit code 2, before anything runs)', () => {
  const refused = (name: string, re: RegExp): void => {
    const r = out[name]!;
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/FAIL/);
    expect(r.stdout).toBe('');
  };
  it('a misspelt option, with the closest valid one', () => refused('misspeltOption', /unknown option '--max-cycle'[\s\S]*Did you mean --max-cycles\?/));
  it('a misspelt parameter, with the closest valid one', () => refused('misspeltParam', /--set dmem\.grantDelai=2: unknown parameter 'dmem\.grantDelai' \(did you mean 'dmem\.grantDelay'\?\)/));
  it('a value of the wrong type (single core and cluster)', () => {
    refused('wrongType', /--set dmem\.grantDelay=fast: dmem\.grantDelay: expected an integer 0\.\.200 cycles, got 'fast'/);
    refused('wrongTypeCluster', /--set icache\.ideal=maybe: icache\.ideal: expected true or false, got 'maybe'/);
  });
  it('an unwritable --vcd path', () => refused('unwritableVcd', /--vcd .*plain-file\/w\.vcd: '.*plain-file' is not a directory/));
  it('a missing ELF', () => refused('missingElf', /nope\.elf: no such file/));
});

describe('exit codes', () => {
  it('1 when the program fails, 3 for a file that is not an ELF', () => {
    expect(out.programFails!.status).toBe(1);
    expect(out.programFails!.stderr).toMatch(/FAIL: cycle limit of 3000/);
    expect(out.malformedElf!.status).toBe(3);
    expect(out.malformedElf!.stderr).toMatch(/README\.md: not an ELF file/);
  });
});
