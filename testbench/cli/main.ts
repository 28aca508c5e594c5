// The `pulpsim` command line. Each capability registers its subcommand here the day it lands.
import { Command } from 'commander';
import { registerAsm } from './asm.ts';
import { registerClusterIss } from './cluster_iss.ts';
import { registerConv } from './conv.ts';
import { registerDisasm } from './disasm.ts';
import { registerIss } from './iss.ts';
import { registerPaper } from './paper.ts';
import { registerReplay } from './replay.ts';
import { registerReport } from './report.ts';
import { registerRun } from './run.ts';
import { registerStart } from './start.ts';
import { registerSweep } from './sweep.ts';

export function buildCli(): Command {
  const program = new Command();
  program
    .name('pulpsim')
    .description('Cycle-accurate, signal-level model of a PULP cluster')
    .showHelpAfterError()
    .exitOverride();
  registerIss(program);
  registerClusterIss(program);
  registerDisasm(program);
  registerAsm(program);
  registerReplay(program);
  registerRun(program);
  registerReport(program);
  registerStart(program);
  registerConv(program);
  registerPaper(program);
  registerSweep(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildCli();
  try {
    await program.parseAsync(argv, { from: 'user' });
    // Commands report a failed program (as opposed to a model or usage error) through process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    if (err.code?.startsWith('commander.')) return 2;
    process.stderr.write(`pulpsim: ${err.message ?? String(e)}\n`);
    return 3;
  }
}

const isEntry = process.argv[1] !== undefined && /testbench[\\/]cli[\\/]main\.ts$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
