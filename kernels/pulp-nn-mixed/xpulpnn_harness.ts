/**
 * Runs a kernel (baseline or XpulpNN variant) on the single-core golden ISS of a ri5cy configuration with the
 * XpulpNN extension switched on, and compares its output with the golden model. The layer sits where harness.ts
 * puts it (DATA_BASE); the stub calls the kernel as core 0 of 1 with a barrier that returns at once.
 */
import { preset, type SystemConfig } from '../../rtl/config/index.ts';
import { type Layer, type Precision } from '../golden/layer.ts';
import { unpackBits } from '../golden/pack.ts';
import { buildElf } from '../toolchain/asm/index.ts';
import { type Elf, readElf } from '../toolchain/elf.ts';
import { Iss } from '../../testbench/iss/iss.ts';
import { generateKernel, type KernelSource } from './generate.ts';
import { compareOutputs, DATA_BASE, type Mismatch, STACK_TOP } from './harness.ts';
import { DEFAULT_L1_BYTES, layerImage, LayerLimitError } from './layout.ts';
import { xpulpnnLimits } from './templates/xpulpnn.ts';

/** The ri5cy preset with the XpulpNN extension on. */
export function ri5cyXpulpnn(): SystemConfig {
  const c = structuredClone(preset('ri5cy'));
  c.core.isa = { ...c.core.isa, xpulpnn: true };
  return c;
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

export interface NnIssRun {
  kernel: KernelSource;
  elf: Elf;
  output: Uint8Array;
  instret: number;
  mismatches: number;
  first?: Mismatch;
}

const cache = new Map<string, { kernel: KernelSource; elf: Elf }>();

/** Builds (cached) and runs the kernel of the layer's precisions on the ISS; `xpulpnn` picks the variant. */
export function runOnIss(layer: Layer, opts: { xpulpnn: boolean; maxInstructions?: number }): NnIssRun {
  const { spec } = layer;
  const config = ri5cyXpulpnn();
  const bits = { inBits: spec.ifmap.bits as Precision, wBits: spec.weights.bits as Precision, outBits: spec.ofmap.bits as Precision };
  if (opts.xpulpnn) {
    const why = xpulpnnLimits(spec);
    if (why.length > 0) throw new LayerLimitError(why);
  }
  const key = `${bits.inBits}${bits.wBits}${bits.outBits}:${opts.xpulpnn}`;
  let p = cache.get(key);
  if (!p) {
    const kernel = generateKernel({ ...bits, flavour: 'xpulpv2', xpulpnn: opts.xpulpnn });
    const file = `${kernel.name}.S`;
    const built = buildElf(stub(kernel.name) + kernel.source, file, config, { link: { textBase: 0x80 } });
    p = { kernel, elf: readElf(built.elf, file) };
    cache.set(key, p);
  }
  const image = layerImage(layer, { base: DATA_BASE, cores: 1, l1Bytes: DEFAULT_L1_BYTES });
  const iss = new Iss(config, { maxInstructions: opts.maxInstructions ?? 100_000_000 });
  iss.load(p.elf);
  for (const b of image.blocks) iss.memory.writeBytes(b.addr, b.bytes);
  const r = iss.run();
  if (r.exit !== 'tohost' || r.tohost !== 1) throw new Error(`${p.kernel.name} did not end normally on the ISS: ${r.message}`);
  const packed = iss.memory.readBytes(image.outAddr, image.outBytes);
  const output = spec.ofmap.bits === 8 ? packed.slice() : unpackBits(packed, spec.ofmap.bits);
  const cmp = compareOutputs(layer, output);
  return { kernel: p.kernel, elf: p.elf, output, instret: iss.instret, mismatches: cmp.mismatches, ...(cmp.first ? { first: cmp.first } : {}) };
}
