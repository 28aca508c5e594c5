import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readElf, symbol } from './elf.ts';

describe('readElf on the timing vectors', () => {
  it('reads ri5cy/jal.elf as readelf shows it', () => {
    // `riscv64-unknown-elf-readelf -a testbench/fixtures/timing/ri5cy/jal.elf`: entry 0x80, flags 0x1 (RVC),
    // sections .text .riscv.attributes .symtab .strtab .shstrtab, one LOAD at 0x0 of 0x3c0 bytes R E.
    const f = 'testbench/fixtures/timing/ri5cy/jal.elf';
    const e = readElf(readFileSync(f), f);
    expect(e.entry).toBe(0x80);
    expect(e.rvc).toBe(true);
    expect(e.sections.map((s) => s.name)).toEqual(['', '.text', '.riscv.attributes', '.symtab', '.strtab', '.shstrtab']);
    expect(e.segments.map((s) => [s.vaddr, s.filesz, s.memsz, s.flags])).toEqual([[0, 0x3c0, 0x3c0, 5]]);
    expect(symbol(e, 'tohost')?.section).toBe('.text');
  });
});
