// Property tests: the SIMD, dot-product, bit-manipulation and normalising-arithmetic entries against second
// definitions written here from the fact sheet's per-lane / per-bit rules (§2.5, §4), using lane arrays, bit
// strings and BigInt rather than the shifts and masks of the implementation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { res } from './xpulp_test_hart.ts';

const RUNS = { numRuns: 150 };
const word = fc.integer({ min: -0x80000000, max: 0x7fffffff });

/** Lanes of a 32-bit value, lane 0 lowest, as unsigned or signed numbers. */
function lanes(v: number, w: number, signed: boolean): number[] {
  const u = v >>> 0;
  const out: number[] = [];
  for (let i = 0; i < 32 / w; i++) {
    let x = Math.floor(u / 2 ** (w * i)) % 2 ** w;
    if (signed && x >= 2 ** (w - 1)) x -= 2 ** w;
    out.push(x);
  }
  return out;
}
/** Joins lane values (any integers, reduced modulo 2^w) into an int32. */
function join(xs: number[], w: number): number {
  let v = 0n;
  xs.forEach((x, i) => {
    const m = ((BigInt(x) % (1n << BigInt(w))) + (1n << BigInt(w))) % (1n << BigInt(w));
    v += m << BigInt(w * i);
  });
  return Number(BigInt.asIntN(32, v));
}
const wrapS = (x: number, w: number): number => {
  const m = ((x % 2 ** w) + 2 ** w) % 2 ** w;
  return m >= 2 ** (w - 1) ? m - 2 ** w : m;
};
const wrapU = (x: number, w: number): number => ((x % 2 ** w) + 2 ** w) % 2 ** w;
const all1 = (c: boolean, w: number): number => (c ? 2 ** w - 1 : 0);

type Ref = (xs: number, ys: number, xu: number, yu: number, w: number) => number;
const ref: Record<string, Ref> = {
  add: (xs, ys) => xs + ys,
  sub: (xs, ys) => xs - ys,
  avg: (xs, ys, _xu, _yu, w) => Math.floor(wrapS(xs + ys, w) / 2),
  avgu: (_xs, _ys, xu, yu, w) => Math.floor(wrapU(xu + yu, w) / 2),
  min: (xs, ys) => Math.min(xs, ys),
  minu: (_xs, _ys, xu, yu) => Math.min(xu, yu),
  max: (xs, ys) => Math.max(xs, ys),
  maxu: (_xs, _ys, xu, yu) => Math.max(xu, yu),
  srl: (_xs, _ys, xu, yu, w) => Math.floor(xu / 2 ** (yu % (w === 16 ? 16 : 8))),
  sra: (xs, _ys, _xu, yu, w) => Math.floor(xs / 2 ** (yu % (w === 16 ? 16 : 8))),
  sll: (_xs, _ys, xu, yu, w) => xu * 2 ** (yu % (w === 16 ? 16 : 8)),
  or: (_xs, _ys, xu, yu) => Number(BigInt(xu) | BigInt(yu)),
  xor: (_xs, _ys, xu, yu) => Number(BigInt(xu) ^ BigInt(yu)),
  and: (_xs, _ys, xu, yu) => Number(BigInt(xu) & BigInt(yu)),
  cmpeq: (xs, ys, _xu, _yu, w) => all1(xs === ys, w),
  cmpne: (xs, ys, _xu, _yu, w) => all1(xs !== ys, w),
  cmpgt: (xs, ys, _xu, _yu, w) => all1(xs > ys, w),
  cmpge: (xs, ys, _xu, _yu, w) => all1(xs >= ys, w),
  cmplt: (xs, ys, _xu, _yu, w) => all1(xs < ys, w),
  cmple: (xs, ys, _xu, _yu, w) => all1(xs <= ys, w),
  cmpgtu: (_xs, _ys, xu, yu, w) => all1(xu > yu, w),
  cmpgeu: (_xs, _ys, xu, yu, w) => all1(xu >= yu, w),
  cmpltu: (_xs, _ys, xu, yu, w) => all1(xu < yu, w),
  cmpleu: (_xs, _ys, xu, yu, w) => all1(xu <= yu, w),
};
const unsignedImm = new Set(['avgu', 'minu', 'maxu', 'cmpgtu', 'cmpgeu', 'cmpltu', 'cmpleu']);
const shiftOp = new Set(['srl', 'sra', 'sll']);

/** The second operand's lanes for a form: rs2's lanes, rs2's lane 0 everywhere, or the immediate everywhere. */
function secondLanes(form: string, b: number, imm: number, w: number): number[] {
  const n = 32 / w;
  if (form === 'vv') return lanes(b, w, false);
  if (form === 'sc') return Array<number>(n).fill(lanes(b, w, false)[0]!);
  return Array<number>(n).fill(wrapU(imm, w));
}

function idOf(op: string, form: string, w: number): string {
  const sz = w === 16 ? 'h' : 'b';
  return form === 'vv' ? `pv.${op}.${sz}` : `pv.${op}.${form}.${sz}`;
}

describe('SIMD element-wise ops = lane-by-lane reference', () => {
  for (const op of Object.keys(ref)) {
    it(`pv.${op}.{h,b} in .vv/.sc/.sci forms`, () => {
      const immArb = shiftOp.has(op)
        ? fc.integer({ min: 0, max: 31 })
        : unsignedImm.has(op)
          ? fc.integer({ min: 0, max: 63 })
          : fc.integer({ min: -32, max: 31 });
      fc.assert(
        fc.property(word, word, immArb, (a, b, imm) => {
          for (const w of [16, 8]) {
            for (const form of ['vv', 'sc', 'sci']) {
              const xs = lanes(a, w, true);
              const xu = lanes(a, w, false);
              const yu = secondLanes(form, b, imm, w);
              const ys = yu.map((y) => (y >= 2 ** (w - 1) ? y - 2 ** w : y));
              const want = join(xs.map((_, i) => ref[op]!(xs[i]!, ys[i]!, xu[i]!, yu[i]!, w)), w);
              expect(res(idOf(op, form, w), a, b, { imm })).toBe(want);
            }
          }
        }),
        RUNS,
      );
    });
  }
  it('pv.abs.{h,b}', () => {
    fc.assert(
      fc.property(word, (a) => {
        for (const w of [16, 8]) {
          expect(res(w === 16 ? 'pv.abs.h' : 'pv.abs.b', a)).toBe(join(lanes(a, w, true).map((x) => Math.abs(x)), w));
        }
      }),
      RUNS,
    );
  });
});

describe('dot products = exact lane products summed modulo 2^32', () => {
  const variants = [
    ['dotup', false, false, false],
    ['dotusp', false, true, false],
    ['dotsp', true, true, false],
    ['sdotup', false, false, true],
    ['sdotusp', false, true, true],
    ['sdotsp', true, true, true],
  ] as const;
  for (const [op, sa, sb, acc] of variants) {
    it(`pv.${op}: rs1 ${sa ? 'signed' : 'unsigned'} x op2 ${sb ? 'signed' : 'unsigned'}${acc ? ' + rD' : ''}`, () => {
      const immArb = sb ? fc.integer({ min: -32, max: 31 }) : fc.integer({ min: 0, max: 63 });
      fc.assert(
        fc.property(word, word, word, immArb, (a, b, d, imm) => {
          for (const w of [16, 8]) {
            for (const form of ['vv', 'sc', 'sci']) {
              const xa = lanes(a, w, sa);
              const yu = secondLanes(form, b, imm, w);
              const yb = yu.map((y) => (sb && y >= 2 ** (w - 1) ? y - 2 ** w : y));
              let sum = acc ? BigInt(d) : 0n;
              for (let i = 0; i < xa.length; i++) sum += BigInt(xa[i]!) * BigInt(yb[i]!);
              const want = Number(BigInt.asIntN(32, sum));
              expect(res(idOf(op, form, w), a, b, { imm }, d)).toBe(want);
            }
          }
        }),
        RUNS,
      );
    });
  }
});

/** Bits of a word, index = bit number. */
const bits = (v: number): number[] => [...(v >>> 0).toString(2).padStart(32, '0')].reverse().map(Number);
const fromBits = (bs: number[]): number => parseInt([...bs].reverse().join(''), 2) | 0;

describe('bit manipulation = bit-string reference', () => {
  const w3 = fc.integer({ min: 0, max: 31 });
  const off = fc.integer({ min: 0, max: 31 });
  /** rs1 >> Is2 with sign copies (what the RTL extracts from), as a bit array. */
  const shiftedArith = (v: number, o: number): number[] => {
    const b = bits(v);
    return b.map((_, j) => (o + j <= 31 ? b[o + j]! : b[31]!));
  };
  it('extract/extractu (immediate and register forms)', () => {
    fc.assert(
      fc.property(word, w3, off, (v, s3, s2) => {
        const sh = shiftedArith(v, s2);
        const shu = bits(v).map((_, j) => (s2 + j <= 31 ? bits(v)[s2 + j]! : 0));
        const ext = sh.map((b, j) => (j <= s3 ? b : sh[s3]!));
        const extu = shu.map((b, j) => (j <= s3 ? b : 0));
        expect(res('p.extract', v, 0, { imm2: s3, imm: s2 })).toBe(fromBits(ext));
        expect(res('p.extractu', v, 0, { imm2: s3, imm: s2 })).toBe(fromBits(extu));
        expect(res('p.extractr', v, s3 * 32 + s2)).toBe(fromBits(ext));
        expect(res('p.extractur', v, s3 * 32 + s2)).toBe(fromBits(extu));
      }),
      RUNS,
    );
  });
  it('insert/bclr/bset (immediate and register forms)', () => {
    fc.assert(
      fc.property(word, word, w3, off, (v, old, s3, s2) => {
        const inField = (j: number): boolean => j >= s2 && j <= s2 + s3;
        const vb = bits(v);
        const ob = bits(old);
        const ins = ob.map((b, j) => (inField(j) ? vb[j - s2]! : b));
        const clr = vb.map((b, j) => (inField(j) ? 0 : b));
        const set = vb.map((b, j) => (inField(j) ? 1 : b));
        expect(res('p.insert', v, 0, { imm2: s3, imm: s2 }, old)).toBe(fromBits(ins));
        expect(res('p.insertr', v, s3 * 32 + s2, {}, old)).toBe(fromBits(ins));
        expect(res('p.bclr', v, 0, { imm2: s3, imm: s2 }, old)).toBe(fromBits(clr));
        expect(res('p.bclrr', v, (s3 << 5) | s2 | 0x400)).toBe(fromBits(clr)); // rs2 bits above 9 ignored
        expect(res('p.bset', v, 0, { imm2: s3, imm: s2 })).toBe(fromBits(set));
        expect(res('p.bsetr', v, s3 * 32 + s2)).toBe(fromBits(set));
      }),
      RUNS,
    );
  });
  it('ff1/fl1/clb/cnt/ror', () => {
    fc.assert(
      fc.property(word, fc.integer({ min: 0, max: 1000 }), (v, n) => {
        const b = bits(v);
        const ones = b.flatMap((x, j) => (x ? [j] : []));
        expect(res('p.ff1', v)).toBe(ones.length ? ones[0] : 32);
        expect(res('p.fl1', v)).toBe(ones.length ? ones[ones.length - 1] : 32);
        expect(res('p.cnt', v)).toBe(ones.length);
        let lead = 0;
        while (lead < 32 && b[31 - lead] === b[31]) lead++;
        expect(res('p.clb', v)).toBe(v === 0 ? 0 : lead - 1);
        const k = n % 32;
        expect(res('p.ror', v, n)).toBe(fromBits(b.map((_, j) => b[(j + k) % 32]!)));
      }),
      RUNS,
    );
  });
  it('bitrev: reverse the groups of (rs1 << Is2) from the top', () => {
    fc.assert(
      fc.property(word, fc.integer({ min: 0, max: 3 }), off, (v, radix, s2) => {
        const s = bits(v).map((_, j) => (j >= s2 ? bits(v)[j - s2]! : 0));
        const g = radix === 1 ? 2 : radix === 2 ? 3 : 1;
        const top = [...s].reverse(); // top[k] = bit 31 - k
        const out = Array<number>(32).fill(0);
        for (let grp = 0; grp < Math.floor(32 / g); grp++) {
          // group `grp` of the result (bits g*grp .. g*grp+g-1) = the grp-th group from the top, order kept
          for (let t = 0; t < g; t++) out[g * grp + t] = top[g * grp + (g - 1 - t)]!;
        }
        expect(res('p.bitrev', v, 0, { imm2: radix, imm: s2 })).toBe(fromBits(out));
      }),
      RUNS,
    );
  });
});

describe('normalising arithmetic = BigInt reference', () => {
  const n5 = fc.integer({ min: 0, max: 31 });
  const shr = (x: bigint, n: number, unsigned: boolean): number => {
    const v = unsigned ? BigInt.asUintN(32, x) : BigInt.asIntN(32, x);
    return Number(BigInt.asIntN(32, v >> BigInt(n)));
  };
  it('addN/subN families, immediate and register forms', () => {
    fc.assert(
      fc.property(word, word, word, n5, (a, b, d, n) => {
        for (const sub of [false, true]) {
          for (const round of [false, true]) {
            for (const u of [false, true]) {
              const name = `${sub ? 'sub' : 'add'}${u ? 'u' : ''}${round ? 'r' : ''}n`;
              const rnd = round && n > 0 ? 1n << BigInt(n - 1) : 0n;
              const imm = shr((sub ? BigInt(a) - BigInt(b) : BigInt(a) + BigInt(b)) + rnd, n, u);
              expect(res(`p.${name}`, a, b, { imm2: n }), name).toBe(imm);
              const nr = b & 31;
              const rr = round && nr > 0 ? 1n << BigInt(nr - 1) : 0n;
              const reg = shr((sub ? BigInt(d) - BigInt(a) : BigInt(d) + BigInt(a)) + rr, nr, u);
              expect(res(`p.${name}r`, a, b, {}, d), `${name}r`).toBe(reg);
            }
          }
        }
      }),
      RUNS,
    );
  });
  it('16x16 mul/mac with normalisation and rounding', () => {
    fc.assert(
      fc.property(word, word, word, n5, (a, b, d, n) => {
        for (const mac of [false, true]) {
          for (const s of [true, false]) {
            for (const round of [false, true]) {
              for (const hh of [false, true]) {
                const name = `${mac ? 'mac' : 'mul'}${hh ? 'hh' : ''}${s ? 's' : 'u'}${round ? 'r' : ''}n`;
                const x = lanes(a, 16, s)[hh ? 1 : 0]!;
                const y = lanes(b, 16, s)[hh ? 1 : 0]!;
                const rnd = round && n > 0 ? 1n << BigInt(n - 1) : 0n;
                const want = shr(BigInt(x) * BigInt(y) + (mac ? BigInt(d) : 0n) + rnd, n, !s);
                expect(res(`p.${name}`, a, b, { imm2: n }, d), name).toBe(want);
              }
            }
          }
        }
      }),
      RUNS,
    );
  });
  it('clip family = clamp (non-negative bounds)', () => {
    fc.assert(
      fc.property(word, n5, fc.integer({ min: 0, max: 0x7fffffff }), (a, is2, bound) => {
        const hi = is2 === 0 ? 0 : 2 ** (is2 - 1) - 1;
        expect(res('p.clip', a, 0, { imm: is2 })).toBe(Math.min(Math.max(a, -hi - 1), hi));
        expect(res('p.clipu', a, 0, { imm: is2 })).toBe(Math.min(Math.max(a, 0), hi));
        expect(res('p.clipr', a, bound)).toBe(Math.min(Math.max(a, -bound - 1), bound));
        expect(res('p.clipur', a, bound)).toBe(Math.min(Math.max(a, 0), bound));
      }),
      RUNS,
    );
  });
});
