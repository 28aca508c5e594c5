// `pulpsim cluster-iss` on the cluster/system fixture ELFs: the pass case, the JSON summary, the trace, and a
// failure by instruction limit (the command's function, without spawning a process).
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { gap8 } from '../../rtl/config/index.ts';
import { registerClusterIss, runClusterIssCli } from './cluster_iss.ts';

const PATH = 'testbench/fixtures/timing/cluster/system/psum8.elf';
const ELF = readElf(readFileSync(PATH), PATH);
const base = { config: gap8(), configName: 'gap8', maxInstructions: 1_000_000, json: false, trace: false };

describe('pulpsim cluster-iss', () => {
  it('passes psum8 with tohost 1 and one instruction count per core', () => {
    const out = runClusterIssCli(ELF, base);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^tohost=1 exit=tohost core=0 rounds=\d+ instructions=(\d+,){7}\d+\n$/);
  });

  it('--json gives the run result', () => {
    const out = runClusterIssCli(ELF, { ...base, json: true });
    const j = JSON.parse(out.stdout) as { tohost: number; steps: number[]; cores: number; instructions: number };
    expect(j.tohost).toBe(1);
    expect(j.cores).toBe(8);
    expect(j.steps).toHaveLength(8);
    expect(j.instructions).toBe(j.steps.reduce((a, b) => a + b, 0));
  });

  it('--trace prefixes every instruction with its core; the first round is cores 0..7 at 0x1c000080', () => {
    const out = runClusterIssCli(ELF, { ...base, trace: true });
    const first = out.stderr.split('\n').slice(0, 8);
    expect(first.map((l) => l.slice(0, 13))).toEqual([...Array(8).keys()].map((k) => `[${k}] 1c000080:`));
  });

  it('fails with code 1 and every core\'s pc at the instruction limit', () => {
    const out = runClusterIssCli(ELF, { ...base, maxInstructions: 100 });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/FAIL: instruction limit of 100[\s\S]*core 7: pc 0x1c/);
    // --json: still one object, with the reason and every core's state
    const j = JSON.parse(runClusterIssCli(ELF, { ...base, maxInstructions: 100, json: true }).stdout) as { exit: string; instructions: number; harts: unknown[] };
    expect(j.exit).toBe('limit');
    expect(j.harts).toHaveLength(8);
    // the limit is checked once per round-robin round of the 8 cores
    expect(j.instructions).toBeGreaterThanOrEqual(100);
    expect(j.instructions).toBeLessThan(100 + 8);
  });

  it('registers the subcommand with the common options of an untimed cluster run (no waves, an instruction limit)', () => {
    const p = new Command();
    registerClusterIss(p);
    const cmd = p.commands.find((c) => c.name() === 'cluster-iss');
    expect(cmd?.options.map((o) => o.long)).toEqual(['--trace', '--config', '--set', '--cores', '--max-instructions', '--json']);
  });
});
