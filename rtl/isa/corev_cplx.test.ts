// CORE-V complex-number SIMD entries. Expected values: hand computations from the CV32E40P user manual's formulas
// (instruction_set_extensions.rst, "SIMD Complex-number operations": lane 0 = real, lane 1 = imaginary, scaling
// by an arithmetic right shift) and, for the multiply's overflow corner, from the RTL datapath (cv32e40p_mult.sv
// takes bits [31:15] of the product sum as a signed 17-bit value). The property tests compare with a second lane
// definition written here with BigInt bit slicing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corevCplxInstrs } from './corev_cplx.ts';
import { makeDecoder } from './decoder.ts';
import { byId, encodingsOf, sourceRegs } from './table.ts';
import { res } from './xpulp_test_hart.ts';

const u32 = (v: number): number => v >>> 0;
const SCALE = ['', '.div2', '.div4', '.div8'];

describe('cv.cplxmul (hand-computed, Q15)', () => {
  // rs1 = 0.5 + 0.25j (re 0x4000, im 0x2000), rs2 = 0.5 - 0.5j (re 0x4000, im 0xc000):
  // product = 0.375 - 0.125j -> real 0x3000, imaginary -4096 = 0xf000; /2 /4 /8 halve it each step.
  const a = 0x20004000;
  const b = 0xc0004000 | 0;
  const rdInit = 0xaaaa5555 | 0;
  it('.r writes the real part into bits 15:0 and keeps rD[31:16]', () => {
    expect(u32(res('cv.cplxmul.r', a, b, {}, rdInit))).toBe(0xaaaa3000);
    expect(u32(res('cv.cplxmul.r.div2', a, b, {}, rdInit))).toBe(0xaaaa1800);
    expect(u32(res('cv.cplxmul.r.div4', a, b, {}, rdInit))).toBe(0xaaaa0c00);
    expect(u32(res('cv.cplxmul.r.div8', a, b, {}, rdInit))).toBe(0xaaaa0600);
  });
  it('.i writes the imaginary part into bits 31:16 and keeps rD[15:0]', () => {
    expect(u32(res('cv.cplxmul.i', a, b, {}, rdInit))).toBe(0xf0005555);
    expect(u32(res('cv.cplxmul.i.div2', a, b, {}, rdInit))).toBe(0xf8005555);
    expect(u32(res('cv.cplxmul.i.div4', a, b, {}, rdInit))).toBe(0xfc005555);
    expect(u32(res('cv.cplxmul.i.div8', a, b, {}, rdInit))).toBe(0xfe005555);
  });
  it('.r then .i into the same register gives the full product', () => {
    const r = res('cv.cplxmul.r', a, b, {}, 0);
    expect(u32(res('cv.cplxmul.i', a, b, {}, r))).toBe(0xf0003000);
  });
  it('shifts round towards minus infinity (arithmetic shift, no rounding)', () => {
    // (3 + 4j)(1 + 2j): real 3 - 8 = -5 -> -5 >> 15 = -1; imaginary 6 + 4 = 10 -> 0.
    expect(u32(res('cv.cplxmul.r', 0x00040003, 0x00020001))).toBe(0x0000ffff);
    expect(u32(res('cv.cplxmul.i', 0x00040003, 0x00020001))).toBe(0x00000000);
  });
  it('all lanes -32768: real = 0; imaginary sum 2^31 has bit 31 as its sign in the RTL', () => {
    const m = 0x80008000 | 0;
    expect(u32(res('cv.cplxmul.r', m, m, {}, 0x12345678))).toBe(0x12340000);
    // bits [31:15] of 2^31 = 0x10000 as signed 17 bits = -65536: >>0 -> 0x0000, >>1 -> 0x8000, >>2 -> 0xc000,
    // >>3 -> 0xe000 (the manual's formula would give 0x4000 and 0x2000 for the last two).
    expect(SCALE.map((s) => u32(res(`cv.cplxmul.i${s}`, m, m, {}, 0x5678)) >>> 16)).toEqual([0x0000, 0x8000, 0xc000, 0xe000]);
  });
});

describe('cv.subrotmj, cv.cplxconj, cv.add.divN, cv.sub.divN (hand-computed)', () => {
  it('subrotmj: real = rs1.im - rs2.im, imaginary = rs2.re - rs1.re, then scaled', () => {
    // rs1 = 16 + 48j, rs2 = 80 + 16j: real 32 (0x20), imaginary 64 (0x40).
    const got = SCALE.map((s) => u32(res(`cv.subrotmj${s}`, 0x00300010, 0x00100050)));
    expect(got).toEqual([0x00400020, 0x00200010, 0x00100008, 0x00080004]);
  });
  it('subrotmj wraps each difference to 16 bits before the arithmetic shift', () => {
    // rs1 = 0 - 32768j, rs2 = 1 + 1j: real -32769 wraps to 0x7fff; imaginary 1.
    expect(u32(res('cv.subrotmj', 0x80000000 | 0, 0x00010001))).toBe(0x00017fff);
    expect(u32(res('cv.subrotmj.div2', 0x80000000 | 0, 0x00010001))).toBe(0x00003fff);
  });
  it('cplxconj negates the imaginary lane (wrapping) and keeps the real lane', () => {
    expect(u32(res('cv.cplxconj', 0x00057fff))).toBe(0xfffb7fff);
    expect(u32(res('cv.cplxconj', 0x80001234 | 0))).toBe(0x80001234);
    expect(u32(res('cv.cplxconj', 0xfffe8000 | 0))).toBe(0x00028000);
  });
  it('add.divN: lane sums wrapped to 16 bits, arithmetic shift by 1/2/3', () => {
    // rs1 = 5 + 3j, rs2 = 1 - 7j: sum 6 - 4j.
    expect(u32(res('cv.add.div2', 0x00030005, 0xfff90001 | 0))).toBe(0xfffe0003);
    expect(u32(res('cv.add.div4', 0x00030005, 0xfff90001 | 0))).toBe(0xffff0001);
    expect(u32(res('cv.add.div8', 0x00030005, 0xfff90001 | 0))).toBe(0xffff0000);
    // 0x7fff + 1 wraps to 0x8000 = -32768, halved -16384 = 0xc000.
    expect(u32(res('cv.add.div2', 0x00007fff, 0x00000001))).toBe(0x0000c000);
  });
  it('sub.divN: lane differences wrapped to 16 bits, arithmetic shift by 1/2/3', () => {
    // rs1 = -16 + 16j, rs2 = 16 + 32j: difference -32 - 16j.
    expect(u32(res('cv.sub.div2', 0x0010fff0, 0x00200010))).toBe(0xfff8fff0);
    expect(u32(res('cv.sub.div4', 0x0010fff0, 0x00200010))).toBe(0xfffcfff8);
    expect(u32(res('cv.sub.div8', 0x0010fff0, 0x00200010))).toBe(0xfffefffc);
    // 0 - (1 + 3j) = -1 - 3j: -1 >> 1 = -1, -3 >> 1 = -2.
    expect(u32(res('cv.sub.div2', 0, 0x00030001))).toBe(0xfffeffff);
  });
});

// ---- second definition: lanes as BigInt, results assembled from 16-bit fields ----
const lane = (v: number, i: number): bigint => BigInt.asIntN(16, BigInt(v >>> 0) >> BigInt(16 * i));
const pack = (lo: bigint, hi: bigint): number => Number(BigInt.asIntN(32, (BigInt.asUintN(16, hi) << 16n) | BigInt.asUintN(16, lo)));
/** The 16-bit result of an exact lane value: wrapped to 16 bits, then shifted arithmetically by s. */
const scaled16 = (x: bigint, s: number): bigint => BigInt.asIntN(16, x) >> BigInt(s);
/** The multiplier's half: bits [31:15] of the exact sum as a signed 17-bit value, shifted by s. */
const mulHalf = (sum: bigint, s: number): bigint => BigInt.asIntN(17, sum >> 15n) >> BigInt(s);

type Ref = (a: number, b: number, c: number, s: number) => number;
const refs: Array<[string, number[], Ref]> = [
  ['cv.cplxmul.r', [0, 1, 2, 3], (a, b, c, s) => pack(mulHalf(lane(a, 0) * lane(b, 0) - lane(a, 1) * lane(b, 1), s), lane(c, 1))],
  ['cv.cplxmul.i', [0, 1, 2, 3], (a, b, c, s) => pack(lane(c, 0), mulHalf(lane(a, 0) * lane(b, 1) + lane(a, 1) * lane(b, 0), s))],
  ['cv.subrotmj', [0, 1, 2, 3], (a, b, _c, s) => pack(scaled16(lane(a, 1) - lane(b, 1), s), scaled16(lane(b, 0) - lane(a, 0), s))],
  ['cv.add', [1, 2, 3], (a, b, _c, s) => pack(scaled16(lane(a, 0) + lane(b, 0), s), scaled16(lane(a, 1) + lane(b, 1), s))],
  ['cv.sub', [1, 2, 3], (a, b, _c, s) => pack(scaled16(lane(a, 0) - lane(b, 0), s), scaled16(lane(a, 1) - lane(b, 1), s))],
];

// Words biased to the lane extremes, where wrapping and the multiplier's sign corner show.
const half = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0x8000, 0x7fff, 0xffff, 0, 1, 0x8001));
const word = fc.tuple(half, half).map(([lo, hi]) => ((hi << 16) | lo) | 0);

describe('properties against the BigInt lane definition', () => {
  for (const [name, scales, ref] of refs) {
    it(`${name} with every scaling`, () => {
      fc.assert(
        fc.property(word, word, word, fc.constantFrom(...scales), (a, b, c, s) => {
          expect(res(`${name}${SCALE[s]}`, a, b, {}, c)).toBe(ref(a, b, c, s));
        }),
        { numRuns: 300 },
      );
    });
  }
  it('cv.cplxconj', () => {
    fc.assert(
      fc.property(word, (a) => {
        expect(res('cv.cplxconj', a)).toBe(pack(lane(a, 0), -lane(a, 1)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('table entries', () => {
  it('has the 19 CORE-V mnemonics, corev flavour only', () => {
    const names = corevCplxInstrs.map((d) => d.enc.corev?.mnemonic).sort();
    const want = [
      ...['cplxmul.r', 'cplxmul.i', 'subrotmj'].flatMap((op) => SCALE.map((s) => `cv.${op}${s}`)),
      ...['add', 'sub'].flatMap((op) => SCALE.slice(1).map((s) => `cv.${op}${s}`)),
      'cv.cplxconj',
    ].sort();
    expect(names).toEqual(want);
    for (const d of corevCplxInstrs) expect(d.enc.xpulpv2, d.id).toBeUndefined();
  });
  it('cplxmul is a multiplier op reading rD; the others are ALU ops reading rs1 (and rs2)', () => {
    for (const d of corevCplxInstrs) {
      const regs = sourceRegs(d, d.enc.corev!).sort();
      if (d.id.startsWith('cv.cplxmul')) {
        expect(d.timing, d.id).toBe('mul');
        expect(regs, d.id).toEqual(['rd', 'rs1', 'rs2']);
      } else {
        expect(d.timing, d.id).toBe('alu');
        expect(regs, d.id).toEqual(d.id === 'cv.cplxconj' ? ['rs1'] : ['rs1', 'rs2']);
      }
    }
  });
  it('decodes the manual encoding table (funct5, F = 1, bit 25, funct3 = scaling << 1)', () => {
    const dec = makeDecoder('corev');
    // Built here from the manual's table: a0 = x10, a1 = x11, a2 = x12.
    const w = (f5: number, b25: number, f3: number, rs2 = 12) =>
      ((f5 << 27) | (1 << 26) | (b25 << 25) | (rs2 << 20) | (11 << 15) | (f3 << 12) | (10 << 7) | 0x7b) >>> 0;
    const cases: Array<[number, string]> = [
      [w(0b01010, 0, 0b000), 'cv.cplxmul.r'],
      [w(0b01010, 0, 0b110), 'cv.cplxmul.r.div8'],
      [w(0b01010, 1, 0b010), 'cv.cplxmul.i.div2'],
      [w(0b01011, 0, 0b000, 0), 'cv.cplxconj'],
      [w(0b01100, 0, 0b100), 'cv.subrotmj.div4'],
      [w(0b01101, 0, 0b010), 'cv.add.div2'],
      [w(0b01110, 0, 0b110), 'cv.sub.div8'],
    ];
    for (const [word, id] of cases) {
      const d = dec(word);
      expect(d?.def.id, id).toBe(id);
      expect(d!.ops).toMatchObject(id === 'cv.cplxconj' ? { rd: 10, rs1: 11 } : { rd: 10, rs1: 11, rs2: 12 });
    }
    // llvm-mc-19 (kernels/toolchain/fixtures/corev_all.lst): cv.cplxmul.r s0, s2, s6 = 0x5569047b.
    expect(dec(0x5569047b)).toMatchObject({ def: { id: 'cv.cplxmul.r' }, ops: { rd: 8, rs1: 18, rs2: 22 } });
  });
  it('leaves the forms the RTL decoder rejects illegal', () => {
    const dec = makeDecoder('corev');
    const w = (f5: number, b25: number, f3: number, rs2 = 12) =>
      ((f5 << 27) | (1 << 26) | (b25 << 25) | (rs2 << 20) | (11 << 15) | (f3 << 12) | (10 << 7) | 0x7b) >>> 0;
    const illegal = [
      w(0b01010, 0, 0b001), // cplxmul: instr[12] set
      w(0b01010, 1, 0b111),
      w(0b01011, 0, 0b000, 1), // cplxconj: rs2 != 0
      w(0b01011, 1, 0b000, 0), // cplxconj: bit 25 set
      w(0b01011, 0, 0b010, 0), // cplxconj: funct3 != 000
      w(0b01100, 1, 0b000), // subrotmj: bit 25 set
      w(0b01100, 0, 0b011),
      w(0b01101, 0, 0b000), // add: funct3 000 with F = 1
      w(0b01110, 0, 0b000), // sub: funct3 000 with F = 1
      w(0b01101, 1, 0b010), // add.div2: bit 25 set
    ];
    for (const word of illegal) expect(dec(word), `0x${word.toString(16)}`).toBeNull();
  });
  it('does not exist in the xpulpv2 flavour', () => {
    const ids = new Set(encodingsOf('xpulpv2').map((e) => e.def.id));
    for (const d of corevCplxInstrs) expect(ids.has(d.id)).toBe(false);
    expect(byId('cv.cplxconj').enc.corev?.mnemonic).toBe('cv.cplxconj');
  });
});
