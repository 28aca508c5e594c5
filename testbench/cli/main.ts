// The `pulpsim` command line. Each capability registers its subcommand here the day it lands.
import { Command, InvalidArgumentError } from 'commander';
import { UsageError } from './options.ts';
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
  program.name('pulpsim').description('Cycle-accurate, signal-level model of a PULP cluster');
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
  uniformErrors(program);
  return program;
}

/**
 * Every command, however it was registered (`program.command` copies the settings, `addCommand` does not), reports
 * a usage error the same way: the message, the closest valid option for a misspelt one, a pointer to its help,
 * and exit code 2 through main() (exitOverride: commander throws instead of exiting with its own code 1).
 */
function uniformErrors(cmd: Command): void {
  const path = (c: Command): string => (c.parent ? `${path(c.parent)} ${c.name()}` : c.name());
  cmd
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError(cmd.parent ? `(${path(cmd)} --help lists the options)` : `(${path(cmd)} --help lists the commands)`);
  for (const sub of cmd.commands) uniformErrors(sub);
}

/** Runs one command line (the arguments after the program name); resolves to the process's exit status. */
export async function main(argv: string[]): Promise<number> {
  const program = buildCli();
  try {
    await program.parseAsync(argv, { from: 'user' });
    // Commands report a failed program (as opposed to a model or usage error) through process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    // commander displays its own errors before throwing a plain CommanderError; an InvalidArgumentError thrown
    // by an action's own check has not been shown yet
    if (e instanceof InvalidArgumentError) process.stderr.write(`error: ${e.message}\n`);
    if (err.code?.startsWith('commander.')) return 2;
    // a usage error found after commander's parsing (usageError() reports and throws commander.usage itself)
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`pulpsim: ${err.message ?? String(e)}\n`);
    return 3;
  }
}

const isEntry = process.argv[1] !== undefined && /testbench[\\/]cli[\\/]main\.ts$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
