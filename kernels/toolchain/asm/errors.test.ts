// Every class of error names file:line:col and says what was expected; one run collects several errors.
import { describe, expect, it } from 'vitest';
import { link } from '../linker.ts';
import { type AsmOptions, assemble } from './assembler.ts';
import { AsmFailure, formatDiagnostic } from './diagnostics.ts';
import { memoryReader } from './source.ts';

const XP: AsmOptions = { flavour: 'xpulpv2', rvc: true };

/** The formatted errors of assembling `src` (as e.S). */
function errors(src: string, opts: AsmOptions = XP): string[] {
  try {
    assemble(src, 'e.S', opts);
  } catch (e) {
    if (e instanceof AsmFailure) return e.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw e;
  }
  return [];
}

function linkErrors(src: string, opts: Parameters<typeof link>[1] = {}): string[] {
  const { object } = assemble(src, 'l.S', XP);
  try {
    link([object], opts);
  } catch (e) {
    if (e instanceof AsmFailure) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  return [];
}

describe('assembler errors name file:line:col and the expectation', () => {
  it('bad register', () => {
    expect(errors('  lw a0, 0(x32)')).toEqual(["e.S:1:12: error: expected a register, found 'x32'"]);
  });
  it('immediate out of range', () => {
    expect(errors('addi a0, a1, 2048')).toEqual(['e.S:1:14: error: immediate 2048 out of range -2048..2047 for addi']);
  });
  it('misaligned and out-of-range offsets', () => {
    expect(errors('.option norvc\nbeq a0, a1, 1f\n.rept 1100\nnop\n.endr\n1:')).toEqual([
      'e.S:2:13: error: offset 4404 out of range -4096..4094 (multiple of 2) for beq',
    ]);
  });
  it('unknown instruction for the flavour', () => {
    expect(errors('p.foo a0', { flavour: 'corev', rvc: true })).toEqual(["e.S:1:1: error: unknown instruction 'p.foo' for flavour corev"]);
    expect(errors('p.abs a0, a1', { flavour: 'corev', rvc: true })).toEqual(["e.S:1:1: error: unknown instruction 'p.abs' for flavour corev"]);
  });
  it('missing operand and trailing junk', () => {
    expect(errors('add a0, a1')).toEqual(["e.S:1:11: error: expected ',', found end of line"]);
    expect(errors('add a0, a1, a2, a3')).toEqual(["e.S:1:15: error: expected end of operands, found ','"]);
  });
  it('a symbol where a constant is needed', () => {
    expect(errors('lab: addi a0, a0, lab')).toEqual([
      'e.S:1:19: error: the imm operand of addi must be a constant, not an address in section .text (use %hi/%lo or %pcrel_hi/%pcrel_lo for addresses)',
    ]);
  });
  it('collects several errors in one run, in source order', () => {
    expect(errors('addi a0, a1, 5000\nfoo\nlw a0, 0(q1)\n.word 1 +\n.bogus')).toEqual([
      'e.S:1:14: error: immediate 5000 out of range -2048..2047 for addi',
      "e.S:2:1: error: unknown instruction 'foo' for flavour xpulpv2",
      "e.S:3:10: error: expected a register, found 'q1'",
      'e.S:4:10: error: expected an expression, found end of line',
      "e.S:5:1: error: unknown directive '.bogus'",
    ]);
  });
  it('errors inside a macro point at the body line and at the invocation', () => {
    const e = errors('.macro M r\naddi \\r, \\r, 4096\n.endm\nnop\nM a0');
    // The column is in the expanded line (`addi a0, a0, 4096`).
    expect(e).toEqual(['e.S:2:14: error: immediate 4096 out of range -2048..2047 for addi\ne.S:5:1: note: in expansion of the macro used here']);
  });
  it('directive errors: .error, .org backwards, missing .endif, missing include, duplicate label', () => {
    expect(errors('.error "stop here"')).toEqual(['e.S:1:1: error: stop here']);
    expect(errors('.if 1\nnop')).toEqual(['e.S:1:1: error: missing .endif for this conditional']);
    expect(errors('.include "nope.inc"', { ...XP, reader: memoryReader({}) })).toEqual([
      "e.S:1:1: error: cannot find include file 'nope.inc' (looked next to e.S and in the -I directories)",
    ]);
    expect(errors('a: nop\na: nop')).toEqual(["e.S:2:1: error: symbol 'a' is already defined (at e.S:1)"]);
    expect(errors('1: j 2b')).toEqual(["e.S:1:6: error: no local label '2:' before this line"]);
  });
  it('compressed mnemonics without .option rvc or without C', () => {
    expect(errors('.option norvc\nc.addi a0, 1')).toEqual(["e.S:2:1: error: 'c.addi' needs compressed instructions enabled (.option rvc)"]);
    expect(errors('c.addi a0, 1', { flavour: 'xpulpv2', rvc: false })).toEqual([
      "e.S:1:1: error: unknown instruction 'c.addi' for flavour xpulpv2 without RVC",
    ]);
  });
});

describe('link errors name the use site', () => {
  it('undefined symbol', () => {
    expect(linkErrors('nop\n  j nowhere\n.data\n.word also_missing')).toEqual([
      "l.S:2:3: error: undefined symbol 'nowhere'",
      "l.S:4:7: error: undefined symbol 'also_missing'",
    ]);
  });
  it('branch out of reach across sections', () => {
    const e = linkErrors('.text\nbeq a0, a1, far\n.data\nfar: .word 0');
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/^l\.S:2:1: error: target 0x1004 is out of reach of beq at 0x0: .*-4096\.\.4094/);
  });
  it('sections outside the memory map', () => {
    const e = linkErrors('nop', { textBase: 0x40000000, memory: [{ name: 'ram', base: 0, size: 0x100000, kind: 'ram' }] });
    expect(e).toEqual(['l.S:0:0: error: section .text at 0x40000000..0x40000001 is not inside one memory region (ram 0x0..0xfffff)']);
  });
});
