// bin/pulpsim.mjs runs the CLI from a cached bundle (bin/cli_bundle.mjs) or, failing that, from the sources through
// tsx. Both paths must print the same thing, the bundle must keep each source file's import.meta location (the
// cluster runtime's sources are found beside kernels/runtime/runtime.ts), worker threads started from the bundle
// must run the bundled workers, what a command learned (sim/learn_store.ts) must serve the next one of the same
// build, and an edited source must be rebuilt into the bundle, never run stale. The rebuild test works on a copy
// of the sources inside node_modules/.cache (so the copy resolves the checkout's npm packages and its own cache is
// its own).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, type CliOutput, ROOT, runCli } from './spawn_cli.ts';
import { bundledEntry, bundleLearnStore } from './bundled.ts';

const pulpsim = (bin: string, args: string[], env: Record<string, string>): Promise<CliOutput> => runCli(args, { bin, env });

const BUNDLE = { PULPSIM_BUNDLE: 'debug' };
const TSX = { PULPSIM_BUNDLE: '0' };
/** What the debug output says when the command ran from the bundle (and not from tsx after a failure). */
const FROM_BUNDLE = /^pulpsim: bundle: (reusing|built) /m;

const scratch = join(ROOT, 'node_modules/.cache');
mkdirSync(scratch, { recursive: true });
const tmp = mkdtempSync(join(scratch, 'pulpsim-bundle-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A cluster program: passes (main returns 0) when linked for 4 cores; rt.inc comes from the runtime's folder. */
const PROGRAM = ['.include "rt.inc"', '  .text', '  .globl main', 'main:', '  li a0, RT_NB_CORES - 4', '  ret', ''].join('\n');

describe('bundle and tsx paths', () => {
  it('print the same help, link and run the same cluster program, and report a model error alike', async () => {
    const src = join(tmp, 'four.S');
    writeFileSync(src, PROGRAM);
    const elf = { b: join(tmp, 'four-b.elf'), t: join(tmp, 'four-t.elf') };
    // the first 200 bytes of an ELF: its section headers lie past the end of the file
    const cut = join(tmp, 'cut.elf');
    writeFileSync(cut, readFileSync(join(ROOT, 'testbench/fixtures/timing/ri5cy/jal.elf')).subarray(0, 200));
    const commands: { args: (tag: 'b' | 't') => string[]; status: number }[] = [
      { args: () => ['--help'], status: 0 },
      { args: () => ['run', '--help'], status: 0 },
      { args: (tag) => ['asm', src, '--config', 'gap8', '--cores', '4', '-o', elf[tag]], status: 0 },
      { args: (tag) => ['run', elf[tag], '--config', 'gap8', '--cores', '4', '--json'], status: 0 },
      { args: () => ['run', cut, '--config', 'ri5cy'], status: 3 },
    ];
    for (const { args, status } of commands) {
      const [b, t] = await Promise.all([pulpsim(BIN, args('b'), BUNDLE), pulpsim(BIN, args('t'), TSX)]);
      expect(b.stderr).toMatch(FROM_BUNDLE);
      const userSees = (o: CliOutput, tag: 'b' | 't'): unknown[] => [
        o.status,
        o.stdout.replaceAll(elf[tag], 'ELF').replace(/"cyclesPerSecond":\d+/, ''),
        o.stderr.replace(/^pulpsim: bundle: .*\n/gm, ''),
      ];
      expect(userSees(b, 'b')).toEqual(userSees(t, 't'));
      expect(b.status).toBe(status);
    }
    expect(readFileSync(elf.b)).toEqual(readFileSync(elf.t));
    expect(JSON.parse((await pulpsim(BIN, commands[3]!.args('b'), {})).stdout)).toMatchObject({ exit: 'tohost', tohost: 1 });
  });

  it('run a sweep on worker threads (bundled workers, tsx workers) to the same results', async () => {
    const sweep = join(ROOT, 'testbench/sweep/examples/dmem_latency.json');
    const out = { b: join(tmp, 'sweep-b'), t: join(tmp, 'sweep-t') };
    const [b, t] = await Promise.all([
      pulpsim(BIN, ['sweep', sweep, '--workers', '2', '--out', out.b], BUNDLE),
      pulpsim(BIN, ['sweep', sweep, '--workers', '2', '--out', out.t], TSX),
    ]);
    expect(b.stderr).toMatch(FROM_BUNDLE);
    expect([b.status, t.status]).toEqual([0, 0]);
    const csv = readFileSync(join(out.b, 'results.csv'), 'utf8');
    expect(csv).toBe(readFileSync(join(out.t, 'results.csv'), 'utf8'));
    expect(csv.trim().split('\n').slice(1).every((row) => row.includes(',ok,true,'))).toBe(true);
  });
});

describe('bundleLearnStore', () => {
  it('keeps and serves entries by key in the bundle of this process, while it is current, up to the most recent `keep`', () => {
    const key = Symbol.for('pulpsim.bundle');
    const g = globalThis as { [key]?: { dir: string; isCurrent(): boolean; debug(msg: string): void } };
    expect(bundleLearnStore()).toBeUndefined();
    const dir = join(tmp, 'fake-bundle-learned');
    let current = true;
    try {
      g[key] = { dir: pathToFileURL(`${dir}/`).href, isCurrent: () => current, debug: () => {} };
      const store = bundleLearnStore(3)!;
      expect(store.get('a')).toBeUndefined();
      store.set('a', 'text of a');
      expect([store.get('a'), store.get('b')]).toEqual(['text of a', undefined]);
      for (const k of ['b', 'c']) store.set(k, `text of ${k}`);
      // dated a, b, c, oldest first (writes within one clock tick of the file system can share a time)
      const learned = join(dir, 'learned');
      for (const f of readdirSync(learned)) {
        const { key: k } = JSON.parse(readFileSync(join(learned, f), 'utf8')) as { key: string };
        const t = Date.now() / 1000 - 100 + k.charCodeAt(0);
        utimesSync(join(learned, f), t, t);
      }
      store.set('d', 'text of d');
      expect(['a', 'b', 'c', 'd'].map((k) => store.get(k))).toEqual([undefined, 'text of b', 'text of c', 'text of d']);
      expect(readdirSync(learned).length).toBe(3);
      current = false;
      store.set('e', 'text of e');
      expect(store.get('e')).toBeUndefined();
      // a source edited since the build may already be in a fresh copy's code: what the build learned is not served
      expect(store.get('d')).toBeUndefined();
      current = true;
      expect(store.get('d')).toBe('text of d');
    } finally {
      delete g[key];
    }
  });
});

describe('bundledEntry', () => {
  it('names the bundled worker entry only in a process run from a bundle that still holds it', () => {
    const key = Symbol.for('pulpsim.bundle');
    const g = globalThis as { [key]?: { dir: string; isCurrent(): boolean; debug(msg: string): void } };
    const dir = join(tmp, 'fake-bundle');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'sweep_worker.js'), '');
    expect(bundledEntry('sweep_worker')).toBeUndefined();
    try {
      g[key] = { dir: pathToFileURL(`${dir}/`).href, isCurrent: () => true, debug: () => {} };
      expect(bundledEntry('sweep_worker')?.href).toBe(pathToFileURL(join(dir, 'sweep_worker.js')).href);
      expect(bundledEntry('paper_worker')).toBeUndefined();
    } finally {
      delete g[key];
    }
  });
});

/** A copy of the sources (no fixtures, no tests) in the scratch folder; its bundle cache is its own. */
function checkout(name: string): string {
  const copy = join(tmp, name);
  for (const f of ['bin', 'rtl', 'sim', 'kernels', 'testbench', 'waves', 'package.json', 'tsconfig.json']) {
    cpSync(join(ROOT, f), join(copy, f), { recursive: true, preserveTimestamps: true, filter: (p) => !p.includes('/fixtures') && !p.endsWith('.test.ts') });
  }
  return copy;
}

describe('bundle cache', () => {
  it('keeps what a cluster run learned for the next command of the same build, which runs alike', async () => {
    const copy = checkout('checkout-learn');
    const bin = join(copy, 'bin/pulpsim.mjs');
    const args = ['run', join(ROOT, 'testbench/fixtures/timing/cluster/system/psum8.elf'), '--config', 'gap8', '--json'];
    const first = await pulpsim(bin, args, BUNDLE);
    expect(first.stderr).toMatch(/^pulpsim: bundle: learned accesses saved to \S+\/learned\/[0-9a-f]+\.json$/m);
    const second = await pulpsim(bin, args, BUNDLE);
    expect(second.stderr).toMatch(/^pulpsim: bundle: learned accesses from \S+\/learned\/[0-9a-f]+\.json$/m);
    expect(second.stderr).not.toMatch(/saved/);
    const tsx = await pulpsim(bin, args, TSX);
    const result = (o: CliOutput): unknown => ({ ...(JSON.parse(o.stdout) as object), cyclesPerSecond: 0 });
    expect(result(second)).toEqual(result(first));
    expect(result(second)).toEqual(result(tsx));
    expect(result(second)).toMatchObject({ exit: 'tohost', tohost: 1 });
  });

  it('builds on first use, reuses while nothing changed, rebuilds after an edit or a failed load, survives concurrent first runs', async () => {
    const copy = checkout('checkout');
    const bin = join(copy, 'bin/pulpsim.mjs');
    const cache = join(copy, 'node_modules/.cache/pulpsim');

    // two first runs at once: both answer, from a bundle (built by each of them, unless one finished first)
    const first = await Promise.all([pulpsim(bin, ['--help'], BUNDLE), pulpsim(bin, ['--help'], BUNDLE)]);
    expect(first[0]!.stderr).toMatch(/^pulpsim: bundle: building: no bundle yet$/m);
    for (const r of first) {
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(FROM_BUNDLE);
      expect(r.stdout).toMatch(/^Cycle-accurate, signal-level model of a PULP cluster$/m);
    }
    const again = await pulpsim(bin, ['--help'], BUNDLE);
    expect(again.stderr).toMatch(new RegExp(`^pulpsim: bundle: reusing ${cache}/cli-[0-9a-f]+$`, 'm'));
    expect(again.stdout).toBe(first[0]!.stdout);

    // an edit to a bundled source (the program's description) is what the next command runs
    const main = join(copy, 'testbench/cli/main.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace("description('Cycle-accurate, signal-level", "description('Edited, signal-level"));
    // dated a few seconds back: a file written just before (or while) a build is not trusted to be in it
    const past = Date.now() / 1000 - 5;
    utimesSync(main, past, past);
    const edited = await pulpsim(bin, ['--help'], BUNDLE);
    expect(edited.stderr).toContain(`pulpsim: bundle: building: ${main} changed`);
    expect(edited.stdout).toMatch(/^Edited, signal-level model of a PULP cluster$/m);
    expect(edited.stdout).toBe((await pulpsim(bin, ['--help'], TSX)).stdout);

    // a bundle that fails to load: this command runs through tsx, the next one builds the bundle anew
    const current = (JSON.parse(readFileSync(join(cache, 'cli.json'), 'utf8')) as { dir: string }).dir;
    writeFileSync(join(cache, current, 'main.js'), 'export const main = ;\n');
    const broken = await pulpsim(bin, ['--help'], BUNDLE);
    expect(broken.stderr).toMatch(/^pulpsim: bundle: falling back to tsx: SyntaxError/m);
    expect(broken.stdout).toBe(edited.stdout);
    const rebuilt = await pulpsim(bin, ['--help'], BUNDLE);
    expect(rebuilt.stderr).toMatch(/^pulpsim: bundle: building: no bundle yet$/m);
    expect(rebuilt.stdout).toBe(edited.stdout);

    // a source written a moment ago may have changed while esbuild read it: that build serves its command only
    const now = Date.now() / 1000;
    utimesSync(main, now, now);
    const fresh = await pulpsim(bin, ['--help'], BUNDLE);
    expect(fresh.stderr).toMatch(new RegExp(`^pulpsim: bundle: built ${cache}/tmp-\\S+ in \\d+ ms, not kept: ${main} changed while it was built$`, 'm'));
    expect(fresh.stdout).toBe(edited.stdout);
  });
});
