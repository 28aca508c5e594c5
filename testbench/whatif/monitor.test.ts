// The cycle accounting of testbench/monitors under core.branch=btfn: branch outcomes are the program's (the same
// counts as on the RTL core), a correct guess costs what a jump costs (one bubble, class `jump`), a wrong one the
// flush of a taken branch (two bubbles, class `branch`). A loop of 10 iterations, by hand: 9 taken, 1 not taken;
// RTL: 9 x 2 branch cycles; btfn: 9 x 1 jump cycles and 2 branch cycles for the exit, 7 cycles fewer in all.
import { describe, expect, it } from 'vitest';
import { preset } from '../../rtl/config/index.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
import { monitorSystem } from '../monitors/attach.ts';
import { Testbench } from '../system/testbench.ts';

const SOURCE = `.text
.globl _start
trap: j trap
.org 0x80
_start:
  li a0, 10
1:
  addi a0, a0, -1
  bnez a0, 1b
  li t6, 1
  la t5, tohost
  sw t6, 0(t5)
2: j 2b
.balign 64
.globl tohost
tohost: .word 0
`;

function run(branch: 'rtl' | 'btfn') {
  const cfg = preset('ri5cy');
  cfg.core.branch = branch;
  const { object } = assemble(SOURCE, 'loop.S', { flavour: cfg.core.flavour, rvc: false });
  const tb = new Testbench(cfg, readElf(linkedElf(link([object], { textBase: 0, memory: cfg.memory })), 'loop.elf'));
  const mon = monitorSystem(tb);
  const r = tb.run(2000);
  expect(r.exit).toBe('tohost');
  const m = mon.cores[0]!;
  const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((x, y) => x + y, 0);
  return { cycles: r.cycles, taken: sum(m.byFunction.taken), notTaken: sum(m.byFunction.notTaken), branch: m.total('branch'), jump: m.total('jump') };
}

describe('core monitor under core.branch=btfn', () => {
  it('same outcomes, the penalty moves from branch flushes to jump-like bubbles', () => {
    const rtl = run('rtl');
    const btfn = run('btfn');
    expect([rtl.taken, rtl.notTaken, btfn.taken, btfn.notTaken]).toEqual([9, 1, 9, 1]);
    expect(rtl.branch).toBe(9 * 2);
    expect(btfn.branch).toBe(2);
    expect(btfn.jump - rtl.jump).toBe(9);
    expect(btfn.cycles - rtl.cycles).toBe(-9 + 2);
  });
});
