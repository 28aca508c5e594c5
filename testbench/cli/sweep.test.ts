import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerSweep } from './sweep.ts';

const FIX = join(import.meta.dirname, '../fixtures/timing/ri5cy');
const dir = mkdtempSync(join(tmpdir(), 'pulpsim-sweepcli-'));
const sweepFile = join(dir, 'lat.json');
writeFileSync(
  sweepFile,
  JSON.stringify({
    jobs: [
      { name: 'alu', kind: 'program', model: 'iss', elf: join(FIX, 'alu_chain.elf') },
      { name: 'short', kind: 'program', model: 'iss', elf: join(FIX, 'branch_loop.elf'), maxCycles: 5 },
    ],
    product: { 'imem.grantDelay': [0, 1, 2] },
  }),
);

async function pulpsim(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const program = new Command().exitOverride().configureOutput({ writeErr: (s) => (err += s), writeOut: (s) => (out += s) });
  registerSweep(program);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  process.exitCode = undefined;
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out, err, code: typeof process.exitCode === 'number' ? process.exitCode : 0 };
  } catch (e) {
    const c = e as { code?: string; exitCode?: number };
    return { out, err, code: c.code?.startsWith('commander.') ? 2 : 3 };
  } finally {
    spy.mockRestore();
    process.exitCode = undefined;
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('pulpsim sweep', () => {
  it('runs a sweep file, prints the table and writes CSV, JSON and HTML; exit 1 when a run fails', async () => {
    const out = join(dir, 'whole');
    const r = await pulpsim(['sweep', sweepFile, '--workers', '0', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^job\s+variation\s+status\s+instret/);
    expect(r.out).toMatch(/alu\s+imem\.grantDelay=1\s+ok/);
    expect(r.out).toMatch(/short\/imem\.grantDelay=0: fail: instruction limit of 5/);
    for (const f of ['results.csv', 'results.json', 'report.html']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'results.csv'), 'utf8').split('\n')[0]).toBe('index,job,variation,config,imem.grantDelay,status,ok,instret,steps,tohost,exit,error');
  });

  it('shards with --shard i/n and merges them into the unsharded result', async () => {
    const whole = join(dir, 'whole2');
    await pulpsim(['sweep', 'run', sweepFile, '--workers', '0', '--out', whole]);
    const parts = [1, 2].map((i) => join(dir, `part${i}`));
    for (const [i, p] of parts.entries()) await pulpsim(['sweep', sweepFile, '--workers', '0', '--shard', `${i + 1}/2`, '--out', p]);
    const merged = join(dir, 'merged');
    const r = await pulpsim(['sweep', 'merge', ...parts, '--out', merged]);
    expect(r.code).toBe(1);
    expect(readFileSync(join(merged, 'results.csv'), 'utf8')).toBe(readFileSync(join(whole, 'results.csv'), 'utf8'));
    const m = await pulpsim(['sweep', 'merge', parts[0]!, '--out', join(dir, 'm2')]);
    expect(m.code).toBe(2);
    expect(m.err).toMatch(/error: the merged shards lack 3 of 6 runs/);
  });

  it('reports sweep file errors before any run, naming the entry (exit 2)', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ jobs: [{ name: 'alu', kind: 'program', elf: join(FIX, 'alu_chain.elf') }], product: { 'imem.grantDelya': [1] } }));
    const r = await pulpsim(['sweep', bad, '--workers', '0', '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`product {imem.grantDelya=1}: unknown parameter 'imem.grantDelya' (did you mean 'imem.grantDelay'?)`);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('lists the parameters of a configuration', async () => {
    const r = await pulpsim(['sweep', 'params', '--config', 'gap8']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^cluster\.tcdm\.banks\s+16\s+a power of two 1\.\.64\s+word-interleaved TCDM banks$/m);
    expect(r.out).toMatch(/^memory\.l2\.base\s+0x1c000000\s/m);
    expect((await pulpsim(['sweep', 'params', '--config', 'nope'])).code).toBe(2);
  });

  it('refuses malformed --shard and --workers values', async () => {
    expect((await pulpsim(['sweep', sweepFile, '--shard', '3/2'])).code).toBe(2);
    expect((await pulpsim(['sweep', sweepFile, '--workers', 'many'])).code).toBe(2);
  });
});
