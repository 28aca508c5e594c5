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
  const inAny = (pc: number, rs: Range[]): boolean => rs.some(([a, b]) => pc >= a && pc < b);
  const phases = { im2col: 0, inner: 0, qntpack: 0, other: 0 };
  const run = runLayer(layer, {
    flavour,
    onRetire: (ret) => {
      const pc = ret.pc;
      if (inAny(pc, r.inner)) phases.inner++;
      else if (inAny(pc, r.im2col)) phases.im2col++;
      else if (inAny(pc, r.qntpack)) phases.qntpack++;
      else phases.other++;
    },
  });
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
