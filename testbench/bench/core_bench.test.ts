// The single-core bench kernel does the work it is written to do in both flavours: the CV32E40P harness counts
// retired instructions, and each outer iteration retires, by hand count of matmulSource, 2 (la a0) + 2 (la a2) +
// 1 (setup of loop 1) + 16 rows x (2 (la a1) + 2 (li, li) + 1 (setup of loop 0) + 8 x 6 (loop 0) + 3 (add, clip,
// store)) + 2 (addi, bnez) = 903 instructions: the hardware loops run 16 and 8 times.
import { describe, expect, it } from 'vitest';
import { preset } from '../../rtl/config/index.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
import { Testbench } from '../system/testbench.ts';
import { matmulSource } from './core_bench.ts';

function run(iterations: number): number {
  const cfg = preset('cv32e40p');
  const { object } = assemble(matmulSource(iterations, 'corev'), 'core_bench.S', { flavour: 'corev', rvc: false });
  const elf = readElf(linkedElf(link([object], { textBase: 0, memory: cfg.memory })), 'core_bench.elf');
  const r = new Testbench(cfg, elf).run(100_000);
  expect(r.exit, r.message).toBe('tohost');
  expect(r.tohost).toBe(1);
  return r.instret;
}

describe('single-core bench kernel (CORE-V flavour)', () => {
  it('retires 903 instructions per outer iteration', () => {
    expect(run(3) - run(1)).toBe(2 * 903);
  });
});
