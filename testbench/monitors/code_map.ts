// Address -> name maps over the code: functions from ELF symbols, kernel phases from the generated code's labels.
// A lookup per cycle must be cheap and allocation-free: disjoint sorted intervals, the last hit cached (a core
// stays in one function for many cycles), binary search otherwise.
import type { Elf } from '../../kernels/toolchain/elf.ts';

const SHF_EXECINSTR = 0x4;

export interface CodeRange {
  name: string;
  lo: number;
  /** Exclusive. */
  hi: number;
}

export class CodeMap {
  /** names[0] is the name of addresses no range covers. */
  readonly names: readonly string[];
  private readonly lo: Uint32Array;
  private readonly hi: Uint32Array;
  private readonly idx: Uint16Array;
  private last = 0;

  /**
   * Later ranges paint over earlier ones (a phase inside a larger one: QntPack blocks inside the MatMul loop).
   * `outside` names the addresses no range covers.
   */
  constructor(ranges: readonly CodeRange[], outside: string) {
    const names: string[] = [outside];
    const nameIdx = new Map<string, number>([[outside, 0]]);
    for (const r of ranges) {
      if (!Number.isInteger(r.lo) || !Number.isInteger(r.hi) || r.lo < 0 || r.hi < r.lo || r.hi > 0x1_0000_0000) {
        throw new RangeError(`code map: range '${r.name}' [${r.lo}, ${r.hi}) is not an address interval`);
      }
      if (!nameIdx.has(r.name)) {
        nameIdx.set(r.name, names.length);
        names.push(r.name);
      }
    }
    if (names.length > 0xffff) throw new RangeError(`code map: ${names.length} names, at most 65535`);
    const cuts = [...new Set(ranges.flatMap((r) => [r.lo, r.hi]))].sort((a, b) => a - b);
    const lo: number[] = [];
    const hi: number[] = [];
    const idx: number[] = [];
    for (let k = 0; k + 1 < cuts.length; k++) {
      const a = cuts[k]!;
      const b = cuts[k + 1]!;
      let owner = -1;
      for (let j = ranges.length - 1; j >= 0; j--) {
        if (ranges[j]!.lo <= a && ranges[j]!.hi >= b) {
          owner = nameIdx.get(ranges[j]!.name)!;
          break;
        }
      }
      if (owner < 0) continue;
      if (idx.length > 0 && idx[idx.length - 1] === owner && hi[hi.length - 1] === a) hi[hi.length - 1] = b;
      else {
        lo.push(a);
        hi.push(b);
        idx.push(owner);
      }
    }
    this.names = names;
    this.lo = Uint32Array.from(lo);
    this.hi = Uint32Array.from(hi.map((h) => Math.min(h, 0xffffffff)));
    this.idx = Uint16Array.from(idx);
  }

  /** Index into `names` of the range holding `pc` (0 when none does). */
  indexOf(pc: number): number {
    const lo = this.lo;
    const hi = this.hi;
    const n = lo.length;
    if (n === 0) return 0;
    const p = pc >>> 0;
    let k = this.last;
    if (p >= lo[k]! && p < hi[k]!) return this.idx[k]!;
    let a = 0;
    let b = n - 1;
    while (a <= b) {
      const m = (a + b) >>> 1;
      if (p < lo[m]!) b = m - 1;
      else if (p >= hi[m]!) a = m + 1;
      else {
        this.last = m;
        return this.idx[m]!;
      }
    }
    return 0;
  }

  nameOf(pc: number): string {
    return this.names[this.indexOf(pc)]!;
  }

  /** The intervals after painting, in address order (for tests and reports). */
  intervals(): CodeRange[] {
    return Array.from(this.lo, (l, k) => ({ name: this.names[this.idx[k]!]!, lo: l, hi: this.hi[k]! }));
  }
}

function execSections(elf: Elf): { lo: number; hi: number; index: number }[] {
  return elf.sections.filter((s) => s.index > 0 && (s.flags & SHF_EXECINSTR) !== 0 && s.size > 0).map((s) => ({ lo: s.addr >>> 0, hi: (s.addr + s.size) >>> 0, index: s.index }));
}

/**
 * Functions from the ELF's symbols in executable sections: every global or local symbol that is not an
 * assembler-local label (`.L*`) or a mapping symbol (`$x`) starts a function, which runs to its size when it has
 * one, else to the next such symbol or the end of its section. Hand-written assembly rarely sets `.size`, so the
 * next-symbol rule is what most ranges use.
 */
export function functionMap(elf: Elf): CodeMap {
  const secs = execSections(elf);
  const syms = elf.symbols
    .filter((s) => s.name !== '' && !s.name.startsWith('.L') && !s.name.startsWith('$') && s.type !== 'section' && s.type !== 'file')
    .filter((s) => secs.some((x) => x.index === s.shndx))
    .map((s) => ({ name: s.name, value: s.value >>> 0, size: s.size, global: s.bind !== 'local' }))
    .sort((a, b) => a.value - b.value || Number(b.global) - Number(a.global));
  const ranges: CodeRange[] = [];
  for (let k = 0; k < syms.length; k++) {
    const s = syms[k]!;
    if (k > 0 && syms[k - 1]!.value === s.value) continue; // aliases: the global (sorted first) names the code
    const sec = secs.find((x) => s.value >= x.lo && s.value < x.hi);
    if (!sec) continue;
    let end = sec.hi;
    for (let j = k + 1; j < syms.length; j++) {
      if (syms[j]!.value > s.value) {
        end = Math.min(end, syms[j]!.value);
        break;
      }
    }
    if (s.size > 0) end = Math.min(s.value + s.size, sec.hi);
    ranges.push({ name: s.name, lo: s.value, hi: end });
  }
  return new CodeMap(ranges, '(unknown)');
}
