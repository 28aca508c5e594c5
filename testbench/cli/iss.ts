// `pulpsim iss <elf>`: runs a program on the golden instruction-set simulator.
// Exit codes: 0 the program stored 1 to tohost (or exited by ecall with a0 = 0), 1 it failed (other tohost
// value or the instruction limit), 2 usage error (commander), 3 model error (bad ELF, unmapped access, wfi).
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { presets, preset, type CoreVersion } from '../../rtl/config/index.ts';
import { disassemble } from '../../rtl/isa/disasm.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { type Retire, type RunResult, Iss } from '../iss/iss.ts';

export interface IssCliOptions {
  config: CoreVersion;
  maxInstructions: number;
  json: boolean;
  trace: boolean;
}

export interface IssCliOutput {
  code: 0 | 1;
  stdout: string;
  /** The trace (with --trace) and the reason of a failure. */
  stderr: string;
  result: RunResult;
}

const hex = (v: number, d = 8): string => (v >>> 0).toString(16).padStart(d, '0');

/** One trace line: pc, raw word, disassembly, register writes, memory accesses, trap. */
export function formatRetire(r: Retire, iss: Iss): string {
  const word = r.size === 2 ? hex(r.word, 4).padStart(8) : hex(r.word);
  const text = disassemble(r.word, r.pc, iss.flavour);
  const parts = [`${hex(r.pc)}: ${word}  ${text.padEnd(32)}`];
  for (const w of r.writes) parts.push(`x${w.reg}=${hex(w.value)}`);
  for (const m of r.mem) parts.push(`${m.kind === 'load' ? 'ld' : 'st'}${m.bytes}[${hex(m.addr)}]=${hex(m.value)}`);
  if (r.trap) parts.push(`trap mcause=${r.trap.cause} -> ${hex(r.trap.target)}`);
  return parts.join(' ');
}

/** Runs `elfPath` and formats the outcome; throws (model error) on a bad ELF or a model error of the ISS. */
export function runIssCli(elfPath: string, o: IssCliOptions): IssCliOutput {
  const bytes = readFileSync(elfPath);
  const elf = readElf(bytes, elfPath);
  const iss = new Iss(preset(o.config), { maxInstructions: o.maxInstructions });
  iss.load(elf);
  let stderr = '';
  let result: RunResult;
  if (o.trace) {
    const lines: string[] = [];
    while (!iss.exited && iss.steps < o.maxInstructions) lines.push(formatRetire(iss.step(), iss));
    result = iss.run();
    stderr += lines.join('\n') + (lines.length ? '\n' : '');
  } else {
    result = iss.run();
  }
  const pass = result.exit !== 'limit' && result.tohost === 1;
  if (!pass) stderr += `pulpsim iss: ${elfPath}: FAIL: ${result.message}\n`;
  const summary = { elf: elfPath, config: o.config, ...result };
  const stdout = o.json
    ? JSON.stringify(summary) + '\n'
    : `tohost=${result.tohost} instret=${result.instret} exit=${result.exit} pc=0x${hex(result.pc)}\n`;
  return { code: pass ? 0 : 1, stdout, stderr, result };
}

function positiveInt(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
    throw new InvalidArgumentError(`'${v}' is not a positive integer`);
  }
  return Number(v);
}

/** Adds the `iss` subcommand to the `pulpsim` program. */
export function registerIss(program: Command): void {
  program
    .command('iss')
    .description('run an ELF on the golden instruction-set simulator; prints tohost and instret')
    .argument('<elf>', 'RISC-V ELF executable')
    .addOption(
      new Option('--config <preset>', 'core configuration preset').choices(Object.keys(presets)).default('ri5cy'),
    )
    .option('--max-instructions <n>', 'stop after this many instructions', positiveInt, 10_000_000)
    .option('--json', 'print the result as one JSON object', false)
    .option('--trace', 'print every executed instruction to stderr', false)
    .action((elfPath: string, opts: IssCliOptions) => {
      const out = runIssCli(elfPath, opts);
      process.stdout.write(out.stdout);
      if (out.stderr) process.stderr.write(out.stderr);
      // main() returns 0 once an action completes, so a failing program ends the process here with code 1.
      if (out.code !== 0) process.exit(out.code);
    });
}
