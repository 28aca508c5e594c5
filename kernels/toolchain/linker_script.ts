// Section layouts for the linker: GNU ld's default for a `-Ttext=ADDR` link (elf32lriscv.x reduced to the
// sections an assembler program has), and a reader for the small subset of the ld script language the
// project's scripts use (testbench/fixtures/timing/cv32e40p/link.ld): ENTRY, OUTPUT_ARCH, SECTIONS with
// `. = expr;` (numbers, `.`, ALIGN(n), + - * / & |) and `name [addr] : { *(pattern ...) ... }`.

/** An expression over the location counter. */
export type LayoutExpr = (dot: number) => number;

export type LayoutStmt =
  | { kind: 'dot'; expr: LayoutExpr }
  | {
      kind: 'output';
      name: string;
      /** Input section name patterns (glob: *, ?, [chars], [!chars]). */
      patterns: string[];
      /** Explicit start address (`.text 0x100 : { ... }`). */
      addr?: LayoutExpr;
      /** Align the end of the section to this many bytes when it is not empty (GNU's .bss). */
      endAlign?: number;
      /** Where sections no statement names go: an orphan goes after the last output of the same class. */
      orphanClass?: 'text' | 'rodata' | 'data' | 'bss';
    };

export interface Layout {
  statements: LayoutStmt[];
  /** Entry symbol (ENTRY(...)). */
  entry?: string;
}

/**
 * GNU ld's default layout (binutils 2.40 elf32lriscv.x) for `-Ttext=textBase`: .text, .rodata, then the data
 * segment at DATA_SEGMENT_ALIGN (ALIGN(MAXPAGESIZE 0x1000) + (. & 0xfff)), .data, .sdata, .sbss/.bss (end
 * aligned to 4 when non-empty).
 */
export function gnuDefaultLayout(textBase = 0): Layout {
  return {
    entry: '_start',
    statements: [
      { kind: 'output', name: '.text', patterns: ['.text', '.text.*'], addr: () => textBase, orphanClass: 'text' },
      { kind: 'output', name: '.rodata', patterns: ['.rodata', '.rodata.*', '.srodata', '.srodata.*'], orphanClass: 'rodata' },
      { kind: 'dot', expr: (dot) => alignUp(dot, 0x1000) + (dot & 0xfff) },
      { kind: 'output', name: '.data', patterns: ['.data', '.data.*'], orphanClass: 'data' },
      { kind: 'output', name: '.sdata', patterns: ['.sdata', '.sdata.*'] },
      { kind: 'output', name: '.bss', patterns: ['.sbss', '.sbss.*', '.bss', '.bss.*'], endAlign: 4, orphanClass: 'bss' },
    ],
  };
}

export function alignUp(v: number, a: number): number {
  return a <= 1 ? v : Math.ceil(v / a) * a;
}

/** Whether `name` matches an ld wildcard pattern. */
export function globMatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const j = pattern.indexOf(']', i);
      if (j < 0) re += '\\[';
      else {
        let set = pattern.slice(i + 1, j);
        if (set.startsWith('!')) set = '^' + set.slice(1);
        re += `[${set.replace(/\\/g, '\\\\')}]`;
        i = j;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(re + '$').test(name);
}

export class ScriptError extends Error {}

interface Tok {
  t: string;
  line: number;
  col: number;
}

function lex(text: string, file: string): Tok[] {
  const out: Tok[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      col = 1;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      col++;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const j = text.indexOf('*/', i + 2);
      if (j < 0) throw new ScriptError(`${file}:${line}:${col}: unterminated comment`);
      for (const ch of text.slice(i, j + 2)) {
        if (ch === '\n') line++, (col = 1);
        else col++;
      }
      i = j + 2;
      continue;
    }
    const m = /^([A-Za-z0-9_.*?\-[\]!$]+|[{}();:=+/&|,])/.exec(text.slice(i));
    if (!m) throw new ScriptError(`${file}:${line}:${col}: unexpected character '${c}'`);
    const t = m[1]!;
    out.push({ t, line, col });
    i += t.length;
    col += t.length;
  }
  return out;
}

/** Parses the subset of the GNU ld script language described above. Errors name file:line:col. */
export function parseLinkerScript(text: string, file: string): Layout {
  const toks = lex(text, file);
  let p = 0;
  const layout: Layout = { statements: [] };
  const at = (k = p): string => {
    const t = toks[k] ?? toks[toks.length - 1];
    return t ? `${file}:${t.line}:${t.col}` : `${file}:1:1`;
  };
  const peek = (): string | undefined => toks[p]?.t;
  const expect = (s: string): void => {
    if (toks[p]?.t !== s) throw new ScriptError(`${at()}: expected '${s}', found '${toks[p]?.t ?? 'end of file'}'`);
    p++;
  };
  const parseExpr = (): LayoutExpr => {
    let a = parseTerm();
    for (;;) {
      const op = peek();
      if (op !== '+' && op !== '-' && op !== '&' && op !== '|' && op !== '*' && op !== '/') return a;
      p++;
      const b = parseTerm();
      const l = a;
      a = (dot) => {
        const x = l(dot);
        const y = b(dot);
        switch (op) {
          case '+':
            return x + y;
          case '-':
            return x - y;
          case '&':
            return Number(BigInt(x) & BigInt(y));
          case '|':
            return Number(BigInt(x) | BigInt(y));
          case '*':
            return x * y;
          default:
            return Math.floor(x / y);
        }
      };
    }
  };
  const parseTerm = (): LayoutExpr => {
    const t = toks[p];
    if (!t) throw new ScriptError(`${at()}: expected an expression`);
    p++;
    if (t.t === '.') return (dot) => dot;
    if (t.t === '(') {
      const e = parseExpr();
      expect(')');
      return e;
    }
    if (t.t === 'ALIGN') {
      expect('(');
      const e = parseExpr();
      expect(')');
      return (dot) => alignUp(dot, e(dot));
    }
    const m = /^(0[xX][0-9a-fA-F]+|[0-9]+)([KM]?)$/.exec(t.t);
    if (!m) throw new ScriptError(`${file}:${t.line}:${t.col}: expected an expression, found '${t.t}'`);
    const v = Number(m[1]) * (m[2] === 'K' ? 1024 : m[2] === 'M' ? 1 << 20 : 1);
    return () => v;
  };
  while (p < toks.length) {
    const t = toks[p]!.t;
    if (t === 'ENTRY') {
      p++;
      expect('(');
      layout.entry = toks[p++]?.t;
      expect(')');
    } else if (t === 'OUTPUT_ARCH' || t === 'OUTPUT_FORMAT') {
      p++;
      expect('(');
      while (p < toks.length && toks[p]!.t !== ')') p++;
      expect(')');
    } else if (t === 'SECTIONS') {
      p++;
      expect('{');
      while (peek() !== '}') {
        if (p >= toks.length) throw new ScriptError(`${at()}: missing '}' of SECTIONS`);
        if (peek() === '.' && toks[p + 1]?.t === '=') {
          p += 2;
          const e = parseExpr();
          expect(';');
          layout.statements.push({ kind: 'dot', expr: e });
          continue;
        }
        const name = toks[p++]!.t;
        let addr: LayoutExpr | undefined;
        if (peek() !== ':') addr = parseExpr();
        expect(':');
        expect('{');
        const patterns: string[] = [];
        while (peek() !== '}') {
          if (p >= toks.length) throw new ScriptError(`${at()}: missing '}' of output section ${name}`);
          const tt = toks[p]!.t;
          if (tt === '*' || tt === '*(') {
            p++;
            if (tt === '*') expect('(');
            while (peek() !== ')') {
              const pat = toks[p++];
              if (!pat) throw new ScriptError(`${at()}: missing ')'`);
              patterns.push(pat.t);
            }
            expect(')');
          } else if (tt === 'KEEP') {
            p++;
            expect('(');
            expect('*');
            expect('(');
            while (peek() !== ')') patterns.push(toks[p++]!.t);
            expect(')');
            expect(')');
          } else {
            throw new ScriptError(`${at()}: only input section lists '*(...)' are supported inside an output section, found '${tt}'`);
          }
        }
        expect('}');
        const out: LayoutStmt = { kind: 'output', name, patterns };
        if (addr) out.addr = addr;
        layout.statements.push(out);
      }
      expect('}');
    } else {
      throw new ScriptError(`${at()}: unsupported linker script command '${t}'`);
    }
  }
  return layout;
}
