// CORE-V v2 (cv.*) instructions: kernels/toolchain/fixtures/corev_all.S assembled by llvm-mc-19 gave
// corev_all.bin (the bytes of .text) and corev_all.lst (offset, word, source line). Our assembler, in the corev
// flavour, must give the same word for every line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { disassemble } from '../../../rtl/isa/disasm.ts';
import { encodingsOf } from '../../../rtl/isa/table.ts';
import { assemble, assembleFile } from './assembler.ts';

const FIX = join(import.meta.dirname, '../fixtures');
const lst = readFileSync(join(FIX, 'corev_all.lst'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('0x'))
  .map((l) => l.split('\t') as [string, string, string, string]);
const known = new Set(encodingsOf('corev').map((e) => e.enc.mnemonic));
const mnemonic = (src: string): string => src.trim().split(/\s+/)[0]!;

// Every cv.* mnemonic of the fixture is an entry of rtl/isa (the list of absent ones is empty).
const NOT_IN_TABLE: string[] = [];

describe('corev_all.S against llvm-mc-19', () => {
  it('has a listing of the reference words', () => {
    expect(lst.length).toBeGreaterThan(400);
    expect(readFileSync(join(FIX, 'corev_all.bin')).length).toBe(lst.length * 4);
  });

  it('gives the llvm-mc-19 word for every instruction the table has', () => {
    // Lines of mnemonics the table lacks become a placeholder word, so offsets and labels stay where they were.
    const src = readFileSync(join(FIX, 'corev_all.S'), 'utf8')
      .split('\n')
      .map((l) => (/^\s+cv\./.test(l) && !known.has(mnemonic(l)) ? '\t.word 0' : l))
      .join('\n');
    const { object } = assemble(src, 'corev_all.S', { flavour: 'corev', rvc: true });
    const b = object.sections.find((s) => s.name === '.text')!.bytes;
    expect(b.length).toBe(lst.length * 4);
    const bad: string[] = [];
    for (const [off, word, line] of lst) {
      if (!known.has(mnemonic(line))) continue;
      const o = Number(off);
      const got = `0x${((b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0).toString(16).padStart(8, '0')}`;
      if (got !== word) bad.push(`${line}: ours ${got}, llvm ${word}`);
    }
    expect(bad).toEqual([]);
  });

  it('lacks only the mnemonics rtl/isa does not list', () => {
    const missing = [...new Set(lst.map(([, , s]) => mnemonic(s)).filter((m) => !known.has(m)))].sort();
    expect(missing).toEqual([...NOT_IN_TABLE].sort());
  });

  it('disassembles every word as llvm-objdump-19 does (its <symbol+offset> notes left out)', () => {
    const bad = lst
      .map(([off, word, , llvm]) => ({ llvm: llvm.replace(/ <[^>]*>$/, ''), got: disassemble(Number(word), Number(off), 'corev') }))
      .filter(({ llvm, got }) => got.replace('\t', ' ') !== llvm)
      .map(({ llvm, got }) => `ours '${got}', llvm-objdump '${llvm}'`);
    expect(bad).toEqual([]);
  });

  it('assembles the whole file to the reference bytes', () => {
    expect(NOT_IN_TABLE.filter((m) => !known.has(m))).toEqual([]);
    const { object } = assembleFile(join(FIX, 'corev_all.S'), { flavour: 'corev', rvc: true });
    const text = object.sections.find((s) => s.name === '.text')!;
    expect(Buffer.from(text.bytes).equals(readFileSync(join(FIX, 'corev_all.bin')))).toBe(true);
  });
});
