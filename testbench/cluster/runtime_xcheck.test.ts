// Functional cross-check of the signal-level cluster against the cluster ISS (testbench/iss/cluster_iss.ts) on
// programs built with the cluster runtime (kernels/runtime): fork/join through the dispatch FIFO, the HW mutex, team
// barriers and compressed code — the mechanisms of the oracle's held-back programs. Both must end with the same
// tohost and the same memory results; the values themselves are also checked against sums computed here.
import { describe, expect, it } from 'vitest';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { buildClusterProgram } from '../../kernels/runtime/runtime.ts';
import { gap8 } from '../../rtl/config/index.ts';
import { ClusterIss } from '../iss/cluster_iss.ts';
import { ClusterTestbench } from './testbench.ts';

const N = 256;
// main: a[i] = 5i + 2; fork `work` on all cores (partial sums of slices, a mutex-protected counter, a team barrier,
// then core k reads core (k+1)'s partial); reduce; return 0 when every check holds.
const SRC = `
.include "rt.inc"
  .option rvc
.equ N, ${N}
  .text
  .globl main
main:
  addi sp, sp, -16
  sw ra, 12(sp)
  la t0, arr
  li t1, 0
  li t2, 2
1:
  sw t2, 0(t0)
  addi t0, t0, 4
  addi t2, t2, 5
  addi t1, t1, 1
  li t3, N
  blt t1, t3, 1b
  li a0, 0
  la a1, work
  li a2, 0
  call rt_team_fork
  la t0, part
  li t1, 0
  li a3, 0
2:
  lw t2, 0(t0)
  add a3, a3, t2
  addi t0, t0, 4
  addi t1, t1, 1
  li t3, 8
  blt t1, t3, 2b
  la t0, total
  sw a3, 0(t0)
  li a0, 0
  lw ra, 12(sp)
  addi sp, sp, 16
  ret

work:
  addi sp, sp, -16
  sw ra, 12(sp)
  sw s0, 8(sp)
  call rt_core_id
  mv s0, a0
  slli t0, s0, 7          # 32 words per core
  la t1, arr
  add t1, t1, t0
  li t2, 0
  li t3, 32
3:
  lw t4, 0(t1)
  add t2, t2, t4
  addi t1, t1, 4
  addi t3, t3, -1
  bnez t3, 3b
  la t0, part
  slli t1, s0, 2
  add t0, t0, t1
  sw t2, 0(t0)
  call rt_mutex_lock
  la t0, count
  lw t1, 0(t0)
  addi t1, t1, 1
  sw t1, 0(t0)
  li a0, 0
  call rt_mutex_unlock
  call rt_team_barrier
  addi t0, s0, 1
  andi t0, t0, 7
  slli t0, t0, 2
  la t1, part
  add t1, t1, t0
  lw t2, 0(t1)
  la t0, peek
  slli t1, s0, 2
  add t0, t0, t1
  sw t2, 0(t0)
  lw s0, 8(sp)
  lw ra, 12(sp)
  addi sp, sp, 16
  ret

  .bss
arr: .space ${4 * N}
part: .space 32
peek: .space 32
count: .space 4
total: .space 4
`;

describe('cluster model vs cluster ISS on runtime programs', () => {
  it('fork/join, mutex and team barrier give the ISS results and the hand-computed sums', () => {
    const cfg = gap8();
    const p = buildClusterProgram([{ file: 'xcheck.S', text: SRC }], cfg);
    const sym = (name: string): number => {
      const s = p.linked.symbols.find((x) => x.name === name);
      if (!s) throw new Error(`no symbol ${name}`);
      return s.value >>> 0;
    };
    const iss = new ClusterIss(cfg, { maxInstructions: 3_000_000 });
    iss.load(readElf(p.elf, 'xcheck.elf'));
    const ir = iss.run();
    const tb = new ClusterTestbench(cfg, p.elf);
    const r = tb.run(200_000);
    expect(r.exit).toBe('tohost');
    expect(ir.tohost).toBe(1);
    expect(r.tohost).toBe(ir.tohost);
    const partial = (k: number): number => {
      let s = 0;
      for (let i = 32 * k; i < 32 * k + 32; i++) s += 5 * i + 2;
      return s;
    };
    let total = 0;
    for (let k = 0; k < 8; k++) {
      expect(tb.readWord(sym('part') + 4 * k), `part[${k}]`).toBe(partial(k));
      expect(tb.readWord(sym('peek') + 4 * k), `peek[${k}]`).toBe(partial((k + 1) % 8));
      expect(tb.readWord(sym('part') + 4 * k)).toBe(iss.memory.readWord(sym('part') + 4 * k));
      total += partial(k);
    }
    expect(tb.readWord(sym('count'))).toBe(8);
    expect(tb.readWord(sym('total'))).toBe(total);
    expect(tb.readWord(sym('total'))).toBe(iss.memory.readWord(sym('total')));
    // The program's own code is compressed where it can be, so the 128-bit fetch re-aligned 16/32-bit instructions.
    let compressed = 0;
    let wide = 0;
    for (let a = sym('main'); a < sym('work') + 0x40; ) {
      const h = (tb.readWord(a & ~3) >>> ((a & 2) * 8)) & 0xffff;
      if ((h & 3) === 3) {
        wide++;
        a += 4;
      } else {
        compressed++;
        a += 2;
      }
    }
    expect(compressed).toBeGreaterThan(10);
    expect(wide).toBeGreaterThan(5);
  }, 60_000);
});
