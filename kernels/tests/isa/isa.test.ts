// The ISA test programs, assembled and linked by our own toolchain and run on the golden ISS with each core's
// preset: every program must store 1 to tohost. A deliberately broken copy of each (its first CHECK compares
// with a wrong constant) must fail with that case's number, which proves the checks can fail.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CoreVersion, preset } from '../../../rtl/config/index.ts';
import { assemble } from '../../toolchain/asm/assembler.ts';
import { readElf } from '../../toolchain/elf.ts';
import { link, linkedElf } from '../../toolchain/linker.ts';
import { Iss } from '../../../testbench/iss/iss.ts';

const DIR = 'kernels/tests/isa';

/** Which cores run a program: base-ISA groups on all three, xpulp_* on RI5CY, corev_* on CV32E40P. */
function versionsOf(file: string): CoreVersion[] {
  if (file.startsWith('xpulp_')) return ['ri5cy', 'ri5cy_v1'];
  if (file.startsWith('corev_')) return ['cv32e40p'];
  return ['ri5cy', 'ri5cy_v1', 'cv32e40p'];
}

function run(source: string, file: string, version: CoreVersion): { tohost: number; exit: string; message: string } {
  const cfg = preset(version);
  const { object } = assemble(source, join(DIR, file), { flavour: cfg.core.flavour, rvc: cfg.core.rvc, includeDirs: [DIR] });
  const elf = readElf(linkedElf(link([object], { textBase: 0, memory: cfg.memory })), file);
  const iss = new Iss(cfg, { maxInstructions: 200_000 });
  iss.load(elf);
  return iss.run();
}

/** The source with its first CHECK's constant changed, and the number of the case that CHECK belongs to. */
function broken(source: string): { source: string; caseNo: number } {
  const lines = source.split('\n');
  let caseNo = 0;
  for (let i = 0; i < lines.length; i++) {
    const c = /^\s*CASE\s+(\d+)/.exec(lines[i]!);
    if (c) caseNo = Number(c[1]);
    const m = /^(\s*CHECK\s+\w+\s*,\s*)(.+?)(\s*#.*)?$/.exec(lines[i]!);
    if (m) {
      lines[i] = `${m[1]}(${m[2]}) ^ 1`;
      return { source: lines.join('\n'), caseNo };
    }
  }
  throw new Error('no CHECK in the program');
}

const programs = readdirSync(DIR).filter((f) => f.endsWith('.S')).sort();

describe('ISA test programs on the ISS', () => {
  it('covers every instruction group', () => {
    for (const g of ['rv32i_alu', 'rv32i_branch', 'rv32i_jump', 'rv32i_ldst', 'rv32m', 'rvc', 'csr', 'traps']) {
      expect(programs).toContain(`${g}.S`);
    }
    for (const g of ['mem', 'bitman', 'alu', 'mac', 'simd', 'hwloop']) {
      expect(programs).toContain(`xpulp_${g}.S`);
      expect(programs).toContain(`corev_${g}.S`);
    }
  });

  for (const file of programs) {
    const source = readFileSync(join(DIR, file), 'utf8');
    for (const version of versionsOf(file)) {
      it(`${file} passes on ${version}`, () => {
        const r = run(source, file, version);
        expect(r.exit, r.message).toBe('tohost');
        expect(r.tohost, r.message).toBe(1);
      });
    }
    it(`${file}: a broken check fails with its case number`, () => {
      const b = broken(source);
      const r = run(b.source, file, versionsOf(file)[0]!);
      expect(r.tohost, r.message).toBe((b.caseNo << 1) | 1);
    });
  }
});
