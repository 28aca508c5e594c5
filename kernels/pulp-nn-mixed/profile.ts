/**
 * Where a kernel's instructions go on the single-core ISS, by phase, from the generated code's labels:
 * im2col (the `im2col` routine), MatMul inner loops (every hardware-loop body `*_inner_*`), QntPack (the
 * `qnt_*_begin`..`qnt_*_end` blocks and the threshold-search routine), and everything else (set-up, work split,
 * pointer bookkeeping, reduction leftover, start-up stub). An ISS has no cycles: these are instruction counts,
 * which equal cycles only on a core with no stalls.
 */
import type { Layer } from '../golden/layer.ts';
import { outputShape } from '../golden/layer.ts';
import type { Flavour } from './flavour.ts';
import { type KernelRun, runLayer, singleCoreProgram } from './harness.ts';

export interface Profile {
  kernel: string;
  run: KernelRun;
  instret: number;
  macs: number;
  outputs: number;
  phases: { im2col: number; inner: number; qntpack: number; other: number };
}

type Range = [number, number];

function ranges(layer: Layer, flavour: Flavour): { im2col: Range[]; inner: Range[]; qntpack: Range[] } {
  const { spec } = layer;
  const p = singleCoreProgram(spec.ifmap.bits, spec.weights.bits, spec.ofmap.bits, flavour);
  const syms = p.elf.symbols;
  const at = (name: string): number => {
    const s = syms.find((x) => x.name === name);
    if (!s) throw new Error(`${p.kernel.name}: no symbol ${name}`);
    return s.value;
  };
  const fn = syms.find((x) => x.name === p.kernel.name)!;
  const pre = `.L${p.kernel.name}_`;
  const pairs = (begin: RegExp, endSuffix: string, beginSuffix: string): Range[] =>
    syms.filter((s) => begin.test(s.name)).map((s) => [s.value, at(s.name.slice(0, -beginSuffix.length) + endSuffix)]);
  const inner = pairs(/_inner_\d+_start$/, '_end', '_start');
  const qnt = pairs(/_qnt_\d+_begin$/, '_end', '_begin');
  const tree = syms.find((s) => s.name === `${pre}qnt_tree`);
  if (tree) qnt.push([tree.value, fn.value + fn.size]);
  return { im2col: [[at(`${pre}im2col`), at(`${pre}matmul_p2`)]], inner, qntpack: qnt };
}

/** Runs the layer on the single-core ISS and counts retired instructions per phase. */
export function profileLayer(layer: Layer, flavour: Flavour = 'xpulpv2'): Profile {
  const r = ranges(layer, flavour);
  // Phase of every half-word of the code, so that each retired instruction costs one lookup.
  const all = [...r.im2col, ...r.inner, ...r.qntpack];
  const lo = Math.min(...all.map(([a]) => a));
  const hi = Math.max(...all.map(([, b]) => b));
  const phaseAt = new Uint8Array((hi - lo) >> 1); // 0 other, 1 im2col, 2 inner, 3 qntpack
  const mark = (rs: Range[], v: number): void => {
    for (const [a, b] of rs) phaseAt.fill(v, (a - lo) >> 1, (b - lo) >> 1);
  };
  mark(r.im2col, 1);
  mark(r.qntpack, 3);
  mark(r.inner, 2);
  const counts = [0, 0, 0, 0];
  const run = runLayer(layer, {
    flavour,
    onRetire: (ret) => {
      const pc = ret.pc;
      counts[pc >= lo && pc < hi ? phaseAt[(pc - lo) >> 1]! : 0]!++;
    },
  });
  const phases = { im2col: counts[1]!, inner: counts[2]!, qntpack: counts[3]!, other: counts[0]! };
  const o = outputShape(layer.spec);
  const { spec } = layer;
  return {
    kernel: run.program.kernel.name,
    run,
    instret: run.instret,
    macs: o.ho * o.wo * o.c * spec.weights.kh * spec.weights.kw * spec.ifmap.c,
    outputs: o.ho * o.wo * o.c,
    phases,
  };
}
