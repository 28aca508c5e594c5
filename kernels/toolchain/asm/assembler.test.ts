// Assembler features one by one. Expected bytes come from GNU as 2.40 / llvm-mc-19 runs of the same lines
// (quoted objdump output in the comments) or from hand encoding.
import { describe, expect, it } from 'vitest';
import { type AsmOptions, assemble } from './assembler.ts';
import { assembleAt } from './index.ts';
import { memoryReader } from './source.ts';

const GNU: AsmOptions = { flavour: 'xpulpv2', rvc: true };

/** The .text bytes as 16-bit little-endian halfwords in hex (easy to read against objdump). */
function text(src: string, opts: AsmOptions = GNU, section = '.text'): string[] {
  const { object } = assemble(src, 't.S', opts);
  const s = object.sections.find((x) => x.name === section);
  if (!s) return [];
  const out: string[] = [];
  for (let i = 0; i < s.size; i += 2) out.push(((s.bytes[i] ?? 0) | ((s.bytes[i + 1] ?? 0) << 8)).toString(16).padStart(4, '0'));
  return out;
}

/** Words (from pairs of halfwords) in hex. */
function words(src: string, opts: AsmOptions = GNU, section = '.text'): string[] {
  const h = text(src, opts, section);
  const out: string[] = [];
  for (let i = 0; i < h.length; i += 2) out.push((h[i + 1] ?? '0000') + h[i]);
  return out;
}

describe('expressions follow gas rules', () => {
  it('precedence: * / % << >> over | & ^ over + - and comparisons; comparisons give -1; >> is logical', () => {
    // gas 2.40: .word 4 + 4 & 3 -> 4; 1 < 2 -> 0xffffffff; 2 < 1 -> 0; 8 - 4 >> 1 -> 6; -7 / 2 -> -3; -7 % 2 -> -1
    expect(words('.word 4 + 4 & 3, 1 < 2, 2 < 1, 8 - 4 >> 1, -7 / 2, -7 % 2, ~0 >> 63, (1 << 32) >> 1')).toEqual([
      '00000004', 'ffffffff', '00000000', '00000006', 'fffffffd', 'ffffffff', '00000001', '80000000',
    ]);
  });
  it('%hi/%lo of constants and label differences', () => {
    // hi20(0x12345fff) = 0x12346, lo12 = -1
    expect(words('lui a0, %hi(0x12345fff)\naddi a0, a0, %lo(0x12345fff)\na: .word b - a\nb:', { flavour: 'xpulpv2', rvc: false })).toEqual([
      '12346537', 'fff50513', '00000004',
    ]);
  });
});

describe('pseudo-instructions', () => {
  it('li splits like GNU load_const', () => {
    // objdump -M no-aliases of gas output: lui a0,0x12345; addi a0,a0,1656 | lui a0,0x1; addi a0,a0,-2048 |
    // lui a0,0x1 | addi a0,zero,-1 | lui a0,0x80000
    expect(words('li a0, 0x12345678\nli a0, 0x800\nli a0, 0x1000\nli a0, -1\nli a0, 0x80000000', { flavour: 'xpulpv2', rvc: false })).toEqual([
      '12345537', '67850513', '00001537', '80050513', '00001537', 'fff00513', '80000537',
    ]);
  });
  it('li in the LLVM dialect uses a shifted small constant (llvm-mc-19: li t0, 0x1800 -> li t0, 3; slli t0, t0, 11)', () => {
    expect(words('li t0, 0x1800', { flavour: 'corev', rvc: false })).toEqual(['00300293', '00b29293']);
  });
  it('branch and jump aliases, csr aliases, la', () => {
    const w = words(
      ['1: beqz a0, 1b', 'bgt a0, a1, 1b', 'j 1b', 'jal 1b', 'jr a5', 'ret', 'csrr s10, mcycle', 'csrw mtvec, t0', 'csrwi 0x7e1, 1', 'la a0, 1b', 'neg a1, a2', 'seqz a1, a2', 'not a1, a2'].join('\n'),
      { flavour: 'xpulpv2', rvc: false },
    );
    expect(w).toEqual([
      '00050063', // beq a0,zero,+0
      'fea5cee3', // blt a1,a0,-4
      'ff9ff06f', // jal zero,-8
      'ff5ff0ef', // jal ra,-12
      '00078067', // jalr zero,0(a5)
      '00008067', // jalr zero,0(ra)
      'b0002d73', // csrrs s10,mcycle,zero
      '30529073', // csrrw zero,mtvec,t0
      '7e10d073', // csrrwi zero,0x7e1,1
      '00000517', // auipc a0,0 (filled by the linker)
      '00050513', // addi a0,a0,0 (filled by the linker)
      '40c005b3', // sub a1,zero,a2
      '00163593', // sltiu a1,a2,1
      'fff64593', // xori a1,a2,-1
    ]);
  });
});

describe('call and tail (gas 2.40 / llvm-mc-19 output, linked at 0)', () => {
  const words32 = (b: Uint8Array): string[] => {
    const out: string[] = [];
    for (let i = 0; i < b.length; i += 4) out.push(((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0).toString(16).padStart(8, '0'));
    return out;
  };
  it('GNU: call via ra, tail via t1, call rd via t1', () => {
    const b = assembleAt('call f\ntail f\ncall t0, f\nnop\nf: ret', 0, { flavour: 'xpulpv2', rvc: false });
    expect(words32(b)).toEqual(['00000097', '01c080e7', '00000317', '01430067', '00000317', '00c302e7', '00000013', '00008067']);
  });
  it('LLVM: call rd uses rd for the auipc', () => {
    const b = assembleAt('call a0, f\ncall ra, f\nf: nop', 0, { flavour: 'corev', rvc: false });
    expect(words32(b)).toEqual(['00000517', '01050567', '00000097', '008080e7', '00000013']);
  });
});

describe('RVC compression (gas 2.40 -march=rv32imc output of the same lines)', () => {
  it('compresses what gas compresses and leaves the rest', () => {
    const src = [
      'beqz a0, 1f', 'nop', '1: bnez s1, 1b', 'j 1b', 'jal 1b', 'addi a0, a0, 1', 'mv a0, a1', 'li a0, -1',
      'addi sp, sp, -16', 'lui a0, 1', 'add a0, a1, x0', 'lw a5, 4(a0)', 'sw a5, 8(sp)', 'ret', 'jr a5',
    ].join('\n');
    expect(text(src)).toEqual([
      'c111', '0001', 'e081', 'bffd', 'f0ef', 'ffdf', '0505', '852e', '557d', '1141', '6505', '8533', '0005',
      '415c', 'c43e', '8082', '8782',
    ]);
  });
  it('LLVM compresses jal ra to c.jal (llvm-mc-19: 3ffd)', () => {
    expect(text('1: nop\njal 1b', { flavour: 'corev', rvc: true })).toEqual(['0001', '3ffd']);
  });
  it('a branch whose target is out of compressed reach stays 32-bit (gas: beq a0,zero,28e)', () => {
    const h = text('beqz a0, 2f\n.rept 300\nnop\n.endr\n2: nop');
    expect(h.slice(0, 2)).toEqual(['0e63', '2405']);
    expect(h.length).toBe(2 + 300 + 1);
  });
  it('.option norvc/push/pop switch compression', () => {
    expect(text('.option push\n.option norvc\nnop\n.option pop\nnop')).toEqual(['0013', '0000', '0001']);
  });
  it('c.* mnemonics need .option rvc (gas: extension `c` required)', () => {
    expect(() => assemble('.option norvc\nc.nop', 't.S', GNU)).toThrow(/t\.S:2:1: error: 'c\.nop' needs compressed instructions enabled/);
  });
});

describe('alignment and data directives', () => {
  it('gas 2.40 code alignment: .balign 4 under norvc does not pad; larger alignments pad with c.nop + nop', () => {
    // gas -march=rv32imc, .option norelax (see vec.inc ALIGN4): .balign 4 at 2 leaves the word at 2; .balign 8 at 6
    // pads one c.nop; the section end is padded to its alignment (8) with a nop.
    const src = '.option norvc\n.option rvc\nc.nop\n.option norvc\n.balign 4\n.word 0x11111111\n.balign 8\n.word 0x22222222';
    expect(text(src)).toEqual(['0001', '1111', '1111', '0001', '2222', '2222', '0013', '0000']);
    // .balign 16 at 4 under norvc: three 4-byte nops (gas: 13000000 x3).
    expect(text('.option norvc\nnop\n.balign 16\n.word 1')).toEqual(['0013', '0000', '0013', '0000', '0013', '0000', '0013', '0000', '0001', '0000', '0013', '0000', '0013', '0000', '0013', '0000']);
  });
  it('LLVM pads with zeros instead of c.nop under norvc and does not pad section ends', () => {
    const src = '.option rvc\nc.nop\n.option norvc\n.balign 4\n.word 0x11111111';
    expect(text(src, { flavour: 'corev', rvc: true })).toEqual(['0001', '0000', '1111', '1111']);
  });
  it('data directives', () => {
    const src = '.data\n.byte 1, 2\n.half 0x304\n.balign 4\n.string "ab"\n.ascii "c"\n.zero 2\n.fill 2, 2, 0x55\n.space 1, 7\n.p2align 3, 0xee';
    expect(text(src, GNU, '.data')).toEqual(['0201', '0304', '6261', '6300', '0000', '0055', '0055', 'ee07']);
  });
  it('.org moves forward with zero fill and refuses to go back', () => {
    expect(text('.option norvc\nnop\n.org 8\nnop')).toEqual(['0013', '0000', '0000', '0000', '0013', '0000']);
    expect(() => assemble('.option norvc\nnop\n.org 2', 't.S', GNU)).toThrow(/t\.S:3:1: error: \.org 2 would move the location counter backwards/);
  });
  it('.equ/.set and forward references settle over passes', () => {
    expect(words('.option norvc\nli a0, K\n.equ K, 0x12345678\n.word end - .\nend:')).toEqual(['12345537', '67850513', '00000004']);
  });
});

describe('macros, repetition, conditionals, includes', () => {
  it('named arguments, defaults, \\@ and \\()', () => {
    const src = [
      '.macro M a, b=7',
      'lab\\@\\(): .word \\a + \\b, lab\\@',
      '.endm',
      '.data',
      'M 1',
      'M 2, b=3',
    ].join('\n');
    const { object } = assemble(src, 't.S', GNU);
    const data = object.sections.find((s) => s.name === '.data')!;
    expect(data.bytes[0]).toBe(8);
    expect(data.bytes[8]).toBe(5);
    expect(object.symbols.map((s) => s.name).sort()).toEqual(['lab0', 'lab1']);
    expect(data.relocs.map((r) => r.offset)).toEqual([4, 12]);
  });
  it('.rept, .irp, .ifc/.ifnc, .ifdef/.ifndef, .if/.else/.elseif', () => {
    const src = [
      '.data',
      '.rept 3', '.byte 9', '.endr',
      '.irp r, 1, 2', '.byte \\r', '.endr',
      '.ifc a0, a0', '.byte 0x10', '.else', '.byte 0x11', '.endif',
      '.ifnc a0, a1', '.byte 0x12', '.endif',
      '.ifdef nosuch', '.byte 0x13', '.endif',
      '.ifndef nosuch', '.byte 0x14', '.endif',
      '.if 0', '.byte 0x15', '.elseif 1', '.byte 0x16', '.else', '.byte 0x17', '.endif',
    ].join('\n');
    expect(text(src, GNU, '.data')).toEqual(['0909', '0109', '1002', '1412', '0016']);
  });
  it('macros override instructions (xpulpv2.inc defines p.* as macros)', () => {
    expect(words('.option norvc\n.macro add rd, a, b\n.word 0xdead\n.endm\nadd a0, a1, a2')).toEqual(['0000dead']);
  });
  it('.include resolves next to the including file, then -I directories', () => {
    const reader = memoryReader({ '/src/main.S': '.include "inc.S"\n.include "lib.inc"\n.word X + Y', '/src/inc.S': '.equ X, 1', '/inc/lib.inc': '.equ Y, 2' });
    const { object } = assemble(reader.read('/src/main.S')!, '/src/main.S', { ...GNU, reader, includeDirs: ['/inc'] });
    expect(object.sections.find((s) => s.name === '.text')!.bytes[0]).toBe(3);
  });
  it('numeric local labels 1b/1f pick the nearest definition', () => {
    expect(words('.option norvc\n1: j 1f\n1: j 1b\n1: j 1b')).toEqual(['0040006f', '0000006f', '0000006f']);
  });
  it('.pushsection/.popsection and .section flags', () => {
    const { object } = assemble('nop\n.pushsection .text.trap, "ax", @progbits\n.balign 256\nnop\n.popsection\nnop\n.section .sbss,"aw",@nobits\n.zero 8', 't.S', GNU);
    const byName = new Map(object.sections.map((s) => [s.name, s]));
    expect(byName.get('.text')!.size).toBe(4);
    expect(byName.get('.text.trap')!.align).toBe(256);
    expect(byName.get('.text.trap')!.exec).toBe(true);
    expect(byName.get('.sbss')!.nobits).toBe(true);
    expect(byName.get('.sbss')!.size).toBe(8);
  });
});
