// `pulpsim start` with the common cluster options, through the real `pulpsim` process (bin/pulpsim.mjs): --cores
// and --set reach the cluster the kernel runs on (core count in the report and the waves, a slower L2 costs
// cycles, a configuration file with the same parameters gives the same run), and bad values are refused before
// anything runs, naming the option, with exit code 2. Small layers on 2 cores keep each run to a few seconds; the
// processes run concurrently.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliOutput, runCli } from './spawn_cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulpsim-start-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pulpsim = (args: string[]): Promise<CliOutput> => runCli(args);

interface Report {
  system: string;
  title: string;
  cycles: number;
  cores: unknown[];
  kernel: { golden: { mismatches: number; outputs: number }; cycles: number };
}

const small = (out: string, ...more: string[]): string[] => ['start', '--size', '2', '--wave-cycles', '100', '--out', join(dir, out), '--json', ...more];
const fileL2 = join(dir, 'gap8-2cores-l2-20.json');
const fileBadType = join(dir, 'bad-type.json');

const runs: Record<string, string[]> = {
  // the kernel runs first: they take longest
  twoCores: small('two', '--cores', '2'),
  slowL2: small('slow', '--cores', '2', '--set', 'l2.latency=20'),
  file: small('file', '--config', fileL2),
  // refusals: nothing may run
  coresNotPow2: small('r1', '--cores', '3'),
  coresZero: small('r2', '--cores', '0'),
  misspeltParam: small('r3', '--set', 'l2.latenci=3'),
  wrongType: small('r4', '--set', 'l2.latency=fast'),
  singleCore: small('r5', '--config', 'ri5cy'),
  noSuchConfig: small('r6', '--config', join(dir, 'missing.json')),
  badFile: small('r7', '--config', fileBadType),
  layerTooBig: ['start', '--size', '40', '--out', join(dir, 'r8')],
  demoWithCores: ['start', '--demo', '--cores', '2', '--out', join(dir, 'r9')],
};
const out: Record<string, CliOutput> = {};

beforeAll(async () => {
  writeFileSync(fileL2, JSON.stringify({ preset: 'gap8', set: { 'cluster.cores': 2, 'cluster.eventUnit.barriers': 2, 'l2.latency': 20 } }, null, 2));
  writeFileSync(fileBadType, '{\n  "preset": "gap8",\n  "set": { "cluster.cores": "many" }\n}\n');
  const names = Object.keys(runs);
  // two at a time: the machine's two cores
  for (let i = 0; i < names.length; i += 2) {
    const batch = names.slice(i, i + 2);
    const res = await Promise.all(batch.map((n) => pulpsim(runs[n]!)));
    batch.forEach((n, k) => (out[n] = res[k]!));
  }
}, 180_000);

const report = (o: CliOutput): Report => JSON.parse(o.stdout) as Report;

describe('pulpsim start --cores / --set / --config', () => {
  it('--cores 2 runs the kernel on two cores: report, waves and verdict', () => {
    const o = out.twoCores!;
    expect(o.status, o.stderr).toBe(0);
    const r = report(o);
    expect(r.cores).toHaveLength(2);
    expect(r.title).toContain('on the 2-core cluster');
    expect(r.system).toMatch(/2 RI5CY cores, .*L2 latency 5\b/);
    // 2x2 pixels x 64 channels
    expect(r.kernel.golden).toEqual({ outputs: 256, mismatches: 0 });
    expect(o.stderr).toContain('on the 2-core cluster');
    // what every --json output carries: instructions, tohost, each core's counters (PCCRs over the kernel call)
    const j = JSON.parse(o.stdout) as { instructions: number; tohost: number; counters: { cycles: number; instructions: number }[] };
    expect(j.tohost).toBe(1);
    expect(j.counters).toHaveLength(2);
    expect(j.instructions).toBeGreaterThan(j.counters[0]!.instructions + j.counters[1]!.instructions);
    for (const c of j.counters) expect(c.cycles).toBeLessThan(r.cycles);
    expect(o.stderr).toContain('PASS: output matches the golden model');
    const vcd = readFileSync(join(dir, 'two', 'conv_u4_u2_i8.vcd'), 'utf8');
    const head = vcd.slice(0, vcd.indexOf('$enddefinitions'));
    expect(head).toMatch(/\$scope module regions_1 \$end/);
    expect(head).not.toMatch(/\$scope module regions_2 \$end/);
  });

  it('--set l2.latency=20 reaches the L2: the same kernel takes longer, and the report names the latency', () => {
    const a = out.twoCores!;
    const b = out.slowL2!;
    expect(b.status, b.stderr).toBe(0);
    const rb = report(b);
    expect(rb.system).toContain('L2 latency 20');
    expect(rb.system).toContain('l2.latency=20');
    expect(rb.kernel.golden.mismatches).toBe(0);
    // every I$ refill waits 15 cycles more
    expect(rb.cycles).toBeGreaterThan(report(a).cycles);
  });

  it('a configuration file with the same parameters gives the same run', () => {
    const f = out.file!;
    expect(f.status, f.stderr).toBe(0);
    const rf = report(f);
    expect(rf.system).toContain('gap8-2cores-l2-20.json');
    expect(rf.cores).toHaveLength(2);
    expect(rf.cycles).toBe(report(out.slowL2!).cycles);
    expect(rf.kernel.cycles).toBe(report(out.slowL2!).kernel.cycles);
  });

  const refusals: [string, RegExp][] = [
    ['coresNotPow2', /--cores 3: cluster\.cores: expected a power of two/],
    ['coresZero', /option '--cores <n>' argument '0' is invalid/],
    ['misspeltParam', /--set l2\.latenci=3: unknown parameter 'l2\.latenci' \(did you mean 'l2\.latency'\?\)/],
    ['wrongType', /--set l2\.latency=fast: l2\.latency: expected an integer/],
    ['singleCore', /--config ri5cy: a single-core configuration, and `pulpsim start` runs a cluster; use `pulpsim run`/],
    ['noSuchConfig', /--config \S*missing\.json: configuration file '\S*missing\.json' not found/],
    ['badFile', /--config \S*bad-type\.json: \S*bad-type\.json:3:\d+: .*cluster\.cores/],
    ['layerTooBig', /--size 40 on 8 cores of --config gap8: conv_u4_u2_i8 cannot run a 40x40-pixel layer there: L1: the layer needs \d+ bytes/],
    ['demoWithCores', /--cores: the cluster options apply to the kernel job, not to --demo/],
  ];
  for (const [name, msg] of refusals) {
    it(`refuses before running: ${runs[name]!.slice(1).join(' ').replace(dir, '<tmp>')}`, () => {
      const o = out[name]!;
      expect(o.status, o.stderr).toBe(2);
      expect(o.stderr).toMatch(msg);
      // nothing ran: no job line, no report, no output directory
      expect(o.stderr).not.toContain('pulpsim start: conv_');
      expect(o.stdout).toBe('');
      const outDir = runs[name]![runs[name]!.indexOf('--out') + 1]!;
      expect(existsSync(outDir), outDir).toBe(false);
    });
  }
});
