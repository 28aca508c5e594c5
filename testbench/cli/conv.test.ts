// `pulpsim conv` through the real CLI process: the NumPy fixtures (kernels/golden/fixtures/layers, y_ref.npy made
// by NumPy independently of this code) reproduced bit for bit on 1 and 8 cores for every output and weight
// precision, --save then --layer round trip, and refusals of bad layers naming the file, field or limit.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../kernels/golden/npy.ts';

const FIX = 'kernels/golden/fixtures/layers';

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'testbench/cli/main.ts', 'conv', ...args]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'pulpsim-conv-'));

describe('pulpsim conv --layer reproduces the NumPy fixtures', () => {
  // Every output precision (8, 4, 2) and every weight precision (8, 4, 2) among the three.
  const layers = ['u8_u8_i8_p1_s1', 'u4_u4_i4_p0_s2', 'u2_u2_i2_p1_s2'];
  for (const name of layers) {
    it(`${name} on 1 and 8 cores`, async () => {
      const want = readNpy(join(FIX, name, 'y_ref.npy'));
      const outs = [tmp(), tmp()];
      const runs = await Promise.all([1, 8].map((cores, i) => cli(['--layer', join(FIX, name), '--out', outs[i]!, '--cores', String(cores), '--json'])));
      for (const [i, r] of runs.entries()) {
        expect(r.status, r.stderr).toBe(0);
        const j = JSON.parse(r.stdout) as { bitExact: boolean; cores: number; kernel: string; cycles: number; macs: number; phases: Record<string, number> };
        expect(j.bitExact).toBe(true);
        expect(j.cores).toBe(i === 0 ? 1 : 8);
        expect(j.kernel).toBe(`conv_${name.split('_').slice(0, 3).join('_')}`);
        expect(j.cycles).toBeGreaterThan(0);
        expect(Object.keys(j.phases).sort()).toEqual(['barrier', 'control', 'im2col', 'matmul', 'qntpack']);
        const got = readNpy(join(outs[i]!, 'y.npy'));
        expect(got.dtype).toBe('|u1');
        expect(got.shape).toEqual(want.shape);
        expect(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength).equals(Buffer.from(want.data.buffer, want.data.byteOffset, want.data.byteLength))).toBe(true);
      }
    }, 180_000);
  }
});

describe('pulpsim conv: generated layers', () => {
  it('--save then --layer: the same layer, the same cycles, y.npy = the saved golden output', async () => {
    const dir = join(tmp(), 'layer');
    const a = await cli(['--in', '2', '--w', '4', '--out', '8', '--h', '3', '--width', '4', '--cin', '8', '--cout', '4', '--seed', '9', '--save', dir, '--json']);
    expect(a.status, a.stderr).toBe(0);
    for (const f of ['layer.json', 'x.npy', 'w.npy', 'kappa.npy', 'lambda.npy', 'y.npy']) expect(existsSync(join(dir, f)), f).toBe(true);
    const spec = JSON.parse(readFileSync(join(dir, 'layer.json'), 'utf8')) as { ifmap: { h: number; w: number; c: number; bits: number }; weights: { bits: number } };
    expect(spec.ifmap).toEqual({ h: 3, w: 4, c: 8, bits: 2 });
    expect(spec.weights.bits).toBe(4);
    const out = tmp();
    const b = await cli(['--layer', dir, '--out', out, '--json']);
    expect(b.status, b.stderr).toBe(0);
    const ja = JSON.parse(a.stdout) as { cycles: number; kernel: string; macs: number };
    const jb = JSON.parse(b.stdout) as { cycles: number; kernel: string; macs: number; layerOutputMismatches: number };
    expect(jb.kernel).toBe('conv_u2_u8_i4');
    expect(jb.cycles).toBe(ja.cycles);
    // 3x4 outputs (pad 1) of 4 channels, 3*3*8 MACs each
    expect(jb.macs).toBe(3 * 4 * 4 * 72);
    expect(jb.layerOutputMismatches).toBe(0);
    expect(readFileSync(join(out, 'y.npy')).equals(readFileSync(join(dir, 'y.npy')))).toBe(true);
  }, 120_000);

  it('a wrong y.npy in the layer directory is a mismatch: exit 1', async () => {
    const dir = join(tmp(), 'layer');
    cpSync(join(FIX, 'u8_u8_i8_p1_s1'), dir, { recursive: true });
    const y = readFileSync(join(dir, 'y_ref.npy'));
    y[y.length - 1] = y[y.length - 1]! ^ 1;
    writeFileSync(join(dir, 'y.npy'), y);
    const r = await cli(['--layer', dir, '--cores', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/y\.npy: 1 outputs differ/);
    expect(r.stdout).toMatch(/golden: bit-exact/);
  }, 60_000);
});

describe('pulpsim conv: a run that does not complete', () => {
  it('exits 1 naming the cycle limit', async () => {
    const r = await cli(['--in', '8', '--w', '8', '--out', '8', '--h', '2', '--cin', '4', '--cout', '4', '--cores', '1', '--max-cycles', '2000']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/conv_u8_u8_i8 on 1 core\(s\) did not end normally: cycle limit of 2000 reached/);
  }, 60_000);
});

describe('pulpsim conv refuses bad layers before running them (exit 2)', () => {
  it('names the file and field of a bad layer.json', async () => {
    const dir = join(tmp(), 'layer');
    cpSync(join(FIX, 'u8_u8_i8_p1_s1'), dir, { recursive: true });
    const spec = JSON.parse(readFileSync(join(dir, 'layer.json'), 'utf8')) as { ifmap: { bits: number } };
    spec.ifmap.bits = 3;
    writeFileSync(join(dir, 'layer.json'), JSON.stringify(spec));
    const r = await cli(['--layer', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/layer\.json: ifmap\.bits: expected one of 2, 4, 8, got 3/);
  }, 60_000);

  it('names a corrupt array file', async () => {
    const dir = join(tmp(), 'layer');
    cpSync(join(FIX, 'u4_u4_i4_p0_s2'), dir, { recursive: true });
    writeFileSync(join(dir, 'x.npy'), 'not an npy file');
    const r = await cli(['--layer', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/x\.npy/);
  }, 60_000);

  it('names the limit of a layer the kernels cannot run (2-bit outputs need a multiple of 4 channels)', async () => {
    // u4_u2_i8_p0_s1_k2x3 has 3 output channels at 2 bits: 6 bits per pixel.
    const r = await cli(['--layer', join(FIX, 'u4_u2_i8_p0_s1_k2x3')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot run this layer .*ofmap\.c \(3\) must be a multiple of 4 for 2-bit packing/);
    expect(r.stdout).toBe('');
  }, 60_000);

  it('names the L1 limit of a layer too big for the TCDM', async () => {
    const r = await cli(['--in', '8', '--w', '8', '--out', '8', '--h', '64', '--cin', '64', '--cout', '64']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/L1: the layer needs \d+ bytes .* but the L1 holds \d+/);
  }, 60_000);

  it('usage: precisions and --layer do not mix; bits must be 2, 4 or 8', async () => {
    const a = await cli(['--layer', join(FIX, 'u8_u8_i8_p1_s1'), '--in', '8']);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/drop --in/);
    const b = await cli(['--in', '3', '--w', '8', '--out', '8']);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/--in '3' must be 2, 4 or 8/);
  }, 60_000);
});
