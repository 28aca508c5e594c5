/**
 * Runs a kernel on a Layer with the single-core golden ISS: places the layer in memory exactly as the kernel
 * expects (layout.ts), builds the kernel with a start-up stub into an ELF, runs it, unpacks the output and
 * compares it with the golden model (kernels/golden/conv.ts).
 *
 * The single-core system (rtl/config singleCoreMemory): code from 0x80 in ram_lo, the layer's data at
 * DATA_BASE in ram_hi, the stack at the top of ram_hi. The stub calls the kernel with core id 0 of 1 core and
 * provides a barrier that returns at once.
 */
import { preset, type SystemConfig } from '../../rtl/config/index.ts';
import { convGolden } from '../golden/conv.ts';
import { outputShape, type Layer, type Precision } from '../golden/layer.ts';
import { unpackBits } from '../golden/pack.ts';
import { buildElf } from '../toolchain/asm/index.ts';
import { type Elf, readElf } from '../toolchain/elf.ts';
import { Iss, type Retire } from '../../testbench/iss/iss.ts';
import type { Flavour } from './flavour.ts';
import { generateKernel, type KernelSource } from './generate.ts';
import { DEFAULT_L1_BYTES, type LayerImage, layerImage } from './layout.ts';

export const DATA_BASE = 0x8000_0000;
export const STACK_TOP = 0x8010_0000;

/** The ISS preset of a flavour. */
export function presetOf(flavour: Flavour): SystemConfig {
  return preset(flavour === 'corev' ? 'cv32e40p' : 'ri5cy');
}

export interface Program {
  kernel: KernelSource;
  /** Stub plus kernel, as assembled. */
  source: string;
  elf: Elf;
}

function stub(kernel: string): string {
  return [
    '.section .text.start, "ax"',
    '.globl _start',
    '_start:',
    `\tli sp, ${STACK_TOP}`,
    `\tli a0, ${DATA_BASE}`,
    '\tli a1, 0',
    '\tli a2, 1',
    `\tcall ${kernel}`,
    '\tla t0, tohost',
    '\tli t1, 1',
    '\tsw t1, 0(t0)',
    '1:\tj 1b',
    '.text',
    '.globl pulp_nn_barrier',
    'pulp_nn_barrier:',
    '\tret',
    '.section .tohost, "aw"',
    '.globl tohost',
    'tohost:\t.word 0',
    '',
  ].join('\n');
}

const cache = new Map<string, Program>();

/** The single-core program of a kernel (cached per precision triple and flavour). */
export function singleCoreProgram(inBits: Precision, wBits: Precision, outBits: Precision, flavour: Flavour): Program {
  const key = `${flavour}:${inBits}${wBits}${outBits}`;
  let p = cache.get(key);
  if (!p) {
    const kernel = generateKernel({ inBits, wBits, outBits, flavour });
    const source = stub(kernel.name) + kernel.source;
    const file = `${kernel.name}.${flavour}.S`;
    const built = buildElf(source, file, presetOf(flavour), { link: { textBase: 0x80 } });
    p = { kernel, source, elf: readElf(built.elf, file) };
    cache.set(key, p);
  }
  return p;
}

export interface RunOptions {
  flavour?: Flavour;
  /** L1 capacity the layer must fit (default GAP-8's 64 KiB). */
  l1Bytes?: number;
  maxInstructions?: number;
  /** Called with every retired instruction (slows the run down). */
  onRetire?: (r: Retire, iss: Iss) => void;
}

export interface KernelRun {
  program: Program;
  image: LayerImage;
  /** The output as the kernel wrote it (packed bytes). */
  packed: Uint8Array;
  /** The output unpacked, HWC, one value per element. */
  output: Uint8Array;
  /** Instructions retired from the start-up stub to the tohost store. */
  instret: number;
}

export class KernelRunError extends Error {}

/** Runs the layer's kernel on the single-core ISS. Throws LayerLimitError before running an unsupported layer. */
export function runLayer(layer: Layer, opts: RunOptions = {}): KernelRun {
  const flavour = opts.flavour ?? 'xpulpv2';
  const { spec } = layer;
  const image = layerImage(layer, { base: DATA_BASE, cores: 1, l1Bytes: opts.l1Bytes ?? DEFAULT_L1_BYTES });
  const program = singleCoreProgram(spec.ifmap.bits, spec.weights.bits, spec.ofmap.bits, flavour);
  const iss = new Iss(presetOf(flavour), { maxInstructions: opts.maxInstructions ?? 200_000_000 });
  iss.load(program.elf);
  for (const b of image.blocks) iss.memory.writeBytes(b.addr, b.bytes);
  let result;
  if (opts.onRetire) {
    const cb = opts.onRetire;
    while (!iss.exited) {
      if (iss.steps >= iss.maxInstructions) throw new KernelRunError(`${program.kernel.name}: instruction limit reached at pc 0x${iss.pc.toString(16)}`);
      cb(iss.step(), iss);
    }
    result = { exit: iss.exited.exit, tohost: iss.exited.tohost, message: iss.exited.message };
  } else {
    result = iss.run();
  }
  if (result.exit !== 'tohost' || result.tohost !== 1) {
    throw new KernelRunError(`${program.kernel.name} (${flavour}) did not end normally: ${result.message}`);
  }
  const packed = iss.memory.readBytes(image.outAddr, image.outBytes);
  const output = spec.ofmap.bits === 8 ? packed.slice() : unpackBits(packed, spec.ofmap.bits);
  return { program, image, packed, output, instret: iss.instret };
}

export interface Mismatch {
  y: number;
  x: number;
  c: number;
  got: number;
  want: number;
}

export interface Comparison<R = KernelRun> {
  run: R;
  expected: Uint8Array;
  mismatches: number;
  first?: Mismatch;
}

/** Compares a kernel's unpacked output with the golden output of the layer. */
export function compareOutputs(layer: Layer, output: Uint8Array): { expected: Uint8Array; mismatches: number; first?: Mismatch } {
  const expected = convGolden(layer);
  const o = outputShape(layer.spec);
  let mismatches = 0;
  let first: Mismatch | undefined;
  for (let i = 0; i < expected.length; i++) {
    if (output[i] !== expected[i]) {
      mismatches++;
      if (!first) {
        const c = i % o.c;
        const px = Math.floor(i / o.c);
        first = { y: Math.floor(px / o.wo), x: px % o.wo, c, got: output[i]!, want: expected[i]! };
      }
    }
  }
  return { expected, mismatches, ...(first ? { first } : {}) };
}

/** Runs the kernel on the single-core ISS and compares every output with convGolden. */
export function compareWithGolden(layer: Layer, opts: RunOptions = {}): Comparison {
  const run = runLayer(layer, opts);
  return { run, ...compareOutputs(layer, run.output) };
}

/** A one-line description of a comparison's first mismatch (for test messages). */
export function describeMismatch(c: { mismatches: number; first?: Mismatch }): string {
  if (!c.first) return 'bit-exact';
  const f = c.first;
  return `${c.mismatches} mismatching outputs; first at y=${f.y} x=${f.x} c=${f.c}: kernel ${f.got}, golden ${f.want}`;
}
