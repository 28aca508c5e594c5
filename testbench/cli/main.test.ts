import type { Command } from 'commander';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClusterProgram } from '../../kernels/runtime/runtime.ts';
import { gap8ClusterSystem } from '../../rtl/config/index.ts';
import { buildCli } from './main.ts';

describe('pulpsim CLI', () => {
  it('is named pulpsim and rejects unknown commands', async () => {
    const cli = await buildCli();
    cli.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    expect(cli.name()).toBe('pulpsim');
    expect(() => cli.parse(['no-such-command'], { from: 'user' })).toThrow();
  });

  it('every command, also one added with addCommand, throws on a misspelt option with the closest name (exit 2 in main)', async () => {
    const cli = await buildCli();
    let err = '';
    const quiet = (c: Command): void => {
      c.configureOutput({ writeErr: (s) => (err += s), writeOut: () => {} });
      c.commands.forEach(quiet);
    };
    quiet(cli);
    for (const [name, args] of [['run', ['x.elf', '--max-cycle', '5']], ['conv', ['--jsn']], ['sweep', ['--wokers', '2']]] as const) {
      err = '';
      let code: string | undefined;
      try {
        cli.parse([name, ...args], { from: 'user' });
      } catch (e) {
        code = (e as { code?: string }).code;
      }
      expect(code, name).toBe('commander.unknownOption');
      expect(err).toMatch(/Did you mean --/);
    }
  });

  it('has every command, and with a command named, that command alone (its module loaded, not the others)', async () => {
    const all = ['iss', 'cluster-iss', 'disasm', 'asm', 'replay', 'run', 'report', 'start', 'conv', 'paper', 'sweep'];
    expect((await buildCli()).commands.map((c) => c.name())).toEqual(all);
    for (const name of all) expect((await buildCli(name)).commands.map((c) => c.name()), name).toEqual([name]);
    expect((await buildCli('rn')).commands.map((c) => c.name())).toEqual(all);
    expect((await buildCli('--help')).commands.map((c) => c.name())).toEqual(all);
  });

  it('the ISSs refuse the other kind of configuration and name the command to use, before reading the ELF', async () => {
    for (const [args, re] of [
      [['iss', 'missing.elf', '--config', 'gap8'], /--config gap8: a cluster configuration, and `pulpsim iss` runs one core; use `pulpsim cluster-iss`/],
      [['cluster-iss', 'missing.elf', '--config', 'cv32e40p'], /--config cv32e40p: a single-core configuration, and `pulpsim cluster-iss` runs a cluster; use `pulpsim iss`/],
    ] as const) {
      const cli = await buildCli();
      let err = '';
      for (const c of cli.commands) c.configureOutput({ writeErr: (s) => (err += s), writeOut: () => {} });
      await expect(cli.parseAsync([...args], { from: 'user' })).rejects.toMatchObject({ code: 'commander.usage', exitCode: 2 });
      expect(err).toMatch(re);
    }
  });

  it('a cluster program given a single-core configuration is a usage error saying how to run it', async () => {
    const d = mkdtempSync(join(tmpdir(), 'pulpsim-main-'));
    const config = gap8ClusterSystem();
    config.cluster.cores = 4;
    config.cluster.eventUnit.barriers = 4;
    const elf = join(d, 'p4.elf');
    writeFileSync(elf, buildClusterProgram('  .text\n  .globl main\nmain:\n  li a0, 0\n  ret\n', config).elf);
    const lead = `${elf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: a cluster program \\(built by the cluster runtime for 4 cores\\)`;
    for (const [args, tail] of [
      [['run', elf], ", and 'ri5cy' is a single-core configuration; run it with --config gap8 --cores 4"],
      [['report', elf, '--config', 'cv32e40p'], ", and 'cv32e40p' is a single-core configuration; run it with --config gap8 --cores 4"],
      [['iss', elf], ", and 'ri5cy' is a single-core configuration; run it with `pulpsim cluster-iss --cores 4`"],
    ] as const) {
      const cli = await buildCli();
      let err = '';
      for (const c of cli.commands) c.configureOutput({ writeErr: (s) => (err += s), writeOut: () => {} });
      await expect(cli.parseAsync([...args], { from: 'user' })).rejects.toMatchObject({ code: 'commander.usage', exitCode: 2 });
      expect(err).toMatch(new RegExp(lead));
      expect(err).toContain(tail);
    }
  });
});
