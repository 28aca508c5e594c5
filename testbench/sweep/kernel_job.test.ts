// The `kernel` job kind: sweep entries checked before any run (unknown parameters, the XpulpNN variant without the
// extension or on 8-bit activations, bad kernel names and layers), and tiny-layer runs on the cluster that are
// bit-exact and report MACs/cycle; a run that cannot finish becomes an error row while the others go on.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerMacs } from '../kernels/conv_run.ts';
import { executeRun } from './execute.ts';
import { SweepError, parseSweep } from './format.ts';
import { jobLayer, type KernelJob } from './kernel_job.ts';
import { runSweep } from './runner.ts';

const TINY = { h: 4, w: 4, cin: 8, cout: 8, k: 3, stride: 1, pad: 1 };
const plan = (doc: object) => parseSweep(JSON.stringify(doc), join('/tmp', 'k.json'), '/tmp');
const errorsOf = (doc: object): string[] => {
  try {
    plan(doc);
  } catch (e) {
    if (e instanceof SweepError) return e.errors;
    throw e;
  }
  throw new Error('the sweep was accepted');
};

describe('kernel jobs: checked before any run', () => {
  it('names the entry of an unknown parameter, a bad kernel, a bad layer field and a variant of an 8-bit-activation kernel', () => {
    const errs = errorsOf({
      jobs: [
        { name: 'a', kind: 'kernel', kernel: 'conv_u4_u8_i3', layer: TINY },
        { name: 'b', kind: 'kernel', kernel: 'conv_u8_u8_i4', xpulpnn: true, layer: TINY },
        { name: 'c', kind: 'kernel', kernel: 'conv_u4_u8_i4', layer: { ...TINY, depth: 3 } },
        { name: 'd', kind: 'kernel', kernel: 'conv_u4_u8_i4', layer: TINY, xpulpn: true },
      ],
    });
    const all = errs.join('\n');
    expect(all).toMatch(/jobs\[0\] "a": "kernel": 'conv_u4_u8_i3' is not a kernel/);
    expect(all).toMatch(/jobs\[1\] "b": "xpulpnn": conv_u8_u8_i4 has no XpulpNN variant: 8-bit activations/);
    expect(all).toMatch(/jobs\[2\] "c": "layer": unknown field "depth"/);
    expect(all).toMatch(/jobs\[3\] "d": unknown field "xpulpn" for kind kernel \(did you mean "xpulpnn"\?\)/);
    const param = errorsOf({ jobs: [{ name: 'k', kind: 'kernel', kernel: 'conv_u4_u8_i4', layer: TINY }], product: { 'tcdm.bankz': [8, 16] } });
    expect(param.join('\n')).toMatch(/product \{tcdm\.bankz=8\}: unknown parameter 'tcdm\.bankz'/);
  });

  it('refuses the XpulpNN variant on a run without the extension, naming the run', () => {
    const errs = errorsOf({
      jobs: [{ name: 'nn', kind: 'kernel', kernel: 'conv_u2_u8_i2', xpulpnn: true, layer: TINY }],
      variations: [{ name: 'with', set: { 'core.isa.xpulpnn': true } }, { name: 'without' }],
    });
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/run "nn\/without" .*needs the extension: set core\.isa\.xpulpnn=true/);
  });

  it('refuses a single-core configuration and a layer the kernels cannot hold', () => {
    const errs = errorsOf({
      jobs: [
        { name: 'one', kind: 'kernel', kernel: 'conv_u8_u8_i8', layer: TINY, config: 'ri5cy' },
        { name: 'big', kind: 'kernel', kernel: 'conv_u8_u8_i8', layer: { h: 64, w: 64, cin: 64, cout: 64, k: 3, pad: 1 } },
      ],
    });
    expect(errs.join('\n')).toMatch(/run "one\/base".*runs on the GAP-8 cluster/);
    expect(errs.join('\n')).toMatch(/run "big\/base".*L1: the layer needs/);
  });
});

describe('kernel jobs: runs', () => {
  it('runs the baseline and the XpulpNN variant bit-exact on 2 cores of a tiny layer; MACs/cycle = MACs / cycles', async () => {
    const p = plan({
      set: { 'core.isa.xpulpnn': true },
      jobs: [
        { name: 'base', kind: 'kernel', kernel: 'conv_u2_u8_i2', cores: 2, layer: TINY },
        { name: 'nn', kind: 'kernel', kernel: 'conv_u2_u8_i2', xpulpnn: true, cores: 2, layer: TINY },
      ],
    });
    const r = await runSweep(p, { workers: 0 });
    expect(r.rows.map((x) => x.status)).toEqual(['ok', 'ok']);
    // 4x4 outputs x 8 channels x 3*3*8 taps, counted independently of the harness.
    const macs = 4 * 4 * 8 * 3 * 3 * 8;
    expect(layerMacs(jobLayer(p.runs[0]!.spec as KernelJob))).toBe(macs);
    for (const row of r.rows) {
      expect(row.metrics.bitExact).toBe(true);
      expect(row.metrics.cores).toBe(2);
      expect(row.metrics.macs).toBe(macs);
      expect(row.metrics.macsPerCycle).toBeCloseTo(macs / (row.metrics.cycles as number), 9);
      expect(row.metrics.matmulCoreCycles).toBeGreaterThan(0);
    }
    // 2-bit x 2-bit: 128 MACs per 14-instruction iteration instead of 140.
    expect(r.rows[1]!.metrics.cycles as number).toBeLessThan(r.rows[0]!.metrics.cycles as number);
  });

  it('a run that cannot finish (the variant on a core without the extension, past the check) is an error row', async () => {
    const p = plan({ set: { 'core.isa.xpulpnn': true }, jobs: [{ name: 'nn', kind: 'kernel', kernel: 'conv_u4_u8_i4', xpulpnn: true, cores: 2, layer: TINY }] });
    const run = p.runs[0]!;
    const config = structuredClone(run.config) as typeof run.config & { core: { isa?: { xpulpnn?: boolean } } };
    config.core.isa = { xpulpnn: false };
    const out = await executeRun({ index: 0, kind: 'kernel', spec: run.spec, config, maxCycles: 30_000 });
    expect(out.status).not.toBe('ok');
    expect(out.metrics.macsPerCycle).toBeUndefined();
  });
});
