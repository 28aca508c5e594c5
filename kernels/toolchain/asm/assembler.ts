// The assembler: GNU `as` syntax in, an AsmObject (sections, relocations, symbols) out.
//
// Assembly runs whole passes over the source (macro expansion, conditionals and all) until every label keeps
// its address from one pass to the next; forward references read the previous pass's values. That settles
// `.org`, `.balign`, `li` of a later `.equ`, and the choice between a compressed and a full branch, without a
// separate fix-up machinery. Diagnostics of the last pass are the ones reported.
import type { Ext, Flavour, OperandName, Operands } from '../../../rtl/isa/types.ts';
import { fitsField, zeroOperands } from '../../../rtl/isa/fields.ts';
import { OPTIONAL_EXTS, checkExtensions, encode } from '../../../rtl/isa/table.ts';
import { AsmError, AsmFailure, type Diagnostic, Diagnostics, type SourceLoc } from './diagnostics.ts';
import {
  type InstrForm,
  InstrTable,
  MatchError,
  type ParsedOperands,
  findCompressed,
  fits,
  matchForm,
  parseTemplate,
  rangeMessage,
} from './encoder.ts';
import { type EvalContext, type Value, TokenStream, describe, evalExpr, parseExpr } from './expr.ts';
import { splitStatements, stripComment, tokenize } from './lexer.ts';
import type { AsmObject, FieldMode, LinkTarget, ObjSymbol } from './object.ts';
import { type Emit, pseudos } from './pseudo.ts';
import { SectionBuf, defaultFlags, parseSectionFlags } from './sections.ts';
import { type SourceReader, diskReader, includeCandidates } from './source.ts';

export interface AsmOptions {
  flavour: Flavour;
  /** The C extension is available and compression is on at the start (GNU `-march=..c`); `.option` changes it. */
  rvc: boolean;
  /**
   * Whose conventions to follow where GNU `as` and LLVM differ: a bare number as a branch target (GNU: an
   * address, LLVM: an offset), code alignment padding, padding of code sections to their alignment.
   * Default: 'llvm' for the corev flavour (its reference assembler is LLVM 19), 'gnu' otherwise.
   */
  dialect?: 'gnu' | 'llvm';
  includeDirs?: string[];
  reader?: SourceReader;
  /** Upper bound on assembly passes (labels must settle within it). */
  maxPasses?: number;
  /**
   * Optional extensions enabled at the start (rtl/isa `OPTIONAL_EXTS`, e.g. 'XpulpNN'; default none);
   * `.option xpulpnn` / `.option noxpulpnn` change it in the source.
   */
  extensions?: Ext[];
}

export interface AsmResult {
  object: AsmObject;
  warnings: Diagnostic[];
}

interface Line {
  text: string;
  loc: SourceLoc;
}

interface MacroParam {
  name: string;
  def?: string;
  vararg: boolean;
}

interface MacroDef {
  name: string;
  params: MacroParam[];
  body: Line[];
}

interface Cond {
  /** This branch is being assembled. */
  active: boolean;
  /** Some branch of this .if chain has been taken. */
  done: boolean;
  /** The enclosing region is active. */
  outer: boolean;
  loc: SourceLoc;
}

interface SymEntry {
  value: Value;
  loc: SourceLoc;
  label: boolean;
}

/** What carries from one pass to the next. */
interface PassMemory {
  symbols: Map<string, Value>;
  locals: Map<number, Value[]>;
  /** Instructions (by ordinal) that must stay in their full-size encoding. */
  long: Set<number>;
}

class StopAssembly extends Error {}

const IDENT = /^[A-Za-z_.$][A-Za-z0-9_.$]*/;

/** Assembles `source` (the text of `file`). Throws AsmFailure with every collected error. */
export function assemble(source: string, file: string, opts: AsmOptions): AsmResult {
  const maxPasses = opts.maxPasses ?? 12;
  let memory: PassMemory = { symbols: new Map(), locals: new Map(), long: new Set() };
  let last: Pass | undefined;
  for (let n = 0; n < maxPasses; n++) {
    const pass = new Pass(opts, memory, n === 0);
    pass.run(source, file);
    const next = pass.memory();
    if (n > 0 && sameLayout(memory, next)) {
      last = pass;
      break;
    }
    memory = next;
    last = pass;
    if (pass.diags.full) break;
  }
  const p = last!;
  if (p.diags.errorCount === 0 && !sameLayout(memory, p.memory())) {
    p.diags.error({ file, line: 1, col: 1 }, `label addresses did not settle within ${maxPasses} passes`);
  }
  p.diags.check();
  return { object: p.object(file), warnings: p.diags.warnings };
}

/** Assembles a file from disk (or from `opts.reader`). */
export function assembleFile(path: string, opts: AsmOptions): AsmResult {
  const reader = opts.reader ?? diskReader;
  const text = reader.read(path);
  if (text === undefined) {
    throw new AsmFailure([{ severity: 'error', loc: { file: path, line: 0, col: 0 }, message: `cannot read '${path}'` }]);
  }
  return assemble(text, path, opts);
}

function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.kind !== b.kind || a.v !== b.v) return false;
  if (a.kind === 'rel' && b.kind === 'rel') return a.section === b.section;
  if (a.kind === 'ext' && b.kind === 'ext') return a.sym === b.sym;
  return true;
}

function sameLayout(a: PassMemory, b: PassMemory): boolean {
  if (a.symbols.size !== b.symbols.size || a.locals.size !== b.locals.size || a.long.size !== b.long.size) return false;
  for (const [k, v] of a.symbols) if (!sameValue(v, b.symbols.get(k))) return false;
  for (const [k, v] of a.locals) {
    const w = b.locals.get(k);
    if (!w || w.length !== v.length || v.some((x, i) => !sameValue(x, w[i]))) return false;
  }
  return true;
}

const tables = new Map<string, InstrTable>();
function instrTable(flavour: Flavour, rvc: boolean): InstrTable {
  const key = `${flavour}/${rvc}`;
  let t = tables.get(key);
  if (!t) {
    t = new InstrTable(flavour, rvc);
    tables.set(key, t);
  }
  return t;
}

class Pass {
  readonly diags = new Diagnostics();
  private readonly table: InstrTable;
  private readonly dialect: 'gnu' | 'llvm';
  private readonly reader: SourceReader;
  private readonly sections = new Map<string, SectionBuf>();
  private cur: SectionBuf;
  private prevSection: SectionBuf;
  private readonly sectionStack: Array<{ cur: SectionBuf; prev: SectionBuf }> = [];
  private readonly syms = new Map<string, SymEntry>();
  private readonly globals = new Set<string>();
  private readonly types = new Map<string, 'func' | 'object'>();
  private readonly sizes = new Map<string, number>();
  private readonly locals = new Map<number, Value[]>();
  private readonly macros = new Map<string, MacroDef>();
  private readonly conds: Cond[] = [];
  private rvc: boolean;
  /** Optional extensions currently enabled. */
  private exts: Set<Ext>;
  private readonly optionStack: Array<{ rvc: boolean; exts: Set<Ext> }> = [];
  private macroCounter = 0;
  private instrOrdinal = 0;
  private readonly long: Set<number>;
  private usesRvc = false;
  private includeDepth = 0;

  constructor(
    private readonly opts: AsmOptions,
    private readonly prev: PassMemory,
    private readonly firstPass: boolean,
  ) {
    this.table = instrTable(opts.flavour, opts.rvc);
    this.dialect = opts.dialect ?? (opts.flavour === 'corev' ? 'llvm' : 'gnu');
    this.reader = opts.reader ?? diskReader;
    this.rvc = opts.rvc;
    this.exts = new Set(checkExtensions(opts.extensions ?? [], 'assembler option extensions'));
    this.long = new Set(prev.long);
    this.cur = this.section('.text');
    this.prevSection = this.cur;
    this.section('.data');
    this.section('.bss');
  }

  memory(): PassMemory {
    const symbols = new Map<string, Value>();
    for (const [k, e] of this.syms) symbols.set(k, e.value);
    return { symbols, locals: new Map(this.locals), long: new Set(this.long) };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Driving

  run(source: string, file: string): void {
    try {
      this.runLines(toLines(source, file));
    } catch (e) {
      if (!(e instanceof StopAssembly)) throw e;
    }
    for (const c of this.conds) this.diags.error(c.loc, 'missing .endif for this conditional');
    if (this.dialect === 'gnu') {
      // GNU as pads each code section to its alignment at the end (with nops, as for .balign).
      for (const s of this.sections.values()) {
        if (s.flags.exec && s.size % s.align !== 0) {
          const saved = this.cur;
          this.cur = s;
          this.codeAlign(s.align);
          this.cur = saved;
        }
      }
    }
    for (const s of this.sections.values()) {
      if (s.dirtyNobits) this.diags.error({ file, line: 1, col: 1 }, `non-zero data in NOBITS section ${s.name}`);
    }
  }

  private active(): boolean {
    return this.conds.length === 0 || this.conds[this.conds.length - 1]!.active;
  }

  private runLines(lines: Line[]): void {
    for (let i = 0; i < lines.length; i++) {
      if (this.diags.full) throw new StopAssembly();
      const line = lines[i]!;
      const text = stripComment(line.text);
      for (const stmt of splitStatements(text)) {
        const loc: SourceLoc = { ...line.loc, col: stmt.offset + 1 };

        try {
          const consumed = this.statement(stmt.text, loc, lines, i);
          if (consumed !== undefined) {
            i = consumed;
            break;
          }
        } catch (e) {
          if (e instanceof AsmError) this.diags.error(e.loc, e.message);
          else if (e instanceof StopAssembly) throw e;
          else throw e;
        }
      }
    }
  }

  /**
   * One statement. Returns the index of the last line consumed when the statement took following lines
   * (.macro ... .endm, .rept ... .endr), else undefined.
   */
  private statement(raw: string, loc: SourceLoc, lines: Line[], index: number): number | undefined {
    let text = raw;
    let col = loc.col;
    const skipWs = (): void => {
      const m = /^\s*/.exec(text)![0].length;
      text = text.slice(m);
      col += m;
    };
    skipWs();
    if (text === '') return undefined;

    if (!this.active()) {
      // Skipped region: only conditional directives count (to find the matching .else/.endif).
      const w = /^(?:[A-Za-z_.$][\w.$]*\s*:\s*)*([.A-Za-z_$][\w.$]*)/.exec(text)?.[1] ?? '';
      if (w.startsWith('.if')) this.conds.push({ active: false, done: true, outer: false, loc: { ...loc, col } });
      else if (w === '.else' || w === '.elseif' || w === '.endif') {
        this.condDirective(w, text.slice(w.length), { ...loc, col }, col + w.length);
      }
      return undefined;
    }

    // Labels.
    for (;;) {
      const m = /^([A-Za-z_.$][\w.$]*|[0-9]+)\s*:(?![=:])/.exec(text);
      if (!m) break;
      this.defineLabel(m[1]!, { ...loc, col });
      text = text.slice(m[0].length);
      col += m[0].length;
      skipWs();
    }
    if (text === '') return undefined;

    // sym = expr
    const asg = /^([A-Za-z_.$][\w.$]*)\s*=(?!=)\s*/.exec(text);
    if (asg) {
      const ts = this.stream(text.slice(asg[0].length), { ...loc, col: col + asg[0].length });
      this.setSymbol(asg[1]!, ts, { ...loc, col }, false);
      return undefined;
    }

    const wm = /^[A-Za-z_.$][\w.$]*/.exec(text);
    if (!wm) throw new AsmError({ ...loc, col }, `expected a label, directive or instruction, found '${text.trim()}'`);
    const word = wm[0];
    const wordLoc: SourceLoc = { ...loc, col };
    const rest = text.slice(word.length);
    const restCol = col + word.length;

    if (word.startsWith('.') && word !== '.') {
      const consumed = this.directive(word.toLowerCase(), rest, restCol, wordLoc, lines, index);
      return consumed;
    }
    const macro = this.macros.get(word);
    if (macro) {
      this.expandMacro(macro, rest, wordLoc);
      return undefined;
    }
    this.instruction(word, rest, restCol, wordLoc);
    return undefined;
  }

  private stream(text: string, loc: SourceLoc): TokenStream {
    const toks = tokenize(text, loc, loc.col);
    return new TokenStream(toks, loc, loc.col + text.trimEnd().length);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Symbols

  private evalCtx(): EvalContext {
    return {
      symbol: (name) => {
        const e = this.syms.get(name);
        if (e) return e.value;
        return this.prev.symbols.get(name);
      },
      local: (n, dir) => {
        const defs = this.locals.get(n) ?? [];
        if (dir === 'b') return defs[defs.length - 1];
        const prev = this.prev.locals.get(n);
        if (prev) return prev[defs.length];
        // First pass: a forward local label is not known yet; any address in this section will do for now.
        return this.firstPass ? this.dot() : undefined;
      },
      dot: () => this.dot(),
    };
  }

  private dot(): Value {
    return { kind: 'rel', section: this.cur.name, v: BigInt(this.cur.size) };
  }

  private defineLabel(name: string, loc: SourceLoc): void {
    const v = this.dot();
    if (/^[0-9]+$/.test(name)) {
      const n = Number(name);
      const l = this.locals.get(n) ?? [];
      l.push(v);
      this.locals.set(n, l);
      return;
    }
    const old = this.syms.get(name);
    if (old) throw new AsmError(loc, `symbol '${name}' is already defined (at ${old.loc.file}:${old.loc.line})`);
    this.syms.set(name, { value: v, loc, label: true });
  }

  private setSymbol(name: string, ts: TokenStream, loc: SourceLoc, once: boolean): void {
    const e = parseExpr(ts);
    if (!ts.atEnd()) ts.fail('end of expression');
    const v = evalExpr(e, this.evalCtx(), loc);
    const old = this.syms.get(name);
    if (old && (old.label || once)) throw new AsmError(loc, `symbol '${name}' is already defined (at ${old.loc.file}:${old.loc.line})`);
    this.syms.set(name, { value: v, loc, label: false });
  }

  private evalAbs(ts: TokenStream, what: string): bigint {
    const col = ts.col();
    const v = evalExpr(parseExpr(ts), this.evalCtx(), ts.locHere());
    if (v.kind !== 'abs') throw new AsmError({ ...ts.loc, col }, `${what} must be a constant, not ${describe(v)}`);
    return v.v;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Sections

  private section(name: string, flags?: ReturnType<typeof defaultFlags>): SectionBuf {
    let s = this.sections.get(name);
    if (!s) {
      s = new SectionBuf(name, flags ?? defaultFlags(name));
      if (s.flags.exec) s.alignTo(this.opts.rvc ? 2 : 4);
      this.sections.set(name, s);
    }
    return s;
  }

  private switchTo(s: SectionBuf): void {
    this.prevSection = this.cur;
    this.cur = s;
  }

  object(file: string): AsmObject {
    const symbols: ObjSymbol[] = [];
    for (const [name, e] of this.syms) {
      if (e.value.kind === 'ext') continue;
      const sym: ObjSymbol = {
        name,
        section: e.value.kind === 'rel' ? e.value.section : null,
        value: Number(BigInt.asUintN(32, e.value.v)),
        global: this.globals.has(name),
        loc: e.loc,
      };
      const t = this.types.get(name);
      if (t) sym.type = t;
      const sz = this.sizes.get(name);
      if (sz !== undefined) sym.size = sz;
      symbols.push(sym);
    }
    const sections = [...this.sections.values()]
      .filter((s) => s.size > 0 || !['.text', '.data', '.bss'].includes(s.name) || s.align > 4)
      .map((s) => ({
        name: s.name,
        nobits: s.flags.nobits,
        alloc: s.flags.alloc,
        write: s.flags.write,
        exec: s.flags.exec,
        align: s.align,
        size: s.size,
        bytes: s.bytes(),
        relocs: s.relocs,
      }));
    return { file, sections, symbols, usesRvc: this.usesRvc };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Data and alignment

  /** Padding for alignment in a code section without an explicit fill: nops, as GNU as / LLVM write them. */
  private codeAlign(align: number): void {
    const s = this.cur;
    const pad = (align - (s.size % align)) % align;
    if (pad === 0) return;
    if (this.dialect === 'gnu') {
      // binutils 2.40 riscv_handle_align: a zero byte for odd padding, one c.nop for a remaining 2 (even under
      // norvc), then 4-byte nops.
      let n = pad;
      if (n % 2 === 1) s.byte(0), n--;
      if (n % 4 === 2) s.le(0x0001, 2), n -= 2;
      for (; n > 0; n -= 4) s.le(0x00000013, 4);
    } else {
      // LLVM RISCVAsmBackend::writeNopData: zero byte, then c.nop only while C is enabled (else two zero bytes).
      let n = pad;
      if (n % 2 === 1) s.byte(0), n--;
      if (n % 4 === 2) s.le(this.rvc ? 0x0001 : 0, 2), n -= 2;
      for (; n > 0; n -= 4) s.le(0x00000013, 4);
    }
  }

  private doAlign(align: number, fill: number | undefined, max: number | undefined, loc: SourceLoc): void {
    if (align <= 0 || (align & (align - 1)) !== 0) throw new AsmError(loc, `alignment ${align} is not a power of two`);
    const s = this.cur;
    s.alignTo(align);
    const pad = (align - (s.size % align)) % align;
    if (max !== undefined && pad > max) return;
    if (s.flags.exec && fill === undefined) {
      // binutils 2.40 md_do_align -> riscv_frag_align_code returns "done" for an alignment no larger than the
      // instruction alignment (4 under norvc, 2 under rvc) without padding: `.balign 4` after a c.nop under
      // .option norvc leaves the location counter at a half-word (testbench/fixtures/timing/ri5cy/vec.inc ALIGN4).
      if (this.dialect === 'gnu' && align <= (this.rvc ? 2 : 4)) return;
      this.codeAlign(align);
      return;
    }
    s.fill(pad, fill ?? 0);
  }

  private emitData(size: 1 | 2 | 4 | 8, v: Value, loc: SourceLoc): void {
    const s = this.cur;
    if (v.kind === 'abs') {
      s.le(Number(BigInt.asUintN(size * 8, v.v)), size);
      return;
    }
    if (size === 8) throw new AsmError(loc, `an 8-byte value cannot hold ${describe(v)}`);
    s.relocs.push({ kind: 'data', offset: s.size, size, target: this.linkTarget(v), loc });
    s.fill(size, 0);
  }

  private linkTarget(v: Value): LinkTarget {
    if (v.kind === 'abs') return { kind: 'abs', value: Number(BigInt.asIntN(32, v.v)) };
    if (v.kind === 'rel') return { kind: 'section', section: v.section, offset: Number(v.v) };
    return { kind: 'symbol', name: v.sym, addend: Number(v.v) };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Directives

  private condDirective(name: string, rest: string, loc: SourceLoc, restCol: number): void {
    const top = this.conds[this.conds.length - 1];
    if (name === '.endif') {
      if (!top) throw new AsmError(loc, '.endif without .if');
      this.conds.pop();
      return;
    }
    if (!top) throw new AsmError(loc, `${name} without .if`);
    if (name === '.else') {
      top.active = top.outer && !top.done;
      top.done = true;
      return;
    }
    // .elseif
    if (top.outer && !top.done) {
      const ts = this.stream(rest, { ...loc, col: restCol });
      const v = this.evalAbs(ts, '.elseif condition') !== 0n;
      top.active = v;
      top.done = v;
    } else top.active = false;
  }

  private pushCond(v: boolean, loc: SourceLoc): void {
    const outer = this.active();
    this.conds.push({ active: outer && v, done: v, outer, loc });
  }

  private directive(
    name: string,
    rest: string,
    restCol: number,
    loc: SourceLoc,
    lines: Line[],
    index: number,
  ): number | undefined {
    const ts = (): TokenStream => this.stream(rest, { ...loc, col: restCol });
    const args = (): string[] => splitArgs(rest);
    const end = (t: TokenStream): void => {
      if (!t.atEnd()) t.fail('end of line');
    };
    const exprList = (size: 1 | 2 | 4 | 8): void => {
      const t = ts();
      if (t.atEnd()) return;
      for (;;) {
        const col = t.col();
        const v = evalExpr(parseExpr(t), this.evalCtx(), t.locHere());
        this.emitData(size, v, { ...loc, col });
        if (!t.eatPunct(',')) break;
      }
      end(t);
    };
    switch (name) {
      case '.if':
      case '.ifne':
        this.pushCond(this.evalAbs(ts(), `${name} condition`) !== 0n, loc);
        return undefined;
      case '.ifeq':
        this.pushCond(this.evalAbs(ts(), `${name} condition`) === 0n, loc);
        return undefined;
      case '.ifgt':
      case '.ifge':
      case '.iflt':
      case '.ifle': {
        const v = this.evalAbs(ts(), `${name} condition`);
        const r = { '.ifgt': v > 0n, '.ifge': v >= 0n, '.iflt': v < 0n, '.ifle': v <= 0n }[name];
        this.pushCond(r, loc);
        return undefined;
      }
      case '.ifdef':
      case '.ifndef': {
        const t = ts();
        const s = t.next();
        if (!s || s.kind !== 'ident') {
          t.pos--;
          return t.fail('a symbol name');
        }
        end(t);
        const defined = this.syms.has(s.text);
        this.pushCond(name === '.ifdef' ? defined : !defined, loc);
        return undefined;
      }
      case '.ifc':
      case '.ifnc': {
        const [a, b] = splitIfc(rest);
        if (b === undefined) throw new AsmError({ ...loc, col: restCol }, `${name} needs two strings separated by a comma`);
        this.pushCond(name === '.ifc' ? a === b : a !== b, loc);
        return undefined;
      }
      case '.ifb':
      case '.ifnb': {
        const blank = rest.trim() === '';
        this.pushCond(name === '.ifb' ? blank : !blank, loc);
        return undefined;
      }
      case '.else':
      case '.elseif':
      case '.endif':
        this.condDirective(name, rest, loc, restCol);
        return undefined;
      case '.macro':
        return this.defineMacro(rest, restCol, loc, lines, index);
      case '.endm':
        throw new AsmError(loc, '.endm without .macro');
      case '.rept': {
        const n = this.evalAbs(ts(), '.rept count');
        const { body, endIndex } = collectBlock(lines, index, /^\.(rept|irp|irpc)$/i, /^\.endr$/i, loc);
        for (let k = 0n; k < n; k++) this.runLines(body.map((l) => ({ text: l.text, loc: { ...l.loc, via: [loc, ...(loc.via ?? [])] } })));
        return endIndex;
      }
      case '.irp': {
        const parts = splitArgs(rest);
        const sym = parts.shift()?.trim();
        if (!sym || !IDENT.test(sym)) throw new AsmError({ ...loc, col: restCol }, 'expected a parameter name after .irp');
        const { body, endIndex } = collectBlock(lines, index, /^\.(rept|irp|irpc)$/i, /^\.endr$/i, loc);
        for (const val of parts.length ? parts : ['']) {
          const sub = body.map((l) => ({
            text: substitute(l.text, new Map([[sym, val.trim()]]), () => this.macroCounter),
            loc: { ...l.loc, via: [loc, ...(loc.via ?? [])] },
          }));
          this.runLines(sub);
        }
        return endIndex;
      }
      case '.endr':
        throw new AsmError(loc, '.endr without .rept');
      case '.purgem':
        this.macros.delete(rest.trim());
        return undefined;
      case '.exitm':
        throw new AsmError(loc, '.exitm is not supported');
      case '.include': {
        const t = ts();
        const s = t.next();
        if (!s || s.kind !== 'str') {
          t.pos = 0;
          return t.fail('a file name in double quotes');
        }
        end(t);
        this.include(s.str!, loc);
        return undefined;
      }
      case '.error': {
        const t = ts();
        const s = t.peek();
        throw new AsmError(loc, s?.kind === 'str' ? s.str! : '.error directive invoked in source file');
      }
      case '.warning': {
        const s = ts().peek();
        this.diags.warning(loc, s?.kind === 'str' ? s.str! : '.warning directive invoked in source file');
        return undefined;
      }
      case '.end':
        throw new StopAssembly();
      case '.text':
      case '.data':
      case '.bss':
      case '.rodata':
        this.switchTo(this.section(name));
        return undefined;
      case '.section':
      case '.pushsection': {
        const a = args();
        const sname = a[0]?.trim();
        if (!sname) throw new AsmError({ ...loc, col: restCol }, `expected a section name after ${name}`);
        const flagStr = a[1]?.trim().replace(/^"|"$/g, '');
        const type = a[2]?.trim().replace(/^[@%]/, '');
        const flags = flagStr !== undefined ? parseSectionFlags(flagStr, type) : undefined;
        if (name === '.pushsection') this.sectionStack.push({ cur: this.cur, prev: this.prevSection });
        const s = this.section(sname, flags);
        this.switchTo(s);
        return undefined;
      }
      case '.popsection': {
        const top = this.sectionStack.pop();
        if (!top) throw new AsmError(loc, '.popsection without .pushsection');
        this.cur = top.cur;
        this.prevSection = top.prev;
        return undefined;
      }
      case '.previous': {
        const p = this.prevSection;
        this.prevSection = this.cur;
        this.cur = p;
        return undefined;
      }
      case '.globl':
      case '.global':
      case '.weak':
        for (const a of args()) this.globals.add(a.trim());
        return undefined;
      case '.local':
        for (const a of args()) this.globals.delete(a.trim());
        return undefined;
      case '.type': {
        const a = args();
        const t = a[1]?.trim().replace(/^[@%"]|"$/g, '');
        if (a[0] && (t === 'function' || t === 'object')) this.types.set(a[0].trim(), t === 'function' ? 'func' : 'object');
        return undefined;
      }
      case '.size': {
        const a = args();
        if (a.length >= 2) {
          try {
            const t = this.stream(rest.slice(rest.indexOf(',') + 1), { ...loc, col: restCol + rest.indexOf(',') + 1 });
            const v = evalExpr(parseExpr(t), this.evalCtx(), loc);
            if (v.kind === 'abs') this.sizes.set(a[0]!.trim(), Number(v.v));
          } catch {
            // A size that is not yet computable is only metadata.
          }
        }
        return undefined;
      }
      case '.file':
      case '.ident':
      case '.attribute':
      case '.loc':
      case '.addrsig':
      case '.addrsig_sym':
      case '.hidden':
      case '.protected':
      case '.internal':
      case '.altmacro':
      case '.noaltmacro':
        return undefined;
      case '.option':
        this.option(rest.trim(), loc);
        return undefined;
      case '.equ':
      case '.set':
      case '.equiv': {
        const t = ts();
        const s = t.next();
        if (!s || s.kind !== 'ident') {
          t.pos = 0;
          return t.fail('a symbol name');
        }
        t.expectPunct(',');
        this.setSymbol(s.text, t, loc, name === '.equiv');
        return undefined;
      }
      case '.word':
      case '.long':
      case '.int':
      case '.4byte':
        exprList(4);
        return undefined;
      case '.half':
      case '.short':
      case '.2byte':
        exprList(2);
        return undefined;
      case '.byte':
        exprList(1);
        return undefined;
      case '.quad':
      case '.dword':
      case '.8byte':
        exprList(8);
        return undefined;
      case '.string':
      case '.asciz':
      case '.ascii': {
        const t = ts();
        for (;;) {
          const s = t.next();
          if (!s || s.kind !== 'str') {
            if (s) t.pos--;
            return t.fail('a string in double quotes');
          }
          for (let k = 0; k < s.str!.length; k++) this.cur.byte(s.str!.charCodeAt(k));
          if (name !== '.ascii') this.cur.byte(0);
          if (!t.eatPunct(',')) break;
        }
        end(t);
        return undefined;
      }
      case '.space':
      case '.skip':
      case '.zero': {
        const t = ts();
        const n = this.evalAbs(t, `${name} size`);
        let fill = 0n;
        if (name !== '.zero' && t.eatPunct(',')) fill = this.evalAbs(t, `${name} fill value`);
        end(t);
        if (n < 0n) throw new AsmError(loc, `${name} size ${n} is negative`);
        this.cur.fill(Number(n), Number(fill & 0xffn));
        return undefined;
      }
      case '.fill': {
        const t = ts();
        const rep = this.evalAbs(t, '.fill repeat count');
        let size = 1n;
        let val = 0n;
        if (t.eatPunct(',')) size = this.evalAbs(t, '.fill size');
        if (t.eatPunct(',')) val = this.evalAbs(t, '.fill value');
        end(t);
        if (rep < 0n) throw new AsmError(loc, '.fill repeat count is negative');
        const sz = Number(size > 8n ? 8n : size);
        for (let k = 0n; k < rep; k++) {
          // gas: the value is at most 4 bytes wide; larger sizes are padded with zeros.
          const v = Number(BigInt.asUintN(32, val));
          for (let b = 0; b < sz; b++) this.cur.byte(b < 4 ? Math.floor(v / 2 ** (8 * b)) & 0xff : 0);
        }
        return undefined;
      }
      case '.align':
      case '.p2align':
      case '.balign': {
        const t = ts();
        const n = this.evalAbs(t, `${name} alignment`);
        let fill: number | undefined;
        let max: number | undefined;
        if (t.eatPunct(',')) {
          if (!t.isPunct(',')) fill = Number(this.evalAbs(t, `${name} fill`) & 0xffn);
          if (t.eatPunct(',')) max = Number(this.evalAbs(t, `${name} maximum`));
        }
        end(t);
        // On RISC-V, gas takes .align as a power of two (like .p2align).
        const align = name === '.balign' ? Number(n) : 2 ** Number(n);
        this.doAlign(align, fill, max, loc);
        return undefined;
      }
      case '.org': {
        const t = ts();
        const col = t.col();
        const v = evalExpr(parseExpr(t), this.evalCtx(), t.locHere());
        let fill = 0;
        if (t.eatPunct(',')) fill = Number(this.evalAbs(t, '.org fill') & 0xffn);
        end(t);
        let target: number;
        if (v.kind === 'abs') target = Number(v.v);
        else if (v.kind === 'rel' && v.section === this.cur.name) target = Number(v.v);
        else throw new AsmError({ ...loc, col }, `.org needs an offset in the current section, not ${describe(v)}`);
        if (target < this.cur.size) {
          throw new AsmError(loc, `.org ${target} would move the location counter backwards (it is at ${this.cur.size})`);
        }
        this.cur.fill(target - this.cur.size, fill);
        return undefined;
      }
      default:
        throw new AsmError(loc, `unknown directive '${name}'`);
    }
  }

  private option(arg: string, loc: SourceLoc): void {
    const [what] = arg.split(/[\s,]+/);
    switch (what) {
      case 'rvc':
        if (!this.opts.rvc) throw new AsmError(loc, '.option rvc: the target has no C extension (--no-rvc)');
        this.rvc = true;
        return;
      case 'norvc':
        this.rvc = false;
        return;
      case 'push':
        this.optionStack.push({ rvc: this.rvc, exts: new Set(this.exts) });
        return;
      case 'pop': {
        const v = this.optionStack.pop();
        if (v === undefined) throw new AsmError(loc, '.option pop without .option push');
        this.rvc = v.rvc;
        this.exts = v.exts;
        return;
      }
      case 'relax':
      case 'norelax':
      case 'pic':
      case 'nopic':
        return;
      case 'arch':
        this.diags.warning(loc, `.option ${arg} ignored: the instruction set comes from the target configuration`);
        return;
      default: {
        // `.option xpulpnn` / `.option noxpulpnn`: the optional extensions by their lower-case names.
        const ext = OPTIONAL_EXTS.find((x) => what === x.toLowerCase() || what === `no${x.toLowerCase()}`);
        if (ext) {
          if (what === `no${ext.toLowerCase()}`) this.exts.delete(ext);
          else this.exts.add(ext);
          return;
        }
        const known = ['rvc', 'norvc', 'push', 'pop', 'relax', 'norelax', 'arch', ...OPTIONAL_EXTS.flatMap((x) => [x.toLowerCase(), `no${x.toLowerCase()}`])];
        throw new AsmError(loc, `unknown .option '${what ?? ''}' (known: ${known.join(', ')})`);
      }
    }
  }

  private include(name: string, loc: SourceLoc): void {
    if (this.includeDepth > 32) throw new AsmError(loc, `.include nested too deeply (at '${name}')`);
    for (const p of includeCandidates(name, loc.file, this.opts.includeDirs ?? [])) {
      const text = this.reader.read(p);
      if (text === undefined) continue;
      this.includeDepth++;
      try {
        this.runLines(toLines(text, p));
      } finally {
        this.includeDepth--;
      }
      return;
    }
    throw new AsmError(loc, `cannot find include file '${name}' (looked next to ${loc.file} and in the -I directories)`);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Macros

  private defineMacro(rest: string, restCol: number, loc: SourceLoc, lines: Line[], index: number): number {
    const m = /^\s*([A-Za-z_.$][\w.$]*)\s*,?\s*(.*)$/.exec(rest);
    if (!m) throw new AsmError({ ...loc, col: restCol }, 'expected a macro name after .macro');
    const name = m[1]!;
    const params: MacroParam[] = [];
    for (const p of (m[2] ?? '').split(/\s*,\s*|\s+(?![^=]*$)|\s+/).filter((x) => x.trim() !== '')) {
      const pm = /^([A-Za-z_.$][\w.$]*)(?::(req|vararg))?(?:\s*=\s*(.*))?$/.exec(p.trim());
      if (!pm) throw new AsmError({ ...loc, col: restCol }, `bad macro parameter '${p}'`);
      const param: MacroParam = { name: pm[1]!, vararg: pm[2] === 'vararg' };
      if (pm[3] !== undefined) param.def = pm[3];
      params.push(param);
    }
    const { body, endIndex } = collectBlock(lines, index, /^\.macro$/i, /^\.endm$/i, loc);
    this.macros.set(name, { name, params, body });
    return endIndex;
  }

  private expandMacro(m: MacroDef, rest: string, loc: SourceLoc): void {
    const args = splitMacroArgs(rest, m.params.length);
    const values = new Map<string, string>();
    let positional = 0;
    for (const a of args) {
      const kw = /^\s*([A-Za-z_.$][\w.$]*)\s*=(.*)$/.exec(a);
      if (kw && m.params.some((p) => p.name === kw[1])) {
        values.set(kw[1]!, kw[2]!.trim());
        continue;
      }
      const p = m.params[positional];
      if (!p) throw new AsmError(loc, `too many arguments for macro '${m.name}' (it takes ${m.params.length})`);
      if (p.vararg) {
        values.set(p.name, args.slice(args.indexOf(a)).join(','));
        positional = m.params.length;
        break;
      }
      if (a.trim() !== '') values.set(p.name, a.trim());
      positional++;
    }
    for (const p of m.params) if (!values.has(p.name)) values.set(p.name, p.def ?? '');
    this.macroCounter++;
    const counter = this.macroCounter;
    const via = [loc, ...(loc.via ?? [])];
    if (via.length > 64) throw new AsmError(loc, `macro '${m.name}' nested too deeply (recursive?)`);
    const body = m.body.map((l) => ({ text: substitute(l.text, values, () => counter - 1), loc: { ...l.loc, via } }));
    this.runLines(body);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Instructions

  private instruction(mnemonic: string, rest: string, restCol: number, loc: SourceLoc): void {
    const forms = this.table.forms(mnemonic);
    const pseudo = Object.hasOwn(pseudos, mnemonic) && (this.opts.rvc || !mnemonic.startsWith('c.')) ? pseudos[mnemonic] : undefined;
    if (!forms && !pseudo) {
      throw new AsmError(loc, `unknown instruction '${mnemonic}' for flavour ${this.opts.flavour}${this.opts.rvc ? '' : ' without RVC'}`);
    }
    let best: MatchError | undefined;
    const note = (e: unknown): void => {
      if (!(e instanceof MatchError)) throw e;
      if (!best || e.progress > best.progress) best = e;
    };
    for (const form of forms ?? []) {
      if (form.def.ext === 'C' && !this.rvc) {
        note(new MatchError(new AsmError(loc, `'${mnemonic}' needs compressed instructions enabled (.option rvc)`), 1e6));
        continue;
      }
      if ((OPTIONAL_EXTS as readonly Ext[]).includes(form.def.ext) && !this.exts.has(form.def.ext)) {
        const x = form.def.ext;
        const msg =
          `'${mnemonic}' belongs to the ${x} extension, which is off: enable it with '.option ${x.toLowerCase()}' ` +
          `or the assembler option extensions: ['${x}'] (from a core configuration with isa.${x.toLowerCase()} set)`;
        note(new MatchError(new AsmError(loc, msg), 1e6));
        continue;
      }
      let ops: ParsedOperands;
      try {
        ops = matchForm(this.stream(rest, { ...loc, col: restCol }), form.parts, this.evalCtx());
      } catch (e) {
        note(e);
        continue;
      }
      try {
        this.emitInstr(form, ops, loc);
        return;
      } catch (e) {
        if (e instanceof RangeFail) {
          note(new MatchError(new AsmError(e.loc, e.message), 1000));
          continue;
        }
        throw e;
      }
    }
    if (pseudo) {
      for (let k = 0; k < pseudo.syntax.length; k++) {
        let ops: ParsedOperands;
        try {
          ops = matchForm(this.stream(rest, { ...loc, col: restCol }), parseTemplate(pseudo.syntax[k]!), this.evalCtx());
        } catch (e) {
          note(e);
          continue;
        }
        const emits = pseudo.expand(ops, k, this.dot(), loc, this.dialect);
        for (const e of emits) this.emitNamed(e, loc);
        return;
      }
    }
    // Keep the layout of the rest of the file as if the instruction were there, so later labels (and errors
    // about them) do not shift.
    this.cur.fill(forms?.[0]?.enc.size ?? 4);
    throw new AsmError(best!.loc, best!.message);
  }

  /** Emits an instruction of a pseudo-instruction expansion. */
  private emitNamed(e: Emit, loc: SourceLoc): void {
    const names = Object.keys(e.ops) as OperandName[];
    const form = this.table.formWith(e.mnemonic, names);
    if (!form) throw new AsmError(loc, `the ${this.opts.flavour} table has no '${e.mnemonic}' with operands ${names.join(', ')}`);
    try {
      this.emitInstr(form, e.ops, loc);
    } catch (err) {
      if (err instanceof RangeFail) throw new AsmError(err.loc, err.message);
      throw err;
    }
  }

  /**
   * Encodes one instruction of `form`. Fields whose value is not known until link time become relocations.
   * Throws RangeFail when an immediate does not fit (the caller may try another form).
   */
  private emitInstr(form: InstrForm, parsed: ParsedOperands, loc: SourceLoc): void {
    const ordinal = this.instrOrdinal++;
    const ops: Operands = zeroOperands();
    if (form.fixed) Object.assign(ops, form.fixed);
    const pending: Array<{ field: OperandName; mode: FieldMode; target: LinkTarget }> = [];
    let positionDependent = false;
    let unknownYet = false;
    const pc = this.cur.size;
    for (const f of form.enc.fields) {
      const p = parsed[f.name];
      if (!p) continue;
      const at: SourceLoc = { ...loc, col: p.col || loc.col };
      if (p.kind === 'reg') {
        ops[f.name] = p.reg;
        continue;
      }
      const v = p.value;
      if (v.kind === 'fn') {
        if (f.pcrel) throw new AsmError(at, `%${v.fn} cannot be used for the ${f.name} operand of ${form.mnemonic}`);
        // For %pcrel_lo the argument is the auipc's address; the linker finds its %pcrel_hi there.
        pending.push({ field: f.name, mode: v.fn, target: this.linkTarget(v.arg) });
        continue;
      }
      if (f.pcrel) {
        if (v.kind === 'abs' && this.dialect === 'llvm') {
          ops[f.name] = this.checkedField(form, f.name, Number(v.v), at);
        } else if (v.kind === 'rel' && v.section === this.cur.name) {
          positionDependent = true;
          ops[f.name] = this.checkedField(form, f.name, Number(v.v) - pc, at);
        } else {
          if (v.kind === 'ext' && !this.syms.has(v.sym) && this.firstPass) unknownYet = true;
          pending.push({ field: f.name, mode: 'pcrel', target: this.linkTarget(v) });
        }
        continue;
      }
      if (v.kind !== 'abs') {
        if (v.kind === 'ext' && this.firstPass) {
          // Possibly a constant defined later; the next pass knows.
          unknownYet = true;
          continue;
        }
        throw new AsmError(
          at,
          `the ${f.name} operand of ${form.mnemonic} must be a constant, not ${describe(v)}` +
            (f.name === 'imm' ? ' (use %hi/%lo or %pcrel_hi/%pcrel_lo for addresses)' : ''),
        );
      }
      ops[f.name] = this.checkedField(form, f.name, Number(v.v), at);
    }
    if (form.enc.valid && pending.length === 0 && !unknownYet && !fits(form.enc, ops)) {
      throw new RangeFail(loc, `operands of ${form.mnemonic} form a reserved encoding`);
    }

    let chosen = form;
    let chosenOps = ops;
    if (this.rvc && !form.alias && form.enc.size === 4 && pending.length === 0 && !unknownYet && !this.long.has(ordinal)) {
      // GNU as never turns `jal ra, target` into c.jal (binutils 2.40 relaxes only j/beqz/bnez); LLVM does.
      const skip = this.dialect === 'gnu' ? ['c.jal'] : [];
      const c = findCompressed(this.table, form, ops, skip) ?? this.compressEquivalent(form, ops);
      if (c) {
        chosen = c.form;
        chosenOps = c.ops;
      } else if (positionDependent && this.table.compressedFor(form.def.id).length > 0) {
        // Out of reach of the compressed form in this layout: stay long from now on, so passes settle.
        this.long.add(ordinal);
      }
    }
    if (chosen.enc.size === 2) this.usesRvc = true;
    const s = this.cur;
    for (const r of pending) {
      s.relocs.push({ kind: 'field', offset: s.size, enc: chosen.enc, ops: { ...chosenOps }, field: r.field, mode: r.mode, target: r.target, loc });
    }
    let word: number;
    try {
      word = encode(chosen.enc, chosenOps);
    } catch (e) {
      if (unknownYet) word = chosen.enc.match;
      else throw new RangeFail(loc, (e as Error).message);
    }
    s.le(word >>> 0, chosen.enc.size);
  }

  /** GNU as and LLVM also compress `addi rd, rs, 0` (the expansion of `mv`) to c.mv, which expands to `add rd, x0, rs`. */
  private compressEquivalent(form: InstrForm, ops: Operands): { form: InstrForm; ops: Operands } | undefined {
    if (form.def.id !== 'addi' || ops.imm !== 0 || ops.rd === 0 || ops.rs1 === 0) return undefined;
    const add = this.table.byId('add');
    if (!add) return undefined;
    return findCompressed(this.table, add, { ...zeroOperands(), rd: ops.rd, rs1: 0, rs2: ops.rs1 });
  }

  private checkedField(form: InstrForm, name: OperandName, value: number, loc: SourceLoc): number {
    const f = form.enc.fields.find((x) => x.name === name)!;
    if (!fitsField(f, value)) throw new RangeFail(loc, rangeMessage(f, value, form.mnemonic));
    return value;
  }
}

/** An operand value that does not fit its field (another form of the mnemonic may still take it). */
class RangeFail extends Error {
  constructor(
    readonly loc: SourceLoc,
    message: string,
  ) {
    super(message);
  }
}

function toLines(text: string, file: string): Line[] {
  return text.split(/\r?\n/).map((t, i) => ({ text: t, loc: { file, line: i + 1, col: 1 } }));
}

/**
 * The lines between a block opener at `index` and its matching closer (nested openers counted). Returns the
 * body and the index of the closing line.
 */
function collectBlock(lines: Line[], index: number, open: RegExp, close: RegExp, loc: SourceLoc): { body: Line[]; endIndex: number } {
  let depth = 1;
  const body: Line[] = [];
  for (let j = index + 1; j < lines.length; j++) {
    const l = lines[j]!;
    const w = /^\s*(?:[A-Za-z_.$][\w.$]*\s*:\s*)*(\.[A-Za-z]+)/.exec(stripComment(l.text))?.[1] ?? '';
    if (open.test(w)) depth++;
    else if (close.test(w)) {
      depth--;
      if (depth === 0) return { body, endIndex: j };
    }
    body.push(l);
  }
  throw new AsmError(loc, `missing ${close.source.replace(/[\^$\\]/g, '')} for this block`);
}

/** Macro body substitution: `\name` -> argument, `\@` -> expansion counter, `\()` -> nothing. */
function substitute(text: string, values: Map<string, string>, counter: () => number): string {
  return text.replace(/\\(\(\)|@|[A-Za-z_.$][\w.$]*)/g, (all, w: string) => {
    if (w === '()') return '';
    if (w === '@') return String(counter());
    // gas parameter names do not contain '.' or '$'; a longer identifier may start with a parameter name.
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(w)?.[0] ?? w;
    const v = values.get(id);
    if (v === undefined) return all;
    return v + w.slice(id.length);
  });
}

/** Splits directive arguments at top-level commas (outside strings and parentheses). */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inStr = false;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inStr) {
      cur += c;
      if (c === '\\') cur += text[++i] ?? '';
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur);
  return out;
}

/**
 * Macro call arguments: comma-separated; gas also separates by blanks, which matters only when there are fewer
 * commas than parameters (`MACRO a b`).
 */
function splitMacroArgs(text: string, nParams: number): string[] {
  const parts = splitArgs(text);
  if (parts.length >= nParams || parts.length !== 1) return parts;
  const ws = parts[0]!.trim().split(/\s+/);
  return ws.length <= nParams && ws.every((w) => !/^[-+*/|&^<>]/.test(w)) && !/[-+*/|&^<>]\s*$/.test(parts[0]!) ? ws : parts;
}

/** The two strings of `.ifc a, b` (each may be quoted with '). */
function splitIfc(text: string): [string, string | undefined] {
  const t = text.trim();
  const unq = (s: string): string => {
    const x = s.trim();
    return x.length >= 2 && x.startsWith("'") && x.endsWith("'") ? x.slice(1, -1) : x;
  };
  const i = t.indexOf(',');
  if (i < 0) return [unq(t), undefined];
  return [unq(t.slice(0, i)), unq(t.slice(i + 1))];
}
