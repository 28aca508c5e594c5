// The single-core test system: both simulator back-ends agree cycle by cycle, model errors name the address,
// the port timing options reach the memory, counters and registers are readable.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { preset } from '../../rtl/config/index.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
import { sampleModel } from '../timing/trace.ts';
import { timingVectors } from '../timing/vectors.ts';
import { Testbench } from './testbench.ts';

function build(source: string, version: 'ri5cy' | 'cv32e40p' = 'ri5cy') {
  const cfg = preset(version);
  const { object } = assemble(source, 'test.S', { flavour: cfg.core.flavour, rvc: false });
  return { cfg, elf: readElf(linkedElf(link([object], { textBase: 0, memory: cfg.memory })), 'test.elf') };
}

const PROLOGUE = '.text\n.globl _start\ntrap: j trap\n.org 0x80\n_start:\n';
const EPILOGUE = '  li t6, 1\n  la t5, tohost\n  sw t6, 0(t5)\n1: j 1b\n.balign 64\n.globl tohost\ntohost: .word 0\n';

describe('single-core test system', () => {
  it.each(['ri5cy', 'cv32e40p'] as const)('interpreter and generated code agree on every signal of every cycle (%s)', (version) => {
    const v = timingVectors(version).find((x) => x.name === 'load_use')!;
    const rows = (backend: 'interp' | 'codegen'): string[] => {
      const tb = new Testbench(preset(version), readFileSync(v.elf), { backend });
      const out: string[] = [];
      tb.sim.onSettled(() => out.push(JSON.stringify(sampleModel(tb))));
      tb.run(v.total_cycles + 10);
      return out;
    };
    const a = rows('interp');
    const b = rows('codegen');
    expect(a.length).toBe(v.total_cycles + 1);
    expect(b).toEqual(a);
  });

  it('stops with a model error naming an unmapped data address', () => {
    const { cfg, elf } = build(PROLOGUE + '  li a0, 0x40000000\n  lw a1, 0(a0)\n' + EPILOGUE);
    const r = new Testbench(cfg, elf).run(1000);
    expect(r.exit).toBe('error');
    expect(r.message).toMatch(/data port: load from unmapped address 0x40000000/);
  });

  it('reports a core asleep in wfi with no wake-up source as a model error naming the pc', () => {
    const { cfg, elf } = build(PROLOGUE + '  nop\n  wfi\n' + EPILOGUE);
    const r = new Testbench(cfg, elf).run(100_000);
    expect(r.exit).toBe('error');
    expect(r.message).toMatch(/sleeps after the wfi at 0x00000084/);
    expect(r.cycles).toBeLessThan(5000);
  });

  it('ends at the granted tohost store, in the cycle the README defines, and reads registers back', () => {
    // 3 dependent addi after boot: fetch of 0x80 in cycle 1, ID in cycle 3; each ALU op one cycle.
    const { cfg, elf } = build(PROLOGUE + '  li a0, 5\n  addi a0, a0, 7\n  slli a0, a0, 2\n' + EPILOGUE);
    const tb = new Testbench(cfg, elf);
    const r = tb.run(1000);
    expect(r.exit).toBe('tohost');
    expect(r.tohost).toBe(1);
    expect(tb.readReg(10)).toBe(48);
    // li t6 / la t5 (auipc+addi) / sw: 7 instructions from 0x80, first in ID in cycle 3, sw in EX one later.
    expect(r.cycles).toBe(3 + 7);
  });

  it('a slower data port costs the cycles the README rule gives (G = 2: two extra cycles per access)', () => {
    const { cfg, elf } = build(PROLOGUE + '  la a0, tohost\n  lw a1, 4(a0)\n' + EPILOGUE);
    const fast = new Testbench(cfg, elf).run(1000);
    const slow = new Testbench({ ...cfg, dmem: { grantDelay: 2, responseDelay: 1 } }, elf).run(1000);
    // the load and the tohost store each wait two cycles for their grant
    expect(slow.cycles - fast.cycles).toBe(4);
  });
});
