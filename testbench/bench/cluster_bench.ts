// Cluster speed entry of the bench: the signal-level GAP-8 cluster (8 RI5CY cores, TCDM, event unit, I$) running
// a long parallel kernel built with the cluster runtime. Every core runs `rounds` rounds of an 8-bit dot product
// over its own TCDM rows (hardware loop, post-increment loads, pv.sdotusp.b) whose length grows with the core id,
// then meets the others at the team barrier: the TCDM sees bank conflicts and the faster cores sleep, clock-gated,
// in every barrier. With `--team N` only cores 0..N-1 work and the others sleep in the dispatch wait all run long.
// Reports start-up time (elaboration + codegen, loading) apart from the simulated cycles/s.
import { gap8 } from '../../rtl/config/index.ts';
import { buildClusterProgram } from '../../kernels/runtime/runtime.ts';
import type { BackendKind } from '../../sim/index.ts';
import { openVcd } from '../../waves/vcd.ts';
import { ClusterTestbench } from '../cluster/testbench.ts';
import { procStatSeconds } from './proc_stat.ts';

export interface ClusterBenchOptions {
  /** Rounds of work + barrier per core (each is about 200 cycles). */
  rounds?: number;
  backend?: BackendKind;
  /** Write a VCD of the whole cluster to this path. */
  vcd?: string;
  /** Cores of the cluster (default 8, the gap8 preset). */
  cores?: number;
  /** Cores that work (default all): the others sleep, clock-gated, in the dispatch wait for the whole run, so the
   *  rate against a cluster of `team` cores is what a sleeping core costs. */
  team?: number;
  /** After the run, restart the testbench with the same program this many times and run it again
   *  (ClusterTestbench.restart): what a testbench reused for several programs costs per run. */
  restarts?: number;
}

/** One run after a restart. */
export interface RestartRun {
  cycles: number;
  cpuSeconds: number;
  cyclesPerCpuSecond: number;
  /** CPU seconds of its first 4096 cycles (every thread). */
  firstCpuSeconds: number;
}

export interface ClusterBenchResult {
  name: string;
  backend: BackendKind;
  cycles: number;
  seconds: number;
  cyclesPerSecond: number;
  cpuSeconds: number;
  cyclesPerCpuSecond: number;
  /** Cycles per CPU second over the second half of the run (the JIT's warm-up behind it). */
  steadyCyclesPerCpuSecond: number;
  /** CPU seconds of the run's first 4096 cycles (every thread): the JIT's warm-up, against 4096 / steady rate. */
  firstCpuSeconds: number;
  /** CPU seconds of the run on the main thread; the rest of `cpuSeconds` is V8's other threads (its optimising
   *  compiler, GC helpers). Null where the thread's own CPU time cannot be read (Linux only). */
  mainCpuSeconds: number | null;
  /** Wall seconds to elaborate the cluster, generate code and load the program (not included in the rate). */
  buildSeconds: number;
  /** Bytes of VCD written (0 without waves). */
  vcdBytes: number;
  /** Per core: the cycles its clock ran (not gated). */
  activeCycles: number[];
  /** The runs after restarts (ClusterBenchOptions.restarts). */
  restartRuns: RestartRun[];
}

/** Per core of the team (0: all cores): `rounds` x (dot product of 4 * (4 + core id) words, store, barrier); core 0
 *  then exits with 0. `cores` is the cluster's core count, which sizes the data: core k reads 4 * (4 + k) words of
 *  vec_b and of mat_a from its row (64 words apart), and stores its sum to out[k]; `result` follows out. The sizes
 *  never drop below the 8-core ones, so the programs of 1..8 cores keep one layout (and their cycle counts). */
export function clusterBenchSource(rounds: number, team = 0, cores = 8): string {
  if (!Number.isInteger(cores) || cores < 1) throw new RangeError(`cluster bench: cores must be a whole number >= 1, got ${cores}`);
  const rowWords = 4 * (4 + cores - 1);
  const matWords = Math.max(512, 64 * (cores - 1) + rowWords);
  const vecWords = Math.max(64, rowWords);
  const outBytes = 4 * Math.max(8, cores);
  return `
.include "rt.inc"
  .text
  .globl main
main:
  addi sp, sp, -16
  sw ra, 12(sp)
  li a0, ${team}
  la a1, work
  li a2, ${rounds}
  call rt_team_fork
  la t0, result
  lw a0, 0(t0)
  li t1, ${rounds}
  sub a0, a0, t1
  snez a0, a0
  lw ra, 12(sp)
  addi sp, sp, 16
  ret

work:
  addi sp, sp, -16
  sw ra, 12(sp)
  sw s0, 8(sp)
  sw s1, 4(sp)
  sw s2, 0(sp)
  mv s0, a0
  RT_CORE_ID s1
  addi s2, s1, 4
  slli s2, s2, 2
round:
  la a0, mat_a
  slli t0, s1, 8
  add a0, a0, t0
  la a1, vec_b
  li a3, 0
  lp.setup 0, s2, dot_end
  p.lw t0, 4(a0!)
  p.lw t1, 4(a1!)
dot_end:
  pv.sdotusp.b a3, t0, t1
  la t0, out
  slli t1, s1, 2
  add t0, t0, t1
  sw a3, 0(t0)
  call rt_team_barrier
  addi s0, s0, -1
  bnez s0, round
  bnez s1, 1f
  la t0, result
  lw t1, 0(t0)
  add t1, t1, s2
  addi t1, t1, -16
  sw t1, 0(t0)
1:
  lw s2, 0(sp)
  lw s1, 4(sp)
  lw s0, 8(sp)
  lw ra, 12(sp)
  addi sp, sp, 16
  ret

  .data
  .balign 16
mat_a:
  .fill ${matWords}, 4, 0x01fe03fc
vec_b:
  .fill ${vecWords}, 4, 0x7f80017f
out:
  .space ${outBytes}
result:
  .word ${rounds}
`;
}

/** What a failed run's tohost means (the runtime's rt_exit and trap handler, kernels/runtime/README.md). */
function failure(r: { exit: string; tohost: number; message: string }): string {
  if (r.exit !== 'tohost' || (r.tohost & 1) === 0) return r.message;
  const code = r.tohost >>> 1;
  return `${r.message} (${code >= 0x100 ? `a trap on core 0, mcause ${code - 0x100}` : `exit code ${code}: the program's check of its result failed`})`;
}


export function runClusterBench(opts: ClusterBenchOptions = {}): ClusterBenchResult {
  const rounds = opts.rounds ?? 10_000;
  const backend = opts.backend ?? 'codegen';
  const cfg = gap8();
  const cores = opts.cores ?? cfg.cluster.cores;
  cfg.cluster.cores = cores;
  cfg.cluster.eventUnit.barriers = cores;
  const team = opts.team ?? cores;
  if (!Number.isInteger(team) || team < 1 || team > cores) throw new RangeError(`cluster bench: team must be 1..${cores} cores, got ${team}`);
  const restarts = opts.restarts ?? 0;
  if (!Number.isInteger(restarts) || restarts < 0) throw new RangeError(`cluster bench: restarts must be a whole number >= 0, got ${restarts}`);
  const t0 = performance.now();
  const prog = buildClusterProgram([{ file: 'cluster_bench.S', text: clusterBenchSource(rounds, team, cores) }], cfg);
  const tb = new ClusterTestbench(cfg, prog.elf, { backend });
  const vcd = opts.vcd === undefined ? null : openVcd(opts.vcd, tb.sim.traceSource());
  if (vcd !== null) tb.sim.attachTracer(vcd);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const m1 = procStatSeconds('/proc/thread-self/stat', 14, 15);
  // CPU time every 4096 cycles, for the rate over the run's second half.
  const marks: number[] = [];
  tb.sim.onSettled(() => {
    if ((tb.cycle & 4095) === 0) {
      const u = process.cpuUsage(c1);
      marks.push((u.user + u.system) / 1e6);
    }
  });
  const r = tb.run(1_000_000_000);
  const c2 = process.cpuUsage(c1);
  const m2 = procStatSeconds('/proc/thread-self/stat', 14, 15);
  const t2 = performance.now();
  vcd?.close();
  if (r.exit !== 'tohost' || r.tohost !== 1) throw new Error(`cluster bench program failed: ${failure(r)}`);
  const activeCycles = tb.counters().map((c) => c.activeCycles);
  const first = marks.splice(0);
  const restartRuns: RestartRun[] = [];
  for (let k = 0; k < restarts; k++) {
    tb.restart(prog.elf);
    const u0 = process.cpuUsage();
    marks.length = 0;
    const rr = tb.run(1_000_000_000);
    const u = process.cpuUsage(u0);
    if (rr.exit !== 'tohost' || rr.tohost !== 1) throw new Error(`cluster bench program failed after restart ${k + 1}: ${failure(rr)}`);
    const cpu = (u.user + u.system) / 1e6;
    restartRuns.push({ cycles: rr.cycles, cpuSeconds: cpu, cyclesPerCpuSecond: rr.cycles / cpu, firstCpuSeconds: marks.length > 1 ? marks[1]! - marks[0]! : cpu });
  }
  const cpuSeconds = (c2.user + c2.system) / 1e6;
  const seconds = (t2 - t1) / 1000;
  const half = first.length >> 1;
  const steadyCycles = (first.length - 1 - half) * 4096;
  const steadyCpu = first.length > 2 ? first[first.length - 1]! - first[half]! : 0;
  return {
    name: `gap8 cluster, ${cores} core${cores === 1 ? '' : 's'}${team < cores ? ` (${cores - team} asleep)` : ''}: dot products + team barrier x ${rounds}`,
    backend,
    cycles: r.cycles,
    seconds,
    cyclesPerSecond: r.cycles / seconds,
    cpuSeconds,
    cyclesPerCpuSecond: r.cycles / cpuSeconds,
    steadyCyclesPerCpuSecond: steadyCpu > 0 ? steadyCycles / steadyCpu : r.cycles / cpuSeconds,
    firstCpuSeconds: first.length > 1 ? first[1]! - first[0]! : cpuSeconds,
    mainCpuSeconds: m1 === null || m2 === null ? null : m2 - m1,
    buildSeconds: (t1 - t0) / 1000,
    vcdBytes: vcd === null ? 0 : vcd.bytesWritten,
    activeCycles,
    restartRuns,
  };
}

const isEntry = process.argv[1] !== undefined && /testbench[\\/]bench[\\/]cluster_bench\.ts$/.test(process.argv[1]);
if (isEntry) {
  const args = process.argv.slice(2);
  const backend = (args.find((a) => a === 'interp' || a === 'codegen') as BackendKind | undefined) ?? 'codegen';
  const ri = args.indexOf('--rounds');
  const vi = args.indexOf('--vcd');
  const ci = args.indexOf('--cores');
  const ti = args.indexOf('--team');
  const si = args.indexOf('--restarts');
  const rounds = ri >= 0 ? Number(args[ri + 1]) : backend === 'interp' ? 20 : 2000;
  const r = runClusterBench({ backend, rounds, ...(vi >= 0 ? { vcd: args[vi + 1]! } : {}), ...(ci >= 0 ? { cores: Number(args[ci + 1]) } : {}), ...(ti >= 0 ? { team: Number(args[ti + 1]) } : {}), ...(si >= 0 ? { restarts: Number(args[si + 1]) } : {}) });
  process.stdout.write(
    `${r.name} [${r.backend}]: ${r.cycles} cycles in ${r.seconds.toFixed(2)} s = ${(r.cyclesPerSecond / 1e3).toFixed(1)} k cycles/s ` +
      `(CPU ${r.cpuSeconds.toFixed(2)} s = ${(r.cyclesPerCpuSecond / 1e3).toFixed(1)} k cycles/CPU-s, second half ${(r.steadyCyclesPerCpuSecond / 1e3).toFixed(1)} k; ` +
      `first 4096 cycles ${r.firstCpuSeconds.toFixed(2)} CPU-s${r.mainCpuSeconds === null ? '' : `, other threads (JIT, GC) ${(r.cpuSeconds - r.mainCpuSeconds).toFixed(2)} CPU-s`}; start-up ${r.buildSeconds.toFixed(2)} s` +
      `${r.vcdBytes > 0 ? `; VCD ${(r.vcdBytes / 2 ** 20).toFixed(1)} MiB` : ''})\n`,
  );
  r.restartRuns.forEach((x, k) =>
    process.stdout.write(`after restart ${k + 1}: CPU ${x.cpuSeconds.toFixed(2)} s = ${(x.cyclesPerCpuSecond / 1e3).toFixed(1)} k cycles/CPU-s; first 4096 cycles ${x.firstCpuSeconds.toFixed(2)} CPU-s\n`),
  );
}
