// The ELF32 little-endian RISC-V executable writer (ET_EXEC). File layout: ELF header, program headers, the
// sections' data in the order given (each at a file offset congruent to its address modulo its alignment, as
// loaders expect of PT_LOAD), .symtab, .strtab, .shstrtab, then the section header table. Every allocated
// section gets its own PT_LOAD (R, plus W/X from its flags), which keeps the mapping from sections to memory
// obvious in `readelf -l`.
import {
  EF_RISCV_RVC,
  EHDR_SIZE,
  EM_RISCV,
  ET_EXEC,
  PF_R,
  PF_W,
  PF_X,
  PHDR_SIZE,
  PT_LOAD,
  SHDR_SIZE,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHN_ABS,
  SHN_UNDEF,
  SHT_NOBITS,
  SHT_PROGBITS,
  SHT_RISCV_ATTRIBUTES,
  SHT_STRTAB,
  SHT_SYMTAB,
  SYM_SIZE,
  type SymbolBind,
  type SymbolType,
} from './elf_format.ts';
import { TAG_FILE, TAG_RISCV_ARCH } from './elf_attributes.ts';

export interface ElfSectionSpec {
  name: string;
  /** Load address (0 for sections that are not SHF_ALLOC). */
  addr: number;
  /** Contents. Absent for a NOBITS section (e.g. .bss), which then needs `size`. */
  data?: Uint8Array;
  /** Size of a NOBITS section. */
  size?: number;
  /** SHF_* bits, e.g. SHF_ALLOC | SHF_EXECINSTR for .text. */
  flags: number;
  /** Power of two; default 4. */
  align?: number;
  /** Section type; default SHT_PROGBITS with data, SHT_NOBITS without. */
  type?: number;
}

export interface ElfSymbolSpec {
  name: string;
  value: number;
  size?: number;
  type?: Exclude<SymbolType, 'other' | 'common' | 'tls'>;
  bind?: Exclude<SymbolBind, 'other'>;
  /**
   * Name of the defining section, or 'ABS' / 'UND'. Default: the allocated section whose address range holds
   * `value` (an end-of-section label belongs to the section it ends), else 'ABS'.
   */
  section?: string;
}

export interface ElfWriteSpec {
  sections: ElfSectionSpec[];
  symbols?: ElfSymbolSpec[];
  entry: number;
  /** e_flags; default EF_RISCV_RVC (soft-float ilp32 with compressed code). */
  flags?: number;
  /**
   * Tag_RISCV_arch for a .riscv.attributes section (e.g. `rv32i2p1_m2p0_c2p0_xcvsimd1p0`); readers such as
   * `pulpsim disasm` take the extension flavour from it.
   */
  arch?: string;
}

const SYMBOL_TYPE_CODES: Record<NonNullable<ElfSymbolSpec['type']>, number> = {
  notype: 0,
  object: 1,
  func: 2,
  section: 3,
  file: 4,
};
const SYMBOL_BIND_CODES: Record<NonNullable<ElfSymbolSpec['bind']>, number> = { local: 0, global: 1, weak: 2 };

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

/** Accumulates NUL-terminated names; the first byte is the empty name, as the gABI requires. */
class StringTable {
  private readonly parts: Uint8Array[] = [new Uint8Array(1)];
  private length = 1;
  private readonly index = new Map<string, number>([['', 0]]);
  add(s: string): number {
    const known = this.index.get(s);
    if (known !== undefined) return known;
    const bytes = new TextEncoder().encode(`${s}\0`);
    const at = this.length;
    this.parts.push(bytes);
    this.length += bytes.length;
    this.index.set(s, at);
    return at;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;

interface Placed {
  spec: ElfSectionSpec;
  type: number;
  size: number;
  align: number;
  offset: number;
  nameOff: number;
}

/** A .riscv.attributes section holding only Tag_RISCV_arch (psABI layout, see elf_attributes.ts). */
export function riscvAttributesSection(arch: string): Uint8Array {
  const archBytes = new TextEncoder().encode(`${arch}\0`);
  const vendor = new TextEncoder().encode('riscv\0');
  // The tag values (1, 5) fit one ULEB128 byte each.
  const fileLen = 1 + 4 + 1 + archBytes.length;
  const subLen = 4 + vendor.length + fileLen;
  const out = new Uint8Array(1 + subLen);
  const v = new DataView(out.buffer);
  out[0] = 0x41;
  v.setUint32(1, subLen, true);
  out.set(vendor, 5);
  const at = 5 + vendor.length;
  out[at] = TAG_FILE;
  v.setUint32(at + 1, fileLen, true);
  out[at + 5] = TAG_RISCV_ARCH;
  out.set(archBytes, at + 6);
  return out;
}

/** Writes an executable ELF32 little-endian RISC-V file. Throws on an inconsistent spec, naming the section. */
export function writeElf(input: ElfWriteSpec): Uint8Array {
  const spec: ElfWriteSpec =
    input.arch === undefined
      ? input
      : {
          ...input,
          sections: [
            ...input.sections,
            { name: '.riscv.attributes', addr: 0, data: riscvAttributesSection(input.arch), flags: 0, align: 1, type: SHT_RISCV_ATTRIBUTES },
          ],
        };
  const reserved = new Set(['', '.symtab', '.strtab', '.shstrtab']);
  const names = new Set<string>();
  for (const s of spec.sections) {
    if (reserved.has(s.name)) throw new Error(`ELF writer: section name '${s.name}' is reserved`);
    if (names.has(s.name)) throw new Error(`ELF writer: section '${s.name}' given twice`);
    names.add(s.name);
    const align = s.align ?? 4;
    if (!Number.isInteger(align) || align < 1 || (align & (align - 1)) !== 0) {
      throw new Error(`ELF writer: section '${s.name}': alignment ${align} is not a power of two`);
    }
    if (s.data === undefined && s.size === undefined) {
      throw new Error(`ELF writer: section '${s.name}' has neither data nor a size`);
    }
    if (s.data !== undefined && s.size !== undefined && s.size !== s.data.length) {
      throw new Error(`ELF writer: section '${s.name}': size ${s.size} differs from its ${s.data.length} bytes of data`);
    }
    const size = s.data?.length ?? s.size!;
    if (!Number.isInteger(s.addr) || s.addr < 0 || s.addr + size > 0x1_0000_0000) {
      throw new Error(`ELF writer: section '${s.name}' at ${hex(s.addr)} (${size} bytes) is outside the 32-bit address space`);
    }
    if (s.addr % align !== 0) {
      throw new Error(`ELF writer: section '${s.name}' address ${hex(s.addr)} is not aligned to ${align}`);
    }
  }
  const alloc = spec.sections.filter((s) => (s.flags & SHF_ALLOC) !== 0 && (s.data?.length ?? s.size!) > 0);
  const byAddr = [...alloc].sort((a, b) => a.addr - b.addr);
  for (let i = 1; i < byAddr.length; i++) {
    const prev = byAddr[i - 1]!;
    const cur = byAddr[i]!;
    const prevEnd = prev.addr + (prev.data?.length ?? prev.size!);
    if (cur.addr < prevEnd) {
      throw new Error(
        `ELF writer: sections '${prev.name}' [${hex(prev.addr)}, ${hex(prevEnd)}) and '${cur.name}' at ${hex(cur.addr)} overlap`,
      );
    }
  }

  const shstr = new StringTable();
  const loads = spec.sections.filter((s) => (s.flags & SHF_ALLOC) !== 0 && (s.data?.length ?? s.size!) > 0);
  let offset = EHDR_SIZE + loads.length * PHDR_SIZE;
  const placed: Placed[] = spec.sections.map((s) => {
    const align = s.align ?? 4;
    const type = s.type ?? (s.data ? SHT_PROGBITS : SHT_NOBITS);
    const size = s.data?.length ?? s.size!;
    const nameOff = shstr.add(s.name);
    if (type === SHT_NOBITS) return { spec: s, type, size, align, offset, nameOff };
    // Offset congruent to the address modulo the alignment (gABI requirement on PT_LOAD p_offset/p_vaddr).
    const mod = s.addr % align;
    let off = alignUp(offset, align) + mod;
    if (off - align >= offset) off -= align;
    offset = off + size;
    return { spec: s, type, size, align, offset: off, nameOff };
  });

  // Symbols: the null symbol, locals, then globals (sh_info = index of the first non-local).
  const sectionIndex = new Map<string, number>(spec.sections.map((s, i) => [s.name, i + 1]));
  const strtab = new StringTable();
  const syms = spec.symbols ?? [];
  const ordered = [...syms.filter((s) => (s.bind ?? 'global') === 'local'), ...syms.filter((s) => (s.bind ?? 'global') !== 'local')];
  const firstGlobal = 1 + syms.filter((s) => (s.bind ?? 'global') === 'local').length;
  const symBytes = new Uint8Array((ordered.length + 1) * SYM_SIZE);
  const symView = new DataView(symBytes.buffer);
  ordered.forEach((sym, i) => {
    const o = (i + 1) * SYM_SIZE;
    let shndx: number;
    if (sym.section === 'ABS') shndx = SHN_ABS;
    else if (sym.section === 'UND') shndx = SHN_UNDEF;
    else if (sym.section !== undefined) {
      const idx = sectionIndex.get(sym.section);
      if (idx === undefined) throw new Error(`ELF writer: symbol '${sym.name}' names unknown section '${sym.section}'`);
      shndx = idx;
    } else {
      const holds = (atEnd: boolean) => (s: ElfSectionSpec): boolean => {
        if ((s.flags & SHF_ALLOC) === 0) return false;
        const end = s.addr + (s.data?.length ?? s.size!);
        return atEnd ? sym.value === end : sym.value >= s.addr && sym.value < end;
      };
      let holder = spec.sections.findIndex(holds(false));
      if (holder < 0) holder = spec.sections.findIndex(holds(true));
      shndx = holder >= 0 ? holder + 1 : SHN_ABS;
    }
    const type = SYMBOL_TYPE_CODES[sym.type ?? 'notype'];
    const bind = SYMBOL_BIND_CODES[sym.bind ?? 'global'];
    symView.setUint32(o, strtab.add(sym.name), true);
    symView.setUint32(o + 4, sym.value >>> 0, true);
    symView.setUint32(o + 8, (sym.size ?? 0) >>> 0, true);
    symView.setUint8(o + 12, (bind << 4) | type);
    symView.setUint8(o + 13, 0);
    symView.setUint16(o + 14, shndx, true);
  });
  const strBytes = strtab.bytes();
  const symtabName = shstr.add('.symtab');
  const strtabName = shstr.add('.strtab');
  const shstrtabName = shstr.add('.shstrtab');
  const shstrBytes = shstr.bytes();

  const symtabOff = alignUp(offset, 4);
  const strtabOff = symtabOff + symBytes.length;
  const shstrtabOff = strtabOff + strBytes.length;
  const shoff = alignUp(shstrtabOff + shstrBytes.length, 4);
  const shnum = spec.sections.length + 4;
  const total = shoff + shnum * SHDR_SIZE;

  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  // e_ident: magic, ELFCLASS32, ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE.
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0], 0);
  v.setUint16(16, ET_EXEC, true);
  v.setUint16(18, EM_RISCV, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, spec.entry >>> 0, true);
  v.setUint32(28, loads.length > 0 ? EHDR_SIZE : 0, true);
  v.setUint32(32, shoff, true);
  v.setUint32(36, (spec.flags ?? EF_RISCV_RVC) >>> 0, true);
  v.setUint16(40, EHDR_SIZE, true);
  v.setUint16(42, PHDR_SIZE, true);
  v.setUint16(44, loads.length, true);
  v.setUint16(46, SHDR_SIZE, true);
  v.setUint16(48, shnum, true);
  v.setUint16(50, shnum - 1, true);

  let ph = EHDR_SIZE;
  for (const p of placed) {
    const s = p.spec;
    if ((s.flags & SHF_ALLOC) === 0 || p.size === 0) continue;
    const nobits = p.type === SHT_NOBITS;
    v.setUint32(ph, PT_LOAD, true);
    v.setUint32(ph + 4, nobits ? 0 : p.offset, true);
    v.setUint32(ph + 8, s.addr >>> 0, true);
    v.setUint32(ph + 12, s.addr >>> 0, true);
    v.setUint32(ph + 16, nobits ? 0 : p.size, true);
    v.setUint32(ph + 20, p.size, true);
    v.setUint32(ph + 24, PF_R | (s.flags & SHF_WRITE ? PF_W : 0) | (s.flags & SHF_EXECINSTR ? PF_X : 0), true);
    v.setUint32(ph + 28, p.align, true);
    ph += PHDR_SIZE;
  }

  for (const p of placed) if (p.spec.data && p.type !== SHT_NOBITS) out.set(p.spec.data, p.offset);
  out.set(symBytes, symtabOff);
  out.set(strBytes, strtabOff);
  out.set(shstrBytes, shstrtabOff);

  const shdr = (i: number, f: [number, number, number, number, number, number, number, number, number, number]): void => {
    const o = shoff + i * SHDR_SIZE;
    f.forEach((x, k) => v.setUint32(o + 4 * k, x >>> 0, true));
  };
  // Section 0 stays all-zero (SHT_NULL).
  placed.forEach((p, i) => {
    shdr(i + 1, [p.nameOff, p.type, p.spec.flags, p.spec.addr, p.offset, p.size, 0, 0, p.align, 0]);
  });
  const n = spec.sections.length;
  shdr(n + 1, [symtabName, SHT_SYMTAB, 0, 0, symtabOff, symBytes.length, n + 2, firstGlobal, 4, SYM_SIZE]);
  shdr(n + 2, [strtabName, SHT_STRTAB, 0, 0, strtabOff, strBytes.length, 0, 0, 1, 0]);
  shdr(n + 3, [shstrtabName, SHT_STRTAB, 0, 0, shstrtabOff, shstrBytes.length, 0, 0, 1, 0]);
  return out;
}
