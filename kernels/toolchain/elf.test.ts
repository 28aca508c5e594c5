import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EF_RISCV_RVC,
  readElf,
  requireSymbol,
  section,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHT_NOBITS,
  symbol,
  writeElf,
  type ElfSectionSpec,
  type ElfSymbolSpec,
} from './elf.ts';

const FIX = 'kernels/toolchain/fixtures';
const load = (path: string) => readElf(readFileSync(path), path);

// Expected values copied by hand from `riscv64-unknown-elf-readelf -h -l -S -s -A -W <file>` (binutils 2.40) run on
// the committed fixtures. seg = [vaddr, filesz, memsz, flags] of each LOAD; syms = [name, value, size, type, section].
interface Expect {
  file: string;
  sections: string[];
  seg: Array<[number, number, number, number]>;
  syms: Array<[string, number, number, string, string]>;
  nsyms: number;
  corev: boolean;
}
const GCC_SECS = ['.text', '.rodata', '.data', '.bss', '.riscv.attributes', '.symtab', '.strtab', '.shstrtab'];
const CLANG_SECS = ['.text', '.rodata', '.data', '.bss', '.riscv.attributes', '.symtab', '.shstrtab', '.strtab'];
const noRodata = (secs: string[]): string[] => secs.filter((s) => s !== '.rodata');
const RX = 5;
const R = 4;
const RW = 6;
const expectations: Expect[] = [
  {
    file: 'sum.gcc.elf',
    sections: GCC_SECS,
    seg: [[0x80, 0xf0, 0xf0, RX], [0x8000_0000, 0xc, 0x14, RW]],
    syms: [['_start', 0x80, 58, 'func', '.text'], ['main', 0xe8, 72, 'func', '.text'], ['tohost', 0x8000_0000, 4, 'object', '.data'],
      ['sum', 0xba, 46, 'func', '.text'], ['peak', 0x8000_000c, 4, 'object', '.bss'],
      ['__stack_top', 0x8010_0000, 0, 'notype', '.bss']],
    nsyms: 22,
    corev: false,
  },
  {
    file: 'sum.clang.elf',
    sections: CLANG_SECS,
    seg: [[0x80, 0xa8, 0xa8, RX], [0x128, 0x40, 0x40, R], [0x8000_0000, 0xc, 0x14, RW]],
    syms: [['_start', 0x80, 58, 'func', '.text'], ['main', 0xe0, 72, 'func', '.text'], ['tohost', 0x8000_0000, 4, 'object', '.data'],
      ['sum', 0xba, 38, 'func', '.text'], ['__stack_top', 0x8010_0000, 0, 'notype', 'ABS']],
    nsyms: 21,
    corev: true,
  },
  {
    file: 'call.gcc.elf',
    sections: noRodata(GCC_SECS),
    seg: [[0x80, 0xea, 0xea, RX], [0x8000_0000, 0xc, 0xc, RW]],
    syms: [['_start', 0x80, 58, 'func', '.text'], ['main', 0x110, 90, 'func', '.text'], ['tohost', 0x8000_0000, 4, 'object', '.data']],
    nsyms: 20,
    corev: false,
  },
  {
    file: 'call.clang.elf',
    sections: noRodata(CLANG_SECS),
    seg: [[0x80, 0xd4, 0xd4, RX], [0x8000_0000, 0xc, 0xc, RW]],
    syms: [['_start', 0x80, 58, 'func', '.text'], ['main', 0xf2, 92, 'func', '.text'], ['tohost', 0x8000_0000, 4, 'object', '.data']],
    nsyms: 18,
    corev: true,
  },
  {
    file: 'data_bss.gcc.elf',
    sections: noRodata(GCC_SECS),
    seg: [[0x80, 0xc8, 0xc8, RX], [0x8000_0000, 0x28, 0x138, RW]],
    syms: [['_start', 0x80, 58, 'func', '.text'], ['main', 0xba, 142, 'func', '.text'], ['tohost', 0x8000_0000, 4, 'object', '.data']],
    nsyms: 18,
    corev: false,
  },
  {
    file: 'data_bss.clang.elf',
    sections: noRodata(CLANG_SECS),
    seg: [[0x80, 0x128, 0x128, RX], [0x8000_0000, 0x28, 0x138, RW]],
    syms: [['_start', 0x80, 58, 'func', '.text'], ['main', 0xba, 238, 'func', '.text'], ['tohost', 0x8000_0000, 4, 'object', '.data']],
    nsyms: 19,
    corev: true,
  },
  {
    file: 'string.gcc.elf',
    sections: GCC_SECS,
    seg: [[0x80, 0x129, 0x129, RX], [0x8000_0000, 0x8, 0x28, RW]],
    syms: [['_start', 0x80, 58, 'func', '.text'], ['main', 0x100, 122, 'func', '.text'], ['tohost', 0x8000_0000, 4, 'object', '.data']],
    nsyms: 22,
    corev: false,
  },
  {
    file: 'string.clang.elf',
    sections: CLANG_SECS,
    seg: [[0x80, 0x20a, 0x20a, RX], [0x28a, 0x15, 0x15, R], [0x8000_0000, 0x8, 0x28, RW]],
    syms: [['_start', 0x80, 58, 'func', '.text'], ['main', 0xf0, 410, 'func', '.text'], ['tohost', 0x8000_0000, 4, 'object', '.data']],
    nsyms: 20,
    corev: true,
  },
  {
    file: 'asm_loop.gcc.elf',
    sections: noRodata(GCC_SECS),
    seg: [[0x80, 0x58, 0x58, RX], [0x8000_0000, 0x14, 0x54, RW]],
    syms: [['_start', 0x80, 0, 'notype', '.text'], ['tohost', 0x8000_0000, 0, 'notype', '.data'], ['sum_words', 0xbe, 26, 'func', '.text'],
      ['words', 0x8000_0004, 0, 'notype', '.data'], ['area', 0x8000_0014, 0, 'notype', '.bss']],
    nsyms: 18,
    corev: false,
  },
  {
    file: 'asm_loop.clang.elf',
    sections: noRodata(CLANG_SECS),
    seg: [[0x80, 0x58, 0x58, RX], [0x8000_0000, 0x14, 0x54, RW]],
    syms: [['_start', 0x80, 0, 'notype', '.text'], ['tohost', 0x8000_0000, 0, 'notype', '.data']],
    nsyms: 17,
    corev: true,
  },
  {
    file: 'dotp_corev.clang.elf',
    sections: CLANG_SECS,
    seg: [[0x80, 0x82, 0x82, RX], [0x102, 0x20, 0x20, R], [0x8000_0000, 0x8, 0x8, RW]],
    syms: [['_start', 0x80, 58, 'func', '.text'], ['main', 0xde, 36, 'func', '.text'], ['tohost', 0x8000_0000, 4, 'object', '.data'],
      ['dot', 0xba, 36, 'func', '.text']],
    nsyms: 18,
    corev: true,
  },
];

describe('readElf on the compiler-built fixtures', () => {
  it('covers every committed ELF of the fixtures folder', () => {
    const files = readdirSync(FIX).filter((f) => f.endsWith('.elf')).sort();
    expect(files).toEqual(expectations.map((e) => e.file).sort());
  });

  for (const ex of expectations) {
    it(`reads ${ex.file} as readelf does`, () => {
      const elf = load(`${FIX}/${ex.file}`);
      expect(elf.type).toBe(2);
      expect(elf.entry).toBe(0x80);
      expect(elf.flags).toBe(EF_RISCV_RVC);
      expect(elf.rvc).toBe(true);
      expect(elf.sections.map((s) => s.name)).toEqual(['', ...ex.sections]);
      expect(elf.segments.map((s) => [s.vaddr, s.filesz, s.memsz, s.flags])).toEqual(ex.seg);
      for (const s of elf.segments) {
        expect(s.paddr).toBe(s.vaddr);
        expect(s.data.length).toBe(s.filesz);
      }
      expect(elf.symbols.length).toBe(ex.nsyms);
      for (const [name, value, size, type, sec] of ex.syms) {
        const s = requireSymbol(elf, name);
        expect([s.name, s.value, s.size, s.type, s.section]).toEqual([name, value, size, type, sec]);
        expect(s.bind).toBe('global');
      }
      expect(section(elf, '.bss')?.type).toBe(SHT_NOBITS);
      // Tag_RISCV_arch as `readelf -A` prints it.
      expect(elf.arch).toBe(
        ex.corev
          ? 'rv32i2p1_m2p0_c2p0_zmmul1p0_xcvalu1p0_xcvbi1p0_xcvbitmanip1p0_xcvelw1p0_xcvmac1p0_xcvmem1p0_xcvsimd1p0'
          : 'rv32i2p1_m2p0_c2p0_zicsr2p0_zmmul1p0',
      );
    });
  }

  it('gives the .text bytes at the section file offset (first word of _start: auipc sp, 0x80100 = 0x80100117)', () => {
    // `riscv64-unknown-elf-objdump -d sum.gcc.elf`: 80: 80100117 auipc sp,0x80100
    const elf = load(`${FIX}/sum.gcc.elf`);
    const text = section(elf, '.text')!;
    expect(text.addr).toBe(0x80);
    expect(text.offset).toBe(0x1080);
    const d = text.data;
    expect((d[0]! | (d[1]! << 8) | (d[2]! << 16) | (d[3]! << 24)) >>> 0).toBe(0x80100117);
    expect(elf.segments[0]!.data[0]).toBe(0x17);
  });

  it('finds local symbols and prefers a global of the same name', () => {
    const elf = load(`${FIX}/sum.gcc.elf`);
    // readelf: 11: 00000130    64 OBJECT  LOCAL  DEFAULT    2 samples
    expect(symbol(elf, 'samples')).toEqual({ name: 'samples', value: 0x130, size: 64, type: 'object', bind: 'local', shndx: 2, section: '.rodata' });
    expect(symbol(elf, 'no_such_symbol')).toBeUndefined();
    expect(() => requireSymbol(elf, 'no_such_symbol')).toThrow(`${FIX}/sum.gcc.elf: no symbol 'no_such_symbol'`);
  });
});

describe('readElf on the timing vectors', () => {
  const dirs = ['cv32e40p', 'ri5cy', 'ri5cy_v1'].map((d) => `testbench/fixtures/timing/${d}`);
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.elf')).map((f) => `${d}/${f}`));

  it('finds them all (ls testbench/fixtures/timing/{cv32e40p,ri5cy,ri5cy_v1}/*.elf | wc -l: 142)', () => {
    expect(files.length).toBe(142);
  });

  it('reads every one: entry 0x80 (README: linked with _start at 0x80), symbols tohost/results/_start', () => {
    for (const f of files) {
      const elf = load(f);
      expect(elf.entry, f).toBe(0x80);
      expect(requireSymbol(elf, '_start').value, f).toBe(0x80);
      expect(symbol(elf, 'tohost'), f).toBeDefined();
      expect(symbol(elf, 'results'), f).toBeDefined();
      expect(elf.segments.length, f).toBeGreaterThan(0);
    }
  });

  it('reads the cluster programs: entry and _start at 0x1c000000 (readelf -h -s on each)', () => {
    const d = 'testbench/fixtures/timing/cluster/system';
    const elfs = readdirSync(d).filter((f) => f.endsWith('.elf'));
    expect(elfs.sort()).toEqual(['contention8.elf', 'l2_data8.elf', 'matmul8.elf', 'psum8.elf', 'tas_lock8.elf']);
    for (const f of elfs) {
      const elf = load(`${d}/${f}`);
      expect(elf.entry, f).toBe(0x1c00_0000);
      expect(requireSymbol(elf, '_start').value, f).toBe(0x1c00_0000);
    }
  });

  it('reads ri5cy/jal.elf exactly as readelf shows it', () => {
    // readelf: LOAD 0x001000 0x00000000 0x00000000 0x003c0 0x003c0 R E; tohost 0x180, results 0x190,
    // results_count 0x184 (all GLOBAL NOTYPE in section 1); Tag_RISCV_arch rv32i2p1_m2p0_zicsr2p0_zifencei2p0_zmmul1p0.
    const f = 'testbench/fixtures/timing/ri5cy/jal.elf';
    const e = load(f);
    expect(e.sections.map((s) => s.name)).toEqual(['', '.text', '.riscv.attributes', '.symtab', '.strtab', '.shstrtab']);
    expect(e.programHeaders.map((p) => p.type)).toEqual([0x7000_0003, 1]);
    expect(e.segments.map((s) => [s.offset, s.vaddr, s.filesz, s.memsz, s.flags, s.align])).toEqual([[0x1000, 0, 0x3c0, 0x3c0, RX, 0x1000]]);
    expect(['tohost', 'results', 'results_count'].map((n) => symbol(e, n)?.value)).toEqual([0x180, 0x190, 0x184]);
    expect(e.symbols.length).toBe(22);
    expect(e.arch).toBe('rv32i2p1_m2p0_zicsr2p0_zifencei2p0_zmmul1p0');
  });
});

describe('writeElf -> readElf round trip', () => {
  /** Non-overlapping allocated sections at word-aligned addresses, some NOBITS, plus symbols inside them. */
  const layout = fc
    .array(
      fc.record({
        gap: fc.integer({ min: 0, max: 64 }),
        alignLog: fc.integer({ min: 0, max: 6 }),
        size: fc.integer({ min: 1, max: 96 }),
        nobits: fc.boolean(),
        write: fc.boolean(),
        exec: fc.boolean(),
        seed: fc.integer({ min: 0, max: 255 }),
      }),
      { minLength: 0, maxLength: 6 },
    )
    .chain((parts) =>
      fc.record({
        parts: fc.constant(parts),
        base: fc.constantFrom(0, 0x80, 0x1000_0000, 0x8000_0000, 0xffff_0000),
        entryPick: fc.nat(),
        symPicks: fc.array(fc.record({ sec: fc.nat(), off: fc.nat(), local: fc.boolean(), func: fc.boolean() }), { maxLength: 8 }),
        flags: fc.integer({ min: 0, max: 0x1f }),
      }),
    );

  it('reproduces every section, segment, symbol and header field', () => {
    fc.assert(
      fc.property(layout, ({ parts, base, entryPick, symPicks, flags }) => {
        let addr = base;
        const sections: ElfSectionSpec[] = parts.map((p, i) => {
          const align = 1 << p.alignLog;
          addr = Math.ceil((addr + p.gap) / align) * align;
          const s: ElfSectionSpec = {
            name: `.s${i}`,
            addr,
            flags: SHF_ALLOC | (p.write ? SHF_WRITE : 0) | (p.exec ? SHF_EXECINSTR : 0),
            align,
          };
          if (p.nobits) s.size = p.size;
          else s.data = Uint8Array.from({ length: p.size }, (_, k) => (p.seed * 31 + k * 7) & 0xff);
          addr += p.size;
          return s;
        });
        if (addr > 0x1_0000_0000) return; // ran off the top of the address space: not a valid layout
        sections.push({ name: '.comment', addr: 0, data: new TextEncoder().encode('note\0'), flags: 0, align: 1 });
        const symbols: ElfSymbolSpec[] =
          parts.length === 0
            ? []
            : symPicks.map((p, i) => {
                const s = sections[p.sec % parts.length]!;
                const size = s.data?.length ?? s.size!;
                return { name: `sym${i}`, value: s.addr + (p.off % size), bind: p.local ? 'local' : 'global', type: p.func ? 'func' : 'object', size: i };
              });
        const entry = parts.length > 0 ? sections[entryPick % parts.length]!.addr : 0;
        const bytes = writeElf({ sections, symbols, entry, flags });
        const elf = readElf(bytes, 'roundtrip.elf');

        expect(elf.entry).toBe(entry);
        expect(elf.flags).toBe(flags);
        expect(elf.type).toBe(2);
        expect(elf.sections.map((s) => s.name)).toEqual(['', ...sections.map((s) => s.name), '.symtab', '.strtab', '.shstrtab']);
        sections.forEach((spec, i) => {
          const got = elf.sections[i + 1]!;
          expect(got.addr).toBe(spec.addr);
          expect(got.flags).toBe(spec.flags);
          expect(got.addralign).toBe(spec.align);
          if (spec.data) expect(Array.from(got.data)).toEqual(Array.from(spec.data));
          else expect([got.type, got.size]).toEqual([SHT_NOBITS, spec.size]);
        });
        // One PT_LOAD per allocated section, in order; file image = data, zero-filled to memsz for NOBITS.
        const alloc = sections.filter((s) => (s.flags & SHF_ALLOC) !== 0);
        expect(elf.segments.length).toBe(alloc.length);
        alloc.forEach((spec, i) => {
          const seg = elf.segments[i]!;
          const size = spec.data?.length ?? spec.size!;
          expect([seg.vaddr, seg.paddr, seg.memsz, seg.filesz]).toEqual([spec.addr, spec.addr, size, spec.data ? size : 0]);
          expect(seg.flags).toBe(4 | (spec.flags & SHF_WRITE ? 2 : 0) | (spec.flags & SHF_EXECINSTR ? 1 : 0));
          if (spec.data) expect(Array.from(seg.data)).toEqual(Array.from(spec.data));
          // gABI: a loadable segment's file offset and address agree modulo its alignment.
          if (spec.data) expect(seg.offset % seg.align).toBe(seg.vaddr % seg.align);
        });
        // Symbols: locals first (gABI), each with its value, size, type, binding and defining section.
        expect(elf.symbols.length).toBe(symbols.length);
        const binds = elf.symbols.map((s) => s.bind);
        expect(binds).toEqual([...binds].sort((a, b) => (a === 'local' ? 0 : 1) - (b === 'local' ? 0 : 1)));
        for (const spec of symbols) {
          const got = elf.symbols.find((s) => s.name === spec.name)!;
          expect([got.value, got.size, got.type, got.bind]).toEqual([spec.value, spec.size, spec.type, spec.bind]);
          const holder = sections.find((s) => spec.value >= s.addr && spec.value < s.addr + (s.data?.length ?? s.size!))!;
          expect(got.section).toBe(holder.name);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('places absolute symbols and sections named explicitly', () => {
    const bytes = writeElf({
      entry: 0,
      sections: [{ name: '.text', addr: 0, data: new Uint8Array(8), flags: SHF_ALLOC | SHF_EXECINSTR }],
      symbols: [
        { name: 'CONST', value: 0x1234, section: 'ABS' },
        { name: 'ext', value: 0, section: 'UND' },
        { name: 'end_text', value: 8 },
        { name: 'far', value: 0x9000 },
      ],
    });
    const elf = readElf(bytes, 'abs.elf');
    expect(elf.symbols.map((s) => [s.name, s.section])).toEqual([
      ['CONST', 'ABS'],
      ['ext', 'UND'],
      ['end_text', '.text'], // an end-of-section label belongs to the section it ends
      ['far', 'ABS'],
    ]);
  });

  it('writes Tag_RISCV_arch into .riscv.attributes when asked', () => {
    // Checked by hand: `riscv64-unknown-elf-readelf -A` prints Tag_RISCV_arch: "rv32i2p1_m2p0_c2p0_xcvsimd1p0" for
    // this file and `llvm-readelf-19 -A` shows TagName: arch with the same value.
    const arch = 'rv32i2p1_m2p0_c2p0_xcvsimd1p0';
    const elf = readElf(writeElf({ entry: 0, arch, sections: [{ name: '.text', addr: 0, size: 4, flags: SHF_ALLOC }] }), 'a.elf');
    expect(elf.arch).toBe(arch);
    const attr = section(elf, '.riscv.attributes')!;
    expect(attr.type).toBe(0x7000_0003);
    expect(attr.flags).toBe(0);
    // 'A', u32 length 0x2e, "riscv\0", Tag_File (1), u32 length 0x24, Tag_RISCV_arch (5), the string and its NUL.
    expect(Array.from(attr.data.subarray(0, 18))).toEqual([0x41, 0x2e, 0, 0, 0, 0x72, 0x69, 0x73, 0x63, 0x76, 0, 1, 0x24, 0, 0, 0, 5, 0x72]);
    expect(attr.data.length).toBe(0x2f);
    expect(elf.segments.length).toBe(1);
  });

  it('rejects inconsistent specs, naming the section', () => {
    const text = (addr: number, size: number, name = '.text'): ElfSectionSpec => ({ name, addr, size, flags: SHF_ALLOC });
    expect(() => writeElf({ entry: 0, sections: [text(0, 16), text(8, 16, '.data')] })).toThrow(
      "ELF writer: sections '.text' [0x0, 0x10) and '.data' at 0x8 overlap",
    );
    expect(() => writeElf({ entry: 0, sections: [text(0, 4), text(8, 4)] })).toThrow("section '.text' given twice");
    expect(() => writeElf({ entry: 0, sections: [{ ...text(2, 4), align: 4 }] })).toThrow("'.text' address 0x2 is not aligned to 4");
    expect(() => writeElf({ entry: 0, sections: [{ ...text(0, 4), align: 3 }] })).toThrow('alignment 3 is not a power of two');
    expect(() => writeElf({ entry: 0, sections: [text(0xffff_fffc, 8)] })).toThrow('outside the 32-bit address space');
    expect(() => writeElf({ entry: 0, sections: [{ name: '.x', addr: 0, flags: SHF_ALLOC }] })).toThrow("'.x' has neither data nor a size");
    expect(() => writeElf({ entry: 0, sections: [text(0, 4, '.symtab')] })).toThrow("section name '.symtab' is reserved");
    expect(() => writeElf({ entry: 0, sections: [text(0, 4)], symbols: [{ name: 'a', value: 0, section: '.nope' }] })).toThrow(
      "symbol 'a' names unknown section '.nope'",
    );
  });
});
