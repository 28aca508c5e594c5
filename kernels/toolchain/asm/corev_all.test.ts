// CORE-V v2 (cv.*) instructions: kernels/toolchain/fixtures/corev_all.S assembled by llvm-mc-19 gave
// corev_all.bin (the bytes of .text) and corev_all.lst (offset, word, source line). Our assembler, in the corev
// flavour, must give the same word for every line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodingsOf } from '../../../rtl/isa/table.ts';
import { assemble, assembleFile } from './assembler.ts';

const FIX = join(import.meta.dirname, '../fixtures');
const lst = readFileSync(join(FIX, 'corev_all.lst'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('0x'))
  .map((l) => l.split('\t') as [string, string, string]);
const known = new Set(encodingsOf('corev').map((e) => e.enc.mnemonic));
const mnemonic = (src: string): string => src.trim().split(/\s+/)[0]!;

// The complex-number and divided add/sub forms of CV32E40P's xcvsimd are not (yet) entries of rtl/isa.
const NOT_IN_TABLE = [
  'cv.add.div2', 'cv.add.div4', 'cv.add.div8', 'cv.sub.div2', 'cv.sub.div4', 'cv.sub.div8', 'cv.cplxconj',
  'cv.cplxmul.i', 'cv.cplxmul.i.div2', 'cv.cplxmul.i.div4', 'cv.cplxmul.i.div8', 'cv.cplxmul.r',
  'cv.cplxmul.r.div2', 'cv.cplxmul.r.div4', 'cv.cplxmul.r.div8', 'cv.subrotmj', 'cv.subrotmj.div2',
  'cv.subrotmj.div4', 'cv.subrotmj.div8',
];

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

  it('assembles the whole file to the reference bytes once the table has every mnemonic', () => {
    if (NOT_IN_TABLE.some((m) => !known.has(m))) return;
    const { object } = assembleFile(join(FIX, 'corev_all.S'), { flavour: 'corev', rvc: true });
    const text = object.sections.find((s) => s.name === '.text')!;
    expect(Buffer.from(text.bytes).equals(readFileSync(join(FIX, 'corev_all.bin')))).toBe(true);
  });
});
