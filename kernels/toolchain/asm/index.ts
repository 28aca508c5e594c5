// One call from assembly source to an ELF executable, the way a target configuration asks for it: the preset
// gives the flavour and whether RVC exists, the memory map bounds the link.
import type { SystemConfig } from '../../../rtl/config/index.ts';
import { type IsaSwitches, enabledExtensions } from '../../../rtl/isa/xpulpnn.ts';
import { type LinkOptions, type LinkResult, link, linkedElf } from '../linker.ts';
import { type AsmOptions, type AsmResult, assemble, assembleFile } from './assembler.ts';
import type { Diagnostic } from './diagnostics.ts';

export { assemble, assembleFile } from './assembler.ts';
export type { AsmOptions, AsmResult } from './assembler.ts';
export { AsmError, AsmFailure, formatDiagnostic } from './diagnostics.ts';
export type { Diagnostic, SourceLoc } from './diagnostics.ts';

export interface BuildOptions {
  /** Assembler options other than flavour/rvc (which come from `config` unless given here). */
  asm?: Partial<AsmOptions>;
  link?: LinkOptions;
}

export interface BuildResult {
  elf: Uint8Array;
  linked: LinkResult;
  warnings: Diagnostic[];
}

function asmOptions(config: SystemConfig, o: BuildOptions): AsmOptions {
  // The core's optional ISA switches (`isa.xpulpnn`), when the configuration has them.
  const core: SystemConfig['core'] & { isa?: IsaSwitches } = config.core;
  return { flavour: core.flavour, rvc: core.rvc, extensions: enabledExtensions(core.isa), ...o.asm };
}

function finish(res: AsmResult, config: SystemConfig, o: BuildOptions, rvc: boolean): BuildResult {
  const linked = link([res.object], { memory: config.memory, ...o.link });
  return { elf: linkedElf(linked, { rvc }), linked, warnings: res.warnings };
}

/** Assembles and links a source file for a configuration. Throws AsmFailure listing every error. */
export function buildElfFromFile(path: string, config: SystemConfig, o: BuildOptions = {}): BuildResult {
  const opts = asmOptions(config, o);
  return finish(assembleFile(path, opts), config, o, opts.rvc);
}

/** Assembles and links source text (named `file` in messages). Throws AsmFailure listing every error. */
export function buildElf(source: string, file: string, config: SystemConfig, o: BuildOptions = {}): BuildResult {
  const opts = asmOptions(config, o);
  return finish(assemble(source, file, opts), config, o, opts.rvc);
}

/**
 * The bytes of `source` assembled and linked with .text at `pc` (for single instructions and short snippets:
 * branch targets written as addresses resolve against `pc`). Throws AsmFailure on errors.
 */
export function assembleAt(source: string, pc: number, opts: AsmOptions): Uint8Array {
  const { object } = assemble(source, '<snippet>', opts);
  const linked = link([object], {
    layout: { statements: [{ kind: 'output', name: '.text', patterns: ['.text'], addr: () => pc }] },
  });
  const text = linked.sections.find((s) => s.name === '.text');
  if (text && text.addr !== pc) throw new Error(`assembleAt: .text landed at ${text.addr}, not ${pc} (alignment)`);
  return text ? text.bytes : new Uint8Array(0);
}
