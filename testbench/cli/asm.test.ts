import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { gap8ClusterSystem } from '../../rtl/config/index.ts';
import { ClusterIss } from '../iss/cluster_iss.ts';
import { runAsm } from './asm.ts';
import { UsageError } from './options.ts';

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

  // Every core adds (its id + 1) to `total` under the mutex; main returns 0 when total = n (n + 1) / 2.
  const PARALLEL = [
    '.include "rt.inc"',
    '  .text',
    '  .globl main',
    'main:',
    '  addi sp, sp, -16',
    '  sw ra, 12(sp)',
    '  li a0, 0',
    '  la a1, work',
    '  li a2, 0',
    '  call rt_team_fork',
    '  li t0, RT_NB_CORES * (RT_NB_CORES + 1) / 2',
    '  la t1, total',
    '  lw t1, 0(t1)',
    '  sub a0, t0, t1',
    '  lw ra, 12(sp)',
    '  addi sp, sp, 16',
    '  ret',
    'work:',
    '  addi sp, sp, -16',
    '  sw ra, 12(sp)',
    '  call rt_mutex_lock',
    '  call rt_core_id',
    '  addi a0, a0, 1',
    '  la t1, total',
    '  lw t2, 0(t1)',
    '  add t2, t2, a0',
    '  sw t2, 0(t1)',
    '  call rt_mutex_unlock',
    '  lw ra, 12(sp)',
    '  addi sp, sp, 16',
    '  ret',
    '  .data',
    'total: .word 0',
  ].join('\n');

  it('a cluster configuration links the runtime for its core count (rt.inc without -I)', () => {
    const d = tmp();
    writeFileSync(join(d, 'par.S'), PARALLEL);
    for (const cores of [4, 8]) {
      const out = join(d, `par${cores}.elf`);
      expect(runAsm(join(d, 'par.S'), { output: out, config: 'gap8', cores, rvc: true, include: [] })).toEqual({ code: 0, messages: [] });
      const elf = readElf(new Uint8Array(readFileSync(out)), out);
      expect(elf.symbols.find((x) => x.name === '__rt_nb_cores')?.value).toBe(cores);
      const config = gap8ClusterSystem();
      config.cluster.cores = cores;
      config.cluster.eventUnit.barriers = cores;
      const iss = new ClusterIss(config);
      iss.load(elf);
      // main's check passed on every core count: 1 + 2 + ... + cores.
      expect(iss.run().tohost).toBe(1);
    }
  });

  it('a cluster program: layout options and bad sizes are refused naming the option; a build error writes nothing', () => {
    const d = tmp();
    writeFileSync(join(d, 'par.S'), PARALLEL);
    const base = { output: join(d, 'x.elf'), config: 'gap8', rvc: true, include: [] };
    expect(() => runAsm(join(d, 'par.S'), { ...base, ttext: 0x100 })).toThrow(new UsageError("--ttext: 'gap8' is a cluster configuration, whose programs the runtime links (code in L2 from the boot address, data in TCDM, entry _start)"));
    expect(() => runAsm(join(d, 'par.S'), { ...base, stackSize: 40 })).toThrow(/^--stack-size 40: .*multiple of 16 of at least 64 bytes, got 40/);
    expect(() => runAsm(join(d, 'par.S'), { ...base, cores: 3 })).toThrow(/^--cores 3: cluster\.cores: expected a power of two/);
    expect(() => runAsm(join(d, 'par.S'), { ...base, config: 'ri5cy', stackSize: 64 })).toThrow(/^--stack-size: 'ri5cy' is a single-core configuration/);
    writeFileSync(join(d, 'big.S'), '  .text\n  .globl main\nmain: ret\n  .bss\nbig: .space 0xF000\n');
    const r = runAsm(join(d, 'big.S'), base);
    expect(r.code).toBe(1);
    expect(r.messages).toEqual([expect.stringMatching(/big\.S: the program's TCDM data, bss and stacks end at 0x[0-9a-f]+, past the tohost word at 0x1000fff0/)]);
    expect(runAsm(join(d, 'none.S'), base)).toEqual({ code: 1, messages: [`${join(d, 'none.S')}: no such file (expected an assembly source)`] });
    expect(existsSync(base.output)).toBe(false);
    expect(readdirSync(d).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});
