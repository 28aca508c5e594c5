// Cycle accounting on hand-built programs whose costs the fact sheet gives (ri5cy-isa-timing §1.3/§1.4): each
// test differs from a base program by one construct and checks the class it lands in, the count, and that every
// cycle is accounted for exactly once.
import { describe, expect, it } from 'vitest';
import { preset } from '../../rtl/config/index.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
import { Testbench } from '../system/testbench.ts';
import { monitorSystem } from './attach.ts';
import { CYCLE_CLASSES, NCLASSES, type CycleClass } from './cycle_class.ts';

const PROLOGUE = '.text\n.globl _start\ntrap: j trap\n.org 0x80\n_start:\n';
const EPILOGUE = '  li t6, 1\n  la t5, tohost\n  sw t6, 0(t5)\n1: j 1b\n.balign 64\n.globl tohost\ntohost: .word 0\n.globl data\ndata: .word 5, 6, 7, 8\n';

function run(body: string, version: 'ri5cy' | 'cv32e40p' = 'ri5cy') {
  const cfg = preset(version);
  const { object } = assemble(PROLOGUE + body + EPILOGUE, 'test.S', { flavour: cfg.core.flavour, rvc: false });
  const elf = readElf(linkedElf(link([object], { textBase: 0, memory: cfg.memory })), 'test.elf');
  const tb = new Testbench(cfg, elf);
  const mon = monitorSystem(tb);
  const r = tb.run(2000);
  expect(r.exit).toBe('tohost');
  const m = mon.cores[0]!;
  const totals = Object.fromEntries(CYCLE_CLASSES.map((c) => [c, m.total(c)])) as Record<CycleClass, number>;
  return { tb, m, r, totals, mon };
}

const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((x, y) => x + y, 0);
// instructions of the epilogue that leave ID up to the tohost store's cycle: li, auipc+addi, sw, and the `j` that
// leaves ID while the store is in EX
const EPI_INSTR = 5;

describe('core monitor: every cycle has one class', () => {
  it('a straight-line program: instructions + fetch/boot cycles = cycles, no hazards', () => {
    const { m, totals, tb } = run('  li a0, 1\n  li a1, 2\n  add a2, a0, a1\n');
    expect(m.cycles).toBe(tb.sim.cycle);
    expect(sum(m.byFunction.cycles)).toBe(m.cycles);
    expect(sum(m.byPhase.cycles)).toBe(m.cycles);
    expect(totals.instr).toBe(3 + EPI_INSTR);
    for (const c of ['load_use', 'jalr', 'mulh', 'div', 'branch', 'jump', 'misaligned'] as const) expect(totals[c]).toBe(0);
  });

  it('a load followed by a use of its result costs one load-use cycle (rvalid one cycle after gnt)', () => {
    const base = run('  la a0, data\n  lw a1, 0(a0)\n  addi a3, a0, 1\n  addi a2, a1, 1\n');
    const hazard = run('  la a0, data\n  lw a1, 0(a0)\n  addi a2, a1, 1\n  addi a3, a0, 1\n');
    expect(base.totals.load_use).toBe(0);
    expect(hazard.totals.load_use).toBe(1);
    expect(hazard.m.cycles - base.m.cycles).toBe(1);
  });

  it('a taken branch costs 2 penalty cycles, a not-taken one none; both are counted', () => {
    const taken = run('  li a0, 1\n  bnez a0, 2f\n  nop\n  nop\n2:\n  nop\n');
    expect(taken.totals.branch).toBe(2);
    expect(sum(taken.m.byFunction.taken)).toBe(1);
    expect(sum(taken.m.byFunction.notTaken)).toBe(0);
    const notTaken = run('  li a0, 1\n  beqz a0, 2f\n  nop\n  nop\n2:\n  nop\n');
    expect(notTaken.totals.branch).toBe(0);
    expect(sum(notTaken.m.byFunction.notTaken)).toBe(1);
    expect(sum(notTaken.m.byFunction.taken)).toBe(0);
    // taken: li, bnez, nop (3 instructions, 3 + 2 cycles); not taken: li, beqz, nop, nop, nop (5 in 5 cycles)
    expect(taken.totals.instr).toBe(3 + EPI_INSTR);
    expect(notTaken.totals.instr).toBe(5 + EPI_INSTR);
    expect(taken.m.cycles).toBe(notTaken.m.cycles);
  });

  it('div by 7 holds EX for S + 3 = 32 cycles (S = 29 leading zeros): 31 div stall cycles', () => {
    const { totals } = run('  li a1, 100\n  li a2, 7\n  div a3, a1, a2\n  addi a4, a3, 1\n');
    expect(totals.div).toBe(29 + 3 - 1);
  });

  it('mulh takes 5 cycles in EX: 4 mulh stall cycles', () => {
    const { totals } = run('  li a1, 100\n  li a2, 7\n  mulh a3, a1, a2\n  addi a4, a3, 1\n');
    expect(totals.mulh).toBe(4);
  });

  it('jalr on a register written by the ALU op just before: 1 jalr stall and 1 jump bubble', () => {
    const { totals } = run('  la t0, 2f\n  jalr zero, 0(t0)\n  nop\n2:\n  nop\n');
    expect(totals.jalr).toBe(1);
    expect(totals.jump).toBe(1);
  });

  it('a misaligned word load costs one extra cycle', () => {
    const { totals } = run('  la a0, data\n  lw a1, 2(a0)\n  nop\n');
    expect(totals.misaligned).toBe(1);
  });

  it('attributes cycles to functions from the ELF symbols: a called helper gets its instructions and its return bubble', () => {
    const { m } = run('  call helper\n  j back\n.globl helper\nhelper:\n  addi a0, a0, 1\n  addi a0, a0, 2\n  ret\n.globl back\nback:\n');
    const f = m.byFunction;
    const at = (name: string, c: CycleClass): number => f.cycles[f.names.indexOf(name) * NCLASSES + CYCLE_CLASSES.indexOf(c)]!;
    expect(at('helper', 'instr')).toBe(3);
    expect(at('helper', 'jump')).toBe(1); // the ret's bubble
    // _start: call (auipc+jalr) and j, with their bubbles; `back` runs the epilogue
    expect(at('_start', 'instr')).toBe(3);
    expect(at('_start', 'jump')).toBe(2);
    expect(at('back', 'instr')).toBe(EPI_INSTR);
  });

  it('the probes name the function, phase and class of the current cycle', () => {
    const { mon } = run('  nop\n');
    const s = mon.traceSource();
    const names = (s.strings ?? []).map((p) => p.path);
    for (const p of ['function', 'phase', 'stall', 'branch']) expect(names).toContain(`top.core.monitor.${p}`);
    const get = (p: string): string => s.strings!.find((x) => x.path === `top.core.monitor.${p}`)!.get();
    expect(get('function')).toBe('_start');
    expect(get('phase')).toBe('runtime');
    expect(get('stall')).toBe('instr'); // the tohost store issues in the last cycle
  });
});
