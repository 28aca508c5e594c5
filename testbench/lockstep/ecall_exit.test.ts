// The riscv-tests exit: `ecall` with a7 = 93 traps into the program's handler, which stores the result to
// `tohost`. In lockstep the ISS must take the trap as the core does (not stop at the ecall), so the comparison
// covers the handler up to the store.
import { describe, expect, it } from 'vitest';
import { preset } from '../../rtl/config/index.ts';
import { buildElf } from '../../kernels/toolchain/asm/index.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { Iss } from '../iss/iss.ts';
import { Testbench } from '../system/testbench.ts';
import { Lockstep } from './lockstep.ts';

// RI5CY v3.4.0 traps to 0x0 (read-only mtvec = boot address with bits 7:0 cleared).
const SOURCE = `
  .text
  .globl _start
handler:
  csrr t0, mcause
  li t1, 11
  bne t0, t1, bad
  slli a0, a0, 1
  ori a0, a0, 1
  la t2, tohost
  sw a0, 0(t2)
1: j 1b
bad:
  li a0, 0x55
  la t2, tohost
  sw a0, 0(t2)
2: j 2b
  .org 0x80
_start:
  li a0, 0
  li a7, 93
  ecall
3: j 3b
  .data
  .globl tohost
tohost: .word 0
`;

describe('ecall exit in lockstep', () => {
  it('follows the trap handler to its tohost store on both models', () => {
    const cfg = preset('ri5cy');
    const { elf } = buildElf(SOURCE, 'ecall_exit.S', cfg);
    const r = new Lockstep(new Testbench(cfg, elf)).run(2000);
    expect(r.divergence?.report ?? 'none').toBe('none');
    expect(r.run.exit).toBe('tohost');
    // The handler stored (a0 << 1) | 1 with a0 = 0.
    expect(r.run.tohost).toBe(1);
    // The handler's csrr, li, bne, slli, ori, la (2), sw ran on the ISS too.
    expect(r.compared).toBeGreaterThanOrEqual(10);
  });
  it('still ends the ISS at the ecall by default (the riscv-tests shortcut)', () => {
    const cfg = preset('ri5cy');
    const iss = new Iss(cfg);
    iss.load(readElf(buildElf(SOURCE, 'ecall_exit.S', cfg).elf, 'ecall_exit.elf'));
    const r = iss.run();
    expect(r.exit).toBe('ecall');
    expect(r.tohost).toBe(1);
  });
});
