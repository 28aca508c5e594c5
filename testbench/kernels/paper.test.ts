// The reproduction's arithmetic on hand-made measurements (no simulation): Fig. 4 drops, Table 1 means and
// spreads, speed-up and peak, which comparisons are flagged beyond 10% and explained, the JSON shape, and the
// cycle accounting of the explanations.
import { describe, expect, it } from 'vitest';
import type { Precision } from '../../kernels/golden/layer.ts';
import { kernelName, PRECISION_TRIPLES } from '../../kernels/pulp-nn-mixed/generate.ts';
import { cycleAccount, formatPaper, paperReport } from './paper.ts';
import type { Measurement, PaperJob } from './paper_jobs.ts';
import { PERF_EVENTS, type PerfEvent, PHASES, type Phase } from './phases.ts';

const events = (over: Partial<Record<PerfEvent, number>> = {}): Record<PerfEvent, number> =>
  ({ ...Object.fromEntries(PERF_EVENTS.map((e) => [e, 0])), ...over }) as Record<PerfEvent, number>;

function measurement(job: PaperJob, o: { cycles: number; macs: number; linear?: number; qnt?: number; inner?: number }): Measurement {
  const phases = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  phases.matmul = o.cycles;
  return {
    job,
    kernel: kernelName(job.bits),
    cycles: o.cycles,
    macs: o.macs,
    outputs: 64,
    macsPerCycle: o.macs / o.cycles,
    linearMacsPerCycle: o.linear ?? o.macs / o.cycles,
    bitExact: true,
    mismatch: 'bit-exact',
    phases,
    phaseEvents: Object.fromEntries(PHASES.map((p) => [p, events({ cycles: 10 })])) as Record<Phase, Record<PerfEvent, number>>,
    inner: { cyclesPerIteration: o.inner ?? 14, steadyCycles: o.inner ?? 14, steadyShare: 1, otherLengths: 0, iterations: 10, cycles: 140, instructions: o.inner ?? 14 },
    qntpack: { cyclesPerOutput: o.qnt ?? 2, spread: 0.5, blocks: 16 },
    seconds: 1,
    simulatedCycles: o.cycles + 1000,
  };
}

const linearOf: Record<Precision, number> = { 8: 2.0, 4: 0.8, 2: 0.85 };
const innerOf: Record<Precision, number> = { 8: 14, 4: 72, 2: 140 };
const qntOf = (out: Precision, inBits: Precision): number => (out === 8 ? 2.0 : out === 4 ? 30 + (inBits === 8 ? -1 : inBits === 2 ? 1 : 0) : 8.0);

function quickSet(): Measurement[] {
  const ms: Measurement[] = [];
  for (const bits of PRECISION_TRIPLES) {
    ms.push(measurement({ bits, cores: 1, layer: 'row' }, { cycles: 1000, macs: 1500, linear: linearOf[bits.wBits], qnt: qntOf(bits.outBits, bits.inBits), inner: innerOf[bits.wBits] }));
    ms.push(measurement({ bits, cores: 8, layer: 'small' }, { cycles: 500, macs: 1000 }));
  }
  const b8 = { inBits: 8, wBits: 8, outBits: 8 } as const;
  ms.push(measurement({ bits: b8, cores: 1, layer: 'reference' }, { cycles: 7500, macs: 16000 }));
  ms.push(measurement({ bits: b8, cores: 8, layer: 'reference' }, { cycles: 1000, macs: 16000 }));
  return ms;
}

describe('paperReport', () => {
  const r = paperReport(quickSet(), { mode: 'quick', seconds: 12, workers: 2 });

  it('Fig. 4: mean MACs/cycle per weight precision and the drops against 8-bit weights', () => {
    expect(r.paper.fig4.macsPerCycleByWeight[8]).toBeCloseTo(2.0, 12);
    expect(r.paper.fig4.drop[4].ours).toBeCloseTo(2.0 / 0.8, 12);
    expect(r.paper.fig4.drop[2].ours).toBeCloseTo(2.0 / 0.85, 12);
    expect(r.paper.fig4.drop[4].paper).toBe(2.5);
    expect(r.paper.fig4.drop[2].paper).toBe(2.43);
  });

  it('Table 1: mean over the 9 kernels of an ofmap precision and their spread', () => {
    expect(r.paper.table1[4].ours).toBeCloseTo(30, 12);
    // three ifmap precisions at 29, 30, 31, three kernels each: population std sqrt(2/3)
    expect(r.paper.table1[4].acrossKernels).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(r.paper.table1[8].acrossKernels).toBe(0);
    expect(r.paper.table1[4].paper).toEqual({ mean: 16.64, spread: 4.47 });
  });

  it('speed-up from the 8-bit kernel on 1 and 8 cores, peak from the 8-core runs on the reference layer', () => {
    expect(r.paper.speedup.ours).toBeCloseTo(7.5, 12);
    expect(r.paper.speedup.layer).toBe('reference');
    expect(r.paper.peak.ours).toBeCloseTo(16, 12);
    expect(r.paper.peak.layer).toBe('reference');
  });

  it('flags and explains only the figures more than 10% off', () => {
    const off = r.paper.comparisons.filter((c) => !c.within10).map((c) => c.quantity);
    // 4-bit Table 1: 30 / 16.64 = 1.80; 2-bit drop 2.35 / 2.43 = 0.97 stays within
    expect(off).toEqual(['Table 1: QntPack cycles/output, 4-bit ofmaps']);
    for (const c of r.paper.comparisons) expect(c.explanation !== undefined).toBe(!c.within10);
    expect(r.paper.comparisons.find((c) => !c.within10)!.explanation).toMatch(/called routine.*cycles per output/);
  });

  it('JSON rows: one per kernel with bit-exactness on 1 and 8 cores and the per-kernel figures', () => {
    expect(r.kernels).toHaveLength(27);
    const k = r.kernels.find((x) => x.name === 'conv_u4_u2_i8')!;
    expect(k.bitExact).toEqual({ c1: true, c8: true });
    expect(k.macsPerCycle1).toBeCloseTo(1.5, 12);
    expect(k.macsPerCycle8).toBeCloseTo(2, 12);
    expect(k.qntpackCyclesPerPixel).toBe(8);
    expect(k.layers).toEqual({ c1: 'row', c8: 'small' });
    expect(r.paper.allBitExact).toBe(true);
    const text = formatPaper(r);
    expect(text).toMatch(/conv_u4_u2_i8\tyes\tyes/);
    expect(text).toMatch(/Table 1: QntPack cycles\/output, 4-bit ofmaps\t30\.00\t16\.64\t1\.80  \(>10%\)/);
  });
});

describe('cycleAccount', () => {
  it('splits cycles into instructions, stalls and refetch bubbles per unit', () => {
    const ev = events({ cycles: 100, instructions: 60, loadStalls: 10, imissCycles: 5, tcdmContention: 5, takenBranches: 5, jumps: 10 });
    expect(cycleAccount(ev, 10, 'output')).toBe(
      '10.00 cycles per output = 6.00 instructions + 1.00 load-use stalls + 0.00 jr stalls + 0.50 I$-miss cycles + ' +
        '0.50 TCDM-contention cycles + 2.00 refetch and other cycles (0.50 taken branches x 2 + 1.00 jumps x 1 = 2.00)',
    );
  });
});
