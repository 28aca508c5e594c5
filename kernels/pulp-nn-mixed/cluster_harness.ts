/**
 * Runs a kernel on N cores of the functional cluster ISS (testbench/iss/cluster_iss.ts, GAP-8 map) with the
 * cluster runtime (kernels/runtime): code in L2, the runtime's data and stacks in the TCDM, then the layer's
 * data and the im2col buffers (one per core) in the TCDM up to the tohost word.
 *
 * Program: `main` (core 0) forks `conv_entry` over the N cores with the descriptor's address as argument (the
 * library's test calls the kernel from a team fork too, facts §5); each core calls the kernel with (descriptor,
 * rt_core_id(), rt_team_nb_cores()). The kernel's one final barrier is the runtime's `rt_team_barrier`.
 * The descriptor address is a data word (`conv_desc_addr`) the harness writes, so one ELF serves every layer.
 */
import { type ClusterSystemConfig, gap8ClusterSystem } from '../../rtl/config/index.ts';
import type { Layer, Precision } from '../golden/layer.ts';
import { unpackBits } from '../golden/pack.ts';
import { type Elf, readElf } from '../toolchain/elf.ts';
import { buildClusterProgram } from '../runtime/runtime.ts';
import { ClusterIss } from '../../testbench/iss/cluster_iss.ts';
import type { Flavour } from './flavour.ts';
import { generateKernel, type KernelSource } from './generate.ts';
import { type Comparison, compareOutputs } from './harness.ts';
import { type LayerImage, layerImage } from './layout.ts';

/** Bytes of stack per core (the kernel's frame is 240 bytes, the runtime's entry path a few words). */
export const STACK_BYTES = 512;

/** The cluster system a flavour runs on: GAP-8's RI5CY v1.0 cores for xpulpv2, CV32E40P cores for corev. */
export function clusterConfig(flavour: Flavour, cores: number): ClusterSystemConfig {
  const c = gap8ClusterSystem();
  c.cluster.cores = cores;
  if (flavour === 'corev') c.core = { version: 'cv32e40p', flavour: 'corev', rvc: true };
  return c;
}

function program(kernel: string): string {
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

# every core of the team: kernel(descriptor, core id, team size)
conv_entry:
  addi sp, sp, -16
  sw ra, 12(sp)
  sw s0, 8(sp)
  sw s1, 4(sp)
  mv s0, a0
  call rt_core_id
  mv s1, a0
  call rt_team_nb_cores
  mv a2, a0
  mv a1, s1
  mv a0, s0
  call ${kernel}
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

export interface ClusterProgramInfo {
  kernel: KernelSource;
  elf: Elf;
  /** Where the layer's data may go: [dataBase, dataEnd). */
  dataBase: number;
  dataEnd: number;
  descAddrWord: number;
}

const cache = new Map<string, ClusterProgramInfo>();

/** The N-core program of a kernel (cached per precision triple, flavour and core count). */
export function clusterProgram(bits: { inBits: Precision; wBits: Precision; outBits: Precision }, flavour: Flavour, cores: number): ClusterProgramInfo {
  const key = `${flavour}:${cores}:${bits.inBits}${bits.wBits}${bits.outBits}`;
  let p = cache.get(key);
  if (!p) {
    const c = clusterConfig(flavour, cores);
    const kernel = generateKernel({ ...bits, flavour, barrierSymbol: 'rt_team_barrier' });
    const built = buildClusterProgram(
      [
        { file: `${kernel.name}_main.S`, text: program(kernel.name) },
        { file: `${kernel.name}.${flavour}.S`, text: kernel.source },
      ],
      c,
      { stackSize: STACK_BYTES },
    );
    const word = built.linked.symbols.find((s) => s.name === 'conv_desc_addr');
    if (!word) throw new Error('conv_desc_addr missing from the cluster program');
    p = {
      kernel,
      elf: readElf(built.elf, `${kernel.name}.elf`),
      dataBase: (built.tcdmEnd + 15) & ~15,
      dataEnd: c.tohost,
      descAddrWord: word.value,
    };
    cache.set(key, p);
  }
  return p;
}

export interface ClusterRunOptions {
  flavour?: Flavour;
  /** Cores of the cluster, all in the team (default 8, GAP-8). */
  cores?: number;
  maxInstructions?: number;
  /** Called with the cluster ISS and the layer's placement after loading, before the run (to attach observers). */
  onLoad?: (iss: ClusterIss, image: LayerImage) => void;
}

export interface ClusterKernelRun {
  program: ClusterProgramInfo;
  image: LayerImage;
  packed: Uint8Array;
  output: Uint8Array;
  /** Instructions retired per core, boot to the end of the run. */
  instret: number[];
}

export class ClusterRunError extends Error {}

/** Runs the layer's kernel on N cores. Throws LayerLimitError before running a layer that does not fit. */
export function runLayerOnCluster(layer: Layer, opts: ClusterRunOptions = {}): ClusterKernelRun {
  const flavour = opts.flavour ?? 'xpulpv2';
  const cores = opts.cores ?? 8;
  const c = clusterConfig(flavour, cores);
  const { spec } = layer;
  const program = clusterProgram({ inBits: spec.ifmap.bits, wBits: spec.weights.bits, outBits: spec.ofmap.bits }, flavour, cores);
  const image = layerImage(layer, { base: program.dataBase, cores, l1Bytes: program.dataEnd - program.dataBase });
  const iss = new ClusterIss(c, { maxInstructions: opts.maxInstructions ?? 400_000_000 });
  iss.load(program.elf);
  for (const b of image.blocks) iss.memory.writeBytes(b.addr, b.bytes);
  const addr = new Uint8Array(4);
  new DataView(addr.buffer).setUint32(0, image.descriptorAddr, true);
  iss.memory.writeBytes(program.descAddrWord, addr);
  opts.onLoad?.(iss, image);
  const r = iss.run();
  if (r.exit !== 'tohost' || r.tohost !== 1) {
    throw new ClusterRunError(`${program.kernel.name} (${flavour}, ${cores} cores) did not end normally: ${r.message}`);
  }
  const packed = iss.memory.readBytes(image.outAddr, image.outBytes);
  const output = spec.ofmap.bits === 8 ? packed.slice() : unpackBits(packed, spec.ofmap.bits);
  return { program, image, packed, output, instret: r.instret };
}

/** Runs the kernel on N cores and compares every output with convGolden. */
export function compareOnCluster(layer: Layer, opts: ClusterRunOptions = {}): Comparison<ClusterKernelRun> {
  const run = runLayerOnCluster(layer, opts);
  return { run, ...compareOutputs(layer, run.output) };
}
