// Kernel phases from the labels the pulp-nn-mixed generator puts in its code (kernels/pulp-nn-mixed/README.md,
// templates/): `.L<k>_im2col` starts im2col, `.L<k>_matmul_p2` the MatMul loops that run to the function's end,
// `.L<k>_qnt_<n>_begin`..`_end` the QntPack blocks inside them, `.L<k>_qnt_tree` the threshold-search routine
// called from them. The rest of the kernel (descriptor, work split, row and pixel loops) is `kernel`; code
// outside the kernel (start-up, fork/join, barriers) is `runtime`.
import type { Elf } from '../../kernels/toolchain/elf.ts';
import { CodeMap, type CodeRange } from './code_map.ts';

export const PHASES = ['runtime', 'kernel', 'im2col', 'matmul', 'qntpack'] as const;
export type Phase = (typeof PHASES)[number];

/** The names of the kernel functions in an ELF (pulp-nn-mixed's `conv_u<in>_u<out>_i<w>`). */
export function kernelNames(elf: Elf): string[] {
  return [...new Set(elf.symbols.filter((s) => /^conv_u[248]_u[248]_i[248]$/.test(s.name)).map((s) => s.name))];
}

/** Phase ranges of one kernel; throws naming the missing label when the code lacks one. */
export function kernelPhaseRanges(elf: Elf, kernel: string): CodeRange[] {
  const syms = elf.symbols;
  const at = (name: string): number => {
    const s = syms.find((x) => x.name === name);
    if (!s) throw new Error(`${elf.name}: kernel '${kernel}' has no label '${name}' (not a pulp-nn-mixed kernel?)`);
    return s.value >>> 0;
  };
  const fnLo = at(kernel);
  const fnSym = syms.find((x) => x.name === kernel)!;
  const pre = `.L${kernel}_`;
  let fnHi = fnSym.size > 0 ? fnLo + fnSym.size : 0;
  if (fnHi === 0) {
    // no .size: up to the next non-local-label symbol after the kernel
    const after = syms.filter((s) => s.value > fnLo && !s.name.startsWith('.L') && s.name !== '').map((s) => s.value >>> 0);
    fnHi = after.length > 0 ? Math.min(...after) : Math.max(...syms.filter((s) => s.name.startsWith(pre)).map((s) => s.value >>> 0)) + 4;
  }
  const ranges: CodeRange[] = [
    { name: 'kernel', lo: fnLo, hi: fnHi },
    { name: 'im2col', lo: at(`${pre}im2col`), hi: at(`${pre}matmul_p2`) },
    { name: 'matmul', lo: at(`${pre}matmul_p2`), hi: fnHi },
  ];
  for (const s of syms) {
    const m = new RegExp(`^\\.L${kernel}_(qnt_\\d+)_begin$`).exec(s.name);
    if (m) ranges.push({ name: 'qntpack', lo: s.value >>> 0, hi: at(`${pre}${m[1]}_end`) });
  }
  const tree = syms.find((s) => s.name === `${pre}qnt_tree`);
  if (tree) ranges.push({ name: 'qntpack', lo: tree.value >>> 0, hi: fnHi });
  return ranges;
}

/** Phase map of every pulp-nn-mixed kernel in the ELF; all code is `runtime` when there is none. */
export function phaseMap(elf: Elf): CodeMap {
  const ranges = kernelNames(elf).flatMap((k) => kernelPhaseRanges(elf, k));
  // Fix the name order to PHASES so reports list phases the same way whatever the ELF.
  const order: CodeRange[] = PHASES.slice(1).map((p) => ({ name: p, lo: 0, hi: 0 }));
  return new CodeMap([...order, ...ranges], 'runtime');
}
