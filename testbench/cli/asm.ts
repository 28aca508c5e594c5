// `pulpsim asm <file.S> -o <elf>`: assemble and link one program for a configuration (which picks the instruction
// flavour and whether RVC exists). For a cluster configuration (`--config gap8`, `--cores N`) the program is linked
// with the cluster runtime (kernels/runtime: start-up of every core, fork/join, barriers, perf counters, exit
// through tohost; `.include "rt.inc"` works without -I) for that core count, as the kernels are: it provides `main`.
// The ELF is written atomically: a temporary file renamed into place, so a failed run never leaves a half-written
// or stale-looking output.
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { AsmFailure, buildElfFromFile, formatDiagnostic } from '../../kernels/toolchain/asm/index.ts';
import type { Diagnostic } from '../../kernels/toolchain/asm/diagnostics.ts';
import { ScriptError, parseLinkerScript } from '../../kernels/toolchain/linker_script.ts';
import type { LinkOptions } from '../../kernels/toolchain/linker.ts';
import { RuntimeBuildError, buildClusterProgram } from '../../kernels/runtime/runtime.ts';
import { isClusterConfig, presetNames } from '../../rtl/config/load.ts';
import { type CommonOptionValues, UsageError, parsePositiveInt, resolveCommonOptions, usageError } from './options.ts';

export interface AsmCliOptions {
  output: string;
  /** A preset or a JSON configuration file (options.ts). */
  config: string;
  /** Cluster configurations: the core count to build for (`--cores`), and parameters changed (`--set`). */
  cores?: number;
  set?: string[];
  /** Cluster configurations: bytes of stack per core (the runtime's default otherwise). */
  stackSize?: number;
  /** commander's --no-rvc sets rvc = false. */
  rvc: boolean;
  include: string[];
  script?: string;
  ttext?: number;
  entry?: string;
}

export interface AsmCliOutcome {
  /** 0 on success, 1 when the source has errors. */
  code: number;
  /** Diagnostics as `file:line:col: severity: message` lines. */
  messages: string[];
}

/**
 * Assembles, links and writes the ELF; never throws for errors in the program (they are in `messages`). Throws a
 * UsageError for options that do not fit the configuration (a cluster program's layout belongs to the runtime).
 */
export function runAsm(source: string, o: AsmCliOptions): AsmCliOutcome {
  const values: CommonOptionValues = { config: o.config, set: o.set ?? [], json: false };
  if (o.cores !== undefined) values.cores = o.cores;
  const config = resolveCommonOptions(values).config;
  if (!o.rvc) config.core.rvc = false;
  const messages: string[] = [];
  try {
    if (isClusterConfig(config)) {
      for (const [option, v] of [['-T', o.script], ['--ttext', o.ttext], ['-e', o.entry]] as const) {
        if (v !== undefined) throw new UsageError(`${option}: '${o.config}' is a cluster configuration, whose programs the runtime links (code in L2 from the boot address, data in TCDM, entry _start)`);
      }
      if (!existsSync(source) || statSync(source).isDirectory()) return { code: 1, messages: [`${source}: no such file (expected an assembly source)`] };
      const r = buildClusterProgram([{ file: source, text: readFileSync(source, 'utf8') }], config, {
        includeDirs: o.include,
        ...(o.stackSize !== undefined ? { stackSize: o.stackSize } : {}),
      });
      messages.push(...r.warnings.map(formatDiagnostic));
      writeAtomically(o.output, r.elf);
      return { code: 0, messages };
    }
    if (o.stackSize !== undefined) throw new UsageError(`--stack-size: '${o.config}' is a single-core configuration; the stack size is the cluster runtime's`);
    const link: LinkOptions = {};
    if (o.script) link.layout = parseLinkerScript(readFileSync(o.script, 'utf8'), o.script);
    if (o.ttext !== undefined) link.textBase = o.ttext;
    if (o.entry) link.entry = o.entry;
    const r = buildElfFromFile(source, config, { asm: { includeDirs: o.include }, link });
    messages.push(...r.warnings.map(formatDiagnostic));
    writeAtomically(o.output, r.elf);
    return { code: 0, messages };
  } catch (e) {
    if (e instanceof AsmFailure) {
      const diags: Diagnostic[] = e.diagnostics;
      messages.push(...diags.map(formatDiagnostic));
      return { code: 1, messages };
    }
    if (e instanceof ScriptError) return { code: 1, messages: [`${e.message}`] };
    if (e instanceof RuntimeBuildError) {
      if (e.param === 'stackSize') throw new UsageError(`--stack-size ${o.stackSize}: ${e.message}`);
      if (e.param !== undefined) throw new UsageError(`configuration '${o.config}': ${e.message}`);
      return { code: 1, messages: [`${source}: ${e.message}`] };
    }
    throw e;
  }
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function parseAddress(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError(`'${v}' is not an address`);
  return n;
}

export function registerAsm(program: Command): void {
  program
    .command('asm')
    .description('assemble (GNU as syntax) and link one program into an ELF executable; for a cluster configuration, with the cluster runtime')
    .argument('<file>', 'assembly source (.S)')
    .requiredOption('-o, --output <elf>', 'output ELF file')
    .addOption(
      new Option('--config <preset|file.json>', `target configuration (picks the instruction flavour; a cluster one links the runtime): a preset (${presetNames().join(', ')}) or a JSON file`).default(
        'ri5cy',
      ),
    )
    .addOption(new Option('--cores <n>', 'cluster: cores to build for (also the hardware barriers)').argParser(parsePositiveInt))
    .addOption(new Option('--set <key=value>', 'change one parameter of the configuration (repeatable)').argParser((v: string, acc: string[] | undefined) => [...(acc ?? []), v]))
    .addOption(new Option('--stack-size <bytes>', 'cluster: bytes of stack per core (default 1024)').argParser(parsePositiveInt))
    .option('--no-rvc', 'target without the C extension (no compressed instructions)')
    .option('-I, --include <dir>', 'directory searched by .include (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('-T, --script <ld>', 'single core: linker script (subset: ENTRY, SECTIONS with . = expr and *(patterns))')
    .option('--ttext <addr>', 'single core: address of .text for the default layout (GNU -Ttext); default 0', parseAddress)
    .option('-e, --entry <symbol>', 'single core: entry symbol (default _start)')
    .action(function (this: Command, file: string, opts: AsmCliOptions) {
      let out: AsmCliOutcome;
      try {
        out = runAsm(file, opts);
      } catch (e) {
        if (e instanceof UsageError) usageError(this, e.message);
        throw e;
      }
      for (const m of out.messages) process.stderr.write(m + '\n');
      if (out.code !== 0) process.exit(out.code);
    });
}
