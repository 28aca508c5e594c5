// The linker: places the assembler's sections by a layout, resolves relocations by re-encoding instruction
// fields through the ISA table (so an out-of-range branch is a link error naming its source line), checks the
// placed sections against the memory map, and writes an ELF executable with symbols.
import type { MemRegion } from '../../rtl/config/index.ts';
import { encode } from '../../rtl/isa/table.ts';
import { AsmFailure, Diagnostics, type SourceLoc } from './asm/diagnostics.ts';
import type { AsmObject, LinkTarget, ObjSection, Relocation } from './asm/object.ts';
import { EF_RISCV_RVC, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS, writeElf } from './elf.ts';
import type { ElfSymbolSpec } from './elf.ts';
import { type Layout, alignUp, globMatch, gnuDefaultLayout } from './linker_script.ts';

export interface LinkOptions {
  /** Section layout; default GNU ld's for `-Ttext=textBase`. */
  layout?: Layout;
  /** Base address of .text for the default layout (GNU `-Ttext`); default 0. */
  textBase?: number;
  /** Entry symbol; default the layout's ENTRY, else `_start`; without it, the start of the first code section. */
  entry?: string;
  /** When given, every allocated section must lie inside one region. */
  memory?: MemRegion[];
  /** ELF e_flags: EF_RISCV_RVC when the target has the C extension (default true). */
  rvc?: boolean;
}

export interface LinkedSection {
  name: string;
  addr: number;
  size: number;
  /** Contents (zeros for NOBITS). */
  bytes: Uint8Array;
  nobits: boolean;
  write: boolean;
  exec: boolean;
  align: number;
}

export interface LinkedSymbol {
  name: string;
  value: number;
  global: boolean;
  section: string | null;
  type?: 'func' | 'object';
  size?: number;
}

export interface LinkResult {
  sections: LinkedSection[];
  symbols: LinkedSymbol[];
  entry: number;
}

interface Placed {
  obj: AsmObject;
  sec: ObjSection;
  out: string;
  addr: number;
}

/** Links assembled objects into placed sections. Throws AsmFailure listing every error. */
export function link(objects: AsmObject[], opts: LinkOptions = {}): LinkResult {
  const diags = new Diagnostics();
  const layout = opts.layout ?? gnuDefaultLayout(opts.textBase ?? 0);
  const inputs = objects.flatMap((obj) => obj.sections.filter((s) => s.alloc).map((sec) => ({ obj, sec })));
  const taken = new Set<ObjSection>();
  const placed: Placed[] = [];
  const outs: LinkedSection[] = [];

  // Assign inputs to output statements (first matching statement wins, like ld); orphans by class.
  const assigned = new Map<number, Array<{ obj: AsmObject; sec: ObjSection }>>();
  layout.statements.forEach((st, i) => {
    if (st.kind !== 'output') return;
    const list: Array<{ obj: AsmObject; sec: ObjSection }> = [];
    for (const inp of inputs) {
      if (taken.has(inp.sec)) continue;
      if (st.patterns.some((p) => globMatch(p, inp.sec.name))) {
        list.push(inp);
        taken.add(inp.sec);
      }
    }
    assigned.set(i, list);
  });
  const orphans = inputs.filter((i) => !taken.has(i.sec));
  const orphanOuts: Array<{ after: number; name: string; list: Array<{ obj: AsmObject; sec: ObjSection }> }> = [];
  for (const o of orphans) {
    const cls = o.sec.nobits ? 'bss' : o.sec.exec ? 'text' : o.sec.write ? 'data' : 'rodata';
    let after = -1;
    layout.statements.forEach((st, i) => {
      if (st.kind === 'output' && (st.orphanClass === cls || (after < 0 && st.orphanClass === undefined))) after = i;
    });
    if (after < 0) after = layout.statements.length - 1;
    const existing = orphanOuts.find((x) => x.name === o.sec.name);
    if (existing) existing.list.push(o);
    else orphanOuts.push({ after, name: o.sec.name, list: [o] });
  }

  let dot = 0;
  const placeOutput = (name: string, list: Array<{ obj: AsmObject; sec: ObjSection }>, addr: number | undefined, endAlign?: number): void => {
    const align = Math.max(1, ...list.map((x) => x.sec.align));
    let start = addr ?? alignUp(dot, align);
    if (addr !== undefined && addr % align !== 0) start = alignUp(addr, align);
    let off = 0;
    const parts: Array<{ sec: ObjSection; off: number }> = [];
    for (const { obj, sec } of list) {
      off = alignUp(start + off, sec.align) - start;
      parts.push({ sec, off });
      placed.push({ obj, sec, out: name, addr: start + off });
      off += sec.size;
    }
    if (endAlign && off > 0) off = alignUp(start + off, endAlign) - start;
    dot = start + off;
    if (list.length === 0) return;
    const bytes = new Uint8Array(off);
    for (const p of parts) bytes.set(p.sec.bytes.subarray(0, p.sec.size), p.off);
    outs.push({
      name,
      addr: start,
      size: off,
      bytes,
      nobits: list.every((x) => x.sec.nobits),
      write: list.some((x) => x.sec.write),
      exec: list.some((x) => x.sec.exec),
      align,
    });
  };
  layout.statements.forEach((st, i) => {
    if (st.kind === 'dot') dot = st.expr(dot);
    else placeOutput(st.name, assigned.get(i) ?? [], st.addr?.(dot), st.endAlign);
    for (const o of orphanOuts.filter((x) => x.after === i)) placeOutput(o.name, o.list, undefined);
  });

  // Symbols.
  const base = (obj: AsmObject, section: string): number | undefined =>
    placed.find((p) => p.obj === obj && p.sec.name === section)?.addr;
  const globals = new Map<string, { value: number; loc: SourceLoc }>();
  const symbols: LinkedSymbol[] = [];
  for (const obj of objects) {
    for (const s of obj.symbols) {
      let value = s.value;
      let section: string | null = null;
      if (s.section !== null) {
        const b = base(obj, s.section);
        const p = placed.find((x) => x.obj === obj && x.sec.name === s.section);
        if (b === undefined) continue; // a symbol of a non-allocated section
        value = (b + s.value) >>> 0;
        section = p?.out ?? null;
      }
      const ls: LinkedSymbol = { name: s.name, value, global: s.global, section };
      if (s.type) ls.type = s.type;
      if (s.size !== undefined) ls.size = s.size;
      symbols.push(ls);
      if (s.global) {
        const old = globals.get(s.name);
        if (old) diags.error(s.loc, `symbol '${s.name}' is defined twice (also at ${old.loc.file}:${old.loc.line})`);
        else globals.set(s.name, { value, loc: s.loc });
      }
    }
  }

  // Relocations.
  const resolve = (obj: AsmObject, t: LinkTarget, loc: SourceLoc): number | undefined => {
    if (t.kind === 'abs') return t.value;
    if (t.kind === 'section') {
      const b = base(obj, t.section);
      if (b === undefined) {
        diags.error(loc, `section '${t.section}' is not placed in memory`);
        return undefined;
      }
      return b + t.offset;
    }
    const local = obj.symbols.find((s) => s.name === t.name && !s.global);
    if (local) {
      const b = local.section === null ? 0 : base(obj, local.section);
      if (b !== undefined) return b + local.value + t.addend;
    }
    const g = globals.get(t.name);
    if (!g) {
      diags.error(loc, `undefined symbol '${t.name}'`);
      return undefined;
    }
    return g.value + t.addend;
  };
  for (const p of placed) {
    const out = outs.find((o) => o.name === p.out)!;
    const secOff = p.addr - out.addr;
    for (const r of p.sec.relocs) {
      const P = p.addr + r.offset;
      const S = resolve(p.obj, r.target, r.loc);
      if (S === undefined) continue;
      if (r.kind === 'data') {
        const v = S >>> 0;
        if (r.size < 4 && (S >= 2 ** (8 * r.size) || S < -(2 ** (8 * r.size - 1)))) {
          diags.error(r.loc, `address 0x${v.toString(16)} does not fit in ${r.size} byte${r.size > 1 ? 's' : ''}`);
          continue;
        }
        writeLe(out.bytes, secOff + r.offset, v, r.size);
        continue;
      }
      const value = fieldValue(r, S, P, p, placed, resolve, diags);
      if (value === undefined) continue;
      try {
        const word = encode(r.enc, { ...r.ops, [r.field]: value });
        writeLe(out.bytes, secOff + r.offset, word >>> 0, r.enc.size);
      } catch (e) {
        const what = r.mode === 'pcrel' ? `target ${hex(S)} is out of reach of ${r.enc.mnemonic} at ${hex(P)}` : `relocation of ${r.enc.mnemonic} at ${hex(P)} does not fit`;
        diags.error(r.loc, `${what}: ${(e as Error).message}`);
      }
    }
  }

  // Memory map.
  if (opts.memory) {
    for (const o of outs) {
      if (o.size === 0) continue;
      const ok = opts.memory.some((m) => o.addr >= m.base && o.addr + o.size <= m.base + m.size);
      if (!ok) {
        const regions = opts.memory.map((m) => `${m.name} ${hex(m.base)}..${hex(m.base + m.size - 1)}`).join(', ');
        diags.error(
          { file: objects[0]?.file ?? '<link>', line: 0, col: 0 },
          `section ${o.name} at ${hex(o.addr)}..${hex(o.addr + o.size - 1)} is not inside one memory region (${regions})`,
        );
      }
    }
  }

  // Entry.
  const entryName = opts.entry ?? layout.entry ?? '_start';
  let entry = globals.get(entryName)?.value ?? symbols.find((s) => s.name === entryName)?.value;
  if (entry === undefined) entry = outs.find((o) => o.exec)?.addr ?? outs[0]?.addr ?? 0;

  diags.check();
  return { sections: outs, symbols, entry };
}

function fieldValue(
  r: Extract<Relocation, { kind: 'field' }>,
  S: number,
  P: number,
  p: Placed,
  placed: Placed[],
  resolve: (obj: AsmObject, t: LinkTarget, loc: SourceLoc) => number | undefined,
  diags: Diagnostics,
): number | undefined {
  const hi20 = (v: number): number => (((v + 0x800) | 0) >>> 12) & 0xfffff;
  const lo12 = (v: number): number => (v << 20) >> 20;
  switch (r.mode) {
    case 'pcrel':
      return (S - P) | 0;
    case 'abs':
      return S;
    case 'hi':
      return hi20(S);
    case 'lo':
      return lo12(S);
    case 'pcrel_hi':
      return hi20((S - P) | 0);
    case 'pcrel_lo': {
      // S is the address of the auipc; its pcrel_hi relocation names the real target.
      for (const q of placed) {
        if (q.obj !== p.obj) continue;
        for (const h of q.sec.relocs) {
          if (h.kind === 'field' && h.mode === 'pcrel_hi' && q.addr + h.offset === S) {
            const T = resolve(q.obj, h.target, h.loc);
            return T === undefined ? undefined : lo12((T - S) | 0);
          }
        }
      }
      diags.error(r.loc, `%pcrel_lo: no auipc with %pcrel_hi at ${hex(S)}`);
      return undefined;
    }
  }
}

function writeLe(b: Uint8Array, off: number, v: number, n: number): void {
  for (let i = 0; i < n; i++) b[off + i] = Math.floor(v / 2 ** (8 * i)) & 0xff;
}

function hex(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}

/** The ELF executable of a link result (symbols included, so `tohost` and friends are found by the loader). */
export function linkedElf(r: LinkResult, opts: { rvc?: boolean } = {}): Uint8Array {
  const symbols: ElfSymbolSpec[] = r.symbols.map((s) => {
    const spec: ElfSymbolSpec = {
      name: s.name,
      value: s.value,
      bind: s.global ? 'global' : 'local',
      section: s.section ?? 'ABS',
    };
    if (s.type) spec.type = s.type;
    if (s.size !== undefined) spec.size = s.size;
    return spec;
  });
  return writeElf({
    sections: r.sections.map((s) => {
      const flags = SHF_ALLOC | (s.write ? SHF_WRITE : 0) | (s.exec ? SHF_EXECINSTR : 0);
      return s.nobits
        ? { name: s.name, addr: s.addr, size: s.size, flags, align: s.align, type: SHT_NOBITS }
        : { name: s.name, addr: s.addr, data: s.bytes, flags, align: s.align };
    }),
    symbols,
    entry: r.entry,
    flags: opts.rvc === false ? 0 : EF_RISCV_RVC,
  });
}

/** Failure type of `link` (re-exported for callers that catch it). */
export { AsmFailure };
