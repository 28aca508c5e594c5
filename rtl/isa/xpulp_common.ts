// Shared building blocks of the XpulpV2 (RI5CY / PULP GCC) and CORE-V v2 (`cv.*`, LLVM 19) table entries:
// the operand fields the PULP extensions add to the standard formats, and a constructor for entries that carry
// one encoding per flavour. Field placements follow ri5cy-isa-timing.md §2.2 (XpulpV2) and §3.2/§3.3 (CORE-V).
import { field, fixed, pcrel, rd, rs1, rs2, simm, sl, uimm } from './fields.ts';
import type { Encoding, EncodingAlias, Ext, Hart, InstrDef, OperandField, Operands, TimingClass } from './types.ts';

export { rd, rs1, rs2 };

/** `Is2` of bit-manipulation, clip and the SIMD lane immediates: uimm5 in bits 24:20. */
export const is2 = uimm('imm', 24, 20);
/** `Is3` (bit-field width - 1, normalisation shift of addN/mulN): uimm5 in bits 29:25. */
export const is3 = uimm('imm2', 29, 25);

/** SIMD 6-bit immediate: Imm6[0] in bit 25, Imm6[5:1] in bits 24:20 (RTL `imm_vs_type`/`imm_vu_type`). */
export const imm6s = field('imm', [sl(24, 20, 1), sl(25, 25, 0)], true);
export const imm6u = field('imm', [sl(24, 20, 1), sl(25, 25, 0)], false);
/**
 * CORE-V shift immediates: LLVM 19 accepts 0..15 (.h) and 0..7 (.b); the upper Imm6 bits are left out of the
 * field (don't care when decoding, as in the RTL, which uses only the low 4/3 bits of the amount).
 */
export const imm4u = field('imm', [sl(22, 20, 1), sl(25, 25, 0)], false);
export const imm3u = field('imm', [sl(21, 20, 1), sl(25, 25, 0)], false);

/** Branch-immediate compare value of `p.beqimm`/`cv.beqimm`: simm5 in the rs2 slot (RTL `imm_bi_type`). */
export const bimm5 = simm('imm', 24, 20);
/** The B-type branch offset of the immediate branches (second immediate). */
export const boff = pcrel(field('imm2', [sl(31, 31, 12), sl(7, 7, 11), sl(30, 25, 5), sl(11, 8, 1)], true));

/** Hardware-loop index: bit 7 (the rd slot holds x0/x1; RTL uses `instr[7]`). */
export const loopL = uimm('L', 7, 7);

/** One encoding per flavour: either may be absent when the operation exists in only one of them. */
export interface FlavourEncs {
  xpulpv2?: Encoding;
  corev?: Encoding;
}

/** A table entry. `reads` is given only when the syntax does not tell (rd read as an accumulator/merge input). */
export function xdef(
  id: string,
  ext: Ext,
  timing: TimingClass,
  encs: FlavourEncs,
  exec: (h: Hart, o: Operands) => void,
  reads?: Array<'rs1' | 'rs2' | 'rs3' | 'rd'>,
): InstrDef {
  const enc: InstrDef['enc'] = {};
  if (encs.xpulpv2) enc.xpulpv2 = encs.xpulpv2;
  if (encs.corev) enc.corev = encs.corev;
  const d: InstrDef = { id, ext, timing, enc, exec };
  if (reads) d.reads = reads;
  return d;
}

/** A 32-bit encoding from fixed bit ranges and operand fields. */
export function enc(
  mnemonic: string,
  syntax: string,
  fix: Array<[number, number, number]>,
  fields: OperandField[],
): Encoding {
  const f = fixed(...fix);
  return { mnemonic, syntax, size: 4, match: f.match, mask: f.mask, fields };
}

/** Sign-extends the low `bits` bits of `v` (1..32). */
export function sx(v: number, bits: number): number {
  const s = 32 - bits;
  return s === 0 ? v | 0 : (v << s) >> s;
}

/** Low `bits` bits of `v` as a non-negative number (1..32). */
export function zx(v: number, bits: number): number {
  return bits >= 32 ? v >>> 0 : (v & ((1 << bits) - 1)) >>> 0;
}

/** `e` with extra assembler spellings. */
export function withAliases(e: Encoding, ...aliases: EncodingAlias[]): Encoding {
  return { ...e, aliases: [...(e.aliases ?? []), ...aliases] };
}

/** GNU as' `...i` duplicate of a mnemonic: the same encoding and syntax under another name. */
export function iAlias(e: Encoding): Encoding {
  return withAliases(e, { mnemonic: `${e.mnemonic}i`, syntax: e.syntax });
}
