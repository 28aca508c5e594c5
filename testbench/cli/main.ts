// The `pulpsim` command line. Each capability registers its subcommand here the day it lands.
import { Command, InvalidArgumentError } from 'commander';
// learn_store.ts itself, not sim/index.ts: commands that simulate nothing (asm, disasm, iss) do not load the engine
import { setLearnStore } from '../../sim/learn_store.ts';
import { bundleLearnStore } from './bundled.ts';
import { UsageError } from './options.ts';

type Register = (program: Command) => void;

/**
 * The commands in the order of the help, each registered from its own module. A module imports the models its
 * command runs, so main() loads only the one the command line names (measured: importing every command's module
 * took ~0.48 s against ~0.23 s for `run` alone, of a ~1.5 s `pulpsim run` of a short cluster program); a command
 * line naming none (help, a misspelt command) gets all of them, for the list and the suggestions.
 */
const COMMANDS: readonly { name: string; load: () => Promise<Register> }[] = [
  { name: 'iss', load: async () => (await import('./iss.ts')).registerIss },
  { name: 'cluster-iss', load: async () => (await import('./cluster_iss.ts')).registerClusterIss },
  { name: 'disasm', load: async () => (await import('./disasm.ts')).registerDisasm },
  { name: 'asm', load: async () => (await import('./asm.ts')).registerAsm },
  { name: 'replay', load: async () => (await import('./replay.ts')).registerReplay },
  { name: 'run', load: async () => (await import('./run.ts')).registerRun },
  { name: 'report', load: async () => (await import('./report.ts')).registerReport },
  { name: 'start', load: async () => (await import('./start.ts')).registerStart },
  { name: 'conv', load: async () => (await import('./conv.ts')).registerConv },
  { name: 'paper', load: async () => (await import('./paper.ts')).registerPaper },
  { name: 'sweep', load: async () => (await import('./sweep.ts')).registerSweep },
];

/** The program with every command, or with only `command` when that names one. */
export async function buildCli(command?: string): Promise<Command> {
  const program = new Command();
  program.name('pulpsim').description('Cycle-accurate, signal-level model of a PULP cluster');
  const named = COMMANDS.filter((c) => c.name === command);
  const registers = await Promise.all((named.length > 0 ? named : COMMANDS).map((c) => c.load()));
  for (const register of registers) register(program);
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
  setLearnStore(bundleLearnStore());
  const program = await buildCli(argv[0]);
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
