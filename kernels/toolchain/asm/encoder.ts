// Instructions from the ISA table: the forms of a mnemonic in a flavour, parsing operand text against a form's
// syntax template, and finding the compressed (RVC) encoding of an instruction by trying the RVC entries whose
// expansion equals it. Nothing here lists instructions; everything is derived from rtl/isa.
import { fitsField, fieldRange, zeroOperands } from '../../../rtl/isa/fields.ts';
import { OPTIONAL_EXTS, encode, encodingsOf } from '../../../rtl/isa/table.ts';
import type { Encoding, Flavour, InstrDef, OperandField, OperandName, Operands } from '../../../rtl/isa/types.ts';
import { AsmError } from './diagnostics.ts';
import { type EvalContext, type Operand, TokenStream, evalOperand, parseExpr } from './expr.ts';
import { csrNumber, registerNumber } from './registers.ts';

const OPERAND_NAMES = new Set<string>(['rd', 'rs1', 'rs2', 'rs3', 'imm', 'imm2', 'csr', 'L', 'pred', 'succ']);
const REGISTER_OPERANDS = new Set<string>(['rd', 'rs1', 'rs2', 'rs3']);

export type TemplatePart =
  | { t: 'op'; name: OperandName }
  /** A fixed register written into the template (`c.lwsp rd, imm(sp)`). */
  | { t: 'reg'; name: string; num: number }
  | { t: 'punct'; p: string };

export interface InstrForm {
  def: InstrDef;
  enc: Encoding;
  parts: TemplatePart[];
  /** How the source spells this form: the encoding's mnemonic, or the alias's. */
  mnemonic: string;
  /** For an alias (`Encoding.aliases`): the values of the operands its syntax leaves out. */
  fixed?: Partial<Operands>;
  /** The form is an alias spelling (GNU as never relaxes these to RVC: its opcode table lists them 32-bit only). */
  alias?: boolean;
}

export function parseTemplate(syntax: string): TemplatePart[] {
  const out: TemplatePart[] = [];
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*|[^\sA-Za-z0-9_])/y;
  let m: RegExpExecArray | null;
  while ((m = re.exec(syntax)) !== null) {
    const w = m[1]!;
    if (OPERAND_NAMES.has(w)) out.push({ t: 'op', name: w as OperandName });
    else if (/^[A-Za-z_]/.test(w)) {
      const num = registerNumber(w);
      if (num === undefined) throw new Error(`rtl/isa syntax '${syntax}': unknown word '${w}'`);
      out.push({ t: 'reg', name: w, num });
    } else out.push({ t: 'punct', p: w });
  }
  return out;
}

/** The instruction forms of one flavour, indexed by mnemonic; and the RVC entries indexed by what they expand to. */
export class InstrTable {
  private readonly byMnemonic = new Map<string, InstrForm[]>();
  private readonly rvcByTarget = new Map<string, InstrForm[]>();
  private readonly byIdMap = new Map<string, InstrForm>();

  constructor(
    readonly flavour: Flavour,
    /** The C extension is available (compressed mnemonics accepted, compression possible). */
    readonly allowC: boolean,
  ) {
    const encs = encodingsOf(flavour, { extensions: OPTIONAL_EXTS }).filter(({ def }) => def.ext !== 'C' || allowC);
    for (const { def, enc } of encs) {
      const form: InstrForm = { def, enc, parts: parseTemplate(enc.syntax), mnemonic: enc.mnemonic };
      this.add(form);
      this.byIdMap.set(def.id, form);
      if (def.expandsTo && def.expand) {
        const r = this.rvcByTarget.get(def.expandsTo) ?? [];
        r.push(form);
        this.rvcByTarget.set(def.expandsTo, r);
      }
    }
    // Aliases after every canonical form, so a mnemonic that is both (p.lw) tries its own forms first and keeps
    // their diagnostics.
    for (const { def, enc } of encs) {
      for (const a of enc.aliases ?? []) {
        const form: InstrForm = { def, enc, parts: parseTemplate(a.syntax), mnemonic: a.mnemonic, alias: true };
        if (a.fixed) form.fixed = a.fixed;
        this.add(form);
      }
    }
  }

  private add(form: InstrForm): void {
    const l = this.byMnemonic.get(form.mnemonic) ?? [];
    l.push(form);
    this.byMnemonic.set(form.mnemonic, l);
  }

  forms(mnemonic: string): InstrForm[] | undefined {
    return this.byMnemonic.get(mnemonic);
  }

  byId(id: string): InstrForm | undefined {
    return this.byIdMap.get(id);
  }

  /** The form of `mnemonic` whose operand names are exactly `names` (for pseudo-instruction expansion). */
  formWith(mnemonic: string, names: OperandName[]): InstrForm | undefined {
    const want = [...names].sort().join();
    return this.forms(mnemonic)?.find(
      (f) =>
        !f.alias &&
        (f.enc.size === 4 || mnemonic.startsWith('c.')) &&
        f.enc.fields
          .map((x) => x.name)
          .sort()
          .join() === want,
    );
  }

  /** RVC forms that expand to the instruction with this id. */
  compressedFor(id: string): InstrForm[] {
    return this.rvcByTarget.get(id) ?? [];
  }

  get mnemonics(): string[] {
    return [...this.byMnemonic.keys()];
  }
}

/** A parsed operand: a register number, or an expression value. */
export type ParsedOperand = { kind: 'reg'; reg: number; col: number } | { kind: 'expr'; value: Operand; col: number };

export type ParsedOperands = Partial<Record<OperandName, ParsedOperand>>;

/** Thrown when operand text does not fit a template; `progress` ranks how far the match got. */
export class MatchError extends AsmError {
  constructor(
    err: AsmError,
    readonly progress: number,
  ) {
    super(err.loc, err.message);
  }
}

function parseRegister(ts: TokenStream): { reg: number; col: number } {
  const t = ts.peek();
  if (t && t.kind === 'ident') {
    const r = registerNumber(t.text);
    if (r !== undefined) {
      ts.next();
      return { reg: r, col: t.col };
    }
  }
  return ts.fail('a register');
}

const FENCE_BITS: Record<string, number> = { i: 8, o: 4, r: 2, w: 1 };

/** Parses operand tokens against a template. Throws MatchError on mismatch. */
export function matchForm(ts: TokenStream, parts: TemplatePart[], ctx: EvalContext): ParsedOperands {
  const start = ts.pos;
  const out: ParsedOperands = {};
  try {
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p.t === 'punct') {
        ts.expectPunct(p.p);
        continue;
      }
      if (p.t === 'reg') {
        const r = parseRegister(ts);
        if (r.reg !== p.num) {
          ts.pos--;
          ts.fail(`register ${p.name}`);
        }
        continue;
      }
      const col = ts.col();
      if (REGISTER_OPERANDS.has(p.name)) {
        out[p.name] = { kind: 'reg', ...parseRegister(ts) };
        continue;
      }
      // `imm(rs1)` with the offset left out: `(rs1)` means offset 0 (as in GNU as).
      const nextPart = parts[i + 1];
      if (nextPart?.t === 'punct' && nextPart.p === '(' && ts.isPunct('(') && isRegisterGroup(ts)) {
        out[p.name] = { kind: 'expr', value: { kind: 'abs', v: 0n }, col };
        continue;
      }
      const t = ts.peek();
      if (t?.kind === 'ident' && registerNumber(t.text) !== undefined) ts.fail(`an immediate for ${p.name}`);
      if (p.name === 'csr' && t?.kind === 'ident') {
        const n = csrNumber(t.text);
        if (n !== undefined && !ctx.symbol(t.text)) {
          ts.next();
          out.csr = { kind: 'expr', value: { kind: 'abs', v: BigInt(n) }, col };
          continue;
        }
      }
      if ((p.name === 'pred' || p.name === 'succ') && t?.kind === 'ident' && /^[iorw]+$/.test(t.text)) {
        ts.next();
        let v = 0;
        for (const ch of t.text) v |= FENCE_BITS[ch]!;
        out[p.name] = { kind: 'expr', value: { kind: 'abs', v: BigInt(v) }, col };
        continue;
      }
      if (t === undefined || (t.kind === 'punct' && t.text === ',')) ts.fail(`an immediate for ${p.name}`);
      const e = parseExpr(ts);
      out[p.name] = { kind: 'expr', value: evalOperand(e, ctx, { ...ts.loc, col }), col };
    }
    if (!ts.atEnd()) ts.fail(parts.length === 0 ? 'no operands' : 'end of operands');
  } catch (e) {
    if (e instanceof AsmError) throw new MatchError(e, ts.pos - start);
    throw e;
  }
  return out;
}

function isRegisterGroup(ts: TokenStream): boolean {
  const a = ts.peek(1);
  return a?.kind === 'ident' && registerNumber(a.text) !== undefined && ts.isPunct(')', 2);
}

/** `immediate 2048 out of range -2048..2047 for addi` (with the step for scaled fields). */
export function rangeMessage(f: OperandField, value: number, mnemonic: string): string {
  const r = fieldRange(f);
  const what = f.pcrel ? 'offset' : f.name === 'csr' ? 'CSR number' : REGISTER_OPERANDS.has(f.name) ? 'register' : 'immediate';
  if (value >= r.min && value <= r.max && r.align > 0) {
    return `${what} ${value} for ${mnemonic} is not a multiple of ${2 ** r.align}`;
  }
  const step = r.align > 0 ? ` (multiple of ${2 ** r.align})` : '';
  return `${what} ${value} out of range ${r.min}..${r.max}${step} for ${mnemonic}`;
}

/** Whether `ops` fits every field of `enc` and passes its extra constraints. */
export function fits(enc: Encoding, ops: Partial<Operands>): boolean {
  for (const f of enc.fields) if (!fitsField(f, ops[f.name] ?? 0)) return false;
  if (enc.valid) {
    try {
      encode(enc, ops);
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The compressed form of the 32-bit instruction `form` with operands `ops`, if an RVC entry of the table expands
 * to exactly this instruction (RVC entries whose id is in `skip` are not used).
 */
export function findCompressed(
  table: InstrTable,
  form: InstrForm,
  ops: Operands,
  skip: string[] = [],
): { form: InstrForm; ops: Operands } | undefined {
  for (const c of table.compressedFor(form.def.id)) {
    if (skip.includes(c.def.id)) continue;
    const p = zeroOperands();
    for (const f of c.enc.fields) p[f.name] = ops[f.name];
    if (!fits(c.enc, p)) continue;
    const x = c.def.expand!(p);
    if (form.enc.fields.every((f) => x[f.name] === ops[f.name])) return { form: c, ops: p };
  }
  return undefined;
}
