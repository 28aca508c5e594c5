// Runtime programs on the functional cluster ISS: fork/join of a parallel sum, a barrier loop, a mutex counter,
// performance counters, exit codes and traps. Expected values are computed by hand (closed forms) or by a second
// definition written here, never read back from the program's own output.
import { describe, expect, it } from 'vitest';
import { type ClusterSystemConfig, gap8ClusterSystem } from '../../rtl/config/index.ts';
import { readElf } from '../toolchain/elf.ts';
import { ClusterIss, ClusterStopError } from '../../testbench/iss/cluster_iss.ts';
import { buildClusterProgram, type RuntimeOptions } from './runtime.ts';

function run(src: string, config: ClusterSystemConfig = gap8ClusterSystem(), opts: RuntimeOptions = {}) {
  const p = buildClusterProgram([{ file: 'test.S', text: src }], config, opts);
  const c = new ClusterIss(config, { maxInstructions: 3_000_000 });
  c.load(readElf(p.elf, 'test.elf'));
  const sym = (name: string): number => {
    const s = p.linked.symbols.find((x) => x.name === name);
    if (!s) throw new Error(`no symbol ${name}`);
    return s.value;
  };
  const word = (name: string, i = 0): number => c.memory.readWord(sym(name) + 4 * i);
  return { c, p, sym, word, run: () => c.run() };
}

// main: fill a[i] = 3i + 1 (i < N), fork `psum` over NB cores, reduce the partials, return 0 when the total is right.
const psum = (N: number, NB: number) => `
.include "rt.inc"
.equ N, ${N}
  .text
  .globl main
main:
  addi sp, sp, -16
  sw ra, 12(sp)
  la t0, arr
  li t1, 0
  li t2, N
1:
  slli t3, t1, 1
  add t3, t3, t1
  addi t3, t3, 1
  sw t3, 0(t0)
  addi t0, t0, 4
  addi t1, t1, 1
  blt t1, t2, 1b
  li a0, ${NB}
  la a1, psum
  la a2, arr
  call rt_team_fork
  # total of the team's partials
  call rt_team_nb_cores
  la t0, part
  li t1, 0
  li t2, 0
  li t4, ${NB === 0 ? 8 : NB}
2:
  lw t3, 0(t0)
  add t1, t1, t3
  addi t0, t0, 4
  addi t2, t2, 1
  blt t2, t4, 2b
  la t0, total
  sw t1, 0(t0)
  li t2, 3 * (N * (N - 1) / 2) + N
  sub a0, t1, t2
  snez a0, a0
  lw ra, 12(sp)
  addi sp, sp, 16
  ret

# psum(arr): chunk = (N >> log2(team)) + (N & (team - 1) != 0) as PULP-NN splits rows; this core sums
# [min(chunk * id, N), min(start + chunk, N)) into part[id] and records the team size and its stack pointer.
psum:
  addi sp, sp, -16
  sw ra, 12(sp)
  sw s0, 8(sp)
  sw s1, 4(sp)
  mv s0, a0
  call rt_team_nb_cores
  mv s1, a0
  la t0, seen
  RT_CORE_ID t1
  slli t2, t1, 2
  add t0, t0, t2
  sw s1, 0(t0)
  la t0, sps
  add t0, t0, t2
  sw sp, 0(t0)
  # log2(team) for a power of two team; otherwise a division
  li t3, N
  divu t4, t3, s1
  remu t5, t3, s1
  snez t5, t5
  add t4, t4, t5                # chunk
  mul t5, t4, t1                # start
  li t3, N
  bltu t5, t3, 3f
  mv t5, t3
3:
  add t6, t5, t4                # stop
  bltu t6, t3, 4f
  mv t6, t3
4:
  li a1, 0
  slli a2, t5, 2
  add a2, a2, s0
  bgeu t5, t6, 6f
5:
  lw a3, 0(a2)
  add a1, a1, a3
  addi a2, a2, 4
  addi t5, t5, 1
  bltu t5, t6, 5b
6:
  la t0, part
  slli t2, t1, 2
  add t0, t0, t2
  sw a1, 0(t0)
  lw s1, 4(sp)
  lw s0, 8(sp)
  lw ra, 12(sp)
  addi sp, sp, 16
  ret

  .bss
  .balign 4
arr:   .space 4 * N
part:  .space 32
seen:  .space 32
sps:   .space 32
total: .space 4
`;

/** Second definition of the split: the partial sums of a[i] = 3i + 1 per core. */
function partials(N: number, team: number): number[] {
  const chunk = Math.floor(N / team) + (N % team !== 0 ? 1 : 0);
  return Array.from({ length: team }, (_, k) => {
    const start = Math.min(chunk * k, N);
    const stop = Math.min(start + chunk, N);
    let s = 0;
    for (let i = start; i < stop; i++) s += 3 * i + 1;
    return s;
  });
}

describe('runtime: fork/join', () => {
  it('parallel sum over all 8 cores (N = 1003: uneven chunks)', () => {
    const t = run(psum(1003, 0));
    const r = t.run();
    expect(r.exit).toBe('tohost');
    expect(r.tohost, r.message).toBe(1);
    // 3 * 1003 * 1002 / 2 + 1003
    expect(t.word('total')).toBe(1_508_512);
    const want = partials(1003, 8);
    for (let k = 0; k < 8; k++) {
      expect(t.word('part', k), `core ${k}`).toBe(want[k]);
      expect(t.word('seen', k), `team size seen by core ${k}`).toBe(8);
    }
    // Every core ran on its own stack slot: __rt_stacks + k * 1024 < sp <= __rt_stacks + (k + 1) * 1024.
    const base = t.sym('__rt_stacks');
    for (let k = 0; k < 8; k++) {
      const sp = t.word('sps', k);
      expect(sp, `core ${k} sp`).toBeGreaterThan(base + 1024 * k);
      expect(sp).toBeLessThanOrEqual(base + 1024 * (k + 1));
    }
    // The start-up enabled the I$ (bypassed at reset).
    expect(t.c.memory.icacheCtrl.enabled).toBe(true);
  });

  it('a team of 3: cores 3-7 never run the entry point', () => {
    const t = run(psum(100, 3));
    const r = t.run();
    expect(r.tohost, r.message).toBe(1);
    const want = partials(100, 3);
    for (let k = 0; k < 3; k++) {
      expect(t.word('part', k)).toBe(want[k]);
      expect(t.word('seen', k)).toBe(3);
    }
    for (let k = 3; k < 8; k++) expect(t.word('seen', k), `core ${k}`).toBe(0);
    // 100 = 34 + 34 + 32; 3 * 4950 + 100
    expect(t.word('total')).toBe(14_950);
  });

  it('a cluster of 4 cores: fork(0) means the 4 cores', () => {
    const config = gap8ClusterSystem();
    config.cluster.cores = 4;
    const t = run(psum(100, 4), config);
    expect(t.run().tohost).toBe(1);
    const want = partials(100, 4);
    for (let k = 0; k < 4; k++) expect(t.word('part', k)).toBe(want[k]);
    expect(t.c.harts).toHaveLength(4);
  });

  it('a cluster of 1 core has 1 barrier (pulp_cluster NB_BARR = NB_CORES): fork and exit use only barrier 0', () => {
    // The ISS stops at any access to a barrier the configuration does not have (event unit add[8:5] >= NB_BARR).
    const config = gap8ClusterSystem();
    config.cluster.cores = 1;
    config.cluster.eventUnit.barriers = 1;
    const t = run(psum(64, 1), config);
    expect(t.run().tohost).toBe(1);
    expect(t.word('part', 0)).toBe(3 * 2016 + 64);
  });

  it('a cluster of 2 or more cores needs the join barrier: fewer barriers is a build error naming the parameter', () => {
    const config = gap8ClusterSystem();
    config.cluster.cores = 2;
    config.cluster.eventUnit.barriers = 1;
    expect(() => buildClusterProgram(psum(64, 2), config)).toThrow(
      /fork\/join of 2 cores needs 2 hardware barriers \(team 0, join 1\), but cluster\.eventUnit\.barriers = 1/,
    );
    config.cluster.eventUnit.barriers = 2;
    const t = run(psum(100, 2), config);
    expect(t.run().tohost).toBe(1);
    const want = partials(100, 2);
    for (let k = 0; k < 2; k++) expect(t.word('part', k)).toBe(want[k]);
  });

  it('a team of 1 runs the entry on core 0 without dispatch', () => {
    const t = run(psum(64, 1));
    expect(t.run().tohost).toBe(1);
    expect(t.word('part', 0)).toBe(3 * 2016 + 64);
    for (let k = 1; k < 8; k++) expect(t.word('seen', k)).toBe(0);
  });
});

describe('runtime: team barrier', () => {
  // R rounds: core k first spins 7k iterations (so cores arrive at different times), writes slot[k] = 16r + k + 1,
  // barrier, adds slot[(k + 1) % 8] to its accumulator, barrier. Without the barriers a core reads a stale slot.
  const R = 10;
  const src = (barrier: boolean) => `
.include "rt.inc"
  .text
  .globl main
main:
  addi sp, sp, -16
  sw ra, 12(sp)
  li a0, 0
  la a1, loop
  li a2, 0
  call rt_team_fork
  li a0, 0
  lw ra, 12(sp)
  addi sp, sp, 16
  ret
loop:
  addi sp, sp, -16
  sw ra, 12(sp)
  sw s0, 8(sp)
  sw s1, 4(sp)
  sw s2, 0(sp)
  RT_CORE_ID s0
  li s1, 0                      # round
  li s2, 0                      # accumulator
1:
  li t0, 7
  mul t0, t0, s0
  beqz t0, 3f
2:
  addi t0, t0, -1
  bnez t0, 2b
3:
  slli t1, s1, 4
  add t1, t1, s0
  addi t1, t1, 1
  la t2, slot
  slli t3, s0, 2
  add t2, t2, t3
  sw t1, 0(t2)
  ${barrier ? 'call rt_team_barrier' : 'nop'}
  addi t1, s0, 1
  andi t1, t1, 7
  slli t1, t1, 2
  la t2, slot
  add t2, t2, t1
  lw t3, 0(t2)
  add s2, s2, t3
  ${barrier ? 'RT_BARRIER t0' : 'nop'}
  addi s1, s1, 1
  li t0, ${R}
  blt s1, t0, 1b
  la t2, acc
  slli t3, s0, 2
  add t2, t2, t3
  sw s2, 0(t2)
  lw s2, 0(sp)
  lw s1, 4(sp)
  lw s0, 8(sp)
  lw ra, 12(sp)
  addi sp, sp, 16
  ret
  .bss
  .balign 4
slot: .space 32
acc:  .space 32
`;
  // acc[k] = sum over r < R of 16r + ((k + 1) % 8) + 1 = 16 * R(R-1)/2 + R * ((k + 1) % 8 + 1)
  const expected = (k: number): number => 16 * ((R * (R - 1)) / 2) + R * (((k + 1) % 8) + 1);

  it('every core reads its neighbour\'s value of the same round', () => {
    const t = run(src(true));
    expect(t.run().tohost).toBe(1);
    for (let k = 0; k < 8; k++) expect(t.word('acc', k), `core ${k}`).toBe(expected(k));
  });

  it('without the barriers the same program reads stale values (the test can fail)', () => {
    const t = run(src(false));
    expect(t.run().tohost).toBe(1);
    const wrong = [...Array(8).keys()].filter((k) => t.word('acc', k) !== expected(k));
    expect(wrong.length).toBeGreaterThan(0);
  });
});

describe('runtime: HW mutex', () => {
  // K rounds per core: lock, load the counter, wait 3k + 2 iterations, store counter + 1, unlock with message k + 1.
  const K = 20;
  const src = (locked: boolean) => `
.include "rt.inc"
  .text
  .globl main
main:
  addi sp, sp, -16
  sw ra, 12(sp)
  li a0, 0
  la a1, count
  li a2, ${K}
  call rt_team_fork
  call rt_mutex_lock
  la t0, lastmsg
  sw a0, 0(t0)
  li a0, 0
  call rt_mutex_unlock
  li a0, 0
  lw ra, 12(sp)
  addi sp, sp, 16
  ret
count:
  addi sp, sp, -16
  sw ra, 12(sp)
  sw s0, 8(sp)
  sw s1, 4(sp)
  mv s0, a0
  RT_CORE_ID s1
1:
  ${locked ? 'call rt_mutex_lock' : 'nop'}
  la t0, counter
  lw t1, 0(t0)
  li t2, 3
  mul t2, t2, s1
  addi t2, t2, 2
2:
  addi t2, t2, -1
  bnez t2, 2b
  addi t1, t1, 1
  sw t1, 0(t0)
  addi a0, s1, 1
  ${locked ? 'call rt_mutex_unlock' : 'nop'}
  addi s0, s0, -1
  bnez s0, 1b
  lw s1, 4(sp)
  lw s0, 8(sp)
  lw ra, 12(sp)
  addi sp, sp, 16
  ret
  .bss
  .balign 4
counter: .space 4
lastmsg: .space 4
`;

  it('8 cores x 20 locked increments = 160', () => {
    const t = run(src(true));
    expect(t.run().tohost).toBe(1);
    expect(t.word('counter')).toBe(8 * K);
    // The lock after the join returns a message some core wrote when unlocking: its id + 1.
    const msg = t.word('lastmsg');
    expect(msg).toBeGreaterThanOrEqual(1);
    expect(msg).toBeLessThanOrEqual(8);
  });

  it('without the lock increments are lost (the test can fail)', () => {
    const t = run(src(false));
    expect(t.run().tohost).toBe(1);
    expect(t.word('counter')).toBeLessThan(8 * K);
  });
});

describe('runtime: performance counters, exit and traps', () => {
  it('counts the loads, stores and instructions between start and stop', () => {
    const t = run(`
.include "rt.inc"
  .text
  .globl main
main:
  addi sp, sp, -16
  sw ra, 12(sp)
  call rt_perf_reset
  call rt_perf_start
  lw t0, 0(sp)
  lw t0, 0(sp)
  lw t0, 0(sp)
  sw t0, 4(sp)
  sw t0, 8(sp)
  call rt_perf_stop
  lw t0, 0(sp)
  sw t0, 4(sp)
  la s0, res
  li s1, 0
1:
  mv a0, s1
  call rt_perf_read
  slli t0, s1, 2
  add t0, t0, s0
  sw a0, 0(t0)
  addi s1, s1, 1
  li t0, 18
  blt s1, t0, 1b
  li a0, 0
  lw ra, 12(sp)
  addi sp, sp, 16
  ret
  .bss
  .balign 4
res: .space 4 * 18
`);
    expect(t.run().tohost).toBe(1);
    // A CSR write takes effect after its own instruction and PCMR is enabled from reset (3), so counting starts with
    // the instruction after `csrw PCER` — the `csrwi PCMR, 1` — and ends with `csrwi PCMR, 0` included: csrwi, ret,
    // 3 lw, 2 sw, call (auipc + jalr), csrwi = 10 instructions; 3 loads, 2 stores, 2 jumps (ret, jalr).
    expect(t.word('res', 1)).toBe(10);
    expect(t.word('res', 5)).toBe(3);
    expect(t.word('res', 6)).toBe(2);
    expect(t.word('res', 7)).toBe(2);
    expect(t.word('res', 0)).toBeGreaterThanOrEqual(10);
    // Counter 17 does not exist: rt_perf_read returns 0.
    expect(t.word('res', 17)).toBe(0);
  });

  it('main returning 3 ends with tohost 7 ((3 << 1) | 1)', () => {
    const t = run(`
  .text
  .globl main
main:
  li a0, 3
  ret
`);
    const r = t.run();
    expect(r.exit).toBe('tohost');
    expect(r.tohost).toBe(7);
  });

  it('a trap on core 0 ends with ((0x100 + mcause) << 1) | 1 and records mcause and mepc', () => {
    const t = run(`
  .text
  .globl main
main:
  nop
bad:
  .word 0xFFFFFFFF
`);
    const r = t.run();
    expect(r.tohost).toBe(((0x100 + 2) << 1) | 1);
    expect(t.word('__rt_trap_info', 0)).toBe(2);
    expect(t.word('__rt_trap_info', 1)).toBe(t.sym('bad'));
  });

  it('the TCDM part may not reach the tohost word', () => {
    expect(() => buildClusterProgram(`\n  .text\n  .globl main\nmain: ret\n  .bss\nbig: .space 0xE000\n`)).toThrow(/past the tohost word at 0x1000fff0/);
    // 8 cores x 1 KiB of stacks + the runtime's words fit below it.
    expect(buildClusterProgram(`\n  .text\n  .globl main\nmain: ret\n  .bss\nbig: .space 0xD000\n`).tcdmEnd).toBeLessThanOrEqual(0x1000_fff0);
  });

  it('a worker trap leaves the fork waiting: the run stops naming every core', () => {
    const t = run(`
.include "rt.inc"
  .text
  .globl main
main:
  addi sp, sp, -16
  sw ra, 12(sp)
  li a0, 0
  la a1, work
  call rt_team_fork
  lw ra, 12(sp)
  addi sp, sp, 16
  ret
work:
  RT_CORE_ID t0
  li t1, 5
  bne t0, t1, 1f
  .word 0xFFFFFFFF
1:
  ret
`);
    let err: unknown;
    try {
      t.run();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ClusterStopError);
    const e = err as ClusterStopError;
    expect(e.kind).toBe('deadlock');
    expect(e.message).toMatch(/core 0: pc 0x1c[0-9a-f]+, asleep \(waits on barrier 1/);
    expect(e.message).toMatch(/core 5: pc 0x1c[0-9a-f]+, asleep \(waits on EVT_WAIT/);
    expect(t.word('__rt_trap_info', 10)).toBe(2);
  });
});

describe('runtime: CORE-V flavour', () => {
  it('the parallel sum runs on a cluster of CV32E40P cores', () => {
    const config = gap8ClusterSystem();
    config.core = { version: 'cv32e40p', flavour: 'corev', rvc: true };
    const t = run(psum(200, 0), config);
    const r = t.run();
    expect(r.tohost, r.message).toBe(1);
    const want = partials(200, 8);
    for (let k = 0; k < 8; k++) expect(t.word('part', k)).toBe(want[k]);
  });

  it('a trap goes through mtvec (set by the start-up) to the same exit code', () => {
    const config = gap8ClusterSystem();
    config.core = { version: 'cv32e40p', flavour: 'corev', rvc: true };
    const t = run(`\n  .text\n  .globl main\nmain:\n  .word 0xFFFFFFFF\n`, config);
    expect(t.run().tohost).toBe(((0x100 + 2) << 1) | 1);
    expect(t.word('__rt_trap_info', 1)).toBe(t.sym('main'));
  });
});
