// `pulpsim iss <elf>`: runs a program on the golden instruction-set simulator.
// Exit codes: 0 the program stored 1 to tohost (or exited by ecall with a0 = 0), 1 it failed (other tohost
// value or the instruction limit), 2 usage error (commander), 3 model error (bad ELF, unmapped access, wfi).
import type { Command } from 'commander';
import type { SystemConfig } from '../../rtl/config/index.ts';
import type { ParamValue } from '../../rtl/config/params.ts';
import { disassemble } from '../../rtl/isa/disasm.ts';
import type { Elf } from '../../kernels/toolchain/elf.ts';
import { type Retire, type RunResult, Iss } from '../iss/iss.ts';
import { addCommonOptions, commonOptions, loadElfArg } from './options.ts';

export interface IssCliOptions {
  config: SystemConfig;
  /** The `--config` argument (preset name or file), echoed in the output. */
  configName: string;
  set?: Record<string, ParamValue>;
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
export function runIssCli(elf: Elf, o: IssCliOptions): IssCliOutput {
  const elfPath = elf.name;
  const iss = new Iss(o.config, { maxInstructions: o.maxInstructions });
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
  const summary = { elf: elfPath, config: o.configName, set: o.set ?? {}, ...result, instructions: result.instret };
  const stdout = o.json
    ? JSON.stringify(summary) + '\n'
    : `tohost=${result.tohost} instret=${result.instret} exit=${result.exit} pc=0x${hex(result.pc)}\n`;
  return { code: pass ? 0 : 1, stdout, stderr, result };
}

interface IssValues {
  config: string;
  trace: boolean;
}

/** Adds the `iss` subcommand to the `pulpsim` program. */
export function registerIss(program: Command): void {
  const cmd = program
    .command('iss')
    .description('run an ELF on the golden instruction-set simulator; prints tohost and instret')
    .argument('<elf>', 'RISC-V ELF executable')
    .option('--trace', 'print every executed instruction to stderr', false);
  // untimed and single-hart: no cycles, cores or waves
  addCommonOptions(cmd, { config: 'ri5cy', limit: 'instructions', maxInstructions: 10_000_000, cores: false, waves: false, system: 'single-core', otherCommand: 'cluster-iss' });
  cmd.action((elfPath: string) => {
    const common = commonOptions(cmd);
    const v = cmd.opts<IssValues>();
    const elf = loadElfArg(cmd, elfPath, common.config);
    const out = runIssCli(elf, {
      config: common.config,
      configName: v.config,
      set: common.source.set,
      maxInstructions: common.run.maxInstructions!,
      json: common.run.json,
      trace: v.trace,
    });
    process.stdout.write(out.stdout);
    if (out.stderr) process.stderr.write(out.stderr);
    if (out.code !== 0) process.exitCode = out.code;
  });
}
