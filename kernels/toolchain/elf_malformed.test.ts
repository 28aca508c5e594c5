// Every malformed-input error of the ELF reader, provoked by corrupting a good file. Layout facts of sum.gcc.elf
// from `riscv64-unknown-elf-readelf -h -l -S -W`: 9196 bytes; 3 program headers at 52 (RISCV_ATTRIBUTES, LOAD,
// LOAD); 9 section headers at 8836 (= 9196 - 9 * 40); e_shstrndx 8 (.shstrtab at 0x223b, 0x46 bytes); .symtab is
// section 6 (0x2044, 0x170 bytes, sh_link 7), .strtab section 7 (0x21b4, 0x87 bytes); .text section 1 (0x1080).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ElfError, readElf } from './elf.ts';

const FILE = 'kernels/toolchain/fixtures/sum.gcc.elf';
const good = new Uint8Array(readFileSync(FILE));
const NAME = 'bad.elf';

// Little-endian field writers, independent of the reader's own accessors.
const put16 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
};
const put32 = (b: Uint8Array, at: number, v: number): void => {
  for (let i = 0; i < 4; i++) b[at + i] = (v >>> (8 * i)) & 0xff;
};
const corrupt = (f: (b: Uint8Array) => void): Uint8Array => {
  const b = good.slice();
  f(b);
  return b;
};
const read = (b: Uint8Array) => () => readElf(b, NAME);

const PHOFF = 52;
const SHOFF = 8836;
const shdr = (i: number, field: number): number => SHOFF + i * 40 + field;
const SH_NAME = 0;
const SH_TYPE = 4;
const SH_OFFSET = 16;
const SH_SIZE = 20;
const SH_LINK = 24;
const SH_ENTSIZE = 36;
const SYMTAB_OFF = 0x2044;
const STRTAB_SIZE = 0x87;

describe('readElf refuses malformed files with a message naming the file and the fault', () => {
  it('the uncorrupted file reads', () => {
    expect(readElf(good, NAME).entry).toBe(0x80);
    expect(good.length).toBe(9196);
  });

  it('too short for the identification', () => {
    for (const n of [0, 1, 4, 15]) {
      expect(read(good.slice(0, n))).toThrow(`bad.elf: truncated: ${n} bytes, too short for the 16-byte ELF identification`);
    }
  });

  it('not ELF', () => {
    expect(read(corrupt((b) => (b[1] = 0x46)))).toThrow('bad.elf: not an ELF file (magic bytes 7f 46 4c 46, expected 7f 45 4c 46)');
    expect(read(new TextEncoder().encode('#!/bin/sh\necho not an elf\n'))).toThrow('bad.elf: not an ELF file (magic bytes 23 21 2f 62');
  });

  it('wrong class', () => {
    expect(read(corrupt((b) => (b[4] = 2)))).toThrow('bad.elf: not a 32-bit ELF (EI_CLASS=2 ELFCLASS64, expected 1 ELFCLASS32)');
    expect(read(corrupt((b) => (b[4] = 0)))).toThrow('bad.elf: not a 32-bit ELF (EI_CLASS=0 ELFCLASSNONE');
  });

  it('wrong endianness', () => {
    expect(read(corrupt((b) => (b[5] = 2)))).toThrow('bad.elf: not little-endian (EI_DATA=2 ELFDATA2MSB (big-endian), expected 1 ELFDATA2LSB)');
  });

  it('wrong machine', () => {
    expect(read(corrupt((b) => put16(b, 18, 62)))).toThrow('bad.elf: not a RISC-V ELF (e_machine=62 x86-64, expected 243 EM_RISCV)');
    expect(read(corrupt((b) => put16(b, 18, 1234)))).toThrow('bad.elf: not a RISC-V ELF (e_machine=1234, expected 243 EM_RISCV)');
  });

  it('truncation inside the ELF header', () => {
    for (const n of [16, 20, 51]) {
      expect(read(good.slice(0, n))).toThrow(`bad.elf: truncated ELF header: ${n} bytes, the header needs 52`);
    }
  });

  it('truncation inside the program header table (it ends at 52 + 3 * 32 = 148), section headers dropped', () => {
    // Without section headers (e_shoff = 0) the program header table is the first thing checked.
    for (const n of [52, 53, 84, 147]) {
      const b = corrupt((x) => put32(x, 32, 0)).slice(0, n);
      expect(read(b)).toThrow(`bad.elf: truncated program header table: 3 headers at [0x34, 0x94) run past the end of the file (${n} bytes)`);
    }
    const b = corrupt((x) => put32(x, 32, 0)).slice(0, 148);
    // readelf -l: RISCV_ATTRIBUTES at file offset 0x200c, 0x38 bytes.
    expect(() => readElf(b, NAME)).toThrow(
      'bad.elf: program header 0 (type 0x70000003, vaddr 0x0): file data [0x200c, 0x2044) is outside the file (148 bytes)',
    );
  });

  it('truncation at every header boundary and in between: always an ElfError naming the file', () => {
    const boundaries = [0, 4, 5, 6, 16, 18, 20, 24, 28, 32, 36, 40, 44, 48, 50, 52, 84, 116, 148, 0x1080, SHOFF, SHOFF + 40, SHOFF + 8 * 40, 9195];
    const lengths = new Set([...boundaries, ...boundaries.map((n) => n + 1), ...boundaries.map((n) => n - 1)].filter((n) => n >= 0 && n < 9196));
    for (const n of lengths) {
      let err: unknown;
      try {
        readElf(good.slice(0, n), NAME);
      } catch (e) {
        err = e;
      }
      expect(err, `length ${n}`).toBeInstanceOf(ElfError);
      expect((err as Error).message.startsWith('bad.elf: '), `length ${n}`).toBe(true);
    }
    // The section header table is the last thing in the file: any cut behind the ELF header lands in it.
    expect(read(good.slice(0, SHOFF + 40))).toThrow(
      'bad.elf: truncated section header table: 9 headers at [0x2284, 0x23ec) run past the end of the file (8876 bytes)',
    );
    expect(read(good.slice(0, SHOFF + 39))).toThrow(
      'bad.elf: truncated section header table: section header 0 at [0x2284, 0x22ac) is outside the file (8875 bytes)',
    );
  });

  it('any truncation (property): ElfError, never another exception', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9195 }), (n) => {
        expect(read(good.slice(0, n))).toThrow(ElfError);
      }),
      { numRuns: 300 },
    );
  });

  it('a section whose data lies past the end of the file', () => {
    expect(read(corrupt((b) => put32(b, shdr(1, SH_OFFSET), 0x10000)))).toThrow(
      "bad.elf: section 1 '.text': data [0x10000, 0x100b0) is outside the file (9196 bytes)",
    );
    expect(read(corrupt((b) => put32(b, shdr(3, SH_SIZE), 0x7fff_ffff)))).toThrow("bad.elf: section 3 '.data': data [0x2000, 0x80001fff)");
  });

  it('a segment whose data lies past the end of the file, or whose filesz exceeds memsz', () => {
    // Program header 1 is the text LOAD (offset field at +4, filesz at +16).
    expect(read(corrupt((b) => put32(b, PHOFF + 32 + 4, 0x3000)))).toThrow(
      'bad.elf: program header 1 (type 0x1, vaddr 0x80): file data [0x3000, 0x30f0) is outside the file (9196 bytes)',
    );
    expect(read(corrupt((b) => put32(b, PHOFF + 32 + 16, 0x100)))).toThrow(
      'bad.elf: program header 1 (type 0x1, vaddr 0x80): p_filesz 0x100 exceeds p_memsz 0xf0',
    );
    expect(read(corrupt((b) => put32(b, PHOFF + 32 + 8, 0xffff_ff80)))).toThrow('wrap past the top of the 32-bit address space');
  });

  it('bad table entry sizes', () => {
    expect(read(corrupt((b) => put16(b, 42, 56)))).toThrow('bad.elf: e_phentsize is 56, expected 32');
    expect(read(corrupt((b) => put16(b, 46, 64)))).toThrow('bad.elf: e_shentsize is 64, expected 40');
    expect(read(corrupt((b) => put32(b, shdr(6, SH_ENTSIZE), 24)))).toThrow("bad.elf: symbol table '.symtab': sh_entsize is 24, expected 16");
    expect(read(corrupt((b) => put32(b, shdr(6, SH_SIZE), 0x16f)))).toThrow("bad.elf: symbol table '.symtab': size 367 is not a multiple of 16");
  });

  it('section name string table out of range or of the wrong type', () => {
    expect(read(corrupt((b) => put16(b, 50, 9)))).toThrow('bad.elf: e_shstrndx 9 does not name a section (there are 9)');
    expect(read(corrupt((b) => put16(b, 50, 0)))).toThrow('bad.elf: e_shstrndx 0 does not name a section');
    expect(read(corrupt((b) => put16(b, 50, 1)))).toThrow('bad.elf: section 1 named by e_shstrndx is not a string table (type 1)');
    expect(read(corrupt((b) => put32(b, shdr(2, SH_NAME), 0x46)))).toThrow(
      'bad.elf: section 2: name offset 0x46 is outside string table (section 8) (70 bytes)',
    );
    expect(read(corrupt((b) => put32(b, shdr(8, SH_OFFSET), 0x2400)))).toThrow(
      "bad.elf: section 8: data [0x2400, 0x2446) is outside the file (9196 bytes)",
    );
  });

  it('symbol string table out of range, unterminated, or not a string table', () => {
    expect(read(corrupt((b) => put32(b, SYMTAB_OFF + 16 * 3, STRTAB_SIZE)))).toThrow(
      "bad.elf: symbol table '.symtab': symbol 3: name offset 0x87 is outside string table '.strtab' (135 bytes)",
    );
    expect(read(corrupt((b) => (b[0x21b4 + STRTAB_SIZE - 1] = 0x41)))).toThrow(/symbol \d+: name at offset 0x[0-9a-f]+ of string table '\.strtab' is not NUL-terminated/);
    expect(read(corrupt((b) => put32(b, shdr(6, SH_LINK), 1)))).toThrow("bad.elf: symbol table '.symtab': sh_link 1 ('.text') is not a string table");
    expect(read(corrupt((b) => put32(b, shdr(6, SH_LINK), 40)))).toThrow("bad.elf: symbol table '.symtab': sh_link 40 does not name a string table section");
  });

  it('symbol with a section index past the section table', () => {
    expect(read(corrupt((b) => put16(b, SYMTAB_OFF + 16 * 2 + 14, 9)))).toThrow(
      "bad.elf: symbol table '.symtab': symbol 2 has section index 9, but there are 9 sections",
    );
  });

  it('malformed .riscv.attributes', () => {
    // Section 5 is .riscv.attributes at 0x200c; its first byte is the format version 'A'.
    expect(read(corrupt((b) => (b[0x200c] = 0x42)))).toThrow("bad.elf: section '.riscv.attributes': unknown attributes format version 0x42");
    expect(read(corrupt((b) => put32(b, 0x200d, 0x1000)))).toThrow("bad.elf: section '.riscv.attributes': subsection at offset 1 has bad length 4096");
  });

  it('a section type change does not confuse NOBITS handling', () => {
    // .bss (section 4) as PROGBITS at offset 0x200c, 8 bytes: inside the file, so it reads.
    const b = corrupt((x) => put32(x, shdr(4, SH_TYPE), 1));
    expect(readElf(b, NAME).sections[4]!.data.length).toBe(8);
  });
});
