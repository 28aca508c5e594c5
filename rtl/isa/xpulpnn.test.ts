// XpulpNN nibble/crumb dot products: hand-computed results, a property check against a lane-by-lane definition
// written here from pulp-nn-mixed.md §9 (products of zero- or sign-extended lanes, 32-bit wrapped sum), the
// encodings of the GVSOC XpulpNN table (isa_pulpnn.py), decode/encode round trips and the off-by-default switch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecoded } from './disasm.ts';
import { makeDecoder } from './decoder.ts';
import { OPTIONAL_EXTS, allInstrs, byId, encode, encodingsOf, optionalInstrs } from './table.ts';
import { res } from './xpulp_test_hart.ts';
import { enabledExtensions, xpulpnnInstrs } from './xpulpnn.ts';

const NN = { extensions: ['XpulpNN' as const] };

/** Lane `i` of `v` with `bits` bits per lane, from the binary digits (lane 0 = least significant). */
function laneOf(v: number, i: number, bits: number, signed: boolean): bigint {
  const s = (v >>> 0).toString(2).padStart(32, '0');
  const digits = s.slice(32 - (i + 1) * bits, 32 - i * bits);
  const u = BigInt(parseInt(digits, 2));
  return signed && digits[0] === '1' ? u - (1n << BigInt(bits)) : u;
}

interface Spec {
  acc: boolean;
  sa: boolean;
  sb: boolean;
}
const SPECS: Record<string, Spec> = {
  dotup: { acc: false, sa: false, sb: false },
  dotusp: { acc: false, sa: false, sb: true },
  dotsp: { acc: false, sa: true, sb: true },
  sdotup: { acc: true, sa: false, sb: false },
  sdotusp: { acc: true, sa: false, sb: true },
  sdotsp: { acc: true, sa: true, sb: true },
};

/** The reference: Σ lane products (+ rD), wrapped to int32. `.sc` uses lane 0 of rs2 for every lane. */
function reference(id: string, a: number, b: number, c: number): number {
  const m = /^pv\.(\w+)\.(sc\.)?([nc])$/.exec(id)!;
  const spec = SPECS[m[1]!]!;
  const bits = m[3] === 'n' ? 4 : 2;
  let sum = spec.acc ? BigInt(c | 0) : 0n;
  for (let i = 0; i < 32 / bits; i++) {
    sum += laneOf(a, i, bits, spec.sa) * laneOf(b, m[2] ? 0 : i, bits, spec.sb);
  }
  return Number(BigInt.asIntN(32, sum));
}

describe('XpulpNN entries', () => {
  it('24 entries: {dotup, dotusp, dotsp, sdotup, sdotusp, sdotsp} x {.n, .c} x {vv, .sc}; timing mul, xpulpv2 only', () => {
    expect(xpulpnnInstrs.map((d) => d.id).sort()).toEqual(
      Object.keys(SPECS)
        .flatMap((op) => [`pv.${op}.n`, `pv.${op}.c`, `pv.${op}.sc.n`, `pv.${op}.sc.c`])
        .sort(),
    );
    for (const d of xpulpnnInstrs) {
      expect(d.ext).toBe('XpulpNN');
      expect(d.timing).toBe('mul');
      expect(d.enc.corev).toBeUndefined();
      expect(d.reads ?? ['rs1', 'rs2']).toEqual(SPECS[d.id.split('.')[1]!]!.acc ? ['rd', 'rs1', 'rs2'] : ['rs1', 'rs2']);
    }
    expect(OPTIONAL_EXTS).toContain('XpulpNN');
    expect(optionalInstrs).toEqual(expect.arrayContaining(xpulpnnInstrs));
    expect(allInstrs.some((d) => d.ext === 'XpulpNN')).toBe(false);
  });
});

describe('XpulpNN semantics', () => {
  // res(id, rs1, rs2, {}, rD initial value)
  const cases: Array<[string, number, number, number, number, string]> = [
    ['pv.sdotusp.n', 0xffffffff, 0x11111111, 5, 125, '8 lanes 15 x 1 = 120, + 5'],
    ['pv.sdotusp.n', 0x11111111, 0x88888888, 0, -64, 'rs2 nibbles 8 are -8: 8 x (1 x -8)'],
    ['pv.dotusp.n', 0x00000021, 0x000000f3, 77, 1, '1 x 3 + 2 x -1; rD not accumulated'],
    ['pv.dotup.n', 0xffffffff, 0xffffffff, 0, 1800, '8 x 15 x 15'],
    ['pv.dotsp.n', 0xffffffff, 0x77777777, 0, -56, '8 x (-1 x 7)'],
    ['pv.sdotsp.n', 0x88888888, 0x88888888, -1, 511, '8 x 64 - 1'],
    ['pv.sdotup.n', 0x00000001, 0x00000001, 0x7fffffff, -0x80000000, '32-bit wrap, no saturation'],
    ['pv.sdotsp.c', 0xaaaaaaaa, 0xffffffff, 3, 35, 'crumbs 10 = -2, 11 = -1: 16 x 2, + 3'],
    ['pv.dotusp.c', 0xaaaaaaaa, 0x55555555, 0, 32, '16 x (2 x 1)'],
    ['pv.dotusp.c', 0x55555555, 0xaaaaaaaa, 0, -32, '16 x (1 x -2)'],
    ['pv.sdotup.c', 0xffffffff, 0xffffffff, 1000, 1144, '16 x 3 x 3, + 1000'],
    ['pv.dotsp.c', 0xffffffff, 0xaaaaaaaa, 0, 32, '16 x (-1 x -2)'],
    ['pv.sdotusp.sc.n', 0x12345678, 0xabcdef0f, 100, 64, 'low nibble F = -1 for every lane: -(1+...+8) + 100'],
    ['pv.dotup.sc.c', 0xffffffff, 0xfffffffe, 0, 96, 'low crumb 10 = 2, other crumbs ignored: 16 x 3 x 2'],
    ['pv.dotsp.sc.c', 0x55555555, 0x00000003, 9, -16, 'low crumb 11 = -1: 16 x (1 x -1); not accumulating'],
    ['pv.sdotsp.sc.n', 0x00000070, 0x00000009, 1, -48, 'lane 1 = 7, replicated 9 = -7: 7 x -7 + 1'],
  ];
  for (const [id, a, b, c, want, why] of cases) {
    it(`${id} ${why}`, () => {
      expect(res(id, a, b, {}, c)).toBe(want | 0);
      expect(reference(id, a, b, c)).toBe(want | 0);
    });
  }

  it('every entry agrees with the lane-by-lane definition (fast-check)', () => {
    const word = fc.integer({ min: -0x80000000, max: 0x7fffffff });
    for (const d of xpulpnnInstrs) {
      fc.assert(
        fc.property(word, word, word, (a, b, c) => {
          expect(res(d.id, a, b, {}, c)).toBe(reference(d.id, a, b, c));
        }),
        { numRuns: 200 },
      );
    }
  });

  it('rd = rs1 = rs2 reads the operands before the write', () => {
    // sdotusp.n x10, x10, x10 with x10 = 0x11111111: 8 x (1 x 1) + 0x11111111.
    const v = 0x11111111;
    expect(res('pv.sdotusp.n', v, 0, { rs1: 10, rs2: 10 }, v)).toBe(v + 8);
  });
});

describe('XpulpNN encodings (GVSOC isa_pulpnn.py: bits 31:25, funct3 010 vv / 011 sc, opcode 0x57)', () => {
  // a0, a1, a2: rd 0x500, rs1 0x58000, rs2 0xc00000.
  const REGS = 0x500 | 0x58000 | 0xc00000;
  const words: Array<[string, number]> = [
    ['pv.dotup.n', (0b1000000 << 25) | (0b010 << 12) | 0x57],
    ['pv.dotup.sc.c', (0b1000001 << 25) | (0b011 << 12) | 0x57],
    ['pv.dotusp.n', (0b1000100 << 25) | (0b010 << 12) | 0x57],
    ['pv.dotsp.c', (0b1001101 << 25) | (0b010 << 12) | 0x57],
    ['pv.sdotup.sc.n', (0b1010000 << 25) | (0b011 << 12) | 0x57],
    ['pv.sdotusp.n', (0b1010100 << 25) | (0b010 << 12) | 0x57],
    ['pv.sdotusp.c', (0b1010101 << 25) | (0b010 << 12) | 0x57],
    ['pv.sdotusp.sc.n', (0b1010100 << 25) | (0b011 << 12) | 0x57],
    ['pv.sdotsp.n', (0b1011100 << 25) | (0b010 << 12) | 0x57],
    ['pv.sdotsp.sc.c', (0b1011101 << 25) | (0b011 << 12) | 0x57],
  ];
  for (const [id, match] of words) {
    it(`${id} a0, a1, a2 = ${((match | REGS) >>> 0).toString(16)}`, () => {
      expect(encode(byId(id).enc.xpulpv2!, { rd: 10, rs1: 11, rs2: 12 })).toBe((match | REGS) >>> 0);
      const d = makeDecoder('xpulpv2', NN)((match | REGS) >>> 0)!;
      expect(d.def.id).toBe(id);
      expect([d.ops.rd, d.ops.rs1, d.ops.rs2]).toEqual([10, 11, 12]);
    });
  }
  it('pv.sdotusp.n a0, a1, a2 is 0xa8c5a557 (hand-assembled)', () => {
    expect(encode(byId('pv.sdotusp.n').enc.xpulpv2!, { rd: 10, rs1: 11, rs2: 12 })).toBe(0xa8c5a557);
  });

  it('decode(encode(ops)) gives the entry and the operands back; the disassembly names the entry', () => {
    const decode = makeDecoder('xpulpv2', NN);
    const reg = fc.integer({ min: 0, max: 31 });
    for (const d of xpulpnnInstrs) {
      const e = d.enc.xpulpv2!;
      fc.assert(
        fc.property(reg, reg, reg, (rd, rs1, rs2) => {
          const w = encode(e, { rd, rs1, rs2 });
          const got = decode(w)!;
          expect(got.def.id).toBe(d.id);
          expect([got.ops.rd, got.ops.rs1, got.ops.rs2]).toEqual([rd, rs1, rs2]);
          expect(formatDecoded(got, 0, { style: 'gnu', regNames: 'x' })).toBe(`${d.id}\tx${rd},x${rs1},x${rs2}`);
        }),
        { numRuns: 30 },
      );
    }
  });

  it('no XpulpNN word matches any default xpulpv2 encoding (so enabling it changes no existing decode)', () => {
    for (const n of encodingsOf('xpulpv2', NN).filter((e) => e.def.ext === 'XpulpNN')) {
      for (const o of encodingsOf('xpulpv2')) {
        if (o.enc.size !== 4) continue;
        const common = n.enc.mask & o.enc.mask;
        expect(((n.enc.match ^ o.enc.match) & common) !== 0, `${n.def.id} vs ${o.def.id}`).toBe(true);
      }
    }
    // The decoder's own ambiguity check runs at construction.
    expect(() => makeDecoder('xpulpv2', NN)).not.toThrow();
  });
});

describe('XpulpNN is off unless switched on', () => {
  const w = 0xa8c5a557; // pv.sdotusp.n a0, a1, a2
  it('the default decoders treat its words as illegal', () => {
    expect(makeDecoder('xpulpv2')(w)).toBeNull();
    expect(makeDecoder('xpulpv2', { extensions: [] })(w)).toBeNull();
    expect(makeDecoder('corev')(w)).toBeNull();
    expect(makeDecoder('xpulpv2', NN)(w)!.def.id).toBe('pv.sdotusp.n');
  });
  it('the default table has no XpulpNN encodings; the extended one adds exactly the 24', () => {
    expect(encodingsOf('xpulpv2').some((e) => e.def.ext === 'XpulpNN')).toBe(false);
    expect(encodingsOf('xpulpv2', NN).length - encodingsOf('xpulpv2').length).toBe(24);
    expect(encodingsOf('corev', NN).length).toBe(encodingsOf('corev').length);
  });
  it('words around it still decode as before when it is on (the existing SIMD forms)', () => {
    const on = makeDecoder('xpulpv2', NN);
    const off = makeDecoder('xpulpv2');
    // pv.sdotusp.b / .h a0, a1, a2: funct3 001 / 000 of the same funct6.
    for (const x of [0xa8c59557, 0xa8c58557]) expect(on(x)!.def.id).toBe(off(x)!.def.id);
  });
  it('an extension that is not optional is refused by name', () => {
    expect(() => makeDecoder('xpulpv2', { extensions: ['XpulpSimd'] })).toThrow(/makeDecoder: 'XpulpSimd' is not an optional extension \(optional: XpulpNN\)/);
    expect(() => encodingsOf('xpulpv2', { extensions: ['M'] })).toThrow(/'M' is not an optional extension/);
  });
  it('enabledExtensions maps the configuration switch', () => {
    expect(enabledExtensions(undefined)).toEqual([]);
    expect(enabledExtensions({})).toEqual([]);
    expect(enabledExtensions({ xpulpnn: false })).toEqual([]);
    expect(enabledExtensions({ xpulpnn: true })).toEqual(['XpulpNN']);
  });
});
