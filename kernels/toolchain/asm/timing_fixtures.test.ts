// The strongest independent check of assembler + linker: every timing-vector program was built by a reference
// toolchain into the committed .elf (ri5cy, ri5cy_v1, cluster/system: GNU as/ld 2.40 with
// `-Wl,-Ttext=0|0x1C000000 -Wl,--no-relax -Wa,-I.`; cv32e40p: clang-19 / ld.lld-19 with link.ld). We assemble
// the same .S with our assembler, link the same way, and require the same loaded bytes at the same addresses
// and the same addresses for the symbols the testbench uses.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Elf, SHF_ALLOC, SHT_NOBITS, readElf } from '../elf.ts';
import { link, linkedElf } from '../linker.ts';
import { parseLinkerScript } from '../linker_script.ts';
import { assembleFile } from './assembler.ts';

const ROOT = join(import.meta.dirname, '../../../testbench/fixtures/timing');

/**
 * Address -> byte of what a loader puts in memory: the PT_LOAD segments (file bytes, then zeros up to memsz),
 * restricted to the allocated sections. GNU ld maps the ELF headers into the first segment of the cluster
 * programs (it starts at 0x1BFFF000, below .text): those bytes are not the program.
 */
function loadedImage(elf: Elf): Map<number, number> {
  const inSection = (a: number): boolean =>
    elf.sections.some((s) => (s.flags & SHF_ALLOC) !== 0 && s.size > 0 && a >= s.addr && a < s.addr + s.size);
  const img = new Map<number, number>();
  for (const seg of elf.segments) {
    for (let i = 0; i < seg.memsz; i++) {
      const a = seg.vaddr + i;
      if (inSection(a)) img.set(a, i < seg.filesz ? seg.data[i]! : 0);
    }
  }
  // NOBITS sections are zero in memory even when no segment covers them explicitly.
  for (const s of elf.sections) {
    if (s.type === SHT_NOBITS && (s.flags & SHF_ALLOC) !== 0) for (let i = 0; i < s.size; i++) img.set(s.addr + i, 0);
  }
  return img;
}

function firstDifference(ref: Map<number, number>, ours: Map<number, number>): string | undefined {
  for (const [a, b] of ref) {
    const o = ours.get(a);
    if (o !== b) return `at 0x${a.toString(16)}: reference 0x${b.toString(16)}, ours ${o === undefined ? 'not loaded' : '0x' + o.toString(16)}`;
  }
  for (const a of ours.keys()) if (!ref.has(a)) return `ours loads 0x${a.toString(16)}, the reference does not`;
  return undefined;
}

const SYMBOLS = ['_start', 'tohost', 'results', 'results_count'];

interface Folder {
  dir: string;
  flavour: 'xpulpv2' | 'corev';
  link: { textBase: number } | { script: string };
}

const folders: Folder[] = [
  { dir: 'ri5cy', flavour: 'xpulpv2', link: { textBase: 0 } },
  { dir: 'ri5cy_v1', flavour: 'xpulpv2', link: { textBase: 0 } },
  { dir: 'cluster/system', flavour: 'xpulpv2', link: { textBase: 0x1c000000 } },
  { dir: 'cv32e40p', flavour: 'corev', link: { script: 'link.ld' } },
];

for (const f of folders) {
  const dir = join(ROOT, f.dir);
  const sources = readdirSync(dir).filter((n) => n.endsWith('.S'));
  describe(`timing fixtures ${f.dir}: our assembler and linker reproduce the reference ELF`, () => {
    it('has programs to check', () => {
      expect(sources.length).toBeGreaterThan(4);
    });
    const layout = 'script' in f.link ? parseLinkerScript(readFileSync(join(dir, f.link.script), 'utf8'), f.link.script) : undefined;
    for (const name of sources) {
      it(name, () => {
        const { object } = assembleFile(join(dir, name), { flavour: f.flavour, rvc: true });
        const linked = link([object], layout ? { layout } : { textBase: (f.link as { textBase: number }).textBase });
        const ours = readElf(linkedElf(linked), `ours/${name}`);
        const ref = readElf(new Uint8Array(readFileSync(join(dir, name.replace(/\.S$/, '.elf')))), name);
        const refImg = loadedImage(ref);
        expect(refImg.size).toBeGreaterThan(0);
        expect(firstDifference(refImg, loadedImage(ours))).toBeUndefined();
        expect(ours.entry).toBe(ref.entry);
        for (const s of SYMBOLS) {
          const r = ref.symbols.find((x) => x.name === s);
          if (!r) continue;
          expect(ours.symbols.find((x) => x.name === s)?.value, `symbol ${s}`).toBe(r.value);
        }
      });
    }
  });
}
