import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { disassemble } from './disasm.ts';
import { encodingsOf } from './table.ts';

interface Row {
  pc: number;
  word: string;
  gnu: string;
  llvm: string;
}
// Expected strings come from GNU objdump 2.40 and llvm-objdump 19 (see the fixture's note).
const fixture = JSON.parse(readFileSync(new URL('./fixtures/disasm.fixture.json', import.meta.url), 'utf8')) as {
  rows: Row[];
};

describe('disassembler against objdump', () => {
  it('has a non-trivial fixture', () => {
    expect(fixture.rows.length).toBeGreaterThan(500);
  });

  it('prints every fixture word as GNU objdump does (xpulpv2 / gnu style)', () => {
    const bad = fixture.rows
      .map((r) => ({ r, got: disassemble(Number(r.word), r.pc, 'xpulpv2') }))
      .filter(({ r, got }) => got !== r.gnu)
      .map(({ r, got }) => `${r.word} @${r.pc.toString(16)}: got '${got}', objdump '${r.gnu}'`);
    expect(bad).toEqual([]);
  });

  it('prints every fixture word as llvm-objdump does (corev / llvm style)', () => {
    // llvm-objdump 19 does not know uret ('<unknown>'); those rows are checked for GNU only.
    const bad = fixture.rows
      .filter((r) => r.llvm !== '<unknown>')
      .map((r) => ({ r, got: disassemble(Number(r.word), r.pc, 'corev') }))
      .filter(({ r, got }) => got !== r.llvm)
      .map(({ r, got }) => `${r.word} @${r.pc.toString(16)}: got '${got}', llvm-objdump '${r.llvm}'`);
    expect(bad).toEqual([]);
  });
});

// CORE-V words as llvm-objdump 19 prints them (see that fixture's note); LLVM 19 has no hardware-loop
// instructions, so its '<unknown>' rows only have to decode.
const corev = JSON.parse(readFileSync(new URL('./fixtures/disasm.corev.fixture.json', import.meta.url), 'utf8')) as {
  rows: Array<Omit<Row, 'gnu'>>;
};

// The cv.* entries come from the xpulp_*.ts part of the table; the check runs once it is present.
const hasCorev = encodingsOf('corev').some(({ enc }) => enc.mnemonic.startsWith('cv.'));

describe('disassembler against llvm-objdump for CORE-V', () => {
  it.skipIf(!hasCorev)('prints every cv.* fixture word as llvm-objdump does', () => {
    expect(corev.rows.length).toBeGreaterThan(500);
    const bad = corev.rows
      .filter((r) => r.llvm !== '<unknown>')
      .map((r) => ({ r, got: disassemble(Number(r.word), r.pc, 'corev') }))
      .filter(({ r, got }) => got !== r.llvm)
      .map(({ r, got }) => `${r.word} @${r.pc.toString(16)}: got '${got}', llvm-objdump '${r.llvm}'`);
    expect(bad).toEqual([]);
  });
});

describe('disassembler options and bad words', () => {
  it('prints unimp for the all-zero halfword and illegal for undecodable words', () => {
    expect(disassemble(0x0000, 0, 'xpulpv2')).toBe('unimp');
    expect(disassemble(0xffffffff, 0, 'xpulpv2')).toBe('illegal');
    expect(disassemble(0x8002, 0, 'corev')).toBe('illegal'); // c.jr x0 is reserved
  });

  it('uses x-names on request and the table mnemonic without aliases', () => {
    // addi a0, a1, -5 = 0xffb58513
    expect(disassemble(0xffb58513, 0, 'xpulpv2', { regNames: 'x', aliases: false })).toBe('addi\tx10,x11,-5');
    // c.addi a0, -32 = 0x1501
    expect(disassemble(0x1501, 0, 'xpulpv2', { aliases: false })).toBe('c.addi\ta0,-32');
    expect(disassemble(0x5de8, 0, 'corev', { aliases: false })).toBe('c.lw\ta0, 0x7c(a1)');
  });

  it('prints branch targets as absolute addresses from pc', () => {
    // beq a0, a1, +16 = 0x00b50863 at 0x80000000
    expect(disassemble(0x00b50863, 0x80000000, 'xpulpv2')).toBe('beq\ta0,a1,80000010');
    expect(disassemble(0x00b50863, 0x80000000, 'corev')).toBe('beq\ta0, a1, 0x80000010');
  });
});
