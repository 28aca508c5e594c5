// The assembler accepts every alias spelling of the ISA table (`Encoding.aliases`): GNU as' `...i` duplicates,
// the Is3 = 0 short forms of the 16x16 multiplies, and the `p.*` spellings of RV32I loads/stores and RV32M.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldRange } from '../../../rtl/isa/fields.ts';
import { OPTIONAL_EXTS, encodingsOf } from '../../../rtl/isa/table.ts';
import type { Encoding, Flavour, OperandName, Operands } from '../../../rtl/isa/types.ts';
import { type AsmOptions, assemble } from './assembler.ts';

function words(src: string, opts: AsmOptions): number[] {
  const text = assemble(src, 'a.S', opts).object.sections.find((s) => s.name === '.text')!;
  const b = text.bytes;
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 4) out.push((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
  return out;
}

function sizeOf(src: string, opts: AsmOptions): number {
  return assemble(src, 'a.S', opts).object.sections.find((s) => s.name === '.text')!.bytes.length;
}

const REGS = new Set(['rd', 'rs1', 'rs2', 'rs3']);

/** `syntax` with each operand name replaced by its value (registers as xN, immediates in decimal). */
function render(mnemonic: string, syntax: string, ops: Partial<Operands>): string {
  const body = syntax.replace(/[A-Za-z][A-Za-z0-9]*/g, (n) => {
    const v = ops[n as OperandName] ?? 0;
    return REGS.has(n) ? `x${v}` : String(v);
  });
  return `${mnemonic} ${body}`;
}

/** Operand values that fit every field of `enc`. */
function operandsOf(enc: Encoding): fc.Arbitrary<Partial<Operands>> {
  const rec: Record<string, fc.Arbitrary<number>> = {};
  for (const f of enc.fields) {
    const r = fieldRange(f);
    const step = 2 ** r.align;
    rec[f.name] = fc.integer({ min: r.min / step, max: r.max / step }).map((k) => k * step);
  }
  return fc.record(rec) as fc.Arbitrary<Partial<Operands>>;
}

interface AliasCase {
  flavour: Flavour;
  id: string;
  enc: Encoding;
  alias: { mnemonic: string; syntax: string; fixed?: Partial<Operands> };
}

function aliasCases(flavour: Flavour): AliasCase[] {
  const out: AliasCase[] = [];
  for (const { def, enc } of encodingsOf(flavour, { extensions: OPTIONAL_EXTS })) {
    for (const alias of enc.aliases ?? []) out.push({ flavour, id: def.id, enc, alias });
  }
  return out;
}

const cases = [...aliasCases('xpulpv2'), ...aliasCases('corev')];

describe('every alias of the table assembles to the word of its canonical spelling', () => {
  it('the table has the aliases the fact sheet lists (§2.3 omitted aliases, Is3 = 0 short forms)', () => {
    const names = new Set(cases.map((c) => `${c.flavour}:${c.alias.mnemonic}`));
    for (const n of ['p.lw', 'p.sb', 'p.mul', 'p.remu', 'p.extracti', 'p.clipui', 'p.addni', 'p.suburni', 'p.muls', 'p.machhu']) {
      expect(names.has(`xpulpv2:${n}`), n).toBe(true);
    }
    for (const n of ['cv.muls', 'cv.mulhhs', 'cv.mulu', 'cv.mulhhu']) expect(names.has(`corev:${n}`), n).toBe(true);
    expect(cases.length).toBeGreaterThanOrEqual(42);
  });

  for (const c of cases) {
    it(`${c.flavour} ${c.alias.mnemonic} ${c.alias.syntax} = ${c.enc.mnemonic} (${c.id})`, () => {
      const opts: AsmOptions = { flavour: c.flavour, rvc: false, extensions: [...OPTIONAL_EXTS] };
      fc.assert(
        fc.property(operandsOf(c.enc), (gen) => {
          // The alias's own operands come from the generator; the ones it leaves out take its fixed values.
          const full: Partial<Operands> = { ...gen, ...c.alias.fixed };
          const viaAlias = words(render(c.alias.mnemonic, c.alias.syntax, full), opts);
          const viaCanonical = words(render(c.enc.mnemonic, c.enc.syntax, full), opts);
          expect(viaAlias).toEqual(viaCanonical);
          expect(viaAlias.length).toBe(1);
        }),
        { numRuns: 25 },
      );
    });
  }
});

describe('alias words checked by hand (fact sheet ri5cy-isa-timing.md §2.3 / §3.2)', () => {
  const XP: AsmOptions = { flavour: 'xpulpv2', rvc: false };
  const CV: AsmOptions = { flavour: 'corev', rvc: false };
  // a0 = x10 -> rd bits 11:7 = 0x500; a1 = x11 -> rs1 bits 19:15 = 0x58000; a2 = x12 -> rs2 bits 24:20 = 0xc00000.
  const cases: Array<[string, AsmOptions, number]> = [
    ['p.muls a0, a1, a2', XP, 0x8000005b | 0x500 | 0x58000 | 0xc00000], // MATCH 0x8000005b
    ['p.mulhhu a0, a1, a2', XP, 0x4000005b | 0x500 | 0x58000 | 0xc00000], // MATCH 0x4000005b
    ['p.macs a0, a1, a2', XP, 0x8000105b | 0x500 | 0x58000 | 0xc00000], // MATCH 0x8000105b
    ['p.extracti a0, a1, 7, 3', XP, 0xc0000033 | (7 << 25) | (3 << 20) | 0x500 | 0x58000], // Is3 29:25, Is2 24:20
    ['p.clipi a0, a1, 5', XP, 0x14001033 | (5 << 20) | 0x500 | 0x58000],
    ['p.addni a0, a1, a2, 3', XP, 0x0000205b | (3 << 25) | 0x500 | 0x58000 | 0xc00000],
    ['p.lw a0, 4(a1)', XP, 0x0045a503], // RV32I lw: imm 4 << 20, funct3 010, opcode 0x03
    ['p.sw a0, -4(a1)', XP, 0xfea5ae23], // S-type imm[11:5] = 0x7f, imm[4:0] = 0x1c
    ['p.mul a0, a1, a2', XP, 0x02c58533], // funct7 0000001
    ['p.lw a0, (a1)', XP, 0x0005a503], // offset left out = 0, as for lw
    // CORE-V: cv.mulsn / cv.mulhhun a0, a1, a2, 3 are 0x06c5c55b / 0x46c5d55b (§3.2); Is3 = 0 clears 3 << 25.
    ['cv.muls a0, a1, a2', CV, 0x06c5c55b - (3 << 25)],
    ['cv.mulhhu a0, a1, a2', CV, 0x46c5d55b - (3 << 25)],
  ];
  for (const [src, opts, want] of cases) {
    it(src, () => expect(words(src, opts)).toEqual([want >>> 0]));
  }

  it('the p.* spellings of RV32I are not compressed (GNU as lists them as 32-bit entries only)', () => {
    const rvc: AsmOptions = { flavour: 'xpulpv2', rvc: true };
    expect(sizeOf('lw a0, 0(a0)', rvc)).toBe(2);
    expect(sizeOf('p.lw a0, 0(a0)', rvc)).toBe(4);
    expect(words('p.lw a0, 0(a0)', rvc)).toEqual([0x00052503]);
  });

  it('the canonical post-increment and register-offset forms of p.lw still win over the alias', () => {
    // p.lw rd, imm(rs1!): 0x0b funct3 010 (MATCH 0x0000200b); p.lw rd, rs2(rs1): 0x03 funct3 111 f7 0010000.
    expect(words('p.lw a0, 4(a1!)', XP)).toEqual([(0x0000200b | (4 << 20) | 0x500 | 0x58000) >>> 0]);
    expect(words('p.lw a0, a2(a1)', XP)).toEqual([(0x20007003 | 0xc00000 | 0x500 | 0x58000) >>> 0]);
  });

  it('aliases belong to their flavour only', () => {
    expect(() => assemble('p.lw a0, 4(a1)', 'a.S', CV)).toThrow(/unknown instruction 'p\.lw' for flavour corev/);
    expect(() => assemble('cv.muls a0, a1, a2', 'a.S', XP)).toThrow(/unknown instruction 'cv\.muls'/);
  });

  it('range errors name the alias as written', () => {
    expect(() => assemble('p.clipi a0, a1, 32', 'a.S', XP)).toThrow(/a\.S:1:\d+: error: immediate 32 out of range 0\.\.31 for p\.clipi/);
  });
});
