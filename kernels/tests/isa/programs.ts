/**
 * The ISA test programs of this folder, as the ISS test (isa.test.ts) and the lockstep test
 * (testbench/lockstep) run them: every `*.S` on every core, and every neutral `*.S.in` (flavoured.ts) rendered
 * once per flavour and run on the cores whose preset decodes that flavour.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CoreVersion, type SystemConfig, presets } from '../../../rtl/config/index.ts';
import type { Flavour } from '../../../rtl/isa/types.ts';
import { assemble } from '../../toolchain/asm/assembler.ts';
import { type Elf, readElf } from '../../toolchain/elf.ts';
import { link, linkedElf } from '../../toolchain/linker.ts';
import { FLAVOUR_NAMES, renderFlavoured } from './flavoured.ts';

export const ISA_DIR = 'kernels/tests/isa';

export interface IsaProgram {
  /** For titles: the file name, with the flavour for a rendered neutral source (`pulp_alu.S.in [corev]`). */
  name: string;
  /** The source file, as assembler messages name it. */
  file: string;
  /** The assembly the assembler gets (for a neutral source: its rendering for `flavour`). */
  source: string;
  /** The flavour a neutral source was rendered for; absent for a base-ISA program. */
  flavour?: Flavour;
  /** The cores that run it. */
  versions: CoreVersion[];
}

/** The cores whose preset decodes the PULP extensions in `flavour` (rtl/config `presets`). */
export function versionsOfFlavour(flavour: Flavour): CoreVersion[] {
  return (Object.keys(presets) as CoreVersion[]).filter((v) => presets[v].core.flavour === flavour);
}

/** Every program of `dir`, sorted by file name, a neutral source once per flavour. */
export function isaPrograms(dir = ISA_DIR): IsaProgram[] {
  const out: IsaProgram[] = [];
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    if (name.endsWith('.S')) {
      out.push({ name, file, source: readFileSync(file, 'utf8'), versions: Object.keys(presets) as CoreVersion[] });
    } else if (name.endsWith('.S.in')) {
      const neutral = readFileSync(file, 'utf8');
      for (const flavour of FLAVOUR_NAMES) {
        out.push({ name: `${name} [${flavour}]`, file, source: renderFlavoured(neutral, file, flavour), flavour, versions: versionsOfFlavour(flavour) });
      }
    }
  }
  return out;
}

/** `source` (a program's, or a variant of it) assembled with `.include` from `dir` and linked at address 0. */
export function linkIsaProgram(source: string, file: string, cfg: SystemConfig, dir = ISA_DIR): Elf {
  const { object } = assemble(source, file, { flavour: cfg.core.flavour, rvc: cfg.core.rvc, includeDirs: [dir] });
  return readElf(linkedElf(link([object], { textBase: 0, memory: cfg.memory })), file);
}
