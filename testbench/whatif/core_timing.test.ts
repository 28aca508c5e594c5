// The core's what-if timing (rtl/config CoreTiming: core.branch, core.loadUseCycles, core.mulCycles,
// core.mulhCycles, core.divCycles) on the RTL timing vectors: each region's cycles under a what-if value are the
// RTL-measured cycles (testbench/fixtures/timing) plus a delta worked out by hand from the parameter's definition
// (never read off the model). The regions are the vectors' own (`TSTART`/`TEND`, one cycle per instruction
// issue slot plus stalls, fact sheet §1.4). The results stay those of the golden ISS: lockstep below.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CoreTiming, type CoreVersion, preset } from '../../rtl/config/index.ts';
import { isaPrograms, linkIsaProgram } from '../../kernels/tests/isa/programs.ts';
import { Lockstep } from '../lockstep/lockstep.ts';
import { buildProgram, programArb } from '../lockstep/random_program.ts';
import { Testbench } from '../system/testbench.ts';
import { timingVectors } from '../timing/vectors.ts';

type Timing = Partial<CoreTiming>;

/** A vector's region results under `timing` (the vector's own port timings). */
function regions(version: CoreVersion, name: string, timing: Timing): { rtl: number[]; got: number[] } {
  const v = timingVectors(version).find((x) => x.name === name)!;
  const cfg = { ...preset(version), imem: v.imem, dmem: v.dmem };
  Object.assign(cfg.core, timing);
  const r = new Testbench(cfg, readFileSync(v.elf)).run(v.total_cycles * 4 + 1000);
  expect(r.exit, r.message).toBe('tohost');
  expect(r.tohost, 'the vector checks its own results').toBe(1);
  return { rtl: v.results, got: r.results };
}

const plus = (a: number[], d: number[]): number[] => a.map((x, k) => x + d[k]!);
const times = (k: number, d: number[]): number[] => d.map((x) => k * x);

// The vectors below are the same programs with the same RTL results on both RI5CY versions.
describe.each(['ri5cy', 'ri5cy_v1'] as const)('what-if core timing on %s', (version) => {
  describe('core.branch=btfn', () => {
    it('branch_loop: a taken backward branch costs 2 cycles instead of 3, the exit (not taken) 3 instead of 1', () => {
      // region 0: 10 iterations of addi, addi, bnez: 9 taken (-1 each), 1 exit (+2) = -7;
      // region 1: 100 iterations of lw, add (load-use), addi, bnez: 99 taken, 1 exit = -97
      const { rtl, got } = regions(version, 'branch_loop', { branch: 'btfn' });
      expect(got).toEqual(plus(rtl, [-9 + 2, -99 + 2]));
    });
    it('bneimm: forward branches keep the RTL timing (predicted not taken; taken 3, not taken 1)', () => {
      const { rtl, got } = regions(version, 'bneimm', { branch: 'btfn' });
      expect(got).toEqual(rtl);
    });
  });

  describe('core.loadUseCycles', () => {
    // load_use regions and their load-use pairs (a use right behind the load, or two instructions behind it
    // when nothing else stalls it): lw+addi (1), lw+add (1), lw,lw+add (the second load's, 1), 4 x lw+addi (4),
    // lw+sw of the loaded word (1), 4 chained lw through their address (3), lbu+addi and lh+addi (2)
    const pairs = [1, 1, 1, 4, 1, 3, 2];
    it.each([2, 3, 5])('load_use at %i: n - 1 more cycles per load-use pair', (n) => {
      const { rtl, got } = regions(version, 'load_use', { loadUseCycles: n });
      expect(got).toEqual(plus(rtl, times(n - 1, pairs)));
    });
    it('load_use at 0: no bubble for ALU users; a load or store whose address or data is the loaded value keeps its one', () => {
      // regions 4 (sw of the loaded word) and 5 (address chain) use the value in the LSU request
      const { rtl, got } = regions(version, 'load_use', { loadUseCycles: 0 });
      expect(got).toEqual(plus(rtl, [-1, -1, -1, -4, 0, 0, -2]));
    });
    it.each([0, 2, 3])('branch_loop and bneimm at %i: one load-use pair per loop iteration, one in bneimm\'s third region', (n) => {
      const loop = regions(version, 'branch_loop', { loadUseCycles: n });
      expect(loop.got).toEqual(plus(loop.rtl, [0, (n - 1) * 100]));
      const b = regions(version, 'bneimm', { loadUseCycles: n });
      expect(b.got).toEqual(plus(b.rtl, [0, 0, n - 1]));
    });
  });

  describe('multiplier and divider latencies', () => {
    it.each([2, 3, 7])('mul_chain with core.mulCycles=%i: every mul and 16-bit multiply takes that many cycles', (k) => {
      // 8 chained muls; mul, addi, mul; six p.mul* 16-bit multiplies (each: 1 cycle in the RTL)
      const { rtl, got } = regions(version, 'mul_chain', { mulCycles: k });
      expect(rtl).toEqual([8, 3, 6]);
      expect(got).toEqual([8 * k, 2 * k + 1, 6 * k]);
    });
    it.each([1, 2, 3, 9])('mulhu with core.mulhCycles=%i: the MULH FSM takes that many cycles', (m) => {
      // mulhu; mulhu + dependent addi (forwarded, no stall); two mulhu (RTL: 5, 6, 10)
      const { rtl, got } = regions(version, 'mulhu', { mulhCycles: m });
      expect(rtl).toEqual([5, 6, 10]);
      expect(got).toEqual([m, m + 1, 2 * m]);
    });
    it('core.mulCycles leaves mulh alone and core.mulhCycles leaves mul alone', () => {
      expect(regions(version, 'mulhu', { mulCycles: 4 }).got).toEqual([5, 6, 10]);
      expect(regions(version, 'mul_chain', { mulhCycles: 9 }).got).toEqual([8, 3, 6]);
    });
    it.each([1, 2, 3, 10, 40])('div_small_pos with core.divCycles=%i: every division takes that many, whatever the divisor', (n) => {
      // four divisions (RTL 33, 32, 28, 25 cycles by the divisor), each alone and with a dependent addi
      const { rtl, got } = regions(version, 'div_small_pos', { divCycles: n });
      expect(rtl).toEqual([33, 34, 32, 33, 28, 29, 25, 26]);
      expect(got).toEqual([n, n + 1, n, n + 1, n, n + 1, n, n + 1]);
    });
  });
});

describe('what-if core timing: the RTL values written out are the RTL', () => {
  it.each(['ri5cy', 'ri5cy_v1', 'cv32e40p'] as const)('%s: every timing vector exact with the timing set explicitly', (version) => {
    for (const v of timingVectors(version).filter((x) => !x.name.includes('@'))) {
      const cfg = { ...preset(version), imem: v.imem, dmem: v.dmem };
      Object.assign(cfg.core, { branch: 'rtl', loadUseCycles: 1, mulCycles: 1, mulhCycles: 5, divCycles: 0 } satisfies CoreTiming);
      const r = new Testbench(cfg, readFileSync(v.elf)).run(v.total_cycles + 100);
      expect([v.name, r.cycles, r.results]).toEqual([v.name, v.total_cycles, v.results]);
    }
  });
});

// Functional equality: under every what-if timing the core retires exactly what the golden ISS retires, on the
// ISA programs and on random programs (branches, loads/stores aligned and split, mul/div chains, hardware loops),
// with single-cycle memories and with slow ones (grants and responses late).
const VARIANTS: Array<[string, Timing]> = [
  ['btfn', { branch: 'btfn' }],
  ['load-use 0', { loadUseCycles: 0 }],
  ['load-use 3', { loadUseCycles: 3 }],
  ['mul 3, mulh 2, div 1', { mulCycles: 3, mulhCycles: 2, divCycles: 1 }],
  ['mul 2, mulh 1, div 2', { mulCycles: 2, mulhCycles: 1, divCycles: 2 }],
  ['btfn, load-use 0, mul 2, div 4', { branch: 'btfn', loadUseCycles: 0, mulCycles: 2, divCycles: 4 }],
  ['btfn, load-use 2, mulh 9, div 7', { branch: 'btfn', loadUseCycles: 2, mulhCycles: 9, divCycles: 7 }],
];

describe.each(['ri5cy', 'ri5cy_v1', 'cv32e40p'] as const)('what-if core timing in lockstep with the ISS on %s', (version) => {
  it.each(VARIANTS)('%s', (_name, timing) => {
    for (const slow of [false, true]) {
      const cfg = preset(version);
      Object.assign(cfg.core, timing);
      if (slow) {
        cfg.imem = { grantDelay: 1, responseDelay: 2 };
        cfg.dmem = { grantDelay: 1, responseDelay: 3 };
      }
      // the ISA programs once (with slow memories), random programs with both
      if (slow) for (const p of isaPrograms().filter((x) => x.versions.includes(version))) {
        const r = new Lockstep(new Testbench(cfg, linkIsaProgram(p.source, p.file, cfg))).run(400_000);
        expect(r.divergence?.report ?? 'none', p.name).toBe('none');
        expect(r.run.tohost, p.name).toBe(1);
      }
      fc.assert(
        fc.property(programArb({ hwloops: true, corev: version === 'cv32e40p' }), (p) => {
          const { elf, source } = buildProgram(p, cfg);
          const r = new Lockstep(new Testbench(cfg, elf)).run(100_000);
          if (r.divergence) throw new Error(`${r.divergence.report}\n--- program ---\n${source}`);
          expect(r.run.exit, r.run.message).toBe('tohost');
          expect(r.run.tohost).toBe(1);
        }),
        { numRuns: 8, seed: 0x71f + (slow ? 1 : 0) },
      );
    }
  });
});
