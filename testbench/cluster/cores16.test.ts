// A 16-core cluster (cluster.cores = 16: 16 I$ fetch ports, 16 event-unit cores and barriers, 20 masters on the
// TCDM interconnect's first channel) running a runtime program: a parallel dot product forked on every core
// (rt_team_fork), each core summing the products of the elements i = core (mod cores), a mutex-protected counter,
// a team barrier after which every core reads its neighbour's partial, then core 0 reduces. The same program on 8
// cores gives the 8-core time of the fork; the results are checked against sums computed here and against the
// cluster ISS.
import { describe, expect, it } from 'vitest';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { buildClusterProgram } from '../../kernels/runtime/runtime.ts';
import { type Gap8Config, gap8 } from '../../rtl/config/index.ts';
import { applySets } from '../../rtl/config/params.ts';
import { ClusterIss } from '../iss/cluster_iss.ts';
import { ClusterTestbench } from './testbench.ts';

const N = 4096;
const MAX_CORES = 16;
const a = (i: number): number => 3 * i + 1;
const b = (i: number): number => (i % 7) - 3;

const data = (name: string, f: (i: number) => number): string => {
  const rows: string[] = [];
  for (let i = 0; i < N; i += 16) rows.push('  .word ' + Array.from({ length: 16 }, (_, j) => f(i + j)).join(', '));
  return `${name}:\n${rows.join('\n')}`;
};

// main: reset and start core 0's counters, fork `work` on all cores, stop; elapsed = core 0's cycle counter over the
// fork; total = sum of the partials.
const SRC = `
.include "rt.inc"
.equ N, ${N}
  .text
  .globl main
main:
  addi sp, sp, -16
  sw ra, 12(sp)
  sw s0, 8(sp)
  call rt_perf_reset
  call rt_perf_start
  li a0, 0
  la a1, work
  li a2, 0
  call rt_team_fork
  call rt_perf_stop
  li a0, 0
  call rt_perf_read
  la t0, elapsed
  sw a0, 0(t0)
  li s0, RT_NB_CORES
  la t0, part
  li a3, 0
2:
  lw t2, 0(t0)
  add a3, a3, t2
  addi t0, t0, 4
  addi s0, s0, -1
  bnez s0, 2b
  la t0, total
  sw a3, 0(t0)
  li a0, 0
  lw s0, 8(sp)
  lw ra, 12(sp)
  addi sp, sp, 16
  ret

# Core k: sum of a[i] * b[i] over i = k, k + n, k + 2n, ... (n = team size): at any time the cores read n different
# banks.
work:
  addi sp, sp, -16
  sw ra, 12(sp)
  sw s0, 8(sp)
  sw s1, 4(sp)
  call rt_team_nb_cores
  mv s1, a0
  call rt_core_id
  mv s0, a0
  slli t0, s0, 2
  la t1, va
  add t1, t1, t0
  la t2, vb
  add t2, t2, t0
  slli t5, s1, 2            # stride in bytes
  li t3, N
  divu t3, t3, s1           # elements per core
  li t6, 0
3:
  lw t0, 0(t1)
  lw a1, 0(t2)
  mul t0, t0, a1
  add t6, t6, t0
  add t1, t1, t5
  add t2, t2, t5
  addi t3, t3, -1
  bnez t3, 3b
  la t0, part
  slli t1, s0, 2
  add t0, t0, t1
  sw t6, 0(t0)
  call rt_mutex_lock
  la t0, count
  lw t1, 0(t0)
  addi t1, t1, 1
  sw t1, 0(t0)
  li a0, 0
  call rt_mutex_unlock
  call rt_team_barrier
  addi t0, s0, 1
  remu t0, t0, s1
  slli t0, t0, 2
  la t1, part
  add t1, t1, t0
  lw t2, 0(t1)
  la t0, peek
  slli t1, s0, 2
  add t0, t0, t1
  sw t2, 0(t0)
  lw s1, 4(sp)
  lw s0, 8(sp)
  lw ra, 12(sp)
  addi sp, sp, 16
  ret

  .data
${data('va', a)}
${data('vb', b)}
  .bss
part: .space ${4 * MAX_CORES}
peek: .space ${4 * MAX_CORES}
count: .space 4
total: .space 4
elapsed: .space 4
`;

/** Core k's partial, from the definition. */
const partial = (k: number, n: number): number => {
  let s = 0;
  for (let i = k; i < N; i += n) s += a(i) * b(i);
  return s;
};

interface Run {
  cycles: number;
  elapsed: number;
  part: number[];
  peek: number[];
  count: number;
  total: number;
}

function runOn(cfg: Gap8Config, iss = false): Run {
  const n = cfg.cluster.cores;
  const p = buildClusterProgram([{ file: 'dot16.S', text: SRC }], cfg);
  const sym = (name: string): number => {
    const s = p.linked.symbols.find((x) => x.name === name);
    if (!s) throw new Error(`no symbol ${name}`);
    return s.value >>> 0;
  };
  const tb = new ClusterTestbench(cfg, p.elf);
  const r = tb.run(300_000);
  expect(r.exit, `${n} cores: exit`).toBe('tohost');
  expect(r.tohost, `${n} cores: tohost (1 = main returned 0)`).toBe(1);
  const words = (name: string): number[] => Array.from({ length: n }, (_, k) => tb.readWord(sym(name) + 4 * k) | 0);
  const run: Run = {
    cycles: r.cycles,
    elapsed: tb.readWord(sym('elapsed')),
    part: words('part'),
    peek: words('peek'),
    count: tb.readWord(sym('count')),
    total: tb.readWord(sym('total')) | 0,
  };
  if (iss) {
    const is = new ClusterIss(cfg, { maxInstructions: 5_000_000 });
    is.load(readElf(p.elf, 'dot16.elf'));
    const ir = is.run();
    expect(ir.tohost, 'ISS tohost').toBe(1);
    expect(Array.from({ length: n }, (_, k) => is.memory.readWord(sym('part') + 4 * k) | 0), 'ISS partials').toEqual(run.part);
    expect(is.memory.readWord(sym('total')) | 0, 'ISS total').toBe(run.total);
  }
  return run;
}

function checkResults(r: Run, n: number): void {
  for (let k = 0; k < n; k++) {
    expect(r.part[k], `part[${k}] on ${n} cores`).toBe(partial(k, n));
    expect(r.peek[k], `peek[${k}] on ${n} cores`).toBe(partial((k + 1) % n, n));
  }
  expect(r.count).toBe(n);
  let dot = 0;
  for (let i = 0; i < N; i++) dot += a(i) * b(i);
  expect(r.total).toBe(dot);
}

describe('16-core cluster', () => {
  const sets = (cores: number, extra: string[] = []): Gap8Config => applySets(gap8(), [`cluster.cores=${cores}`, `cluster.eventUnit.barriers=${cores}`, ...extra]);

  it('builds the blocks for 16 cores', () => {
    const tb = new ClusterTestbench(sets(16), readElfStub(sets(16)));
    const top = tb.top;
    expect(top.regions.length).toBe(16);
    expect(top.icache.ports).toBe(16);
    expect(top.icache.banks.length).toBe(16);
    expect(top.eu.cores.length).toBe(16);
    // Channel 0: 16 cores + GAP-8's 4 HWCE ports; channel 1: 4 external + 4 DMA ports.
    expect(top.tcdm.nCh0).toBe(20);
    expect(top.tcdm.nMasters).toBe(28);
  });

  it('a parallel dot product on 16 cores: every core\'s partial, the barrier, the mutex and the total are right, as in the ISS; faster than on 8', () => {
    const r16 = runOn(sets(16), true);
    checkResults(r16, 16);
    const r8 = runOn(sets(8));
    checkResults(r8, 8);
    // Each core does half the iterations on 16 cores; fork, mutex and barrier cost more with more cores, so the
    // fork's time drops by less than half but clearly (the loop dominates: 256 vs 512 iterations of ~11 cycles).
    const speedUp = r8.elapsed / r16.elapsed;
    expect(speedUp).toBeGreaterThan(1.6);
    expect(speedUp).toBeLessThan(2);
    // The 256 iterations 16 cores save, at 11 cycles each (facts/ri5cy-isa-timing.md: lw, lw, mul 1 cycle each plus
    // 1 load-use stall, 4 ALU instructions, a taken branch 3), less what the larger team's mutex and barrier add.
    const saved = r8.elapsed - r16.elapsed;
    expect(saved).toBeGreaterThan(0.95 * 256 * 11);
    expect(saved).toBeLessThanOrEqual(256 * 11);
  }, 120_000);

  it('2 x cores TCDM banks (32 banks of 512 words, the same 64 KiB) give the same results', () => {
    const r = runOn(sets(16, ['cluster.tcdm.banks=32', 'cluster.tcdm.bankWords=512']));
    checkResults(r, 16);
  }, 60_000);
});

/** A minimal ELF for a build-only check: the smallest program the runtime links. */
function readElfStub(config: Gap8Config): Uint8Array {
  return buildClusterProgram([{ file: 'stub.S', text: '.include "rt.inc"\n  .text\n  .globl main\nmain:\n  li a0, 0\n  ret\n' }], config).elf;
}
