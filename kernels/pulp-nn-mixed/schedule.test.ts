// The inner-loop schedule of each MatMul variant and the QntPack comparison counts, pinned from the generated
// code and from execution. Expected values are the paper's (CF'20 §3): 8-bit weights 6 loads + 8 SIMD MACs
// = 14 instructions per iteration; 4-bit 8 loads, 32 extractions, 16 packs, 16 SIMD MACs = 72; 2-bit 140
// (12 loads, 64 extracts, 32 packs, 32 sdotp, facts §4b). The threshold search makes 4 comparisons per
// 4-bit output and 2 per 2-bit output (CF'20 §4.1, facts §6b). The instruction classes below are this test's
// own reading of the mnemonics, independent of the generator's flavour table.
import { describe, expect, it } from 'vitest';
import { generateLayer } from '../golden/generate.ts';
import type { Precision } from '../golden/layer.ts';
import type { ElfSymbol } from '../toolchain/elf.ts';
import { generateKernel } from './generate.ts';
import { runLayer, singleCoreProgram } from './harness.ts';

type Flavour = 'xpulpv2' | 'corev';
const FLAVOURS: Flavour[] = ['xpulpv2', 'corev'];

interface Instr {
  mnemonic: string;
  ops: string[];
}

function parse(line: string): Instr {
  const t = line.trim();
  const sp = t.search(/\s/);
  const mnemonic = sp < 0 ? t : t.slice(0, sp);
  const rest = sp < 0 ? '' : t.slice(sp + 1);
  return { mnemonic, ops: rest.split(',').map((s) => s.trim()).filter((s) => s !== '') };
}

/** The instructions of the hardware-loop body whose label contains `tag`. */
function loopBody(source: string, tag: string): Instr[] {
  const lines = source.split('\n').map((l) => l.trim());
  const setup = lines.findIndex((l) => /^(lp|cv)\.setup\s/.test(l) && l.includes(tag));
  expect(setup, `no hardware loop ${tag}`).toBeGreaterThanOrEqual(0);
  const label = /(\.L\S+_inner_\d+)_(last|end)$/.exec(lines[setup]!)![1]!;
  const end = lines.indexOf(`${label}_end:`, setup);
  return lines
    .slice(setup + 1, end)
    .filter((l) => l !== '' && !l.endsWith(':') && !l.startsWith('.') && !l.startsWith('#'))
    .map(parse);
}

function classify(i: Instr): 'load' | 'extract' | 'pack' | 'sdotp' | 'other' {
  if (/^(p|cv)\.l[bhw]u?$/.test(i.mnemonic)) return 'load';
  if (/^(p|cv)\.extract$/.test(i.mnemonic)) return 'extract';
  if (/^(pv|cv)\.pack(lo|hi)\.b$/.test(i.mnemonic)) return 'pack';
  if (/^(pv|cv)\.sdotusp\.b$/.test(i.mnemonic)) return 'sdotp';
  return 'other';
}

const REG = /^(zero|ra|sp|gp|tp|t[0-6]|s[0-9]|s1[01]|a[0-7])$/;

/** Registers an instruction reads: every register operand but the destination, plus the destination of the
 * accumulating / merging instructions (sdotp, mac, pack, insert read rd). Memory operands read their base. */
function reads(i: Instr): string[] {
  const regs = (s: string): string[] => s.replace(/[()!]/g, ' ').split(/\s+/).filter((r) => REG.test(r));
  const k = classify(i);
  if (k === 'load') return i.ops.slice(1).flatMap(regs);
  const all = i.ops.flatMap(regs);
  return k === 'sdotp' || k === 'pack' ? all : all.slice(1);
}

/** The RI5CY load-use stalls of a loop body: an instruction reading the register the previous load wrote. The body
 * repeats, so its last instruction precedes its first. */
function loadUseStalls(body: Instr[]): string[] {
  const out: string[] = [];
  for (let n = 0; n < body.length; n++) {
    const prev = body[(n + body.length - 1) % body.length]!;
    if (classify(prev) === 'load' && reads(body[n]!).includes(prev.ops[0]!)) {
      out.push(`${body[n]!.mnemonic} ${body[n]!.ops.join(', ')} after ${prev.mnemonic} ${prev.ops.join(', ')}`);
    }
  }
  return out;
}

describe('load-use check', () => {
  it('finds a use right after the load, also across the loop wrap-around, in both syntaxes', () => {
    const body = ['p.lw t0, 4(s8!)', 'p.extract t2, t0, 3, 0', 'cv.lw a0, (gp), 4', 'pv.sdotusp.b s0, a0, t1'].map(parse);
    expect(loadUseStalls(body)).toHaveLength(2);
    const wrap = ['pv.sdotusp.b s0, a0, t1', 'p.extract t2, t0, 3, 0', 'p.lw a0, 4(gp!)'].map(parse);
    expect(loadUseStalls(wrap)).toEqual(['pv.sdotusp.b s0, a0, t1 after p.lw a0, 4(gp!)']);
    expect(loadUseStalls(['p.lw t0, 4(s8!)', 'p.lw a0, 4(gp!)', 'p.extract t2, t0, 3, 0'].map(parse))).toEqual([]);
  });
});

const EXPECTED: Record<Precision, { total: number; load: number; extract: number; pack: number; sdotp: number }> = {
  8: { total: 14, load: 6, extract: 0, pack: 0, sdotp: 8 },
  4: { total: 72, load: 8, extract: 32, pack: 16, sdotp: 16 },
  2: { total: 140, load: 12, extract: 64, pack: 32, sdotp: 32 },
};

describe('MatMul inner loop, 4 channels x 2 pixels', () => {
  for (const flavour of FLAVOURS) {
    for (const wBits of [8, 4, 2] as const) {
      it(`${wBits}-bit weights (${flavour}): ${EXPECTED[wBits].total} instructions per iteration, no load-use stall`, () => {
        const src = generateKernel({ inBits: 8, wBits, outBits: 8, flavour }).source;
        const body = loopBody(src, 'mm_p2_b4_inner');
        const e = EXPECTED[wBits];
        const count = (k: string): number => body.filter((i) => classify(i) === k).length;
        expect(body.length).toBe(e.total);
        expect({ load: count('load'), extract: count('extract'), pack: count('pack'), sdotp: count('sdotp') }).toEqual({
          load: e.load,
          extract: e.extract,
          pack: e.pack,
          sdotp: e.sdotp,
        });
        expect(count('other')).toBe(0);
        // RI5CY: an instruction reading the register the previous load wrote stalls one cycle.
        expect(loadUseStalls(body)).toEqual([]);
      });
    }
  }

  for (const wBits of [8, 4, 2] as const) {
    it(`${wBits}-bit weights: executes ${EXPECTED[wBits].total} instructions per iteration on the ISS`, () => {
      const spec = { inBits: 8 as const, wBits, outBits: 8 as const, h: 2, w: 4, cin: 16, cout: 8, kh: 3, kw: 3, stride: 1, padding: 1, seed: 5 };
      const program = singleCoreProgram(spec.inBits, spec.wBits, spec.outBits, 'xpulpv2');
      const sym = (suffix: string): ElfSymbol => program.elf.symbols.find((s) => s.name.includes('mm_p2_b4_inner') && s.name.endsWith(suffix))!;
      const start = sym('_start').value;
      const end = sym('_end').value;
      let inLoop = 0;
      let iterations = 0;
      runLayer(generateLayer(spec), {
        onRetire: (r) => {
          if (r.pc >= start && r.pc < end) inLoop++;
          if (r.pc === start) iterations++;
        },
      });
      // 2 x 4 outputs pixels in pairs, 2 channel blocks, 144 / (4, 8, 16) iterations each.
      const perBlock = 144 / (wBits === 8 ? 4 : 32 / wBits);
      expect(iterations).toBe(4 * 2 * perBlock);
      expect(inLoop / iterations).toBe(EXPECTED[wBits].total);
    });
  }
});

/**
 * Every path through the first threshold search of the generated code, as the number of compare-and-branch
 * instructions on it: the 4-bit routine (entry `*_qnt_tree`, paths end at `ret`) or the first inlined 2-bit
 * tree (from the first `lh` after a QntPack block begins, paths end at its `*_qt_done_*` label).
 */
function treePaths(source: string): number[] {
  const lines = source.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  let entry = lines.findIndex((l) => /_qnt_tree:$/.test(l));
  let stop: string | undefined;
  if (entry < 0) {
    const begin = lines.findIndex((l) => /_qnt_\d+_begin:$/.test(l));
    expect(begin).toBeGreaterThanOrEqual(0);
    entry = lines.findIndex((l, n) => n > begin && l.startsWith('lh ')) - 1;
    stop = lines.find((l, n) => n > entry && /_qt_done_\d+:$/.test(l))!.slice(0, -1);
  }
  const labelAt = new Map<string, number>();
  for (let n = 0; n < lines.length; n++) if (lines[n]!.endsWith(':')) labelAt.set(lines[n]!.slice(0, -1), n);
  const paths: number[] = [];
  const walk = (n: number, branches: number, depth: number): void => {
    if (depth > 64) throw new Error('the search does not terminate');
    for (; n < lines.length; n++) {
      const l = lines[n]!;
      if (stop && l === `${stop}:`) {
        paths.push(branches);
        return;
      }
      if (l.endsWith(':') || l.startsWith('.')) continue;
      const i = parse(l);
      if (i.mnemonic === 'ret') {
        paths.push(branches);
        return;
      }
      if (i.mnemonic === 'j') return walk(labelAt.get(i.ops[0]!)!, branches, depth + 1);
      if (/^b(ge|lt|eq|ne|geu|ltu|le|gt)$/.test(i.mnemonic)) {
        walk(labelAt.get(i.ops[2]!)!, branches + 1, depth + 1);
        branches++;
      }
    }
    throw new Error('a path runs off the code');
  };
  walk(entry + 1, 0, 0);
  return paths;
}

describe('QntPack threshold search', () => {
  for (const flavour of FLAVOURS) {
    for (const [outBits, cmp] of [[4, 4], [2, 2]] as const) {
      it(`${outBits}-bit outputs (${flavour}): every path makes ${cmp} comparisons, ${1 << outBits} leaves`, () => {
        const paths = treePaths(generateKernel({ inBits: 8, wBits: 8, outBits, flavour }).source);
        expect(paths.length).toBe(1 << outBits);
        expect(new Set(paths)).toEqual(new Set([cmp]));
      });
    }
  }

  it('8-bit outputs have no threshold search and no branch in QntPack', () => {
    const src = generateKernel({ inBits: 8, wBits: 8, outBits: 8, flavour: 'xpulpv2' }).source;
    expect(src).not.toMatch(/qnt_tree|qt_done/);
    const lines = src.split('\n').map((l) => l.trim());
    const begin = lines.findIndex((l) => /_qnt_\d+_begin:$/.test(l));
    const end = lines.findIndex((l, n) => n > begin && /_qnt_\d+_end:$/.test(l));
    expect(end).toBeGreaterThan(begin + 10);
    expect(lines.slice(begin, end).filter((l) => /^(b|j)[a-z]*\s/.test(l))).toEqual([]);
  });

  for (const [outBits, cmp] of [[8, 0], [4, 4], [2, 2]] as const) {
    it(`${outBits}-bit outputs: the ISS executes ${cmp} comparisons per output`, () => {
      const spec = { inBits: 8 as const, wBits: 8 as const, outBits, h: 3, w: 3, cin: 8, cout: 8, kh: 3, kw: 3, stride: 1, padding: 1, seed: 9 };
      const program = singleCoreProgram(8, 8, outBits, 'xpulpv2');
      const syms = program.elf.symbols;
      const fn = syms.find((s) => s.name === program.kernel.name)!;
      const regions: Array<[number, number]> = syms
        .filter((s) => /_qnt_\d+_begin$/.test(s.name))
        .map((s) => [s.value, syms.find((e) => e.name === s.name.replace(/_begin$/, '_end'))!.value]);
      const tree = syms.find((s) => s.name.endsWith('_qnt_tree'));
      if (tree) regions.push([tree.value, fn.value + fn.size]);
      expect(regions.length).toBeGreaterThan(0);
      let branches = 0;
      runLayer(generateLayer(spec), {
        onRetire: (r) => {
          if (r.id !== null && /^(beq|bne|blt|bge|c\.beqz|c\.bnez|p\.beqimm|p\.bneimm)/.test(r.id) && regions.some(([a, b]) => r.pc >= a && r.pc < b)) branches++;
        },
      });
      expect(branches).toBe(cmp * 3 * 3 * 8);
    });
  }
});
