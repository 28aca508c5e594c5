// `pulpsim disasm <elf>`: an objdump-like listing of the executable sections of an ELF (address, raw word or
// halfword, disassembly, symbol labels, branch targets as <symbol+offset>), decoded with rtl/isa in one flavour.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { presets, type CoreVersion } from '../../rtl/config/index.ts';
import { makeDecoder, type DecodeFn } from '../../rtl/isa/decoder.ts';
import { disassemble } from '../../rtl/isa/disasm.ts';
import { OPTIONAL_EXTS } from '../../rtl/isa/table.ts';
import type { Flavour } from '../../rtl/isa/types.ts';
import { readElf, SHF_ALLOC, SHF_EXECINSTR, SHT_NOBITS, type Elf, type ElfSection, type ElfSymbol } from '../../kernels/toolchain/elf.ts';

export interface DisasmCliOptions {
  flavour?: Flavour;
  config?: CoreVersion;
}

export interface FlavourChoice {
  flavour: Flavour;
  /** Why this flavour, for the listing's header. */
  reason: string;
}

/**
 * The flavour to decode with: --flavour, else the one of --config, else what the ELF's Tag_RISCV_arch says
 * (LLVM records the CORE-V extensions as `xcv*`, PULP GCC records `xpulp*`), else xpulpv2.
 */
export function chooseFlavour(elf: Elf, o: DisasmCliOptions): FlavourChoice {
  if (o.flavour) return { flavour: o.flavour, reason: '--flavour' };
  if (o.config) return { flavour: presets[o.config].core.flavour, reason: `--config ${o.config}` };
  const exts = (elf.arch ?? '').split('_');
  if (exts.some((e) => e.startsWith('xcv'))) return { flavour: 'corev', reason: `the ELF's arch ${elf.arch} has xcv* extensions` };
  if (exts.some((e) => e.startsWith('xpulp'))) return { flavour: 'xpulpv2', reason: `the ELF's arch ${elf.arch} has xpulp* extensions` };
  return { flavour: 'xpulpv2', reason: 'default: the ELF does not say; use --flavour corev or --config cv32e40p for CORE-V code' };
}

const hex = (v: number, digits = 0): string => (v >>> 0).toString(16).padStart(digits, '0');

/** Symbols that name positions (no section/file symbols, no assembler-internal labels); absolute ones optional. */
function namedSymbols(elf: Elf, absolute: boolean): ElfSymbol[] {
  return elf.symbols.filter(
    (s) => s.name !== '' && (s.type === 'func' || s.type === 'notype' || s.type === 'object') && !s.name.startsWith('$') &&
      !s.name.startsWith('.L') && s.section !== 'UND' && s.section !== 'COMMON' && (absolute || s.section !== 'ABS'),
  );
}

/**
 * Which of two symbols at one address objdump names (binutils objdump.c compare_symbols): functions first, then
 * objects, non-locals before locals, globals before weak ones, larger sizes first, names starting with '.' last,
 * then by name (byte order). Negative when `a` wins.
 */
function compareSymbols(a: ElfSymbol, b: ElfSymbol): number {
  const flags: Array<(s: ElfSymbol) => boolean> = [
    (s) => s.type === 'func',
    (s) => s.type === 'object',
    (s) => s.bind !== 'local',
    (s) => s.bind === 'global',
  ];
  for (const f of flags) if (f(a) !== f(b)) return f(a) ? -1 : 1;
  if (a.size !== b.size) return b.size - a.size;
  const ad = a.name.startsWith('.');
  if (ad !== b.name.startsWith('.')) return ad ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Symbols by address, one per address. */
class Labels {
  private readonly byAddr = new Map<number, ElfSymbol>();
  private readonly sorted: ElfSymbol[];
  constructor(symbols: ElfSymbol[]) {
    for (const s of symbols) {
      const cur = this.byAddr.get(s.value);
      if (!cur || compareSymbols(s, cur) < 0) this.byAddr.set(s.value, s);
    }
    this.sorted = [...this.byAddr.values()].sort((a, b) => a.value - b.value);
  }
  at(addr: number): ElfSymbol | undefined {
    return this.byAddr.get(addr);
  }
  /** Index of the first symbol above `addr`. */
  private upper(addr: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.value <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** Address of the first symbol above `addr` (Infinity when none). */
  next(addr: number): number {
    return this.sorted[this.upper(addr)]?.value ?? Infinity;
  }
  /** The nearest symbol at or below `addr`. */
  floor(addr: number): ElfSymbol | undefined {
    return this.sorted[this.upper(addr) - 1];
  }
}

/**
 * `<sym>` / `<sym+0x1c>` for an address, as objdump chooses: the nearest symbol below it in the section that
 * holds the address, or, for an address outside every section, the nearest of all symbols (absolute ones too).
 */
class Describer {
  private readonly perSection = new Map<number, Labels>();
  private readonly all: Labels;
  constructor(private readonly elf: Elf) {
    const named = namedSymbols(elf, true);
    this.all = new Labels(named);
    for (const sec of elf.sections) {
      if ((sec.flags & SHF_ALLOC) === 0 || sec.index === 0) continue;
      this.perSection.set(sec.index, new Labels(named.filter((s) => s.shndx === sec.index)));
    }
  }
  describe(addr: number): string | undefined {
    const sec = this.elf.sections.find((s) => this.perSection.has(s.index) && addr >= s.addr && addr < s.addr + s.size);
    const best = (sec && this.perSection.get(sec.index)!.floor(addr)) ?? this.all.floor(addr);
    if (!best) return undefined;
    const off = addr - best.value;
    return off === 0 ? `<${best.name}>` : `<${best.name}+0x${hex(off)}>`;
  }
}

/** Ids whose register base + 12-bit offset GNU objdump resolves against a preceding lui/auipc. */
const ADDRESS_USERS = new Set(['addi', 'jalr', 'lb', 'lh', 'lw', 'lbu', 'lhu', 'sb', 'sh', 'sw']);

/**
 * What objdump appends to an instruction: `<symbol+offset>` after a branch or jump target, and (GNU style) the
 * `# address <symbol>` comment for an address built by lui/auipc and consumed by the next addi/load/store/jalr
 * on the same register (binutils riscv-dis.c keeps the lui/auipc value per register and uses it once; a zero
 * base register gives the offset itself as the address).
 */
class Annotator {
  private readonly hi = new Map<number, number>();
  constructor(
    private readonly decode: DecodeFn,
    private readonly labels: Describer,
    private readonly gnu: boolean,
  ) {}
  annotate(word: number, pc: number): string {
    const d = this.decode(word);
    if (!d) return '';
    const { enc, ops } = d.rvc ?? d;
    for (const f of enc.fields) {
      if (f.pcrel) {
        const where = this.labels.describe((pc + ops[f.name]) >>> 0);
        return where ? ` ${where}` : '';
      }
    }
    if (!this.gnu) return '';
    const id = d.def.id;
    if (id === 'lui' || id === 'auipc') {
      // The table holds the U-type immediate as written (the upper 20 bits, unscaled).
      const upper = (d.ops.imm << 12) >>> 0;
      this.hi.set(d.ops.rd, id === 'lui' ? upper : (pc + upper) >>> 0);
      return '';
    }
    if (d.rvc || !ADDRESS_USERS.has(id) || (id === 'addi' && d.ops.rs1 === 0)) return '';
    const base = d.ops.rs1;
    let addr: number;
    const hi = this.hi.get(base);
    if (hi !== undefined) {
      addr = (hi + d.ops.imm) >>> 0;
      this.hi.delete(base);
    } else if (base === 0 || base === 4) {
      addr = d.ops.imm >>> 0;
    } else return '';
    const where = this.labels.describe(addr);
    return ` # ${hex(addr)}${where ? ` ${where}` : ''}`;
  }
}

/** Mapping symbols (`$x`, `$x<isa>`: code from here; `$d`: data from here) of one section, by address. */
function mappingSymbols(elf: Elf, sec: ElfSection): Array<{ addr: number; data: boolean }> {
  return elf.symbols
    .filter((s) => s.shndx === sec.index && (s.name === '$d' || s.name.startsWith('$x')))
    .map((s) => ({ addr: s.value, data: s.name === '$d' }))
    .sort((a, b) => a.addr - b.addr);
}

/** Digits of the address column: objdump drops leading zeros of the section's end address in groups of four. */
function addressWidth(sec: ElfSection): number {
  const end = hex(sec.addr + sec.size, 8);
  const zeros = end.length - end.replace(/^0+/, '').length;
  return zeros === 0 ? 8 : 8 - ((zeros - 1) & ~3);
}

const word32 = (d: Uint8Array, i: number): number => (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)) >>> 0;

/** The listing of one executable section. */
function listSection(elf: Elf, sec: ElfSection, flavour: Flavour, labels: Labels, where: Describer, decode: DecodeFn): string[] {
  const out = ['', `Disassembly of section ${sec.name}:`];
  const d = sec.data;
  const width = addressWidth(sec);
  const notes = new Annotator(decode, where, flavour === 'xpulpv2');
  const maps = mappingSymbols(elf, sec);
  let map = -1;
  let i = 0;
  let stop = 0;
  while (i < d.length) {
    const pc = (sec.addr + i) >>> 0;
    const label = labels.at(pc);
    if (label) out.push('', `${hex(pc, 8)} <${label.name}>:`);
    if (label || i >= stop) stop = Math.min(d.length, labels.next(pc) - sec.addr);
    while (map + 1 < maps.length && maps[map + 1]!.addr <= pc) map++;
    const isData = map >= 0 && maps[map]!.data;
    // objdump prints `...` for a run of at least 8 zero bytes (whole words unless it reaches the next label or
    // the section end), and for fewer than 3 zero bytes at such an end.
    let z = i;
    while (z < stop && d[z] === 0) z++;
    if (z - i >= 8 || (z === stop && z > i && z - i < 3)) {
      out.push('\t...');
      i = z === stop ? z : i + ((z - i) & ~3);
      continue;
    }
    let raw: string;
    let text: string;
    let size: number;
    const pulpWord = isData && i + 4 <= d.length ? word32(d, i) : undefined;
    if (pulpWord !== undefined && decode(pulpWord)?.def.ext.startsWith('Xpulp')) {
      // Tools without the PULP extensions emit their instructions as `.word` (a data mapping symbol); show them as
      // the instructions they are, the point of this listing.
      size = 4;
      raw = hex(pulpWord, 8);
      text = disassemble(pulpWord, pc, flavour) + notes.annotate(pulpWord, pc);
    } else if (isData) {
      // Data between mapping symbols: words, or what is left before the next mapping symbol / section end.
      const limit = Math.min(d.length - i, (maps[map + 1]?.addr ?? Infinity) - pc);
      size = limit >= 4 ? 4 : limit === 1 ? 1 : 2;
      const v = size === 4 ? word32(d, i) : size === 2 ? d[i]! | (d[i + 1]! << 8) : d[i]!;
      raw = hex(v, size * 2);
      text = `${size === 4 ? '.word' : size === 2 ? '.short' : '.byte'}\t0x${raw}`;
    } else if (i + 1 >= d.length) {
      size = 1;
      raw = hex(d[i]!, 2);
      text = `.byte\t0x${raw}`;
    } else if ((d[i]! & 3) === 3 && i + 4 <= d.length) {
      size = 4;
      const word = word32(d, i);
      raw = hex(word, 8);
      text = disassemble(word, pc, flavour) + notes.annotate(word, pc);
    } else {
      size = 2;
      const half = d[i]! | (d[i + 1]! << 8);
      raw = hex(half, 4);
      // A 32-bit instruction cut by the end of the section is shown as data.
      text = (half & 3) === 3 ? `.short\t0x${raw}` : disassemble(half, pc, flavour) + notes.annotate(half, pc);
    }
    // GNU objdump's columns: the address right-aligned, raw bytes padded to 18 (a word) or 20 characters.
    out.push(`${hex(pc).padStart(width)}:\t${raw.padEnd(size === 4 ? 18 : 20)}\t${text}`);
    i += size;
  }
  return out;
}

/** The whole listing: header, then every allocated executable section with contents. */
export function disasmListing(elf: Elf, o: DisasmCliOptions = {}): string {
  const choice = chooseFlavour(elf, o);
  const labels = new Labels(namedSymbols(elf, false));
  const where = new Describer(elf);
  const decode = makeDecoder(choice.flavour, { extensions: [...OPTIONAL_EXTS] });
  const lines = [`${elf.name}:     file format elf32-littleriscv`, `flavour: ${choice.flavour} (${choice.reason})`];
  const exec = elf.sections.filter((s) => (s.flags & SHF_EXECINSTR) !== 0 && s.type !== SHT_NOBITS && s.size > 0);
  if (exec.length === 0) lines.push('', 'no executable sections');
  for (const sec of exec) lines.push(...listSection(elf, sec, choice.flavour, labels, where, decode));
  return `${lines.join('\n')}\n`;
}

export function registerDisasm(program: Command): void {
  program
    .command('disasm')
    .description('disassemble the executable sections of an ELF (objdump-like listing)')
    .argument('<elf>', 'ELF32 RISC-V executable or object')
    .addOption(new Option('--config <preset>', 'take the flavour of this core configuration').choices(Object.keys(presets)))
    .addOption(new Option('--flavour <flavour>', 'encodings of the PULP extensions (default: from the ELF, else xpulpv2)').choices(['xpulpv2', 'corev']))
    .action((file: string, opts: DisasmCliOptions) => {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(file);
      } catch (e) {
        throw new Error(`cannot read ${file}: ${(e as Error).message}`);
      }
      process.stdout.write(disasmListing(readElf(bytes, file), opts));
    });
}
