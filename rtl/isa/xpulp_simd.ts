// Packed SIMD (XpulpSimd): `pv.*` (XpulpV2, opcode 0x57) and `cv.*` (CORE-V v2, opcode 0x7b) on 2x16 (.h) and
// 4x8 (.b) lanes. Encodings: ri5cy-isa-timing.md §2.4 (funct6 = funct5 + bit 26, bit 25 = Imm6[0] in .sci
// forms, funct3 000 .h / 001 .b / 100 .sc.h / 101 .sc.b / 110 .sci.h / 111 .sci.b) and §3.3/§3.4 (CORE-V funct5,
// F bit 26; several funct5 moved). Semantics §2.5 and §4.8/§4.11/§4.12 (RTL `riscv_alu.sv`, `riscv_mult.sv`):
// * `.sc` replicates the low half/byte of rs2 and `.sci` the immediate into every lane of the SECOND operand
//   only; the accumulator of `sdot*` (rD) is never replicated.
// * avg/avgu form the sum at lane width (carry lost), then shift right by one (arithmetic / logical).
// * shifts use the low 4 (.h) or 3 (.b) bits of each lane of the second operand.
// * compares give all-ones / all-zeros lanes.
// * dot products: exact lane products, summed (plus rD for sdot*) with 32-bit wrap-around, no saturation;
//   `up` = both unsigned, `usp` = rs1 unsigned x second operand signed, `sp` = both signed.
import { field, sl } from './fields.ts';
import type { Encoding, Hart, InstrDef, OperandField, Operands, TimingClass } from './types.ts';
import { enc, imm3u, imm4u, imm6s, imm6u, rd, rs1, rs2, xdef } from './xpulp_common.ts';

export type Width = 8 | 16;

/** Signed value of a w-bit lane value. */
function sl8or16(v: number, w: Width): number {
  return w === 16 ? (v << 16) >> 16 : (v << 24) >> 24;
}

/** The low lane of `v` replicated into every lane (the `.sc`/`.sci` second operand). */
export function replicate(v: number, w: Width): number {
  return w === 16 ? Math.imul(v & 0xffff, 0x10001) : Math.imul(v & 0xff, 0x01010101);
}

/** Applies `f` to each pair of lanes (unsigned lane values in, result lane masked to w bits). */
export function lanewise(a: number, b: number, w: Width, f: (x: number, y: number) => number): number {
  const m = w === 16 ? 0xffff : 0xff;
  let r = 0;
  for (let s = 0; s < 32; s += w) r |= (f((a >>> s) & m, (b >>> s) & m) & m) << s;
  return r | 0;
}

/** Sum of lane products plus `acc`, wrapped to 32 bits; `sa`/`sb` select signed lanes of a / b. */
export function dot(a: number, b: number, acc: number, w: Width, sa: boolean, sb: boolean): number {
  const m = w === 16 ? 0xffff : 0xff;
  let r = acc | 0;
  for (let s = 0; s < 32; s += w) {
    const x = sa ? sl8or16((a >>> s) & m, w) : (a >>> s) & m;
    const y = sb ? sl8or16((b >>> s) & m, w) : (b >>> s) & m;
    r = (r + Math.imul(x, y)) | 0;
  }
  return r;
}

/**
 * Lane permutation: result lane i = lane sel_i of rs1, or of `other` when the lane's source bit is clear
 * (`shuffle2`); `sel` holds a selector per lane in that lane's low bits (RTL `shuffle_byte_sel`/`reg_sel`).
 * For `.h` the lane index is selector bit 0 and the source bit is bit 1; for `.b` bits 1:0 and bit 2.
 */
export function shuffle(a: number, other: number, sel: number, w: Width, two: boolean): number {
  const m = w === 16 ? 0xffff : 0xff;
  const idxMask = w === 16 ? 1 : 3;
  const srcBit = w === 16 ? 2 : 4;
  let r = 0;
  for (let s = 0; s < 32; s += w) {
    const lsel = (sel >>> s) & m;
    const src = !two || (lsel & srcBit) !== 0 ? a : other;
    r |= ((src >>> ((lsel & idxMask) * w)) & m) << s;
  }
  return r | 0;
}

type Lane = (x: number, y: number, w: Width) => number;

const sgn = sl8or16;
const mask = (w: Width): number => (w === 16 ? 0xffff : 0xff);
const all = (c: boolean): number => (c ? -1 : 0);

type Form = 'h' | 'b' | 'sc.h' | 'sc.b' | 'sci.h' | 'sci.b';
const allForms: Form[] = ['h', 'sc.h', 'sci.h', 'b', 'sc.b', 'sci.b'];
const f3Of: Record<Form, number> = { h: 0b000, b: 0b001, 'sc.h': 0b100, 'sc.b': 0b101, 'sci.h': 0b110, 'sci.b': 0b111 };
const widthOf = (f: Form): Width => (f.endsWith('h') ? 16 : 8);

/** Kind of `.sci` immediate: signed Imm6, unsigned Imm6, or a shift amount. */
type ImmKind = 's' | 'u' | 'shift';

interface BinOp {
  name: string;
  /** RI5CY funct6 (bits 31:26). */
  f6: number;
  /** CORE-V funct5 (bits 31:27) and F (bit 26). */
  cf5: number;
  cF: 0 | 1;
  imm: ImmKind;
  lane: Lane;
}

const OPV = 0x57;
const CUSTOM3 = 0x7b;

/** XpulpV2 shift immediates: GNU as takes 0..31; bit 24 (Imm6[5]) is outside the field. */
const imm5u = field('imm', [sl(23, 20, 1), sl(25, 25, 0)], false);

function immField(kind: ImmKind, w: Width, flavour: 'p' | 'c'): OperandField {
  if (kind === 's') return imm6s;
  if (kind === 'u') return imm6u;
  if (flavour === 'p') return imm5u;
  return w === 16 ? imm4u : imm3u;
}

/** The encoding of one form. vv/sc forms fix bit 25 = 0; `.sci` forms put Imm6[0] there. */
function formEnc(flavour: 'p' | 'c', mnem: string, form: Form, top: Array<[number, number, number]>, imm: ImmKind): Encoding {
  const f3 = f3Of[form];
  const opc = flavour === 'p' ? OPV : CUSTOM3;
  if (form.startsWith('sci')) {
    return enc(mnem, 'rd, rs1, imm', [[6, 0, opc], [14, 12, f3], ...top], [rd, rs1, immField(imm, widthOf(form), flavour)]);
  }
  return enc(mnem, 'rd, rs1, rs2', [[6, 0, opc], [14, 12, f3], [25, 25, 0], ...top], [rd, rs1, rs2]);
}

/** The second operand of a form: rs2, rs2's low lane replicated, or the immediate replicated. */
function opB(h: Hart, o: Operands, form: Form, w: Width): number {
  if (form === 'h' || form === 'b') return h.x(o.rs2);
  if (form === 'sc.h' || form === 'sc.b') return replicate(h.x(o.rs2), w);
  return replicate(o.imm, w);
}

function simdDef(
  name: string,
  form: Form,
  f6: number,
  cf5: number | null,
  cF: 0 | 1,
  imm: ImmKind,
  timing: TimingClass,
  exec: (h: Hart, o: Operands) => void,
  reads?: Array<'rs1' | 'rs2' | 'rs3' | 'rd'>,
): InstrDef {
  const encs: { xpulpv2: Encoding; corev?: Encoding } = {
    xpulpv2: formEnc('p', `pv.${name}.${form}`, form, [[31, 26, f6]], imm),
  };
  if (cf5 !== null) {
    encs.corev = formEnc('c', `cv.${name}.${form}`, form, [[31, 27, cf5], [26, 26, cF]], imm);
  }
  return xdef(`pv.${name}.${form}`, 'XpulpSimd', timing, encs, exec, reads);
}

function binDefs(op: BinOp): InstrDef[] {
  return allForms.map((form) => {
    const w = widthOf(form);
    const f = (x: number, y: number): number => op.lane(x, y, w);
    return simdDef(op.name, form, op.f6, op.cf5, op.cF, op.imm, 'alu', (h, o) =>
      h.setX(o.rd, lanewise(h.x(o.rs1), opB(h, o, form, w), w, f)),
    );
  });
}

const binOps: BinOp[] = [
  { name: 'add', f6: 0b000000, cf5: 0b00000, cF: 0, imm: 's', lane: (x, y) => x + y },
  { name: 'sub', f6: 0b000010, cf5: 0b00001, cF: 0, imm: 's', lane: (x, y) => x - y },
  { name: 'avg', f6: 0b000100, cf5: 0b00010, cF: 0, imm: 's', lane: (x, y, w) => sgn((x + y) & mask(w), w) >> 1 },
  { name: 'avgu', f6: 0b000110, cf5: 0b00011, cF: 0, imm: 'u', lane: (x, y, w) => ((x + y) & mask(w)) >>> 1 },
  { name: 'min', f6: 0b001000, cf5: 0b00100, cF: 0, imm: 's', lane: (x, y, w) => (sgn(x, w) < sgn(y, w) ? x : y) },
  { name: 'minu', f6: 0b001010, cf5: 0b00101, cF: 0, imm: 'u', lane: (x, y) => (x < y ? x : y) },
  { name: 'max', f6: 0b001100, cf5: 0b00110, cF: 0, imm: 's', lane: (x, y, w) => (sgn(x, w) > sgn(y, w) ? x : y) },
  { name: 'maxu', f6: 0b001110, cf5: 0b00111, cF: 0, imm: 'u', lane: (x, y) => (x > y ? x : y) },
  { name: 'srl', f6: 0b010000, cf5: 0b01000, cF: 0, imm: 'shift', lane: (x, y, w) => x >>> (y & (w - 1)) },
  { name: 'sra', f6: 0b010010, cf5: 0b01001, cF: 0, imm: 'shift', lane: (x, y, w) => sgn(x, w) >> (y & (w - 1)) },
  { name: 'sll', f6: 0b010100, cf5: 0b01010, cF: 0, imm: 'shift', lane: (x, y, w) => x << (y & (w - 1)) },
  { name: 'or', f6: 0b010110, cf5: 0b01011, cF: 0, imm: 's', lane: (x, y) => x | y },
  { name: 'xor', f6: 0b011000, cf5: 0b01100, cF: 0, imm: 's', lane: (x, y) => x ^ y },
  { name: 'and', f6: 0b011010, cf5: 0b01101, cF: 0, imm: 's', lane: (x, y) => x & y },
  { name: 'cmpeq', f6: 0b000001, cf5: 0b00000, cF: 1, imm: 's', lane: (x, y) => all(x === y) },
  { name: 'cmpne', f6: 0b000011, cf5: 0b00001, cF: 1, imm: 's', lane: (x, y) => all(x !== y) },
  { name: 'cmpgt', f6: 0b000101, cf5: 0b00010, cF: 1, imm: 's', lane: (x, y, w) => all(sgn(x, w) > sgn(y, w)) },
  { name: 'cmpge', f6: 0b000111, cf5: 0b00011, cF: 1, imm: 's', lane: (x, y, w) => all(sgn(x, w) >= sgn(y, w)) },
  { name: 'cmplt', f6: 0b001001, cf5: 0b00100, cF: 1, imm: 's', lane: (x, y, w) => all(sgn(x, w) < sgn(y, w)) },
  { name: 'cmple', f6: 0b001011, cf5: 0b00101, cF: 1, imm: 's', lane: (x, y, w) => all(sgn(x, w) <= sgn(y, w)) },
  { name: 'cmpgtu', f6: 0b001101, cf5: 0b00110, cF: 1, imm: 'u', lane: (x, y) => all(x > y) },
  { name: 'cmpgeu', f6: 0b001111, cf5: 0b00111, cF: 1, imm: 'u', lane: (x, y) => all(x >= y) },
  { name: 'cmpltu', f6: 0b010001, cf5: 0b01000, cF: 1, imm: 'u', lane: (x, y) => all(x < y) },
  { name: 'cmpleu', f6: 0b010011, cf5: 0b01001, cF: 1, imm: 'u', lane: (x, y) => all(x <= y) },
];

interface DotOp {
  name: string;
  f6: number;
  cf5: number;
  acc: boolean;
  /** Signedness of rs1 lanes and of the second operand's lanes (RTL `mult_dot_signed` = {a, b}). */
  sa: boolean;
  sb: boolean;
}

const dotOps: DotOp[] = [
  { name: 'dotup', f6: 0b100000, cf5: 0b10000, acc: false, sa: false, sb: false },
  { name: 'dotusp', f6: 0b100010, cf5: 0b10001, acc: false, sa: false, sb: true },
  { name: 'dotsp', f6: 0b100110, cf5: 0b10010, acc: false, sa: true, sb: true },
  { name: 'sdotup', f6: 0b101000, cf5: 0b10011, acc: true, sa: false, sb: false },
  { name: 'sdotusp', f6: 0b101010, cf5: 0b10100, acc: true, sa: false, sb: true },
  { name: 'sdotsp', f6: 0b101110, cf5: 0b10101, acc: true, sa: true, sb: true },
];

function dotDefs(op: DotOp): InstrDef[] {
  return allForms.map((form) => {
    const w = widthOf(form);
    const imm: ImmKind = op.sb ? 's' : 'u';
    const reads: Array<'rs1' | 'rs2' | 'rd'> | undefined = op.acc
      ? form.startsWith('sci')
        ? ['rd', 'rs1']
        : ['rd', 'rs1', 'rs2']
      : undefined;
    return simdDef(
      op.name,
      form,
      op.f6,
      op.cf5,
      0,
      imm,
      'mul',
      (h, o) => h.setX(o.rd, dot(h.x(o.rs1), opB(h, o, form, w), op.acc ? h.x(o.rd) : 0, w, op.sa, op.sb)),
      reads,
    );
  });
}

/** Fixed fields of one non-generic encoding: opcode, funct3 and the top bits. */
function special(
  mnem: string,
  syntax: string,
  opc: number,
  f3: number,
  top: Array<[number, number, number]>,
  fields: OperandField[],
): Encoding {
  return enc(mnem, syntax, [[6, 0, opc], [14, 12, f3], ...top], fields);
}

const p6 = (f6: number, b25?: number): Array<[number, number, number]> =>
  b25 === undefined ? [[31, 26, f6]] : [[31, 26, f6], [25, 25, b25]];
const c5 = (f5: number, b25?: number): Array<[number, number, number]> =>
  b25 === undefined ? [[31, 27, f5], [26, 26, 0]] : [[31, 27, f5], [26, 26, 0], [25, 25, b25]];

/**
 * XpulpV2 lane index of pv.extract/extractu/insert (§2.2): bit 25 (.h), {bit 20, bit 25} (.b); the other Imm6
 * bits are not decoded. LLVM takes a full uimm6 for the cv.* forms, of which the RTL uses the same low bits.
 */
const laneH = field('imm', [sl(25, 25, 0)], false);
const laneB = field('imm', [sl(20, 20, 1), sl(25, 25, 0)], false);

/** pv.extract/extractu/insert: lane index = Imm6[0] (.h) or Imm6[1:0] (.b) (RTL `imm_vec_ext` = imm_vu_type[1:0]). */
function laneDefs(): InstrDef[] {
  const out: InstrDef[] = [];
  const ops = [
    { name: 'extract', f6: 0b011110, cf3h: 0b000 },
    { name: 'extractu', f6: 0b100100, cf3h: 0b010 },
    { name: 'insert', f6: 0b101100, cf3h: 0b100 },
  ];
  for (const op of ops) {
    for (const w of [16, 8] as Width[]) {
      const sfx = w === 16 ? 'h' : 'b';
      const m = mask(w);
      const idx = w === 16 ? 1 : 3;
      let exec: (h: Hart, o: Operands) => void;
      if (op.name === 'insert') {
        exec = (h, o) => {
          const s = (o.imm & idx) * w;
          const keep = h.x(o.rd) & ~(m << s);
          h.setX(o.rd, keep | ((h.x(o.rs1) & m) << s));
        };
      } else {
        const signed = op.name === 'extract';
        exec = (h, o) => {
          const v = (h.x(o.rs1) >>> ((o.imm & idx) * w)) & m;
          h.setX(o.rd, signed ? sgn(v, w) : v);
        };
      }
      const mn = `${op.name}.${sfx}`;
      out.push(
        xdef(
          `pv.${mn}`,
          'XpulpSimd',
          'alu',
          {
            xpulpv2: special(`pv.${mn}`, 'rd, rs1, imm', OPV, w === 16 ? 0b110 : 0b111, p6(op.f6), [rd, rs1, w === 16 ? laneH : laneB]),
            corev: special(`cv.${mn}`, 'rd, rs1, imm', CUSTOM3, op.cf3h | (w === 8 ? 1 : 0), c5(0b10111), [rd, rs1, imm6u]),
          },
          exec,
          op.name === 'insert' ? ['rd', 'rs1'] : undefined,
        ),
      );
    }
  }
  return out;
}

function shuffleDefs(): InstrDef[] {
  const out: InstrDef[] = [];
  const rr = [rd, rs1, rs2];
  const ri = [rd, rs1, imm6u];
  out.push(
    xdef(
      'pv.shuffle.h',
      'XpulpSimd',
      'alu',
      {
        xpulpv2: special('pv.shuffle.h', 'rd, rs1, rs2', OPV, 0b000, p6(0b110000, 0), rr),
        corev: special('cv.shuffle.h', 'rd, rs1, rs2', CUSTOM3, 0b000, c5(0b11000, 0), rr),
      },
      (h, o) => h.setX(o.rd, shuffle(h.x(o.rs1), 0, h.x(o.rs2), 16, false)),
    ),
    xdef(
      'pv.shuffle.b',
      'XpulpSimd',
      'alu',
      {
        xpulpv2: special('pv.shuffle.b', 'rd, rs1, rs2', OPV, 0b001, p6(0b110000, 0), rr),
        corev: special('cv.shuffle.b', 'rd, rs1, rs2', CUSTOM3, 0b001, c5(0b11000, 0), rr),
      },
      (h, o) => h.setX(o.rd, shuffle(h.x(o.rs1), 0, h.x(o.rs2), 8, false)),
    ),
    // Selectors from the immediate: high half = I[1], low half = I[0] (RTL `imm_shuffleh_type`).
    xdef(
      'pv.shuffle.sci.h',
      'XpulpSimd',
      'alu',
      {
        xpulpv2: special('pv.shuffle.sci.h', 'rd, rs1, imm', OPV, 0b110, p6(0b110000), ri),
        corev: special('cv.shuffle.sci.h', 'rd, rs1, imm', CUSTOM3, 0b110, c5(0b11000), ri),
      },
      (h, o) => h.setX(o.rd, shuffle(h.x(o.rs1), 0, ((o.imm >>> 1) & 1) * 0x10000 + (o.imm & 1), 16, false)),
    ),
  );
  // pv.shufflei<k>.sci.b: byte 3 takes rs1 byte k (k encoded in the funct bits), bytes 2..0 take I[5:4], I[3:2],
  // I[1:0] (RTL `imm_shuffleb_type`).
  const pf6 = [0b110000, 0b111010, 0b111100, 0b111110];
  const cf5 = [0b11000, 0b11001, 0b11010, 0b11011];
  for (let k = 0; k < 4; k++) {
    const mn = `shufflei${k}.sci.b`;
    out.push(
      xdef(
        `pv.${mn}`,
        'XpulpSimd',
        'alu',
        {
          xpulpv2: special(`pv.${mn}`, 'rd, rs1, imm', OPV, 0b111, p6(pf6[k]!), ri),
          corev: special(`cv.${mn}`, 'rd, rs1, imm', CUSTOM3, 0b111, c5(cf5[k]!), ri),
        },
        (h, o) => {
          const i = o.imm;
          const sel = (k << 24) | (((i >>> 4) & 3) << 16) | (((i >>> 2) & 3) << 8) | (i & 3);
          h.setX(o.rd, shuffle(h.x(o.rs1), 0, sel, 8, false));
        },
      ),
    );
  }
  out.push(
    xdef(
      'pv.shuffle2.h',
      'XpulpSimd',
      'alu',
      {
        xpulpv2: special('pv.shuffle2.h', 'rd, rs1, rs2', OPV, 0b000, p6(0b110010, 0), rr),
        corev: special('cv.shuffle2.h', 'rd, rs1, rs2', CUSTOM3, 0b000, c5(0b11100, 0), rr),
      },
      (h, o) => h.setX(o.rd, shuffle(h.x(o.rs1), h.x(o.rd), h.x(o.rs2), 16, true)),
      ['rd', 'rs1', 'rs2'],
    ),
    xdef(
      'pv.shuffle2.b',
      'XpulpSimd',
      'alu',
      {
        xpulpv2: special('pv.shuffle2.b', 'rd, rs1, rs2', OPV, 0b001, p6(0b110010, 0), rr),
        corev: special('cv.shuffle2.b', 'rd, rs1, rs2', CUSTOM3, 0b001, c5(0b11100, 0), rr),
      },
      (h, o) => h.setX(o.rd, shuffle(h.x(o.rs1), h.x(o.rd), h.x(o.rs2), 8, true)),
      ['rd', 'rs1', 'rs2'],
    ),
  );
  return out;
}

function packDefs(): InstrDef[] {
  const rr = [rd, rs1, rs2];
  return [
    // RI5CY `pv.pack.h` = CORE-V `cv.pack`: {rs1[15:0], rs2[15:0]}.
    xdef(
      'pv.pack.h',
      'XpulpSimd',
      'alu',
      {
        xpulpv2: special('pv.pack.h', 'rd, rs1, rs2', OPV, 0b000, p6(0b110100, 0), rr),
        corev: special('cv.pack', 'rd, rs1, rs2', CUSTOM3, 0b000, c5(0b11110, 0), rr),
      },
      (h, o) => h.setX(o.rd, (h.x(o.rs1) << 16) | (h.x(o.rs2) & 0xffff)),
    ),
    // CORE-V `cv.pack.h` packs the HIGH halves: {rs1[31:16], rs2[31:16]} (a different op from pv.pack.h).
    xdef(
      'cv.pack.h',
      'XpulpSimd',
      'alu',
      { corev: special('cv.pack.h', 'rd, rs1, rs2', CUSTOM3, 0b000, c5(0b11110, 1), rr) },
      (h, o) => h.setX(o.rd, (h.x(o.rs1) & ~0xffff) | (h.x(o.rs2) >>> 16)),
    ),
    xdef(
      'pv.packhi.b',
      'XpulpSimd',
      'alu',
      {
        xpulpv2: special('pv.packhi.b', 'rd, rs1, rs2', OPV, 0b001, p6(0b110110, 0), rr),
        corev: special('cv.packhi.b', 'rd, rs1, rs2', CUSTOM3, 0b001, c5(0b11111, 1), rr),
      },
      (h, o) => h.setX(o.rd, ((h.x(o.rs1) & 0xff) << 24) | ((h.x(o.rs2) & 0xff) << 16) | (h.x(o.rd) & 0xffff)),
      ['rd', 'rs1', 'rs2'],
    ),
    xdef(
      'pv.packlo.b',
      'XpulpSimd',
      'alu',
      {
        xpulpv2: special('pv.packlo.b', 'rd, rs1, rs2', OPV, 0b001, p6(0b111000, 0), rr),
        corev: special('cv.packlo.b', 'rd, rs1, rs2', CUSTOM3, 0b001, c5(0b11111, 0), rr),
      },
      (h, o) => h.setX(o.rd, (h.x(o.rd) & ~0xffff) | ((h.x(o.rs1) & 0xff) << 8) | (h.x(o.rs2) & 0xff)),
      ['rd', 'rs1', 'rs2'],
    ),
  ];
}

function absDefs(): InstrDef[] {
  return (['h', 'b'] as const).map((sfx) => {
    const w: Width = sfx === 'h' ? 16 : 8;
    const f3 = sfx === 'h' ? 0b000 : 0b001;
    const top = (t: Array<[number, number, number]>): Array<[number, number, number]> => [...t, [24, 20, 0]];
    return xdef(
      `pv.abs.${sfx}`,
      'XpulpSimd',
      'alu',
      {
        xpulpv2: special(`pv.abs.${sfx}`, 'rd, rs1', OPV, f3, top(p6(0b011100, 0)), [rd, rs1]),
        corev: special(`cv.abs.${sfx}`, 'rd, rs1', CUSTOM3, f3, top(c5(0b01110, 0)), [rd, rs1]),
      },
      (h, o) =>
        h.setX(
          o.rd,
          lanewise(h.x(o.rs1), 0, w, (x) => {
            const v = sgn(x, w);
            return v < 0 ? -v : v;
          }),
        ),
    );
  });
}

export const xpulpSimdInstrs: InstrDef[] = [
  ...binOps.flatMap(binDefs),
  ...absDefs(),
  ...laneDefs(),
  ...dotOps.flatMap(dotDefs),
  ...shuffleDefs(),
  ...packDefs(),
];
