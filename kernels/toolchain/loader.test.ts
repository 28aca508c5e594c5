import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { singleCoreMemory, type MemRegion } from '../../rtl/config/index.ts';
import { readElf, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, writeElf } from './elf.ts';
import { loadElf } from './loader.ts';

/** A byte-addressed sparse memory standing in for the model's memories. */
function sparseMemory(): { mem: Map<number, number>; write: (addr: number, bytes: Uint8Array) => void } {
  const mem = new Map<number, number>();
  return { mem, write: (addr, bytes) => bytes.forEach((b, i) => mem.set(addr + i, b)) };
}

describe('loadElf', () => {
  it('places file bytes and zero-fills memsz beyond filesz', () => {
    const elf = readElf(
      writeElf({
        entry: 0x80,
        sections: [
          { name: '.text', addr: 0x80, data: new Uint8Array([0x13, 0, 0, 0]), flags: SHF_ALLOC | SHF_EXECINSTR },
          { name: '.data', addr: 0x8000_0000, data: new Uint8Array([9, 8, 7]), flags: SHF_ALLOC | SHF_WRITE },
          { name: '.bss', addr: 0x8000_0004, size: 5, flags: SHF_ALLOC | SHF_WRITE },
        ],
      }),
      'mem.elf',
    );
    const { mem, write } = sparseMemory();
    // Pre-fill the .bss bytes with garbage: the loader must clear them.
    for (let i = 0; i < 5; i++) mem.set(0x8000_0004 + i, 0xff);
    const res = loadElf(elf, singleCoreMemory, write);
    expect(res.entry).toBe(0x80);
    expect(res.segments.map((s) => [s.addr, s.filesz, s.memsz, s.region])).toEqual([
      [0x80, 4, 4, 'ram_lo'],
      [0x8000_0000, 3, 3, 'ram_hi'],
      [0x8000_0004, 0, 5, 'ram_hi'],
    ]);
    expect([0x80, 0x81, 0x82, 0x83].map((a) => mem.get(a))).toEqual([0x13, 0, 0, 0]);
    expect([0, 1, 2].map((i) => mem.get(0x8000_0000 + i))).toEqual([9, 8, 7]);
    expect([0, 1, 2, 3, 4].map((i) => mem.get(0x8000_0004 + i))).toEqual([0, 0, 0, 0, 0]);
    expect(mem.size).toBe(4 + 3 + 5);
  });

  it('loads a timing vector: 0x3c0 bytes of jal.elf at 0 (readelf -l: LOAD 0x001000 0x0 0x3c0)', () => {
    const f = 'testbench/fixtures/timing/ri5cy/jal.elf';
    const bytes = readFileSync(f);
    const { mem, write } = sparseMemory();
    loadElf(readElf(bytes, f), singleCoreMemory, write);
    expect(mem.size).toBe(0x3c0);
    for (let i = 0; i < 0x3c0; i += 37) expect(mem.get(i)).toBe(bytes[0x1000 + i]);
  });

  const map: MemRegion[] = [
    { name: 'l2', base: 0x1c00_0000, size: 0x1000, kind: 'ram' },
    { name: 'tcdm', base: 0x1000_0000, size: 0x100, kind: 'ram' },
  ];
  const oneSection = (addr: number, size: number): Uint8Array =>
    writeElf({ entry: 0x1c00_0000, sections: [{ name: '.data', addr, size, flags: SHF_ALLOC | SHF_WRITE }] });

  it('refuses a segment outside the map, naming the segment, its range and the map, and writes nothing', () => {
    const { mem, write } = sparseMemory();
    expect(() => loadElf(readElf(oneSection(0x2000_0000, 16), 'far.elf'), map, write)).toThrow(
      'far.elf: cannot load segment 0 (RW-, 16 bytes) at [0x20000000, 0x20000010): it does not fit inside one region ' +
        'of the memory map: l2 [0x1c000000, 0x1c001000), tcdm [0x10000000, 0x10000100)',
    );
    expect(mem.size).toBe(0);
  });

  it('refuses a segment straddling the end of a region', () => {
    const { write } = sparseMemory();
    expect(() => loadElf(readElf(oneSection(0x1000_00f0, 0x20), 'straddle.elf'), map, write)).toThrow(
      /straddle\.elf: cannot load segment 0 \(RW-, 32 bytes\) at \[0x100000f0, 0x10000110\)/,
    );
  });

  it('refuses an entry point outside the map', () => {
    const bytes = writeElf({ entry: 0x4000, sections: [{ name: '.text', addr: 0x1c00_0000, size: 4, flags: SHF_ALLOC }] });
    expect(() => loadElf(readElf(bytes, 'e.elf'), map, () => {})).toThrow('e.elf: entry point 0x00004000 is outside the memory map');
  });

  it('refuses a relocatable object', () => {
    const bytes = writeElf({ entry: 0, sections: [] });
    bytes[16] = 1; // e_type = ET_REL
    expect(() => loadElf(readElf(bytes, 'x.o'), map, () => {})).toThrow('x.o: cannot load: the file is a relocatable object (link it first)');
  });
});
