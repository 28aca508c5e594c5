// Expressions of GNU `as` (gas manual, "Expressions" / "Infix Operators"): 64-bit arithmetic, gas operator
// precedence (* / % << >> bind tighter than | & ^ !, which bind tighter than + - and the comparisons, then && ||),
// comparisons giving -1 for true, `>>` a logical shift. Values are absolute, relative to a section of this
// file, or an undefined symbol plus an addend (resolved by the linker).
import { AsmError, type SourceLoc } from './diagnostics.ts';
import type { Token } from './lexer.ts';

export type Value =
  | { kind: 'abs'; v: bigint }
  | { kind: 'rel'; section: string; v: bigint }
  | { kind: 'ext'; sym: string; v: bigint };

/** Relocation operators: `%hi(x)`, `%lo(x)`, `%pcrel_hi(x)`, `%pcrel_lo(label)`. */
export type RelocFn = 'hi' | 'lo' | 'pcrel_hi' | 'pcrel_lo';

/** What an operand expression evaluates to: a value, or a relocation operator applied to one. */
export type Operand = Value | { kind: 'fn'; fn: RelocFn; arg: Value };

export type Expr =
  | { t: 'num'; v: bigint; col: number }
  | { t: 'sym'; name: string; col: number }
  | { t: 'local'; n: number; dir: 'b' | 'f'; col: number }
  | { t: 'dot'; col: number }
  | { t: 'un'; op: string; a: Expr; col: number }
  | { t: 'bin'; op: string; a: Expr; b: Expr; col: number }
  | { t: 'fn'; fn: RelocFn; a: Expr; col: number };

export interface EvalContext {
  /** Value of a symbol, or undefined when it is not (yet) defined. */
  symbol(name: string): Value | undefined;
  /** Value of a numeric local label reference. */
  local(n: number, dir: 'b' | 'f'): Value | undefined;
  /** The location counter. */
  dot(): Value;
}

const RELOC_FNS: Record<string, RelocFn> = { hi: 'hi', lo: 'lo', pcrel_hi: 'pcrel_hi', pcrel_lo: 'pcrel_lo' };

// Binary operator precedence levels (gas "Infix Operators"); higher binds tighter.
const PREC: Record<string, number> = {
  '*': 4,
  '/': 4,
  '%': 4,
  '<<': 4,
  '>>': 4,
  '|': 3,
  '&': 3,
  '^': 3,
  '!': 3,
  '+': 2,
  '-': 2,
  '==': 2,
  '<>': 2,
  '!=': 2,
  '<': 2,
  '>': 2,
  '>=': 2,
  '<=': 2,
  '&&': 1,
  '||': 1,
};

/** A cursor over the tokens of one statement. */
export class TokenStream {
  pos = 0;
  constructor(
    readonly toks: Token[],
    readonly loc: SourceLoc,
    /** Column just past the statement, for "expected ... at end of line" messages. */
    readonly endCol: number,
  ) {}
  peek(k = 0): Token | undefined {
    return this.toks[this.pos + k];
  }
  next(): Token | undefined {
    return this.toks[this.pos++];
  }
  atEnd(): boolean {
    return this.pos >= this.toks.length;
  }
  isPunct(p: string, k = 0): boolean {
    const t = this.peek(k);
    return t !== undefined && t.kind === 'punct' && t.text === p;
  }
  eatPunct(p: string): boolean {
    if (this.isPunct(p)) {
      this.pos++;
      return true;
    }
    return false;
  }
  col(): number {
    return this.peek()?.col ?? this.endCol;
  }
  locHere(): SourceLoc {
    return { ...this.loc, col: this.col() };
  }
  describe(): string {
    const t = this.peek();
    return t ? `'${t.text}'` : 'end of line';
  }
  fail(expected: string): never {
    throw new AsmError(this.locHere(), `expected ${expected}, found ${this.describe()}`);
  }
  expectPunct(p: string): void {
    if (!this.eatPunct(p)) this.fail(`'${p}'`);
  }
}

export function parseExpr(ts: TokenStream): Expr {
  return parseBin(ts, 1);
}

function parseBin(ts: TokenStream, minPrec: number): Expr {
  let a = parseUnary(ts);
  for (;;) {
    const t = ts.peek();
    if (!t || t.kind !== 'punct') return a;
    const p = PREC[t.text];
    if (p === undefined || p < minPrec) return a;
    ts.next();
    const b = parseBin(ts, p + 1);
    a = { t: 'bin', op: t.text, a, b, col: t.col };
  }
}

function parseUnary(ts: TokenStream): Expr {
  const t = ts.peek();
  if (!t) ts.fail('an expression');
  if (t.kind === 'punct') {
    if (t.text === '-' || t.text === '~' || t.text === '!' || t.text === '+') {
      ts.next();
      return { t: 'un', op: t.text, a: parseUnary(ts), col: t.col };
    }
    if (t.text === '(') {
      ts.next();
      const e = parseExpr(ts);
      ts.expectPunct(')');
      return e;
    }
    if (t.text === '%') {
      const n = ts.peek(1);
      const fn = n && n.kind === 'ident' ? RELOC_FNS[n.text] : undefined;
      if (!n || !fn) {
        ts.next();
        ts.fail(`a relocation operator (${Object.keys(RELOC_FNS).join(', ')})`);
      }
      ts.next();
      ts.next();
      ts.expectPunct('(');
      const a = parseExpr(ts);
      ts.expectPunct(')');
      return { t: 'fn', fn, a, col: t.col };
    }
    ts.fail('an expression');
  }
  ts.next();
  if (t.kind === 'num') return { t: 'num', v: BigInt(t.value!), col: t.col };
  if (t.kind === 'local') return { t: 'local', n: t.value!, dir: t.dir!, col: t.col };
  if (t.kind === 'ident') {
    if (t.text === '.') return { t: 'dot', col: t.col };
    return { t: 'sym', name: t.text, col: t.col };
  }
  ts.pos--;
  return ts.fail('an expression');
}

const M64 = (1n << 64n) - 1n;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

function absOf(v: bigint): Value {
  return { kind: 'abs', v: s64(v) };
}

/**
 * Evaluates an expression. `%hi`/`%lo`/`%pcrel_*` are allowed only at the top (they become relocations when
 * their argument is not absolute). Undefined symbols give `ext` values; arithmetic that a relocation cannot
 * express (e.g. a product of a label) is an error naming the operator's column.
 */
export function evalOperand(e: Expr, ctx: EvalContext, loc: SourceLoc): Operand {
  if (e.t === 'fn') {
    const arg = evalExpr(e.a, ctx, loc);
    if (arg.kind === 'abs' && (e.fn === 'hi' || e.fn === 'lo')) {
      return absOf(e.fn === 'hi' ? hi20(arg.v) : lo12(arg.v));
    }
    return { kind: 'fn', fn: e.fn, arg };
  }
  return evalExpr(e, ctx, loc);
}

/** The upper 20 bits as `lui` takes them, rounded so that adding the sign-extended low 12 bits gives the value. */
export function hi20(v: bigint): bigint {
  return ((v + 0x800n) >> 12n) & 0xfffffn;
}
/** The sign-extended low 12 bits. */
export function lo12(v: bigint): bigint {
  return BigInt.asIntN(12, v);
}

export function evalExpr(e: Expr, ctx: EvalContext, loc: SourceLoc): Value {
  const at = (col: number): SourceLoc => ({ ...loc, col });
  switch (e.t) {
    case 'num':
      return absOf(e.v);
    case 'dot':
      return ctx.dot();
    case 'sym':
      return ctx.symbol(e.name) ?? { kind: 'ext', sym: e.name, v: 0n };
    case 'local': {
      const v = ctx.local(e.n, e.dir);
      if (!v) {
        throw new AsmError(
          at(e.col),
          e.dir === 'b' ? `no local label '${e.n}:' before this line` : `no local label '${e.n}:' after this line`,
        );
      }
      return v;
    }
    case 'fn':
      throw new AsmError(at(e.col), `%${e.fn} is allowed only as a whole instruction operand`);
    case 'un': {
      const a = evalExpr(e.a, ctx, loc);
      if (e.op === '+') return a;
      if (a.kind !== 'abs') throw new AsmError(at(e.col), `operator '${e.op}' needs an absolute value, not ${describe(a)}`);
      if (e.op === '-') return absOf(-a.v);
      if (e.op === '~') return absOf(~a.v);
      return absOf(a.v === 0n ? 1n : 0n);
    }
    case 'bin': {
      const a = evalExpr(e.a, ctx, loc);
      const b = evalExpr(e.b, ctx, loc);
      if (e.op === '+') {
        if (a.kind === 'abs') return b.kind === 'abs' ? absOf(a.v + b.v) : { ...b, v: s64(b.v + a.v) };
        if (b.kind === 'abs') return { ...a, v: s64(a.v + b.v) };
        throw new AsmError(at(e.col), `cannot add ${describe(a)} and ${describe(b)}`);
      }
      if (e.op === '-') {
        if (b.kind === 'abs') return a.kind === 'abs' ? absOf(a.v - b.v) : { ...a, v: s64(a.v - b.v) };
        if (a.kind === 'rel' && b.kind === 'rel' && a.section === b.section) return absOf(a.v - b.v);
        throw new AsmError(at(e.col), `cannot subtract ${describe(b)} from ${describe(a)}`);
      }
      if (a.kind !== 'abs' || b.kind !== 'abs') {
        const bad = a.kind !== 'abs' ? a : b;
        throw new AsmError(at(e.col), `operator '${e.op}' needs absolute values, not ${describe(bad)}`);
      }
      return absOf(binop(e.op, a.v, b.v, at(e.col)));
    }
  }
}

function binop(op: string, a: bigint, b: bigint, loc: SourceLoc): bigint {
  const t = (c: boolean): bigint => (c ? -1n : 0n);
  switch (op) {
    case '*':
      return a * b;
    case '/':
      if (b === 0n) throw new AsmError(loc, 'division by zero');
      return a / b;
    case '%':
      if (b === 0n) throw new AsmError(loc, 'division by zero');
      return a % b;
    case '<<':
      return b >= 64n || b < 0n ? 0n : a << b;
    case '>>':
      return b >= 64n || b < 0n ? 0n : (a & M64) >> b;
    case '|':
      return a | b;
    case '&':
      return a & b;
    case '^':
      return a ^ b;
    case '!':
      return a | ~b;
    case '==':
      return t(a === b);
    case '!=':
    case '<>':
      return t(a !== b);
    case '<':
      return t(a < b);
    case '>':
      return t(a > b);
    case '<=':
      return t(a <= b);
    case '>=':
      return t(a >= b);
    case '&&':
      return a !== 0n && b !== 0n ? 1n : 0n;
    case '||':
      return a !== 0n || b !== 0n ? 1n : 0n;
  }
  throw new AsmError(loc, `unknown operator '${op}'`);
}

export function describe(v: Value): string {
  if (v.kind === 'abs') return `the constant ${v.v}`;
  if (v.kind === 'rel') return `an address in section ${v.section}`;
  return `the undefined symbol '${v.sym}'`;
}
