import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterProgram } from '../../kernels/pulp-nn-mixed/cluster_harness.ts';
import { CodeMap } from './code_map.ts';
import { functionMap } from './code_map.ts';
import { phaseMap } from './phases.ts';

describe('code maps', () => {
  it('a later range paints over an earlier one; uncovered addresses get the outside name', () => {
    const m = new CodeMap(
      [
        { name: 'matmul', lo: 100, hi: 200 },
        { name: 'qnt', lo: 150, hi: 160 },
      ],
      'other',
    );
    expect([99, 100, 149, 150, 159, 160, 199, 200].map((a) => m.nameOf(a))).toEqual(['other', 'matmul', 'matmul', 'qnt', 'qnt', 'matmul', 'matmul', 'other']);
  });

  it('agrees with a direct definition (last covering range wins) for random ranges and addresses', () => {
    const range = fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 100 }), fc.constantFrom('a', 'b', 'c', 'd'));
    fc.assert(
      fc.property(fc.array(range, { maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 520 }), { minLength: 1, maxLength: 40 }), (rs, pcs) => {
        const ranges = rs.map(([lo, len, name]) => ({ name, lo, hi: lo + len }));
        const m = new CodeMap(ranges, 'none');
        for (const pc of pcs) {
          let want = 'none';
          for (const r of ranges) if (pc >= r.lo && pc < r.hi) want = r.name;
          expect(m.nameOf(pc)).toBe(want);
        }
      }),
    );
  });

  it('finds functions and the im2col/MatMul/QntPack phases of a generated kernel', () => {
    const p = clusterProgram({ inBits: 4, wBits: 8, outBits: 2 }, 'xpulpv2', 8);
    const f = functionMap(p.elf);
    const sym = (n: string): number => p.elf.symbols.find((s) => s.name === n)!.value;
    const k = 'conv_u4_u2_i8';
    expect(f.nameOf(sym(k))).toBe(k);
    expect(f.nameOf(sym(`.L${k}_im2col`))).toBe(k); // local labels do not start functions
    expect(f.nameOf(sym('rt_team_barrier'))).toBe('rt_team_barrier');
    const ph = phaseMap(p.elf);
    expect(ph.nameOf(sym(k))).toBe('kernel');
    expect(ph.nameOf(sym(`.L${k}_im2col`))).toBe('im2col');
    expect(ph.nameOf(sym(`.L${k}_matmul_p2`))).toBe('matmul');
    const qb = p.elf.symbols.find((s) => /_qnt_\d+_begin$/.test(s.name))!;
    expect(ph.nameOf(qb.value)).toBe('qntpack');
    const qe = p.elf.symbols.find((s) => s.name === qb.name.replace('_begin', '_end'))!;
    expect(ph.nameOf(qe.value)).toBe('matmul'); // the block ends where MatMul resumes
    expect(ph.nameOf(sym('rt_team_barrier'))).toBe('runtime');
    expect(ph.names.slice(0, 5)).toEqual(['runtime', 'kernel', 'im2col', 'matmul', 'qntpack']);
  });
});
