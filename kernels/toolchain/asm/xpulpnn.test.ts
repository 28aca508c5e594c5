// The optional XpulpNN extension in the assembler: refused with a clear message unless switched on by the
// `extensions` option or `.option xpulpnn`; the words follow the GVSOC XpulpNN table (bits 31:25, funct3 010
// vector / 011 scalar-replicated, opcode 0x57).
import { describe, expect, it } from 'vitest';
import { presets } from '../../../rtl/config/index.ts';
import { AsmFailure } from './diagnostics.ts';
import { buildElf } from './index.ts';
import { type AsmOptions, assemble } from './assembler.ts';

const XP: AsmOptions = { flavour: 'xpulpv2', rvc: true };
const XPNN: AsmOptions = { ...XP, extensions: ['XpulpNN'] };

function words(src: string, opts: AsmOptions): number[] {
  const b = assemble(src, 'n.S', opts).object.sections.find((s) => s.name === '.text')!.bytes;
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 4) out.push((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
  return out;
}

function errors(src: string, opts: AsmOptions): string[] {
  try {
    assemble(src, 'n.S', opts);
  } catch (e) {
    if (e instanceof AsmFailure) return e.diagnostics.map((d) => `${d.loc.line}:${d.loc.col}: ${d.message}`);
    throw e;
  }
  return [];
}

// a0, a1, a2 -> rd 0x500 | rs1 0x58000 | rs2 0xc00000
const REGS = 0x500 | 0x58000 | 0xc00000;
const SDOTUSP_N = ((0b1010100 << 25) | (0b010 << 12) | 0x57 | REGS) >>> 0;
const SDOTSP_SC_C = ((0b1011101 << 25) | (0b011 << 12) | 0x57 | REGS) >>> 0;

describe('XpulpNN in the assembler', () => {
  it('assembles with extensions: [XpulpNN]', () => {
    expect(words('pv.sdotusp.n a0, a1, a2\npv.sdotsp.sc.c a0, a1, a2', XPNN)).toEqual([SDOTUSP_N, SDOTSP_SC_C]);
  });

  it('accepts the GVSOC spelling pv.<op>.<w>.sc of the scalar forms', () => {
    expect(words('pv.sdotsp.c.sc a0, a1, a2', XPNN)).toEqual([SDOTSP_SC_C]);
  });

  it('is off by default and says how to switch it on', () => {
    expect(errors('nop\npv.sdotusp.n a0, a1, a2', XP)).toEqual([
      "2:1: 'pv.sdotusp.n' belongs to the XpulpNN extension, which is off: enable it with '.option xpulpnn' or the " +
        "assembler option extensions: ['XpulpNN'] (from a core configuration with isa.xpulpnn set)",
    ]);
    expect(errors('pv.dotup.c.sc a0, a1, a2', XP)[0]).toMatch(/'pv\.dotup\.c\.sc' belongs to the XpulpNN extension, which is off/);
  });

  it('.option xpulpnn / noxpulpnn switch it, and push/pop restore it', () => {
    expect(words('.option xpulpnn\npv.sdotusp.n a0, a1, a2', XP)).toEqual([SDOTUSP_N]);
    expect(errors('.option noxpulpnn\npv.sdotusp.n a0, a1, a2', XPNN)[0]).toMatch(/^2:1: 'pv\.sdotusp\.n' belongs to the XpulpNN extension/);
    expect(errors('.option push\n.option xpulpnn\n.option pop\npv.sdotusp.n a0, a1, a2', XP)[0]).toMatch(/^4:1: .*which is off/);
    expect(words('.option push\n.option xpulpnn\npv.sdotusp.n a0, a1, a2\n.option pop', XP)).toEqual([SDOTUSP_N]);
  });

  it('operand errors are reported as for any instruction once it is on', () => {
    expect(errors('pv.sdotusp.n a0, a1, 3', XPNN)).toEqual(["1:22: expected a register, found '3'"]);
  });

  it('does not exist in the corev flavour', () => {
    expect(errors('pv.sdotusp.n a0, a1, a2', { flavour: 'corev', rvc: true, extensions: ['XpulpNN'] })).toEqual([
      "1:1: unknown instruction 'pv.sdotusp.n' for flavour corev",
    ]);
  });

  it('a name that is not an optional extension is refused', () => {
    expect(() => assemble('nop', 'n.S', { ...XP, extensions: ['XpulpSimd'] })).toThrow(
      /assembler option extensions: 'XpulpSimd' is not an optional extension \(optional: XpulpNN\)/,
    );
    expect(errors('.option xpulpfoo', XP)[0]).toMatch(/unknown \.option 'xpulpfoo' \(known: .*xpulpnn, noxpulpnn\)/);
  });

  it('existing 8-bit SIMD spellings are unaffected by the switch', () => {
    // pv.sdotusp.b a0, a1, a2: funct6 101010, funct3 001.
    const b = ((0b101010 << 26) | (0b001 << 12) | 0x57 | REGS) >>> 0;
    expect(words('pv.sdotusp.b a0, a1, a2', XP)).toEqual([b]);
    expect(words('pv.sdotusp.b a0, a1, a2', XPNN)).toEqual([b]);
  });

  it('buildElf takes the switch from the core configuration (core.isa.xpulpnn)', () => {
    const base = presets.ri5cy;
    const on = { ...base, core: { ...base.core, isa: { xpulpnn: true } } };
    expect(() => buildElf('.globl _start\n_start: pv.sdotusp.n a0, a1, a2', 'n.S', base)).toThrow(/XpulpNN extension, which is off/);
    const elf = buildElf('.globl _start\n_start: pv.sdotusp.n a0, a1, a2', 'n.S', on);
    const text = elf.linked.sections.find((s) => s.name === '.text')!.bytes;
    expect(Array.from(text.slice(0, 4))).toEqual([SDOTUSP_N & 0xff, (SDOTUSP_N >>> 8) & 0xff, (SDOTUSP_N >>> 16) & 0xff, SDOTUSP_N >>> 24]);
  });
});
