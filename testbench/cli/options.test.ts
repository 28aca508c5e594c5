import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { Gap8Config } from '../../rtl/config/index.ts';
import { type ResolvedOptions, UsageError, addCommonOptions, checkWritableFile, commonOptions } from './options.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulpsim-options-'));

/** A dummy command adopting the common options, run the way `pulpsim` runs its commands (exitOverride). */
async function run(args: string[]): Promise<{ got?: ResolvedOptions; err: string; code?: string; exitCode?: number }> {
  let err = '';
  const program = new Command().exitOverride().configureOutput({ writeErr: (s) => (err += s), writeOut: () => {} });
  let got: ResolvedOptions | undefined;
  const cmd = addCommonOptions(program.command('dummy').argument('[elf]'), { maxCycles: 5000 });
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
    expect(r.got!.source.set).toEqual({ 'cluster.cores': 4, 'cluster.eventUnit.barriers': 4, 'icache.refillLatency': '20', 'cluster.tcdm.banks': '32' });
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

describe('usage errors (exit code 2, message on the error output)', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown parameter with a suggestion', ['--config', 'gap8', '--set', 'icache.refilLatency=3'], /--set icache\.refilLatency=3: unknown parameter .*did you mean 'icache\.refillLatency'/],
    ['bad value', ['--config', 'gap8', '--set', 'tcdm.banks=3'], /cluster\.tcdm\.banks: expected a power of two/],
    ['missing =', ['--set', 'imem.grantDelay'], /expected key=value/],
    ['unknown preset', ['--config', 'gap9'], /--config gap9: unknown configuration 'gap9'/],
    ['cores on a single core', ['--cores', '4'], /--cores 4: 'ri5cy' is a single-core configuration/],
    ['cores not a power of two', ['--config', 'gap8', '--cores', '6'], /--cores 6: cluster\.cores: expected a power of two/],
    ['cross-field rule', ['--config', 'gap8', '--cores', '16'], /at most 16 masters/],
    ['scope without vcd', ['--scope', 'top'], /--scope applies only with --vcd/],
    ['empty window', ['--vcd', 'w.vcd', '--from', '9', '--to', '3'], /--from 9 is after --to 3/],
    ['vcd is a directory', ['--vcd', '.'], /--vcd .*: is a directory/],
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
