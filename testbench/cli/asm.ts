// `pulpsim asm <file.S> -o <elf>`: assemble and link one program for a configuration preset (which picks the
// instruction flavour and whether RVC exists). The ELF is written atomically: a temporary file renamed into
// place, so a failed run never leaves a half-written or stale-looking output.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type CoreVersion, preset, presets } from '../../rtl/config/index.ts';
import { AsmFailure, buildElfFromFile, formatDiagnostic } from '../../kernels/toolchain/asm/index.ts';
import type { Diagnostic } from '../../kernels/toolchain/asm/diagnostics.ts';
import { ScriptError, parseLinkerScript } from '../../kernels/toolchain/linker_script.ts';
import type { LinkOptions } from '../../kernels/toolchain/linker.ts';

export interface AsmCliOptions {
  output: string;
  config: CoreVersion;
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

/** Assembles, links and writes the ELF; never throws for errors in the program (they are in `messages`). */
export function runAsm(source: string, o: AsmCliOptions): AsmCliOutcome {
  const config = preset(o.config);
  if (!o.rvc) config.core.rvc = false;
  const link: LinkOptions = {};
  const messages: string[] = [];
  try {
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
    .description('assemble (GNU as syntax) and link one program into an ELF executable')
    .argument('<file>', 'assembly source (.S)')
    .requiredOption('-o, --output <elf>', 'output ELF file')
    .addOption(
      new Option('--config <preset>', 'target configuration (picks the instruction flavour)')
        .choices(Object.keys(presets))
        .default('ri5cy'),
    )
    .option('--no-rvc', 'target without the C extension (no compressed instructions)')
    .option('-I, --include <dir>', 'directory searched by .include (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('-T, --script <ld>', 'linker script (subset: ENTRY, SECTIONS with . = expr and *(patterns))')
    .option('--ttext <addr>', 'address of .text for the default layout (GNU -Ttext); default 0', parseAddress)
    .option('-e, --entry <symbol>', 'entry symbol (default _start)')
    .action((file: string, opts: AsmCliOptions) => {
      const out = runAsm(file, opts);
      for (const m of out.messages) process.stderr.write(m + '\n');
      if (out.code !== 0) process.exit(out.code);
    });
}
