// ELF32 little-endian RISC-V executables and objects: the reader. Layouts follow the System V gABI (ELF header
// 52 bytes, program header 32, section header 40, symbol 16) and the RISC-V psABI (EM_RISCV = 243, e_flags).
// Every check names the file and the structure at fault, because a bad ELF otherwise shows up much later as a
// mysterious illegal instruction in the model.
import { parseRiscvAttributes } from './elf_attributes.ts';
import {
  EF_RISCV_RVC,
  EHDR_SIZE,
  EM_RISCV,
  PHDR_SIZE,
  PT_LOAD,
  SHDR_SIZE,
  SHN_ABS,
  SHN_COMMON,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHN_XINDEX,
  SHT_NOBITS,
  SHT_NULL,
  SHT_RISCV_ATTRIBUTES,
  SHT_STRTAB,
  SHT_SYMTAB,
  SYM_SIZE,
  type SymbolBind,
  type SymbolType,
} from './elf_format.ts';

export * from './elf_format.ts';
export { writeElf } from './elf_writer.ts';
export type { ElfSectionSpec, ElfSymbolSpec, ElfWriteSpec } from './elf_writer.ts';

/** One program header. `data` holds the `filesz` bytes of the file image; memory past it up to `memsz` is zero. */
export interface ElfSegment {
  index: number;
  type: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  /** PF_R | PF_W | PF_X */
  flags: number;
  align: number;
  data: Uint8Array;
}

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  /** SHF_* bits */
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
  /** The section's bytes in the file (empty for SHT_NOBITS and SHT_NULL). */
  data: Uint8Array;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  type: SymbolType;
  bind: SymbolBind;
  /** Section index as stored (st_shndx): 0 undefined, 0xfff1 absolute, 0xfff2 common. */
  shndx: number;
  /** Name of the defining section, or `UND` / `ABS` / `COMMON` as readelf prints them. */
  section: string;
}

export interface Elf {
  /** The file name given to the reader, used in every later message about this ELF. */
  name: string;
  /** e_type: 1 relocatable, 2 executable, 3 shared. */
  type: number;
  entry: number;
  /** e_flags (RISC-V psABI: bit 0 RVC, bits 2:1 float ABI, bit 3 RVE, bit 4 TSO). */
  flags: number;
  /** e_flags has EF_RISCV_RVC. */
  rvc: boolean;
  /** All program headers, in file order. */
  programHeaders: ElfSegment[];
  /** The PT_LOAD program headers, in file order. */
  segments: ElfSegment[];
  /** All section headers including the null section 0, in index order. */
  sections: ElfSection[];
  /** The symbols of .symtab without the null symbol 0, in table order. */
  symbols: ElfSymbol[];
  /** Tag_RISCV_arch of the .riscv.attributes section (e.g. `rv32i2p1_m2p0_c2p0_xcvalu1p0`), when present. */
  arch?: string;
}

export class ElfError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'ElfError';
  }
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

const CLASS_NAMES: Record<number, string> = { 0: 'ELFCLASSNONE', 1: 'ELFCLASS32', 2: 'ELFCLASS64' };
const DATA_NAMES: Record<number, string> = { 0: 'ELFDATANONE', 1: 'ELFDATA2LSB', 2: 'ELFDATA2MSB (big-endian)' };
const MACHINE_NAMES: Record<number, string> = { 3: 'x86', 8: 'MIPS', 40: 'ARM', 62: 'x86-64', 183: 'AArch64' };

const SYMBOL_TYPES: SymbolType[] = ['notype', 'object', 'func', 'section', 'file', 'common', 'tls'];
const SYMBOL_BINDS: SymbolBind[] = ['local', 'global', 'weak'];

/** Reads and validates an ELF32 little-endian RISC-V file. `name` is used in error messages. */
export function readElf(bytes: Uint8Array, name: string): Elf {
  const fail = (message: string): never => {
    throw new ElfError(name, message);
  };
  const size = bytes.length;
  if (size < 16) fail(`truncated: ${size} bytes, too short for the 16-byte ELF identification`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    fail(`not an ELF file (magic bytes ${magic}, expected 7f 45 4c 46)`);
  }
  const cls = bytes[4]!;
  if (cls !== 1) fail(`not a 32-bit ELF (EI_CLASS=${cls} ${CLASS_NAMES[cls] ?? 'unknown'}, expected 1 ELFCLASS32)`);
  const data = bytes[5]!;
  if (data !== 1) fail(`not little-endian (EI_DATA=${data} ${DATA_NAMES[data] ?? 'unknown'}, expected 1 ELFDATA2LSB)`);
  if (size < EHDR_SIZE) fail(`truncated ELF header: ${size} bytes, the header needs ${EHDR_SIZE}`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number): number => view.getUint16(o, true);
  const u32 = (o: number): number => view.getUint32(o, true);

  const type = u16(16);
  const machine = u16(18);
  if (machine !== EM_RISCV) {
    const known = MACHINE_NAMES[machine];
    fail(`not a RISC-V ELF (e_machine=${machine}${known ? ` ${known}` : ''}, expected ${EM_RISCV} EM_RISCV)`);
  }
  const entry = u32(24);
  const phoff = u32(28);
  const shoff = u32(32);
  const flags = u32(36);
  const phentsize = u16(42);
  let phnum = u16(44);
  const shentsize = u16(46);
  let shnum = u16(48);
  let shstrndx = u16(50);

  /** [off, off + len) inside the file? Computed in doubles, so no 32-bit wrap-around hides a bad offset. */
  const inFile = (off: number, len: number): boolean => off + len <= size;
  const range = (off: number, len: number): string => `[${hex(off)}, ${hex(off + len)})`;

  // Section header table (read first: extended numbering keeps the real counts in section 0).
  if (shoff !== 0) {
    if (shentsize !== SHDR_SIZE) fail(`e_shentsize is ${shentsize}, expected ${SHDR_SIZE}`);
    if (!inFile(shoff, SHDR_SIZE)) {
      fail(`truncated section header table: section header 0 at ${range(shoff, SHDR_SIZE)} is outside the file (${size} bytes)`);
    }
    if (shnum === 0) shnum = u32(shoff + 20);
    if (shstrndx === SHN_XINDEX) shstrndx = u32(shoff + 24);
    if (phnum === 0xffff) phnum = u32(shoff + 28);
    if (!inFile(shoff, shnum * SHDR_SIZE)) {
      fail(`truncated section header table: ${shnum} headers at ${range(shoff, shnum * SHDR_SIZE)} run past the end of the file (${size} bytes)`);
    }
  } else {
    shnum = 0;
  }

  // Program headers.
  const programHeaders: ElfSegment[] = [];
  if (phnum > 0) {
    if (phentsize !== PHDR_SIZE) fail(`e_phentsize is ${phentsize}, expected ${PHDR_SIZE}`);
    if (!inFile(phoff, phnum * PHDR_SIZE)) {
      fail(`truncated program header table: ${phnum} headers at ${range(phoff, phnum * PHDR_SIZE)} run past the end of the file (${size} bytes)`);
    }
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * PHDR_SIZE;
      const seg: ElfSegment = {
        index: i,
        type: u32(o),
        offset: u32(o + 4),
        vaddr: u32(o + 8),
        paddr: u32(o + 12),
        filesz: u32(o + 16),
        memsz: u32(o + 20),
        flags: u32(o + 24),
        align: u32(o + 28),
        data: new Uint8Array(0),
      };
      const what = `program header ${i} (type ${hex(seg.type)}, vaddr ${hex(seg.vaddr)})`;
      if (!inFile(seg.offset, seg.filesz)) {
        fail(`${what}: file data ${range(seg.offset, seg.filesz)} is outside the file (${size} bytes)`);
      }
      if (seg.type === PT_LOAD) {
        if (seg.filesz > seg.memsz) fail(`${what}: p_filesz ${hex(seg.filesz)} exceeds p_memsz ${hex(seg.memsz)}`);
        if (seg.vaddr + seg.memsz > 0x1_0000_0000 || seg.paddr + seg.memsz > 0x1_0000_0000) {
          fail(`${what}: ${hex(seg.memsz)} bytes wrap past the top of the 32-bit address space`);
        }
      }
      seg.data = bytes.subarray(seg.offset, seg.offset + seg.filesz);
      programHeaders.push(seg);
    }
  }

  // Section headers.
  const raw: ElfSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * SHDR_SIZE;
    const sec: ElfSection = {
      index: i,
      name: '',
      type: u32(o + 4),
      flags: u32(o + 8),
      addr: u32(o + 12),
      offset: u32(o + 16),
      size: u32(o + 20),
      link: u32(o + 24),
      info: u32(o + 28),
      addralign: u32(o + 32),
      entsize: u32(o + 36),
      data: new Uint8Array(0),
    };
    raw.push(sec);
  }
  const hasData = (sec: ElfSection): boolean => sec.index > 0 && sec.type !== SHT_NOBITS && sec.type !== SHT_NULL;
  const attachData = (sec: ElfSection): void => {
    if (!hasData(sec)) return;
    if (!inFile(sec.offset, sec.size)) {
      const label = sec.name ? ` '${sec.name}'` : '';
      fail(`section ${sec.index}${label}: data ${range(sec.offset, sec.size)} is outside the file (${size} bytes)`);
    }
    sec.data = bytes.subarray(sec.offset, sec.offset + sec.size);
  };

  /** A NUL-terminated string at `off` of string table `tab`; `what` says who asked. */
  const stringAt = (tab: ElfSection, off: number, what: string): string => {
    if (off >= tab.size) fail(`${what}: name offset ${hex(off)} is outside string table ${tabName(tab)} (${tab.size} bytes)`);
    let end = off;
    while (end < tab.size && tab.data[end] !== 0) end++;
    if (end >= tab.size) fail(`${what}: name at offset ${hex(off)} of string table ${tabName(tab)} is not NUL-terminated`);
    return new TextDecoder().decode(tab.data.subarray(off, end));
  };
  const tabName = (tab: ElfSection): string => (tab.name ? `'${tab.name}'` : `(section ${tab.index})`);

  if (shnum > 0) {
    if (shstrndx === 0 || shstrndx >= shnum) {
      fail(`e_shstrndx ${shstrndx} does not name a section (there are ${shnum})`);
    }
    const shstr = raw[shstrndx]!;
    if (shstr.type !== SHT_STRTAB) fail(`section ${shstrndx} named by e_shstrndx is not a string table (type ${shstr.type})`);
    attachData(shstr);
    for (const sec of raw) {
      if (sec.index === 0) continue;
      sec.name = stringAt(shstr, u32(shoff + sec.index * SHDR_SIZE), `section ${sec.index}`);
    }
  }
  for (const sec of raw) if (sec.index !== shstrndx) attachData(sec);

  const sectionLabel = (shndx: number): string => {
    if (shndx === SHN_UNDEF) return 'UND';
    if (shndx === SHN_ABS) return 'ABS';
    if (shndx === SHN_COMMON) return 'COMMON';
    return raw[shndx]?.name ?? '';
  };

  // Symbols (the first SHT_SYMTAB; executables have at most one).
  const symbols: ElfSymbol[] = [];
  const symtab = raw.find((s) => s.type === SHT_SYMTAB);
  if (symtab) {
    const what = `symbol table '${symtab.name}'`;
    if (symtab.entsize !== SYM_SIZE) fail(`${what}: sh_entsize is ${symtab.entsize}, expected ${SYM_SIZE}`);
    if (symtab.size % SYM_SIZE !== 0) fail(`${what}: size ${symtab.size} is not a multiple of ${SYM_SIZE}`);
    if (symtab.link === 0 || symtab.link >= shnum) fail(`${what}: sh_link ${symtab.link} does not name a string table section`);
    const strtab = raw[symtab.link]!;
    if (strtab.type !== SHT_STRTAB) fail(`${what}: sh_link ${symtab.link} ('${strtab.name}') is not a string table`);
    const count = symtab.size / SYM_SIZE;
    const sv = new DataView(symtab.data.buffer, symtab.data.byteOffset, symtab.data.byteLength);
    for (let i = 1; i < count; i++) {
      const o = i * SYM_SIZE;
      const info = sv.getUint8(o + 12);
      const shndx = sv.getUint16(o + 14, true);
      if (shndx !== SHN_UNDEF && shndx < SHN_LORESERVE && shndx >= shnum) {
        fail(`${what}: symbol ${i} has section index ${shndx}, but there are ${shnum} sections`);
      }
      symbols.push({
        name: stringAt(strtab, sv.getUint32(o, true), `${what}: symbol ${i}`),
        value: sv.getUint32(o + 4, true),
        size: sv.getUint32(o + 8, true),
        type: SYMBOL_TYPES[info & 0xf] ?? 'other',
        bind: SYMBOL_BINDS[info >> 4] ?? 'other',
        shndx,
        section: sectionLabel(shndx),
      });
    }
  }

  const attributes = raw.find((s) => s.type === SHT_RISCV_ATTRIBUTES);
  let arch: string | undefined;
  if (attributes) {
    try {
      arch = parseRiscvAttributes(attributes.data).arch;
    } catch (e) {
      fail(`section '${attributes.name}': ${(e as Error).message}`);
    }
  }

  const elf: Elf = {
    name,
    type,
    entry,
    flags,
    rvc: (flags & EF_RISCV_RVC) !== 0,
    programHeaders,
    segments: programHeaders.filter((p) => p.type === PT_LOAD),
    sections: raw,
    symbols,
  };
  if (arch !== undefined) elf.arch = arch;
  return elf;
}

/** The first symbol called `name` (globals before locals), or undefined. */
export function symbol(elf: Elf, name: string): ElfSymbol | undefined {
  let local: ElfSymbol | undefined;
  for (const s of elf.symbols) {
    if (s.name !== name) continue;
    if (s.bind !== 'local') return s;
    local ??= s;
  }
  return local;
}

/** Like `symbol`, but a missing symbol is an error naming the file. */
export function requireSymbol(elf: Elf, name: string): ElfSymbol {
  const s = symbol(elf, name);
  if (!s) throw new ElfError(elf.name, `no symbol '${name}'`);
  return s;
}

/** The section called `name`, or undefined. */
export function section(elf: Elf, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.index > 0 && s.name === name);
}
