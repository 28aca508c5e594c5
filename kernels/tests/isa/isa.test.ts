// The ISA test programs, assembled and linked by our own toolchain and run on the golden ISS with each core's
// preset: every program must store 1 to tohost. A deliberately broken copy of each (its first CHECK compares
// with a wrong constant) must fail with that case's number, which proves the checks can fail. The PULP-extension
// programs are neutral sources (`pulp_*.S.in`, flavoured.ts): both flavours of each must run, and the words
// they execute must be their own flavour's encodings of the instructions the source names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CoreVersion, preset } from '../../../rtl/config/index.ts';
import { byId } from '../../../rtl/isa/table.ts';
import type { Flavour } from '../../../rtl/isa/types.ts';
import { Iss, type Retire } from '../../../testbench/iss/iss.ts';
import { ISA_DIR, type IsaProgram, isaPrograms, linkIsaProgram } from './programs.ts';

function run(source: string, file: string, version: CoreVersion): { tohost: number; exit: string; message: string; retired: Retire[] } {
  const cfg = preset(version);
  const iss = new Iss(cfg, { maxInstructions: 200_000 });
  iss.load(linkIsaProgram(source, file, cfg));
  const retired: Retire[] = [];
  while (!iss.exited && iss.steps < iss.maxInstructions) retired.push(iss.step());
  const r = iss.exited ?? { exit: 'limit', tohost: 0, message: 'instruction limit reached' };
  return { ...r, retired };
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

const programs = isaPrograms();
const GROUPS = ['mem', 'bitman', 'alu', 'mac', 'simd', 'hwloop'];
const OTHER: Record<Flavour, Flavour> = { xpulpv2: 'corev', corev: 'xpulpv2' };

describe('ISA test programs on the ISS', () => {
  it('covers every instruction group; the PULP groups in both flavours, each on the cores that decode it', () => {
    const names = programs.map((p) => p.name);
    for (const g of ['rv32i_alu', 'rv32i_branch', 'rv32i_jump', 'rv32i_ldst', 'rv32m', 'rvc', 'csr', 'traps']) {
      expect(programs.find((p) => p.name === `${g}.S`)?.versions.sort()).toEqual(['cv32e40p', 'ri5cy', 'ri5cy_v1']);
    }
    // RI5CY (v3.4 and v1.0) decodes the PULP GCC encodings, CV32E40P the CORE-V ones.
    for (const g of GROUPS) {
      expect(programs.find((p) => p.name === `pulp_${g}.S.in [xpulpv2]`)?.versions.sort()).toEqual(['ri5cy', 'ri5cy_v1']);
      expect(programs.find((p) => p.name === `pulp_${g}.S.in [corev]`)?.versions).toEqual(['cv32e40p']);
    }
    expect(names.filter((n) => /^(xpulp|corev)_/.test(n)), 'one source per PULP test').toEqual([]);
  });

  for (const p of programs) {
    for (const version of p.versions) {
      it(`${p.name} passes on ${version}`, () => {
        const r = run(p.source, p.file, version);
        expect(r.exit, r.message).toBe('tohost');
        expect(r.tohost, r.message).toBe(1);
      });
    }
    it(`${p.name}: a broken check fails with its case number`, () => {
      const b = broken(p.source);
      const r = run(b.source, p.file, p.versions[0]!);
      expect(r.tohost, r.message).toBe((b.caseNo << 1) | 1);
    });
  }
});

/** The table ids a neutral source names with `@<id>` (comments left out). */
function namedIds(neutral: string): Set<string> {
  const ids = new Set<string>();
  for (const line of neutral.split('\n')) {
    for (const m of line.replace(/#.*/, '').matchAll(/@([A-Za-z0-9_.]+)/g)) ids.add(m[1]!);
  }
  return ids;
}

describe('PULP test programs: one neutral source, each flavour in its own encodings', () => {
  const unified = programs.filter((p): p is IsaProgram & { flavour: Flavour } => p.flavour !== undefined);

  it('every neutral source renders for both flavours', () => {
    const files = [...new Set(unified.map((p) => p.file))];
    expect(files.map((f) => f.slice(ISA_DIR.length + 1)).sort()).toEqual(GROUPS.map((g) => `pulp_${g}.S.in`).sort());
    for (const f of files) expect(unified.filter((p) => p.file === f).map((p) => p.flavour).sort()).toEqual(['corev', 'xpulpv2']);
  });

  for (const p of unified) {
    it(`${p.name}: the executed PULP words are ${p.flavour} encodings of the instructions the source names`, () => {
      const r = run(p.source, p.file, p.versions[0]!);
      expect(r.tohost, r.message).toBe(1);
      const executed = new Set<string>();
      for (const x of r.retired) {
        if (x.id === null || x.trap) continue;
        const def = byId(x.id);
        if (!def.ext.startsWith('Xpulp')) continue;
        executed.add(x.id);
        const own = def.enc[p.flavour];
        const where = `${x.id} at pc 0x${x.pc.toString(16)}: word 0x${(x.word >>> 0).toString(16)}`;
        expect(own, `${where} has no ${p.flavour} encoding`).toBeDefined();
        expect((x.word & own!.mask) >>> 0, `${where} is not the ${p.flavour} encoding`).toBe(own!.match >>> 0);
        // Where the flavours encode the instruction differently, the word must not be the other one's.
        const other = def.enc[OTHER[p.flavour]];
        if (other && (other.match !== own!.match || other.mask !== own!.mask)) {
          expect((x.word & other.mask) >>> 0, `${where} is the ${OTHER[p.flavour]} encoding`).not.toBe(other.match >>> 0);
        }
      }
      // Every instruction the neutral source names by table id runs in this flavour.
      const named = namedIds(readFileSync(join(p.file), 'utf8'));
      for (const id of named) {
        if (byId(id).enc[p.flavour]) expect(executed, `${id} named but not executed`).toContain(id);
      }
      expect(executed.size).toBeGreaterThan(0);
    });
  }
});
