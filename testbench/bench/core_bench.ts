// Single-core speed entry of the bench: the signal-level core (RI5CY by default, or any preset: CV32E40P runs the
// same loop in CORE-V syntax) in the single-core test system running a long MatMul-like loop (nested hardware
// loops, post-increment word loads, 4-way 8-bit dot products, stores), generated-code back-end, waves off unless
// --vcd. Reports simulated cycles per CPU second and per wall-clock second.
import { preset, type CoreVersion } from '../../rtl/config/index.ts';
import type { BackendKind } from '../../sim/index.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
import { Testbench } from '../system/testbench.ts';
import { openVcd } from '../../waves/vcd.ts';

export interface CoreBenchOptions {
  /** Outer iterations of the kernel (each is about 1200 cycles). */
  iterations?: number;
  backend?: BackendKind;
  version?: CoreVersion;
  /** Write a VCD of the whole system (every signal of the core) to this path. */
  vcd?: string;
}

export interface CoreBenchResult {
  name: string;
  backend: BackendKind;
  cycles: number;
  instructions: number;
  seconds: number;
  cyclesPerSecond: number;
  /** CPU seconds of this process during the run (robust when other processes share the machine). */
  cpuSeconds: number;
  cyclesPerCpuSecond: number;
  /** Seconds spent elaborating and loading (not included in the rate). */
  buildSeconds: number;
}

/** The kernel: C[i] = sum_k A[i][k] * B[k] over 8-bit lanes, 16 rows x 64 bytes, repeated `iter` times. The same
 *  loop in either flavour: XpulpV2 (RI5CY; a loop's end label is its last instruction) or CORE-V (CV32E40P; the end
 *  label is the first instruction after the body, and the outer loop may not end where the inner one does). */
export function matmulSource(iter: number, flavour: 'xpulpv2' | 'corev' = 'xpulpv2'): string {
  return `
  .text
  .globl _start
trap_vector:
  j fail
  .org 0x80
_start:
  li s0, ${iter}
outer:
  la a0, mat_a
  la a2, mat_c
${flavour === 'corev' ? OUTER_BODY_COREV : OUTER_BODY_XPULP}
  addi s0, s0, -1
  bnez s0, outer
  li t6, 1
  la t5, tohost
  sw t6, 0(t5)
1: j 1b
fail:
  li t6, 3
  la t5, tohost
  sw t6, 0(t5)
2: j 2b
  .balign 64
  .globl tohost
tohost: .word 0
  .balign 16
mat_a:
  .fill 256, 4, 0x01fe03fc
vec_b:
  .fill 16, 4, 0x7f80017f
mat_c:
  .space 64
`;
}

/** The 16 rows of one outer iteration, CORE-V: both loops end after their last instruction. */
const OUTER_BODY_COREV = `  cv.setupi 1, 16, row_end
  la a1, vec_b
  li a3, 0
  li a4, 0
  cv.setupi 0, 8, dot_end
  cv.lw t0, (a0), 4
  cv.lw t1, (a1), 4
  cv.lw t2, (a0), 4
  cv.lw t3, (a1), 4
  cv.sdotusp.b a3, t0, t1
  cv.sdotusp.b a4, t2, t3
dot_end:
  add a5, a3, a4
  cv.clipu a5, a5, 9
  cv.sw a5, (a2), 4
row_end:`;

/** The 16 rows of one outer iteration, XpulpV2: both loops end at their last instruction. */
const OUTER_BODY_XPULP = `  lp.setupi 1, 16, row_end
  la a1, vec_b
  li a3, 0
  li a4, 0
  lp.setupi 0, 8, dot_end
  p.lw t0, 4(a0!)
  p.lw t1, 4(a1!)
  p.lw t2, 4(a0!)
  p.lw t3, 4(a1!)
  pv.sdotusp.b a3, t0, t1
dot_end:
  pv.sdotusp.b a4, t2, t3
  add a5, a3, a4
  p.clipu a5, a5, 9
row_end:
  p.sw a5, 4(a2!)`;

export function runCoreBench(opts: CoreBenchOptions = {}): CoreBenchResult {
  const iterations = opts.iterations ?? 1500;
  const backend = opts.backend ?? 'codegen';
  const cfg = preset(opts.version ?? 'ri5cy');
  const t0 = performance.now();
  const { object } = assemble(matmulSource(iterations, cfg.core.flavour), 'core_bench.S', { flavour: cfg.core.flavour, rvc: false });
  const elf = readElf(linkedElf(link([object], { textBase: 0, memory: cfg.memory })), 'core_bench.elf');
  const tb = new Testbench(cfg, elf, { backend });
  const vcd = opts.vcd === undefined ? null : openVcd(opts.vcd, tb.sim.traceSource());
  if (vcd !== null) tb.sim.attachTracer(vcd);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const r = tb.run(1_000_000_000);
  const c2 = process.cpuUsage(c1);
  const t2 = performance.now();
  vcd?.close();
  const cpuSeconds = (c2.user + c2.system) / 1e6;
  if (r.exit !== 'tohost' || r.tohost !== 1) throw new Error(`core bench program failed: ${r.message}`);
  const seconds = (t2 - t1) / 1000;
  return {
    name: `single core ${cfg.core.version} matmul (hwloops, post-increment loads, sdotusp.b)`,
    backend,
    cycles: r.cycles,
    instructions: tb.sim.cycle > 0 ? tb.counters().pccr1 ?? 0 : 0,
    seconds,
    cyclesPerSecond: r.cycles / seconds,
    cpuSeconds,
    cyclesPerCpuSecond: r.cycles / cpuSeconds,
    buildSeconds: (t1 - t0) / 1000,
  };
}

const isEntry = process.argv[1] !== undefined && /testbench[\\/]bench[\\/]core_bench\.ts$/.test(process.argv[1]);
if (isEntry) {
  // core_bench.ts [codegen|interp] [ri5cy|cv32e40p|ri5cy_v1] [--vcd <file>]
  const args = process.argv.slice(2);
  const vi = args.indexOf('--vcd');
  const vcd = vi >= 0 ? args[vi + 1] : undefined;
  if (vi >= 0 && vcd === undefined) throw new Error('--vcd needs a file name');
  const rest = vi >= 0 ? args.filter((_, k) => k !== vi && k !== vi + 1) : args;
  const backend = (rest.find((a) => a === 'interp' || a === 'codegen') as BackendKind | undefined) ?? 'codegen';
  const version = (rest.find((a) => a !== backend) ?? 'ri5cy') as CoreVersion;
  preset(version); // rejects an unknown name, listing the known ones
  const r = runCoreBench({ backend, version, iterations: backend === 'interp' ? 50 : 1500, ...(vcd !== undefined ? { vcd } : {}) });
  process.stdout.write(
    `${r.name} [${r.backend}${vcd !== undefined ? ', VCD' : ''}]: ${r.cycles} cycles in ${r.seconds.toFixed(2)} s = ${(r.cyclesPerSecond / 1e6).toFixed(3)} M cycles/s ` +
      `(CPU ${r.cpuSeconds.toFixed(2)} s = ${(r.cyclesPerCpuSecond / 1e6).toFixed(3)} M cycles/CPU-s; build ${r.buildSeconds.toFixed(2)} s)\n`,
  );
}
