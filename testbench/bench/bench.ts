// `npm run bench`: simulated cycles per second of the reference design (bench_design.ts) on both back-ends,
// with and without a full VCD (to a temporary file), and the peak RSS of each run. Every configuration
// runs in its own child process (clean JIT state, its own peak RSS) for about `--seconds` of CPU time.
// Cycles/s are given per CPU second (stable on a shared machine) and per wall second.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Simulator, type BackendKind } from '../../sim/index.ts';
import { openVcd } from '../../waves/vcd.ts';
import { BenchTop } from './bench_design.ts';

interface Config {
  backend: BackendKind;
  vcd: boolean;
}
interface Result extends Config {
  cycles: number;
  cpuSeconds: number;
  wallSeconds: number;
  elaborateMs: number;
  maxRssMiB: number;
  vcdMiB: number;
  slots: number;
  signals: number;
  comb: number;
  seq: number;
}

function runConfig(c: Config, seconds: number): Result {
  const e0 = performance.now();
  const top = new BenchTop();
  const sim = new Simulator(top, { backend: c.backend });
  const elaborateMs = performance.now() - e0;
  let dir: string | null = null;
  let vcd: ReturnType<typeof openVcd> | null = null;
  if (c.vcd) {
    dir = mkdtempSync(join(tmpdir(), 'pulpsim-bench-'));
    vcd = openVcd(join(dir, 'bench.vcd'), sim.traceSource());
    sim.attachTracer(vcd);
  }
  sim.run(1000); // warm-up: let V8 optimise before timing
  const batch = c.backend === 'interp' ? 200 : 1000;
  let cycles = 0;
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  let cpu = 0;
  while (cpu < seconds) {
    sim.run(batch);
    cycles += batch;
    const u = process.cpuUsage(c0);
    cpu = (u.user + u.system) / 1e6;
  }
  const wallSeconds = (performance.now() - w0) / 1000;
  vcd?.close();
  const vcdMiB = vcd === null ? 0 : vcd.bytesWritten / 2 ** 20;
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  const nl = sim.netlist;
  return {
    ...c,
    cycles,
    cpuSeconds: cpu,
    wallSeconds,
    elaborateMs,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    vcdMiB,
    slots: nl.nslots,
    signals: nl.signals.length,
    comb: nl.combOrder.length,
    seq: nl.seqProcs.length,
  };
}

function child(config: string, seconds: number): void {
  const [backend, vcd] = config.split('+');
  const r = runConfig({ backend: backend as BackendKind, vcd: vcd === 'vcd' }, seconds);
  process.send!(r);
}

function inChild(config: string, seconds: number): Promise<Result> {
  return new Promise((resolveP, reject) => {
    const p = fork(fileURLToPath(import.meta.url), ['--child', config, String(seconds)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let got: Result | null = null;
    p.on('message', (m) => (got = m as Result));
    p.on('error', reject);
    p.on('exit', (code) => (got !== null ? resolveP(got) : reject(new Error(`bench child '${config}' exited with code ${code}`))));
  });
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    child(argv[1]!, Number(argv[2]));
    return;
  }
  let seconds = 1.5;
  const k = argv.indexOf('--seconds');
  if (k >= 0) {
    seconds = Number(argv[k + 1]);
    if (!(seconds > 0)) throw new Error(`--seconds must be a positive number, got '${argv[k + 1]}'`);
  }
  const configs = ['codegen', 'interp', 'codegen+vcd', 'interp+vcd'];
  const results: Result[] = [];
  for (const c of configs) results.push(await inChild(c, seconds));
  const r0 = results[0]!;
  const out: string[] = [
    `reference design: ${r0.signals} signals in ${r0.slots} slots, ${r0.comb} comb + ${r0.seq} seq processes (8 pipelines x 6 stages)`,
    '',
    'config          cycles/cpu-s   cycles/wall-s   elaborate   peak RSS   VCD',
  ];
  for (const r of results) {
    const name = `${r.backend}${r.vcd ? ' + VCD' : ''}`.padEnd(14);
    out.push(
      `${name}  ${Math.round(r.cycles / r.cpuSeconds).toLocaleString('en-US').padStart(12)}   ${Math.round(r.cycles / r.wallSeconds).toLocaleString('en-US').padStart(13)}   ${r.elaborateMs.toFixed(0).padStart(6)} ms   ${r.maxRssMiB.toFixed(0).padStart(5)} MiB   ${r.vcd ? `${(r.vcdMiB / (r.cycles + 1000)).toFixed(4)} MiB/cycle` : '-'}`,
    );
  }
  const speed = (b: BackendKind, v: boolean): number => {
    const r = results.find((x) => x.backend === b && x.vcd === v)!;
    return r.cycles / r.cpuSeconds;
  };
  out.push('', `codegen / interp: ${(speed('codegen', false) / speed('interp', false)).toFixed(1)}x without VCD, ${(speed('codegen', true) / speed('interp', true)).toFixed(1)}x with VCD`);
  process.stdout.write(out.join('\n') + '\n');
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(1);
});
