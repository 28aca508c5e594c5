// CORE-V v2 complex-number SIMD (xcvsimd, custom-3 = 0x7b, F = bit 26 = 1) on 2x16 lanes holding one complex
// number each: lane 0 (bits 15:0) = real part, lane 1 (bits 31:16) = imaginary part. Encodings: fact sheet
// ri5cy-isa-timing.md §3.3 (funct5 01010 cplxmul, b25 = 0 .r / 1 .i; 01011 cplxconj; 01100 subrotmj; 01101 add.divN;
// 01110 sub.divN; funct3 000/010/100/110 = /1 /2 /4 /8). Semantics: CV32E40P user manual
// `instruction_set_extensions.rst` ("SIMD Complex-number operations") and the RTL that implements it:
// * the scaling is an arithmetic right shift by funct3[2:1] (ID stage `clpx_shift` = instr[14:13]) with no
//   rounding; add/sub/subrotmj shift each 16-bit lane of the wrapped lane result (`cv32e40p_alu.sv`, the
//   ADD/SUB normalisation shifter with `shift_amt_norm` = clpx_shift per lane);
// * cplxmul forms the exact two-product sum in the dot-product unit, then takes bits [31:15] of it as a signed
//   17-bit value and shifts that by clpx_shift (`cv32e40p_mult.sv` `clpx_shift_result`); the other half of rD is
//   kept (rD is read through register port C, REGC_RD), so .r writes only the real and .i only the imaginary part;
// * subrotmj computes (rs1 - rs2) * -j: real = rs1.im - rs2.im, imag = rs2.re - rs1.re (ALU operand swap
//   under `is_subrot`);
// * cplxconj negates the imaginary lane (wrapping: -(-32768) = -32768) and keeps the real one (ALU_ABS path).
// Only the multiplies use the multiplier (decoder: alu_en = 0, mult_dot_en = 1); the rest are single-cycle ALU ops.
// RI5CY decodes the same operations under opcode 0x57, but PULP GCC has no XpulpV2 mnemonic for them, so the
// entries carry the CORE-V encoding only.
import type { Hart, InstrDef, OperandField, Operands, TimingClass } from './types.ts';
import { enc, rd, rs1, rs2, xdef } from './xpulp_common.ts';

const CUSTOM3 = 0x7b;

/** The scaling suffixes in funct3 order: funct3 = shift << 1. */
const SCALES = ['', '.div2', '.div4', '.div8'] as const;

const re = (v: number): number => (v << 16) >> 16;
const im = (v: number): number => v >> 16;
const join = (real: number, imag: number): number => ((imag & 0xffff) << 16) | (real & 0xffff);

/** The 16-bit lane result of a wrapped lane value `v` shifted arithmetically right by `s` (0..3). */
function scaleLane(v: number, s: number): number {
  return re(v) >> s;
}

/**
 * The multiplier's result half: bits [31:15] of the (33-bit exact) product sum read as a signed 17-bit value,
 * shifted right arithmetically by `s`, low 16 bits. The sum fits in int32 except for 2^31 (.i with all four
 * lanes -32768), where bit 31 acts as the sign: .div4/.div8 then give 0xc000/0xe000, not 0x4000/0x2000.
 */
export function cplxScale(sum: number, s: number): number {
  return ((sum | 0) >> (15 + s)) & 0xffff;
}

/** Real part of rs1 * rs2 (scaled by 2^-s), with rD's imaginary half kept. */
export function cplxmulR(a: number, b: number, c: number, s: number): number {
  return (c & ~0xffff) | cplxScale(re(a) * re(b) - im(a) * im(b), s);
}

/** Imaginary part of rs1 * rs2 (scaled by 2^-s), with rD's real half kept. */
export function cplxmulI(a: number, b: number, c: number, s: number): number {
  return (cplxScale(re(a) * im(b) + im(a) * re(b), s) << 16) | (c & 0xffff);
}

/** (rs1 - rs2) * -j, each lane scaled by 2^-s. */
export function subrotmj(a: number, b: number, s: number): number {
  return join(scaleLane(im(a) - im(b), s), scaleLane(re(b) - re(a), s));
}

function ccEnc(mnem: string, syntax: string, f5: number, b25: number, f3: number, fields: OperandField[], rs2Zero = false) {
  const fix: Array<[number, number, number]> = [[6, 0, CUSTOM3], [14, 12, f3], [31, 27, f5], [26, 26, 1], [25, 25, b25]];
  if (rs2Zero) fix.push([24, 20, 0]);
  return enc(mnem, syntax, fix, fields);
}

function def(
  name: string,
  f5: number,
  b25: number,
  s: number,
  timing: TimingClass,
  exec: (h: Hart, o: Operands) => void,
  reads?: Array<'rs1' | 'rs2' | 'rd'>,
): InstrDef {
  const mnem = `cv.${name}${SCALES[s]}`;
  return xdef(mnem, 'XpulpSimd', timing, { corev: ccEnc(mnem, 'rd, rs1, rs2', f5, b25, s << 1, [rd, rs1, rs2]) }, exec, reads);
}

function scaled(): InstrDef[] {
  const out: InstrDef[] = [];
  for (let s = 0; s < 4; s++) {
    out.push(
      def('cplxmul.r', 0b01010, 0, s, 'mul', (h, o) => h.setX(o.rd, cplxmulR(h.x(o.rs1), h.x(o.rs2), h.x(o.rd), s)), [
        'rd', 'rs1', 'rs2',
      ]),
      def('cplxmul.i', 0b01010, 1, s, 'mul', (h, o) => h.setX(o.rd, cplxmulI(h.x(o.rs1), h.x(o.rs2), h.x(o.rd), s)), [
        'rd', 'rs1', 'rs2',
      ]),
      def('subrotmj', 0b01100, 0, s, 'alu', (h, o) => h.setX(o.rd, subrotmj(h.x(o.rs1), h.x(o.rs2), s))),
    );
  }
  // add/sub with F = 1 have no unscaled form: the RTL decoder rejects funct3 = 000 for them.
  for (let s = 1; s < 4; s++) {
    out.push(
      def('add', 0b01101, 0, s, 'alu', (h, o) => {
        const a = h.x(o.rs1);
        const b = h.x(o.rs2);
        h.setX(o.rd, join(scaleLane(re(a) + re(b), s), scaleLane(im(a) + im(b), s)));
      }),
      def('sub', 0b01110, 0, s, 'alu', (h, o) => {
        const a = h.x(o.rs1);
        const b = h.x(o.rs2);
        h.setX(o.rd, join(scaleLane(re(a) - re(b), s), scaleLane(im(a) - im(b), s)));
      }),
    );
  }
  return out;
}

export const corevCplxInstrs: InstrDef[] = [
  ...scaled(),
  xdef(
    'cv.cplxconj',
    'XpulpSimd',
    'alu',
    { corev: ccEnc('cv.cplxconj', 'rd, rs1', 0b01011, 0, 0b000, [rd, rs1], true) },
    (h, o) => {
      const a = h.x(o.rs1);
      h.setX(o.rd, join(re(a), -im(a)));
    },
  ),
];
