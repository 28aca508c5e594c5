// The aggregated instruction table and the generic operations on it: lookup by id, the encodings of a flavour,
// and encoding/extracting operands.
import { extractField, insertField, operandNames, zeroOperands } from './fields.ts';
import { rv32iInstrs } from './rv32i.ts';
import { rv32mInstrs } from './rv32m.ts';
import { rvcInstrs } from './rvc.ts';
import { systemInstrs } from './system.ts';
import type { Encoding, Ext, Flavour, InstrDef, OperandName, Operands } from './types.ts';
import { xpulpInstrs } from './xpulp.ts';
import { xpulpnnInstrs } from './xpulpnn.ts';
import { zicsrInstrs } from './zicsr.ts';

/**
 * Extensions that exist only where a configuration switches them on: left out of `allInstrs` and of
 * `encodingsOf` (hence of the decoder and the assembler) unless named in `extensions`.
 */
export const OPTIONAL_EXTS: readonly Ext[] = ['XpulpNN'];

/** The entries of the optional extensions. */
export const optionalInstrs: InstrDef[] = [...xpulpnnInstrs];

/** Every instruction of the default instruction set, base first (the optional extensions are in `optionalInstrs`). */
export const allInstrs: InstrDef[] = [
  ...rv32iInstrs,
  ...rv32mInstrs,
  ...zicsrInstrs,
  ...systemInstrs,
  ...rvcInstrs,
  ...xpulpInstrs,
];

const index = new Map<string, InstrDef>();
for (const d of [...allInstrs, ...optionalInstrs]) {
  if (index.has(d.id)) throw new Error(`rtl/isa: duplicate instruction id '${d.id}'`);
  index.set(d.id, d);
}

/** The entry with this id; throws naming the id when there is none. */
export function byId(id: string): InstrDef {
  const d = index.get(id);
  if (!d) throw new Error(`rtl/isa: no instruction with id '${id}'`);
  return d;
}

/** The entry with this id, or undefined. */
export function findId(id: string): InstrDef | undefined {
  return index.get(id);
}

/** One encoding of one instruction in a flavour. */
export interface FlavourEncoding {
  def: InstrDef;
  enc: Encoding;
}

/** Which part of the table to use. */
export interface TableOptions {
  /** Optional extensions (`OPTIONAL_EXTS`) to include; default none. */
  extensions?: readonly Ext[];
}

const byFlavour = new Map<string, FlavourEncoding[]>();

/** Checks that every name is an optional extension; returns them sorted without duplicates. */
export function checkExtensions(extensions: readonly string[], where: string): Ext[] {
  for (const x of extensions) {
    if (!(OPTIONAL_EXTS as readonly string[]).includes(x)) {
      throw new Error(`${where}: '${x}' is not an optional extension (optional: ${OPTIONAL_EXTS.join(', ')})`);
    }
  }
  return [...new Set(extensions as readonly Ext[])].sort();
}

/**
 * Every encoding a flavour has (32-bit and RVC), in table order, with the optional extensions named in
 * `opts.extensions` after the default set. Throws naming an entry of `extensions` that is not optional.
 */
export function encodingsOf(flavour: Flavour, opts: TableOptions = {}): FlavourEncoding[] {
  const exts = checkExtensions(opts.extensions ?? [], 'encodingsOf');
  const key = [flavour, ...exts].join('+');
  let l = byFlavour.get(key);
  if (!l) {
    l = [];
    for (const def of [...allInstrs, ...optionalInstrs.filter((d) => exts.includes(d.ext))]) {
      const enc = def.enc[flavour];
      if (enc) l.push({ def, enc });
    }
    byFlavour.set(key, l);
  }
  return l;
}

/**
 * The instruction word for `ops` (absent operands are 0). Throws a RangeError naming the mnemonic, operand,
 * value and allowed range when a value does not fit its field, and when the operands break the encoding's
 * extra constraint (`valid`, e.g. a reserved RVC form).
 */
export function encode(enc: Encoding, ops: Partial<Operands>): number {
  let w = enc.match;
  for (const f of enc.fields) w = insertField(w, f, ops[f.name] ?? 0, enc.mnemonic);
  if (enc.valid) {
    const full = extract(enc, w);
    if (!enc.valid(full)) {
      const shown = enc.fields.map((f) => `${f.name}=${full[f.name]}`).join(', ');
      throw new RangeError(`${enc.mnemonic}: operands ${shown} form a reserved encoding`);
    }
  }
  return enc.size === 2 ? w & 0xffff : w >>> 0;
}

/** The operands of `word` under `enc` (operands the encoding does not have are 0). */
export function extract(enc: Encoding, word: number): Operands {
  const o = zeroOperands();
  for (const f of enc.fields) o[f.name] = extractField(word, f);
  return o;
}

/** The register operands an instruction reads: `reads` when given, else rs1/rs2/rs3 as they appear in the syntax. */
export function sourceRegs(def: InstrDef, enc: Encoding): Array<'rs1' | 'rs2' | 'rs3' | 'rd'> {
  if (def.reads) return def.reads;
  const names = new Set(syntaxOperands(enc.syntax));
  return (['rs1', 'rs2', 'rs3'] as const).filter((n) => names.has(n));
}

/** Operand names in the order a syntax template mentions them. */
export function syntaxOperands(syntax: string): OperandName[] {
  const out: OperandName[] = [];
  for (const tok of syntax.split(/[^A-Za-z0-9]+/)) {
    if ((operandNames as readonly string[]).includes(tok)) out.push(tok as OperandName);
  }
  return out;
}
