/**
 * The cluster program that runs one pulp-nn-mixed kernel on the cycle-accurate cluster, measured the way the
 * library's own test measures it (facts/pulp-nn-mixed.md §5, §7): core 0 forks the team; every core of the team
 * meets at the team barrier, resets and starts its performance counters, calls the kernel (whose one final
 * barrier is the runtime's `rt_team_barrier`), and stops its counters. Nothing is added inside the kernel: the
 * phases are observed from the outside (phases.ts), so the kernel runs exactly as it would unobserved.
 *
 * Labels the testbench watches: `conv_kernel_call` (the instruction before the kernel's first), and
 * `conv_kernel_ret` (the first instruction after the kernel returns).
 */
import type { ClusterSystemConfig } from '../../rtl/config/index.ts';
import type { Precision } from '../../kernels/golden/layer.ts';
import { generateKernel, type KernelSource } from '../../kernels/pulp-nn-mixed/generate.ts';
import { buildClusterProgram } from '../../kernels/runtime/runtime.ts';
import { type Elf, readElf } from '../../kernels/toolchain/elf.ts';

/** Bytes of stack per core (the kernel's frame is 240 bytes, the runtime's entry path a few words). */
export const CONV_STACK_BYTES = 512;

export interface Bits {
  inBits: Precision;
  wBits: Precision;
  outBits: Precision;
  /** The XpulpNN variant of the kernel (kernels/pulp-nn-mixed/templates/xpulpnn.ts). */
  xpulpnn?: boolean;
}

export interface ConvProgram {
  kernel: KernelSource;
  elf: Elf;
  /** Where the layer's data may go in the TCDM: [dataBase, dataEnd). */
  dataBase: number;
  dataEnd: number;
  /** The word holding the descriptor's address (written by the harness, so one ELF serves every layer). */
  descAddrWord: number;
  /** Address of the kernel's first instruction and of the first instruction after its return. */
  kernelEntry: number;
  kernelReturn: number;
}

function source(kernel: string): string {
  return `
  .text
  .globl main
main:
  addi sp, sp, -16
  sw ra, 12(sp)
  li a0, 0                 # team: every core of the cluster
  la t0, conv_desc_addr
  lw a2, 0(t0)
  la a1, conv_entry
  call rt_team_fork
  li a0, 0
  lw ra, 12(sp)
  addi sp, sp, 16
  ret

# every core of the team: barrier, counters on, kernel(descriptor, core id, team size), counters off
conv_entry:
  addi sp, sp, -16
  sw ra, 12(sp)
  sw s0, 8(sp)
  sw s1, 4(sp)
  sw s2, 0(sp)
  mv s0, a0
  call rt_core_id
  mv s1, a0
  call rt_team_nb_cores
  mv s2, a0
  call rt_team_barrier
  call rt_perf_reset
  call rt_perf_start
  mv a0, s0
  mv a1, s1
  .globl conv_kernel_call
conv_kernel_call:
  mv a2, s2
  call ${kernel}
  .globl conv_kernel_ret
conv_kernel_ret:
  call rt_perf_stop
  lw s2, 0(sp)
  lw s1, 4(sp)
  lw s0, 8(sp)
  lw ra, 12(sp)
  addi sp, sp, 16
  ret

  .data
  .balign 4
  .globl conv_desc_addr
conv_desc_addr:
  .word 0
`;
}

const cache = new Map<string, ConvProgram>();

/** The program of a kernel for a cluster configuration (cached per precision triple and core count). */
export function convProgram(bits: Bits, config: ClusterSystemConfig): ConvProgram {
  const cores = config.cluster.cores;
  const key = `${cores}:${config.tohost}:${bits.inBits}${bits.wBits}${bits.outBits}${bits.xpulpnn ? ':nn' : ''}:${config.core.isa?.xpulpnn === true}`;
  let p = cache.get(key);
  if (p) return p;
  const kernel = generateKernel({ ...bits, flavour: config.core.flavour, barrierSymbol: 'rt_team_barrier' });
  const built = buildClusterProgram(
    [
      { file: `${kernel.name}_main.S`, text: source(kernel.name) },
      { file: `${kernel.name}.S`, text: kernel.source },
    ],
    config,
    { stackSize: CONV_STACK_BYTES },
  );
  const sym = (name: string): number => {
    const s = built.linked.symbols.find((x) => x.name === name);
    if (!s) throw new Error(`${kernel.name}: the cluster program has no symbol ${name}`);
    return s.value;
  };
  p = {
    kernel,
    elf: readElf(built.elf, `${kernel.name}.elf`),
    dataBase: (built.tcdmEnd + 15) & ~15,
    dataEnd: config.tohost,
    descAddrWord: sym('conv_desc_addr'),
    kernelEntry: sym(kernel.name),
    kernelReturn: sym('conv_kernel_ret'),
  };
  cache.set(key, p);
  return p;
}
