import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { Gap8Config } from '../../rtl/config/index.ts';
import { type CommonDefaults, type ResolvedOptions, UsageError, addCommonOptions, addTimingShorthands, checkWritableDir, checkWritableFile, commonOptions } from './options.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulpsim-options-'));

/** A dummy command adopting the common options, run the way `pulpsim` runs its commands (exitOverride). */
async function run(args: string[], defaults: CommonDefaults = { maxCycles: 5000 }): Promise<{ got?: ResolvedOptions; err: string; code?: string; exitCode?: number }> {
  let err = '';
  const program = new Command().exitOverride().configureOutput({ writeErr: (s) => (err += s), writeOut: () => {} });
  let got: ResolvedOptions | undefined;
  const cmd = addTimingShorthands(addCommonOptions(program.command('dummy').argument('[elf]'), defaults));
  cmd.action(() => {
    got = commonOptions(cmd, dir);
  });
  try {
    await program.parseAsync(['dummy', ...args], { from: 'user' });
    return { got, err };
  } catch (e) {
    const c = e as { code?: string; exitCode?: number };
    return { err, code: c.code, exitCode: c.exitCode };
  }
}

describe('common options', () => {
  it('defaults to ri5cy, the command default cycle limit, no VCD, text output', async () => {
    const r = await run([]);
    expect(r.got!.source.preset).toBe('ri5cy');
    expect(r.got!.config.core.version).toBe('ri5cy');
    expect(r.got!.run).toEqual({ maxCycles: 5000, json: false });
  });

  it('applies --config, --cores (with the barriers) and repeated --set in order', async () => {
    const r = await run(['--config', 'gap8', '--cores', '4', '--set', 'icache.refillLatency=20', '--set', 'tcdm.banks=32', '--json', '--max-cycles', '123']);
    const c = r.got!.config as Gap8Config;
    expect([c.cluster.cores, c.cluster.eventUnit.barriers, c.icache.refillLatency, c.cluster.tcdm.banks]).toEqual([4, 4, 20, 32]);
    expect(r.got!.source.set).toEqual({ 'cluster.cores': 4, 'cluster.eventUnit.barriers': 4, 'icache.refillLatency': 20, 'cluster.tcdm.banks': 32 });
    expect(r.got!.run.maxCycles).toBe(123);
    expect(r.got!.run.json).toBe(true);
  });

  it('a later --set wins over --cores and the file', async () => {
    writeFileSync(join(dir, 'c.json'), '{ "preset": "gap8", "set": { "l2.latency": 9 } }');
    const r = await run(['--config', 'c.json', '--cores', '2', '--set', 'cores=1']);
    const c = r.got!.config as Gap8Config;
    expect([c.cluster.cores, c.l2.latency]).toEqual([1, 9]);
  });

  it('resolves the VCD path and window', async () => {
    const r = await run(['--vcd', 'out/w.vcd', '--scope', 'top.core', '--scope', 'top.mem', '--from', '10', '--to', '20']);
    expect(r.got!.run.vcd).toEqual({ path: join(dir, 'out/w.vcd'), options: { scopes: ['top.core', 'top.mem'], from: 10, to: 20 } });
  });
});

describe('shorthands and per-command option sets', () => {
  it('--imem/--dmem set both port parameters, --l2-latency the L2, and a later --set wins', async () => {
    const r = await run(['--imem', '1,2', '--dmem', '3,4', '--set', 'dmem.grantDelay=7']);
    const c = r.got!.config;
    expect([c.imem.grantDelay, c.imem.responseDelay, c.dmem.grantDelay, c.dmem.responseDelay]).toEqual([1, 2, 7, 4]);
    const g = await run(['--config', 'gap8', '--l2-latency', '20']);
    expect((g.got!.config as Gap8Config).l2.latency).toBe(20);
    expect(g.got!.source.set).toEqual({ 'l2.latency': 20 });
  });

  it('an instruction-limited command without waves or cores has --max-instructions and no --vcd/--cores', async () => {
    const r = await run(['--max-instructions', '77'], { limit: 'instructions', cores: false, waves: false });
    expect(r.got!.run.maxInstructions).toBe(77);
    for (const o of ['--vcd', 'w.vcd', '--cores', '2', '--max-cycles', '5']) {
      if (!o.startsWith('--')) continue;
      const bad = await run([o, '1'], { limit: 'instructions', cores: false, waves: false });
      expect(bad.code).toBe('commander.unknownOption');
    }
  });

  it('a single-core command refuses a cluster configuration and names the command to use', async () => {
    const r = await run(['--config', 'gap8'], { system: 'single-core', otherCommand: 'cluster-iss' });
    expect(r.exitCode).toBe(2);
    expect(r.err).toMatch(/--config gap8: a cluster configuration, and `pulpsim dummy` runs one core; use `pulpsim cluster-iss`/);
    const c = await run([], { system: 'cluster' });
    expect(c.err).toMatch(/--config ri5cy: a single-core configuration/);
  });
});

describe('usage errors (exit code 2, message on the error output)', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown parameter with a suggestion', ['--config', 'gap8', '--set', 'icache.refilLatency=3'], /--set icache\.refilLatency=3: unknown parameter .*did you mean 'icache\.refillLatency'/],
    ['bad value', ['--config', 'gap8', '--set', 'tcdm.banks=3'], /cluster\.tcdm\.banks: expected a power of two/],
    ['missing =', ['--set', 'imem.grantDelay'], /expected key=value/],
    ['unknown preset', ['--config', 'gap9'], /--config gap9: unknown configuration 'gap9'/],
    ['cores on a single core', ['--cores', '4'], /--cores 4: 'ri5cy' is a single-core configuration/],
    ['cores not a power of two', ['--config', 'gap8', '--cores', '6'], /--cores 6: cluster\.cores: expected a power of two/],
    ['cross-field rule', ['--config', 'gap8', '--set', 'tcdm.banks=64', '--set', 'tcdm.bankWords=65536'], /cluster\.tcdm\.testSetBit/],
    ['port timing on the cluster by name', ['--config', 'gap8', '--set', 'dmem.grantDelay=3'], /--set dmem\.grantDelay=3: dmem\.grantDelay: has no effect on a cluster configuration/],
    ['scope without vcd', ['--scope', 'top'], /--scope applies only with --vcd/],
    ['empty window', ['--vcd', 'w.vcd', '--from', '9', '--to', '3'], /--from 9 is after --to 3/],
    ['vcd is a directory', ['--vcd', '.'], /--vcd .*: is a directory/],
    ['port timing on the cluster', ['--config', 'gap8', '--dmem', '2,1'], /--dmem: 'gap8' is a cluster configuration/],
    ['L2 latency on a single core', ['--l2-latency', '20'], /--l2-latency 20: 'ri5cy' has no L2/],
  ];
  for (const [name, args, re] of cases) {
    it(name, async () => {
      const r = await run(args);
      expect(r.got).toBeUndefined();
      expect(r.exitCode).toBe(2);
      expect(r.code).toBe('commander.usage');
      expect(r.err).toMatch(re);
      expect(r.err.startsWith('error: ')).toBe(true);
    });
  }

  it('rejects malformed numbers through commander (pulpsim maps commander.* to exit code 2)', async () => {
    for (const args of [['--cores', 'four'], ['--max-cycles', '0'], ['--from', '-1', '--vcd', 'w.vcd']]) {
      const r = await run(args);
      expect(r.code).toBe('commander.invalidArgument');
      expect(r.err).toMatch(/is not a (positive integer|cycle number)|argument missing|invalid/);
    }
  });
});

describe('checkWritableFile', () => {
  it('accepts a new file in a new subdirectory of a writable directory', () => {
    expect(() => checkWritableFile(join(dir, 'a/b/c.vcd'))).not.toThrow();
  });
  it('refuses a path below a regular file', () => {
    mkdirSync(join(dir, 'd'), { recursive: true });
    writeFileSync(join(dir, 'd/file'), '');
    expect(() => checkWritableFile(join(dir, 'd/file/x.vcd'))).toThrow(UsageError);
    expect(() => checkWritableFile(join(dir, 'd/file/x.vcd'))).toThrow(/is not a directory/);
  });
});

describe('checkWritableDir', () => {
  it('accepts an existing or creatable directory and refuses one below a regular file', () => {
    expect(() => checkWritableDir(join(dir, 'new/sub'), '--out')).not.toThrow();
    expect(() => checkWritableDir(dir, '--out')).not.toThrow();
    writeFileSync(join(dir, 'plain'), '');
    expect(() => checkWritableDir(join(dir, 'plain/out'), '--out')).toThrow(/--out .*plain\/out: '.*plain' is not a directory/);
  });
});
