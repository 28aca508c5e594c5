// Linker placement and relocation, against GNU ld 2.40 (riscv64-unknown-elf-gcc -nostdlib -static -Wl,-Ttext=X
// -Wl,--no-relax) runs of the same sources (section addresses and words quoted from readelf/objdump).
import { describe, expect, it } from 'vitest';
import { assemble } from './asm/assembler.ts';
import { readElf } from './elf.ts';
import { link, linkedElf } from './linker.ts';
import { globMatch, parseLinkerScript } from './linker_script.ts';

const word = (b: Uint8Array, o: number): string =>
  ((b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0).toString(16).padStart(8, '0');

describe('default layout (GNU ld -Ttext)', () => {
  it('places .text, then .data at ALIGN(0x1000) + (. & 0xfff), orphans after .data, then .bss', () => {
    const src = '.text\n.globl _start\n_start: nop\nnop\nnop\nla a0, d\n.data\nd: .word 1\n.section .foo, "aw"\n.word 2\n.bss\nb: .space 8';
    const { object } = assemble(src, 'l.S', { flavour: 'xpulpv2', rvc: true });
    const r = link([object], { textBase: 0 });
    // readelf: .text 0x0 size 0xe; .data 0x100e size 4; .foo 0x1012 size 4; .bss 0x1016 size 0xa
    expect(r.sections.map((s) => [s.name, s.addr, s.size])).toEqual([
      ['.text', 0, 0xe],
      ['.data', 0x100e, 4],
      ['.foo', 0x1012, 4],
      ['.bss', 0x1016, 0xa],
    ]);
    // objdump -s .text: 01000100 01001715 00001305 8500
    const t = r.sections[0]!.bytes;
    expect([word(t, 0), word(t, 4), word(t, 8)]).toEqual(['00010001', '15170001', '05130000']);
  });

  it('resolves %pcrel_hi/%pcrel_lo pairs and %hi/%lo (d at 0x1900 with -Ttext=0x100)', () => {
    const src = '1: auipc a0, %pcrel_hi(d)\naddi a0, a0, %pcrel_lo(1b)\nlui a1, %hi(d)\nlw a1, %lo(d)(a1)\n.data\n.space 0x7f0\nd: .word 5';
    const { object } = assemble(src, 'p.S', { flavour: 'xpulpv2', rvc: false });
    const r = link([object], { textBase: 0x100 });
    expect(r.symbols.find((s) => s.name === 'd')?.value).toBe(0x1900);
    const t = r.sections[0]!.bytes;
    // objdump: 00002517 auipc a0,0x2 | 80050513 addi a0,a0,-2048 | 000025b7 lui a1,0x2 | 9005a583 lw a1,-1792(a1)
    expect([0, 4, 8, 12].map((o) => word(t, o))).toEqual(['00002517', '80050513', '000025b7', '9005a583']);
  });

  it('writes an ELF whose symbols and entry the reader finds', () => {
    const { object } = assemble('.globl _start\nnop\n_start: nop\n.data\n.globl tohost\ntohost: .word 0', 'e.S', { flavour: 'xpulpv2', rvc: false });
    const elf = readElf(linkedElf(link([object], { textBase: 0x80 })), 'e.elf');
    expect(elf.entry).toBe(0x84);
    expect(elf.symbols.find((s) => s.name === 'tohost')).toMatchObject({ value: 0x1088, bind: 'global', section: '.data' });
  });
});

describe('linker scripts', () => {
  it('globs like ld', () => {
    expect(globMatch('.text.[!t]*', '.text.init')).toBe(true);
    expect(globMatch('.text.[!t]*', '.text.trap')).toBe(false);
    expect(globMatch('.data.*', '.data')).toBe(false);
    expect(globMatch('.s?ata', '.sdata')).toBe(true);
  });

  it('places by . = and ALIGN and names errors with file:line:col', () => {
    const layout = parseLinkerScript(
      'ENTRY(go)\nSECTIONS\n{\n  . = 0x80;\n  .text.init : { *(.text.init) }\n  .text : { *(.text .text.[!t]*) }\n  . = ALIGN(256);\n  .text.trap : { *(.text.trap) }\n}\n',
      'x.ld',
    );
    const src = '.section .text.init,"ax"\n.globl go\ngo: .word 1\n.text\n.word 2\n.section .text.trap,"ax"\n.word 3';
    const { object } = assemble(src, 's.S', { flavour: 'xpulpv2', rvc: false });
    const r = link([object], { layout });
    expect(r.sections.map((s) => [s.name, s.addr])).toEqual([
      ['.text.init', 0x80],
      ['.text', 0x84],
      ['.text.trap', 0x100],
    ]);
    expect(r.entry).toBe(0x80);
    expect(() => parseLinkerScript('SECTIONS {\n  .text : { KEEP }\n}', 'y.ld')).toThrow(/^y\.ld:2:18: expected '\(', found '}'/);
    expect(() => parseLinkerScript('MEMORY { }', 'z.ld')).toThrow(/^z\.ld:1:1: unsupported linker script command 'MEMORY'/);
  });
});
