import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDecoder, makeDecoderFrom } from './decoder.ts';
import { enc32, fieldMask, fieldRange, fixed, I, R } from './fields.ts';
import { encode, encodingsOf, extract, findId, syntaxOperands } from './table.ts';
import { TestHart } from './testHart.ts';
import type { Encoding, Flavour, InstrDef, OperandField, Operands } from './types.ts';

function valueOf(f: OperandField): fc.Arbitrary<number> {
  const r = fieldRange(f);
  const steps = (r.max - r.min) / 2 ** r.align;
  return fc.integer({ min: 0, max: steps }).map((k) => r.min + k * 2 ** r.align);
}

function opsOf(enc: Encoding): fc.Arbitrary<Partial<Operands>> {
  const rec: Record<string, fc.Arbitrary<number>> = {};
  for (const f of enc.fields) rec[f.name] = valueOf(f);
  return fc.record(rec) as fc.Arbitrary<Partial<Operands>>;
}

/** Runs a 32-bit entry on a hart with the given register state and returns everything it did. */
function effects(def: InstrDef, ops: Operands, regs: number[], flavour: Flavour): unknown {
  const h = new TestHart(0x4000, flavour);
  regs.forEach((v, i) => (h.regs[i] = v));
  for (let a = 0; a < 64; a++) h.mem.set((regs[ops.rs1]! + a - 32) >>> 0, (a * 37) & 0xff);
  h.csrs.set(ops.csr, 0x5a5a5a5a);
  h.run(def.id, ops);
  return { regs: [...h.regs], mem: [...h.mem], csrs: [...h.csrs], next: h.next, sys: h.system_, loops: h.loops, ill: h.illegalRaised };
}

describe('decoder round trip over every encoding', () => {
  for (const flavour of ['xpulpv2', 'corev'] as const) {
    it(`${flavour}: extract(encode(ops)) == ops and decode(encode(ops)) finds the same entry`, () => {
      const decode = makeDecoder(flavour);
      const entries = encodingsOf(flavour);
      expect(entries.length).toBeGreaterThan(80);
      for (const { def, enc } of entries) {
        fc.assert(
          fc.property(opsOf(enc), fc.array(fc.integer({ min: -0x80000000, max: 0x7fffffff }), { minLength: 32, maxLength: 32 }), (ops, regs) => {
            let w: number;
            try {
              w = encode(enc, ops);
            } catch {
              fc.pre(false); // a reserved combination (`valid`), rejected by encode
              return;
            }
            const back = extract(enc, w);
            for (const f of enc.fields) expect(back[f.name], `${def.id} ${f.name}`).toBe(ops[f.name]);
            const d = decode(w);
            expect(d, `${def.id}: ${w.toString(16)} does not decode`).not.toBeNull();
            if (enc.size === 2) {
              expect(d!.size).toBe(2);
              expect(d!.def.id).toBe(def.expandsTo);
              expect(d!.ops).toEqual(def.expand!(back));
              if (d!.rvc?.def !== def) {
                // A strictly more specific compressed form (c.nop for c.addi x0, 0) with the same expansion.
                const more = d!.rvc!.enc.mask >>> 0;
                expect((more & enc.mask) >>> 0, `${def.id} decodes as ${d!.rvc?.def.id}`).toBe(enc.mask >>> 0);
                expect(more).not.toBe(enc.mask >>> 0);
              }
              return;
            }
            expect(d!.size).toBe(4);
            if (d!.def !== def) {
              // Only a strictly more specific encoding may win, and it must do the same thing.
              const more = d!.enc.mask >>> 0;
              expect((more & enc.mask) >>> 0, `${def.id} decodes as ${d!.def.id}`).toBe(enc.mask >>> 0);
              expect(more, `${def.id} decodes as ${d!.def.id}`).not.toBe(enc.mask >>> 0);
              expect(effects(d!.def, d!.ops as Operands, regs, flavour), `${def.id} vs ${d!.def.id}`).toEqual(
                effects(def, back, regs, flavour),
              );
            }
          }),
          { numRuns: 40 },
        );
      }
    });
  }
});

describe('decoder construction', () => {
  const a: InstrDef = { id: 'test.a', ext: 'I', timing: 'alu', enc: { xpulpv2: enc32('a', 'rd, rs1, imm', I(0x13, 0)) }, exec: () => {} };
  const b: InstrDef = { id: 'test.b', ext: 'I', timing: 'alu', enc: { xpulpv2: enc32('b', 'rd, rs1, rs2', R(0x13, 0, 0)) }, exec: () => {} };
  // Overlaps `a` on some words, but neither mask contains the other: rd fixed here, funct7 fixed in b.
  const c: InstrDef = {
    id: 'test.c',
    ext: 'I',
    timing: 'alu',
    enc: { xpulpv2: { ...enc32('c', 'rs1', { ...fixed([6, 0, 0x13], [14, 12, 0], [11, 7, 0]), fields: [] }) } },
    exec: () => {},
  };
  const list = (...defs: InstrDef[]) => defs.map((def) => ({ def, enc: def.enc.xpulpv2! }));

  it('accepts strictly nested encodings and prefers the more specific one', () => {
    const decode = makeDecoderFrom(list(a, b), 'xpulpv2', {}, () => undefined);
    expect(decode(0x00000013)?.def.id).toBe('test.b'); // funct7 = 0 -> the R shape
    expect(decode(0x02000013)?.def.id).toBe('test.a');
  });

  it('rejects an ambiguous overlap, naming both ids', () => {
    expect(() => makeDecoderFrom(list(b, c), 'xpulpv2', {}, () => undefined)).toThrow(/'test\.[bc]'.*'test\.[bc]'/);
  });

  it('rejects exact duplicates', () => {
    expect(() => makeDecoderFrom(list(a, { ...a, id: 'test.a2' }), 'xpulpv2', {}, () => undefined)).toThrow(
      /test\.a.*test\.a2|test\.a2.*test\.a/,
    );
  });

  it('excludes ids, with the RVC forms that expand to them', () => {
    const decode = makeDecoder('xpulpv2', { exclude: ['fence', 'fence.i', 'ebreak'] });
    expect(decode(0x0ff0000f)).toBeNull();
    expect(decode(0x0000100f)).toBeNull();
    expect(decode(0x00100073)).toBeNull();
    expect(decode(0x9002)).toBeNull(); // c.ebreak
    expect(decode(0x00000073)?.def.id).toBe('ecall');
    expect(() => makeDecoder('xpulpv2', { exclude: ['no.such'] })).toThrow(/no\.such/);
  });

  it('caches: the same word gives the same object', () => {
    const decode = makeDecoder('corev');
    expect(decode(0x00150513)).toBe(decode(0x00150513));
  });
});

describe('table structure', () => {
  for (const flavour of ['xpulpv2', 'corev'] as const) {
    it(`${flavour}: syntax names exactly the fields; match inside mask, fields disjoint from the mask and from each other, inside the word`, () => {
      const bad: string[] = [];
      for (const { def, enc } of encodingsOf(flavour)) {
        const word = enc.size === 2 ? 0xffff : 0xffffffff;
        if ((enc.match & ~enc.mask) !== 0) bad.push(`${def.id}: match outside mask`);
        let seen = enc.mask >>> 0;
        for (const f of enc.fields) {
          const m = fieldMask(f);
          if ((m & seen) !== 0) bad.push(`${def.id}: field ${f.name} overlaps the mask or another field`);
          if ((m & ~word) !== 0) bad.push(`${def.id}: field ${f.name} outside the ${enc.size}-byte word`);
          seen |= m;
        }
        const inSyntax = [...new Set(syntaxOperands(enc.syntax))].sort().join();
        const inFields = enc.fields.map((f) => f.name).sort().join();
        if (inSyntax !== inFields) bad.push(`${def.id}: syntax '${enc.syntax}' names ${inSyntax}, fields are ${inFields}`);
        if (enc.size === 2) {
          const t = def.expandsTo ? findId(def.expandsTo) : undefined;
          if (!t?.enc[flavour] || !def.expand) bad.push(`${def.id}: RVC entry without a valid expansion`);
        } else if (!def.exec) bad.push(`${def.id}: no exec`);
      }
      expect(bad).toEqual([]);
    });
  }
});
