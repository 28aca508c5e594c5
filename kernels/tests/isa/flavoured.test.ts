// Rendering of neutral test sources: the spellings of both flavours (PULP GCC and LLVM 19 CORE-V syntax, written
// out here by hand), line-preserving flavour blocks, the errors that keep one-flavour spellings out of the shared
// part, and, for every table entry both flavours have, that the rendered instruction assembles in each flavour to a
// word that decodes back to the same entry and operand values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assembleAt } from '../../toolchain/asm/index.ts';
import { makeDecoder } from '../../../rtl/isa/decoder.ts';
import { fieldRange } from '../../../rtl/isa/fields.ts';
import { allInstrs } from '../../../rtl/isa/table.ts';
import type { Flavour, InstrDef, OperandName } from '../../../rtl/isa/types.ts';
import { neutralOperands, neutralOrderOf, renderFlavoured } from './flavoured.ts';

const both = (src: string) => ({
  xpulpv2: renderFlavoured(src, 't.S.in', 'xpulpv2'),
  corev: renderFlavoured(src, 't.S.in', 'corev'),
});

/** The message of what `f` throws. */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('nothing thrown');
}

describe('renderFlavoured', () => {
  it('spells a shared instruction in each flavour', () => {
    expect(both('  @p.abs a1, a0')).toEqual({ xpulpv2: '  p.abs a1, a0', corev: '  cv.abs a1, a0' });
    expect(both('  @pv.sdotusp.sc.b a1, a0, a2')).toEqual({ xpulpv2: '  pv.sdotusp.sc.b a1, a0, a2', corev: '  cv.sdotusp.sc.b a1, a0, a2' });
    expect(both('  @p.extractu a1, a0, 7, 8')).toEqual({ xpulpv2: '  p.extractu a1, a0, 7, 8', corev: '  cv.extractu a1, a0, 7, 8' });
    // CORE-V's name of the halfword pack differs: cv.pack (cv.pack.h is another operation).
    expect(both('  @pv.pack.h a1, a0, a2')).toEqual({ xpulpv2: '  pv.pack.h a1, a0, a2', corev: '  cv.pack a1, a0, a2' });
  });

  it('writes memory operands as (value or rd, base, offset) and renders each address syntax', () => {
    expect(both('@p.lw.ri.post a1, a0, 4')).toEqual({ xpulpv2: 'p.lw a1, 4(a0!)', corev: 'cv.lw a1, (a0), 4' });
    expect(both('@p.lh.rr.post a1, a0, a3')).toEqual({ xpulpv2: 'p.lh a1, a3(a0!)', corev: 'cv.lh a1, (a0), a3' });
    expect(both('@p.lb.rr a1, a0, a3')).toEqual({ xpulpv2: 'p.lb a1, a3(a0)', corev: 'cv.lb a1, a3(a0)' });
    expect(both('@p.sh.ri.post a5, a4, -2')).toEqual({ xpulpv2: 'p.sh a5, -2(a4!)', corev: 'cv.sh a5, (a4), -2' });
    expect(both('@p.sw.rr.post a5, a4, a3')).toEqual({ xpulpv2: 'p.sw a5, a3(a4!)', corev: 'cv.sw a5, (a4), a3' });
    expect(both('@p.elw a1, s0, 4')).toEqual({ xpulpv2: 'p.elw a1, 4(s0)', corev: 'cv.elw a1, 4(s0)' });
    expect(neutralOperands('rd, imm(rs1!)')).toEqual(['rd', 'rs1', 'imm']);
    expect(neutralOperands('rs2, (rs1), rs3')).toEqual(['rs2', 'rs1', 'rs3']);
  });

  it('keeps labels, expressions and comments, and every line in its place', () => {
    expect(both('1: @p.bneimm a0, -3, fail   # x')).toEqual({ xpulpv2: '1: p.bneimm a0, -3, fail # x', corev: '1: cv.bneimm a0, -3, fail # x' });
    expect(both('  @p.lw.ri.post a1, (a0), (2 + 2)').corev).toBe('  cv.lw a1, ((a0)), (2 + 2)');
    const src = ['CASE 1', '.ifflavour xpulpv2', '  lp.setupi 0, 5, 1f', '.else', '  cv.setupi 0, 5, 1f', '  nop', '.endif', '1:'].join('\n');
    const r = both(src);
    expect(r.xpulpv2.split('\n')).toEqual(['CASE 1', '', '  lp.setupi 0, 5, 1f', '', '', '', '', '1:']);
    expect(r.corev.split('\n')).toEqual(['CASE 1', '', '', '', '  cv.setupi 0, 5, 1f', '  nop', '', '1:']);
  });

  it('passes ordinary assembler conditionals through, inside and outside flavour blocks', () => {
    const src = ['.if 1', '.ifflavour corev', '.if 0', 'nop', '.else', 'addi a0, a0, 1', '.endif', '.endif', '.else', 'nop', '.endif'].join('\n');
    expect(renderFlavoured(src, 't', 'corev').split('\n')).toEqual(['.if 1', '', '.if 0', 'nop', '.else', 'addi a0, a0, 1', '.endif', '', '.else', 'nop', '.endif']);
    expect(renderFlavoured(src, 't', 'xpulpv2').split('\n')).toEqual(['.if 1', '', '', '', '', '', '', '', '.else', 'nop', '.endif']);
  });

  it('keeps one-flavour instructions out of the shared part, naming file, line and column', () => {
    expect(thrown(() => renderFlavoured('nop\n  p.abs a1, a0', 'f.S.in', 'xpulpv2'))).toMatch(/^f\.S\.in:2:3: error: 'p\.abs' is the xpulpv2 spelling/);
    expect(thrown(() => renderFlavoured('  cv.abs a1, a0', 'f.S.in', 'xpulpv2'))).toMatch(/^f\.S\.in:1:3: error: 'cv\.abs' is the corev spelling/);
    // A CORE-V-only operation is an error outside a block even when rendering CORE-V.
    expect(thrown(() => renderFlavoured('  @cv.cplxmul.r a1, a2, a3', 'f.S.in', 'corev'))).toMatch(
      /^f\.S\.in:1:3: error: 'cv\.cplxmul\.r' has no xpulpv2 encoding \(only corev\): put it in an '\.ifflavour corev' block/,
    );
    expect(renderFlavoured('.ifflavour corev\n  @cv.cplxmul.r a1, a2, a3\n.endif', 'f', 'corev')).toBe('\n  cv.cplxmul.r a1, a2, a3\n');
    expect(renderFlavoured('.ifflavour corev\n  @cv.cplxmul.r a1, a2, a3\n.endif', 'f', 'xpulpv2')).toBe('\n\n');
    expect(thrown(() => renderFlavoured('.ifflavour corev\n  lp.setupi 0, 5, 1f\n.endif', 'f', 'corev'))).toMatch(
      /^f:2:3: error: 'lp\.setupi' is the xpulpv2 spelling, in the \.ifflavour corev block/,
    );
    expect(thrown(() => renderFlavoured('.ifflavour xpulpv2\n.else\n  lp.setupi 0, 5, 1f\n.endif', 'f', 'corev'))).toMatch(/^f:3:3: error: .*in the \.ifflavour corev block/);
  });

  it('reports bad ids, operand counts and block structure', () => {
    expect(thrown(() => renderFlavoured('  @p.nosuch a1', 'f', 'corev'))).toBe("f:1:3: error: no rtl/isa instruction with id 'p.nosuch'");
    expect(thrown(() => renderFlavoured('  @addi a1, a1, 1', 'f', 'corev'))).toMatch(/'addi' is not a PULP extension instruction/);
    expect(thrown(() => renderFlavoured('  @p.lw.ri.post a1, 4(a0!)', 'f', 'corev'))).toMatch(/^f:1:17: error: 'p\.lw\.ri\.post' takes 3 operands \(rd, rs1, imm\), got 2/);
    expect(thrown(() => renderFlavoured('.ifflavour riscv\n.endif', 'f', 'corev'))).toMatch(/^f:1:1: error: \.ifflavour needs a flavour \(xpulpv2 or corev\), got 'riscv'/);
    expect(thrown(() => renderFlavoured('nop\n.ifflavour corev\nnop', 'f', 'corev'))).toBe('f:2:1: error: .ifflavour without .endif');
    expect(thrown(() => renderFlavoured('.endif', 'f', 'corev'))).toBe('f:1:1: error: .endif without .if');
    expect(thrown(() => renderFlavoured('.ifflavour corev\n.else\n.else\n.endif', 'f', 'corev'))).toMatch(/^f:3:1: error: second \.else of the \.ifflavour block of line 1/);
    expect(thrown(() => renderFlavoured('.ifflavour corev\n.ifflavour corev\n.endif\n.endif', 'f', 'corev'))).toMatch(/^f:2:1: error: \.ifflavour corev inside/);
    // Every error at once, whichever flavour is rendered.
    expect(thrown(() => renderFlavoured('  p.abs a1, a0\n  @p.nosuch', 'f', 'corev')).split('\n')).toHaveLength(2);
  });
});

/** The table entries both flavours encode (the ones a neutral source may name outside a flavour block). */
const shared: InstrDef[] = allInstrs.filter((d) => d.ext.startsWith('Xpulp') && d.enc.xpulpv2 && d.enc.corev);
const FLAVOURS: Flavour[] = ['xpulpv2', 'corev'];
const REGS = new Set<OperandName>(['rd', 'rs1', 'rs2', 'rs3']);
const PC = 0x1000;
const decoders = { xpulpv2: makeDecoder('xpulpv2'), corev: makeDecoder('corev') };

/** The values an immediate operand may take in both flavours (the intersection of its fields' ranges). */
function sharedRange(def: InstrDef, name: OperandName): { min: number; max: number; align: number } {
  const fields = FLAVOURS.map((f) => def.enc[f]!.fields.find((x) => x.name === name)!);
  const rs = fields.map(fieldRange);
  return {
    min: Math.max(...rs.map((r) => r.min)),
    max: Math.min(...rs.map((r) => r.max)),
    align: Math.max(...rs.map((r) => r.align)),
  };
}

function isPcrel(def: InstrDef, name: OperandName): boolean {
  return FLAVOURS.some((f) => def.enc[f]!.fields.find((x) => x.name === name)!.pcrel === true);
}

/** Renders `@id` with `values` for each flavour, assembles it at PC and decodes the word back. */
function roundTrip(def: InstrDef, values: Map<OperandName, number>): void {
  const order = neutralOrderOf(def);
  const text = order
    .map((n) => {
      const v = values.get(n)!;
      if (REGS.has(n)) return `x${v}`;
      // A branch target relative to the instruction's own address (`.`), whatever the sign.
      return isPcrel(def, n) ? `. + (${v})` : String(v);
    })
    .join(', ');
  for (const f of FLAVOURS) {
    const line = renderFlavoured(`  @${def.id} ${text}`, 't.S.in', f);
    const bytes = assembleAt(line, PC, { flavour: f, rvc: false });
    const word = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
    const d = decoders[f](word);
    expect(d?.def.id, `${f}: '${line.trim()}'`).toBe(def.id);
    for (const n of order) expect(d!.ops[n], `${f}: '${line.trim()}' operand ${n}`).toBe(values.get(n));
  }
}

describe('neutral operands of the table', () => {
  it('both flavours agree on the neutral operand order of every shared entry', () => {
    expect(shared.length).toBeGreaterThan(250);
    for (const d of shared) expect(() => neutralOrderOf(d), d.id).not.toThrow();
  });

  it('every shared entry, rendered with its extreme operand values, assembles in each flavour to itself', () => {
    for (const def of shared) {
      for (const pick of ['min', 'max'] as const) {
        const values = new Map<OperandName, number>();
        neutralOrderOf(def).forEach((n, k) => {
          if (REGS.has(n)) values.set(n, pick === 'min' ? 1 + k : 31 - k);
          else values.set(n, sharedRange(def, n)[pick]);
        });
        roundTrip(def, values);
      }
    }
  });

  it('random operand values round-trip through both flavours', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...shared),
        fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
        (def, regs, fractions) => {
          const values = new Map<OperandName, number>();
          neutralOrderOf(def).forEach((n, k) => {
            if (REGS.has(n)) values.set(n, regs[k]!);
            else {
              const r = sharedRange(def, n);
              const step = 2 ** r.align;
              const v = r.min + Math.floor((fractions[k]! * (r.max - r.min)) / step) * step;
              values.set(n, v);
            }
          });
          roundTrip(def, values);
        },
      ),
      { numRuns: 300, seed: 0x15a },
    );
  });
});
