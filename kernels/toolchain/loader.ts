// Places an executable's PT_LOAD segments into the memories of the model (or of the ISS). Segments go to their
// physical address (p_paddr), the address the bytes occupy after reset, as a bare-metal boot loader or a debug
// probe would place them; for every ELF our linker and the fixtures produce p_paddr equals p_vaddr.
import { findRegion, type MemRegion } from '../../rtl/config/index.ts';
import { ET_EXEC, PF_R, PF_W, PF_X, type Elf, ElfError } from './elf.ts';

export interface LoadedSegment {
  /** Index of the program header. */
  index: number;
  addr: number;
  /** Bytes written from the file (p_filesz). */
  filesz: number;
  /** Bytes occupied in memory (p_memsz); the part past `filesz` is written as zeros. */
  memsz: number;
  region: string;
}

export interface LoadResult {
  entry: number;
  segments: LoadedSegment[];
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

function flagsText(flags: number): string {
  return `${flags & PF_R ? 'R' : '-'}${flags & PF_W ? 'W' : '-'}${flags & PF_X ? 'X' : '-'}`;
}

export function describeMap(memory: MemRegion[]): string {
  return memory.map((r) => `${r.name} [${hex(r.base)}, ${hex(r.base + r.size)})`).join(', ');
}

/**
 * Writes every PT_LOAD segment of `elf` through `write` (file bytes, then zeros up to memsz). All segments are
 * checked against `memory` before anything is written, so a refused ELF leaves memory untouched. The entry
 * point must lie in a loaded executable segment's range or at least in mapped memory.
 */
export function loadElf(elf: Elf, memory: MemRegion[], write: (addr: number, bytes: Uint8Array) => void): LoadResult {
  if (elf.type !== ET_EXEC) {
    const kind = elf.type === 1 ? 'a relocatable object (link it first)' : `of ELF type ${elf.type}`;
    throw new ElfError(elf.name, `cannot load: the file is ${kind}, not an executable (ET_EXEC)`);
  }
  const planned: LoadedSegment[] = [];
  for (const seg of elf.segments) {
    if (seg.memsz === 0) continue;
    const end = seg.paddr + seg.memsz;
    const region = findRegion(memory, seg.paddr, seg.memsz);
    if (!region) {
      throw new ElfError(
        elf.name,
        `cannot load segment ${seg.index} (${flagsText(seg.flags)}, ${seg.memsz} bytes) at [${hex(seg.paddr)}, ${hex(end)}): ` +
          `it does not fit inside one region of the memory map: ${describeMap(memory)}`,
      );
    }
    planned.push({ index: seg.index, addr: seg.paddr, filesz: seg.filesz, memsz: seg.memsz, region: region.name });
  }
  if (!findRegion(memory, elf.entry, 2)) {
    throw new ElfError(elf.name, `entry point ${hex(elf.entry)} is outside the memory map: ${describeMap(memory)}`);
  }
  for (const seg of elf.segments) {
    if (seg.memsz === 0) continue;
    if (seg.filesz > 0) write(seg.paddr, seg.data);
    if (seg.memsz > seg.filesz) write(seg.paddr + seg.filesz, new Uint8Array(seg.memsz - seg.filesz));
  }
  return { entry: elf.entry, segments: planned };
}
