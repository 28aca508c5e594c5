// XpulpNN sub-byte SIMD dot products (optional extension 'XpulpNN', off unless a configuration enables it): the
// XpulpV2 dot-product family on nibble (`.n`, 8 lanes of 4 bits) and crumb (`.c`, 16 lanes of 2 bits) vectors.
//
// Encodings (xpulpv2 flavour only; XpulpNN extends RI5CY, CORE-V has no such instructions): the XpulpNN
// instruction table of the GVSOC ISS (gvsoc/gvsoc-core `models/cpu/iss/isa_gen/isa_pulpnn.py`, subset `pulpnn`):
// opcode 0x57 as the XpulpV2 SIMD ops, bits 31:26 = the XpulpV2 funct6 of the same operation (dotup 100000,
// dotusp 100010, dotsp 100110, sdotup 101000, sdotusp 101010, sdotsp 101110; ri5cy-isa-timing.md §2.4),
// bit 25 = lane width (0 nibble, 1 crumb), funct3 = 010 (vector-vector) or 011 (`.sc`: rs2's low lane
// replicated). RI5CY leaves funct3 010/011 of opcode 0x57 unused (§2.4), so they collide with no XpulpV2 entry;
// the decoder's overlap check proves it whenever the extension is switched on.
// Mnemonics: `pv.<op>.n`, `pv.<op>.c`, and `pv.<op>.sc.n` / `pv.<op>.sc.c` after XpulpV2's `pv.<op>.sc.b`; GVSOC
// spells the scalar forms `pv.<op>.n.sc`, accepted as an alias.
//
// Semantics (pulp-nn-mixed.md §9, §10c; GVSOC `VEC_DOTP_NN`/`VEC_SDOT_NN`): exact lane products of rs1 (unsigned
// for up/usp, signed for sp) and the second operand (unsigned for up, signed for usp/sp), summed with 32-bit
// wrap-around, plus rD for the accumulating sdot* forms. `.sc` replicates the low nibble/crumb of rs2; the
// accumulator is never replicated. They run in the dot-product multiplier: timing class `mul`.
import type { Encoding, Ext, Hart, InstrDef, Operands } from './types.ts';
import { enc, rd, rs1, rs2, withAliases, xdef } from './xpulp_common.ts';

/** Lane widths of the extension: nibble and crumb. */
export type SubWidth = 4 | 2;

/** The low lane of `v` replicated into every `w`-bit lane (the `.sc` second operand). */
export function replicateSub(v: number, w: SubWidth): number {
  const lane = v & ((1 << w) - 1);
  let r = 0;
  for (let s = 0; s < 32; s += w) r |= lane << s;
  return r | 0;
}

/** Sum of the products of the `w`-bit lanes of a and b plus `acc`, wrapped to 32 bits; `sa`/`sb`: signed lanes. */
export function dotSub(a: number, b: number, acc: number, w: SubWidth, sa: boolean, sb: boolean): number {
  const m = (1 << w) - 1;
  const up = 32 - w;
  let r = acc | 0;
  for (let s = 0; s < 32; s += w) {
    const x = (a >>> s) & m;
    const y = (b >>> s) & m;
    r = (r + Math.imul(sa ? (x << up) >> up : x, sb ? (y << up) >> up : y)) | 0;
  }
  return r;
}

interface NnDotOp {
  name: string;
  /** XpulpV2 funct6 (bits 31:26) of the 8/16-bit form of the same operation. */
  f6: number;
  acc: boolean;
  sa: boolean;
  sb: boolean;
}

const ops: NnDotOp[] = [
  { name: 'dotup', f6: 0b100000, acc: false, sa: false, sb: false },
  { name: 'dotusp', f6: 0b100010, acc: false, sa: false, sb: true },
  { name: 'dotsp', f6: 0b100110, acc: false, sa: true, sb: true },
  { name: 'sdotup', f6: 0b101000, acc: true, sa: false, sb: false },
  { name: 'sdotusp', f6: 0b101010, acc: true, sa: false, sb: true },
  { name: 'sdotsp', f6: 0b101110, acc: true, sa: true, sb: true },
];

const OPV = 0x57;
/** funct3 of the vector-vector and the `.sc` forms. */
const F3_VV = 0b010;
const F3_SC = 0b011;

const suffix = (w: SubWidth): 'n' | 'c' => (w === 4 ? 'n' : 'c');

function nnDef(op: NnDotOp, w: SubWidth, sc: boolean): InstrDef {
  const ws = suffix(w);
  const mnemonic = sc ? `pv.${op.name}.sc.${ws}` : `pv.${op.name}.${ws}`;
  let e: Encoding = enc(
    mnemonic,
    'rd, rs1, rs2',
    [[6, 0, OPV], [14, 12, sc ? F3_SC : F3_VV], [25, 25, w === 4 ? 0 : 1], [31, 26, op.f6]],
    [rd, rs1, rs2],
  );
  if (sc) e = withAliases(e, { mnemonic: `pv.${op.name}.${ws}.sc`, syntax: 'rd, rs1, rs2' });
  const second = sc ? (h: Hart, o: Operands) => replicateSub(h.x(o.rs2), w) : (h: Hart, o: Operands) => h.x(o.rs2);
  return xdef(
    mnemonic,
    'XpulpNN',
    'mul',
    { xpulpv2: e },
    (h, o) => h.setX(o.rd, dotSub(h.x(o.rs1), second(h, o), op.acc ? h.x(o.rd) : 0, w, op.sa, op.sb)),
    op.acc ? ['rd', 'rs1', 'rs2'] : undefined,
  );
}

export const xpulpnnInstrs: InstrDef[] = ops.flatMap((op) =>
  ([4, 2] as const).flatMap((w) => [nnDef(op, w, false), nnDef(op, w, true)]),
);

/** Switches of the optional ISA extensions in a core configuration. */
export interface IsaSwitches {
  /** XpulpNN nibble/crumb SIMD dot products. */
  xpulpnn?: boolean;
}

/** The optional extensions a configuration switches on, for the decoder's and the assembler's `extensions`. */
export function enabledExtensions(isa: IsaSwitches | undefined): Ext[] {
  return isa?.xpulpnn ? ['XpulpNN'] : [];
}
