// Tokens of one logical statement of GNU assembler syntax. Columns are kept so that every error can point at
// the token it is about.
import { AsmError, type SourceLoc } from './diagnostics.ts';

export type TokenKind =
  | 'ident' // symbols, mnemonics, directives, register names: [A-Za-z_.$][A-Za-z0-9_.$]*
  | 'num'
  | 'local' // numeric local label reference: 1b, 12f
  | 'str'
  | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Numeric value of `num`; label number of `local`. */
  value?: number;
  /** 'b' or 'f' for `local` tokens. */
  dir?: 'b' | 'f';
  /** Decoded contents of `str` tokens. */
  str?: string;
  /** 1-based column in the source line. */
  col: number;
}

const TWO_CHAR = ['<<', '>>', '==', '!=', '<=', '>=', '&&', '||', '<>'];
const ONE_CHAR = '+-*/%&|^~!()<>,:=[]@{}';

function isIdentStart(c: string): boolean {
  return /[A-Za-z_.$]/.test(c);
}
function isIdentChar(c: string): boolean {
  return /[A-Za-z0-9_.$]/.test(c);
}

/**
 * Splits `text` (one statement, comments removed) into tokens. `col0` is the column of text[0] in the source
 * line, so token columns are source columns.
 */
export function tokenize(text: string, loc: SourceLoc, col0 = 1): Token[] {
  const out: Token[] = [];
  let i = 0;
  const at = (k: number): SourceLoc => ({ ...loc, col: col0 + k });
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c)) {
      // Numeric local label references (`1b`, `2f`) are digits followed by b/f and no further name character.
      const m = /^([0-9]+)([bfBF])(?![A-Za-z0-9_.$])/.exec(text.slice(i));
      if (m && !/^0[bB][01]/.test(text.slice(i))) {
        out.push({
          kind: 'local',
          text: m[0],
          value: Number(m[1]),
          dir: m[2]!.toLowerCase() as 'b' | 'f',
          col: col0 + start,
        });
        i += m[0].length;
        continue;
      }
      const n = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)/.exec(text.slice(i))!;
      let s = n[0];
      let value: number;
      if (/^0[xX]/.test(s)) value = parseInt(s.slice(2), 16);
      else if (/^0[bB]/.test(s)) value = parseInt(s.slice(2), 2);
      else if (s.length > 1 && s.startsWith('0')) {
        if (/[89]/.test(s)) throw new AsmError(at(start), `bad octal number '${s}'`);
        value = parseInt(s, 8);
      } else value = parseInt(s, 10);
      i += s.length;
      if (i < text.length && isIdentChar(text[i]!)) {
        let j = i;
        while (j < text.length && isIdentChar(text[j]!)) j++;
        s = text.slice(start, j);
        throw new AsmError(at(start), `bad number '${s}'`);
      }
      out.push({ kind: 'num', text: s, value, col: col0 + start });
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentChar(text[j]!)) j++;
      out.push({ kind: 'ident', text: text.slice(i, j), col: col0 + start });
      i = j;
      continue;
    }
    if (c === '"') {
      const { value, end } = readString(text, i, at);
      out.push({ kind: 'str', text: text.slice(i, end), str: value, col: col0 + start });
      i = end;
      continue;
    }
    if (c === "'") {
      // Character constant: GNU accepts 'c and 'c'.
      let j = i + 1;
      let ch: number;
      if (text[j] === '\\') {
        const e = readEscape(text, j, at);
        ch = e.code;
        j = e.end;
      } else if (j < text.length) {
        ch = text.charCodeAt(j);
        j++;
      } else throw new AsmError(at(i), 'character constant without a character');
      if (text[j] === "'") j++;
      out.push({ kind: 'num', text: text.slice(i, j), value: ch, col: col0 + start });
      i = j;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR.includes(two)) {
      out.push({ kind: 'punct', text: two, col: col0 + start });
      i += 2;
      continue;
    }
    if (ONE_CHAR.includes(c)) {
      out.push({ kind: 'punct', text: c, col: col0 + start });
      i++;
      continue;
    }
    throw new AsmError(at(i), `unexpected character '${c}'`);
  }
  return out;
}

function readEscape(text: string, i: number, at: (k: number) => SourceLoc): { code: number; end: number } {
  // text[i] === '\\'
  const c = text[i + 1];
  if (c === undefined) throw new AsmError(at(i), 'escape at end of line');
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '\\': 92, '"': 34, "'": 39 };
  if (c in simple) return { code: simple[c]!, end: i + 2 };
  if (/[0-7]/.test(c)) {
    const m = /^[0-7]{1,3}/.exec(text.slice(i + 1))!;
    return { code: parseInt(m[0], 8) & 0xff, end: i + 1 + m[0].length };
  }
  if (c === 'x' || c === 'X') {
    const m = /^[0-9a-fA-F]+/.exec(text.slice(i + 2));
    if (!m) throw new AsmError(at(i), 'bad \\x escape');
    return { code: parseInt(m[0], 16) & 0xff, end: i + 2 + m[0].length };
  }
  return { code: c.charCodeAt(0), end: i + 2 };
}

function readString(text: string, i: number, at: (k: number) => SourceLoc): { value: string; end: number } {
  let j = i + 1;
  let value = '';
  while (j < text.length && text[j] !== '"') {
    if (text[j] === '\\') {
      const e = readEscape(text, j, at);
      value += String.fromCharCode(e.code);
      j = e.end;
    } else {
      value += text[j];
      j++;
    }
  }
  if (j >= text.length) throw new AsmError(at(i), 'unterminated string');
  return { value, end: j + 1 };
}

/** Removes a `#` comment from a line, leaving `#` inside strings and character constants alone. */
export function stripComment(line: string): string {
  let inStr = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === "'") i += line[i + 1] === '\\' ? 2 : 1;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

/**
 * Splits a line at `;` statement separators outside strings. Returns each piece with the column offset of its
 * first character.
 */
export function splitStatements(line: string): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  let inStr = false;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === "'") i += line[i + 1] === '\\' ? 2 : 1;
    else if (c === ';') {
      out.push({ text: line.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  out.push({ text: line.slice(start), offset: start });
  return out;
}
