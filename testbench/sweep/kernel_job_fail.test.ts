// A kernel run whose output is not bit-exact: the row fails, carries the mismatch, and shows no MACs/cycle.
import { describe, expect, it, vi } from 'vitest';

vi.mock('../kernels/conv_run.ts', async (orig) => {
  const real = await orig<typeof import('../kernels/conv_run.ts')>();
  return {
    ...real,
    runConvOnCluster: (...args: Parameters<typeof real.runConvOnCluster>) => {
      const r = real.runConvOnCluster(...args);
      // The kernel's output with one value off, as a broken configuration would leave it.
      return { ...r, bitExact: false, mismatches: 1, first: { y: 0, x: 1, c: 2, got: 7, want: 6 } };
    },
  };
});

const { executeRun } = await import('./execute.ts');
const { parseSweep } = await import('./format.ts');

describe('kernel job with a wrong output', () => {
  it('is a failed row naming the first mismatch, without MACs/cycle', async () => {
    const p = parseSweep(
      JSON.stringify({ jobs: [{ name: 'k', kind: 'kernel', kernel: 'conv_u8_u8_i8', cores: 1, layer: { h: 2, w: 2, cin: 4, cout: 4, k: 1 } }] }),
      '/tmp/f.json',
      '/tmp',
    );
    const run = p.runs[0]!;
    const out = await executeRun({ index: 0, kind: 'kernel', spec: run.spec, config: run.config, maxCycles: run.maxCycles });
    expect(out.status).toBe('fail');
    expect(out.error).toMatch(/not bit-exact: 1 of 16 values differ; first at y=0 x=1 c=2: kernel 7, golden 6/);
    expect(out.metrics.bitExact).toBe(false);
    expect(out.metrics.macsPerCycle).toBeUndefined();
    expect(out.metrics.cycles).toBeGreaterThan(0);
  });
});
