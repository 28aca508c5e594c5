import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { runAsm } from './asm.ts';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'pulpsim-asm-'));
}

const PROGRAM = [
  '.include "defs.inc"',
  '.globl _start',
  '_start:',
  '  li a0, VALUE',
  '  la t0, tohost',
  '  sw a0, 0(t0)',
  '1: j 1b',
  '.data',
  '.globl tohost',
  'tohost: .word 0',
].join('\n');

describe('pulpsim asm', () => {
  it('assembles and links to an ELF with symbols, finding includes in -I directories', () => {
    const d = tmp();
    writeFileSync(join(d, 'p.S'), PROGRAM);
    const inc = mkdtempSync(join(d, 'inc'));
    writeFileSync(join(inc, 'defs.inc'), '.equ VALUE, 1');
    const out = join(d, 'p.elf');
    const r = runAsm(join(d, 'p.S'), { output: out, config: 'ri5cy', rvc: true, include: [inc] });
    expect(r).toEqual({ code: 0, messages: [] });
    const elf = readElf(new Uint8Array(readFileSync(out)), 'p.elf');
    expect(elf.entry).toBe(0);
    // GNU ld default layout: .data at ALIGN(0x1000) + (. & 0xfff). riscv64-unknown-elf-gcc on the same program:
    // c.li, auipc, addi, sw (t0 is no RVC register), c.j = 16 bytes; `nm`: 00001010 D tohost.
    expect(elf.symbols.find((s) => s.name === 'tohost')?.value).toBe(0x1010);
    expect(readdirSync(d).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('prints file:line:col errors, exits non-zero and writes nothing', () => {
    const d = tmp();
    writeFileSync(join(d, 'bad.S'), 'addi a0, a1, 4096\np.foo a0\n');
    const out = join(d, 'bad.elf');
    const r = runAsm(join(d, 'bad.S'), { output: out, config: 'cv32e40p', rvc: true, include: [] });
    expect(r.code).toBe(1);
    expect(r.messages).toEqual([
      `${join(d, 'bad.S')}:1:14: error: immediate 4096 out of range -2048..2047 for addi`,
      `${join(d, 'bad.S')}:2:1: error: unknown instruction 'p.foo' for flavour corev`,
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it('--no-rvc refuses compressed instructions; --ttext moves .text', () => {
    const d = tmp();
    writeFileSync(join(d, 'c.S'), '.globl _start\n_start: nop\n');
    const out = join(d, 'c.elf');
    expect(runAsm(join(d, 'c.S'), { output: out, config: 'ri5cy', rvc: false, include: [], ttext: 0x80 }).code).toBe(0);
    const elf = readElf(new Uint8Array(readFileSync(out)), 'c.elf');
    expect(elf.entry).toBe(0x80);
    expect(elf.rvc).toBe(false);
    const text = elf.sections.find((s) => s.name === '.text')!;
    expect([...text.data]).toEqual([0x13, 0, 0, 0]);
    writeFileSync(join(d, 'd.S'), 'c.nop\n');
    expect(runAsm(join(d, 'd.S'), { output: join(d, 'd.elf'), config: 'ri5cy', rvc: false, include: [] }).messages[0]).toMatch(
      /d\.S:1:1: error: unknown instruction 'c\.nop' for flavour xpulpv2 without RVC/,
    );
  });
});
