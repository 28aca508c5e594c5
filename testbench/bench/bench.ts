// `npm run bench`: simulated cycles per second of the reference design (bench_design.ts) on both back-ends,
// with and without a full VCD (to a temporary file), then the single-core RI5CY system (core_bench.ts; also the
// CV32E40P preset, waves off and traced) and the 8-core GAP-8 cluster (cluster_bench.ts), each with waves off, with every signal traced to a VCD, without
// activity-based evaluation (PULPSIM_ACTIVITY=0; sim/activity.ts, on by default), and as the second instance built
// in one process (its code then shared with the first: see sim/specialize.ts); start-up time (elaboration,
// learning, code generation, loading) and the peak RSS of each run; the cluster also with 1 core, and its rate over
// the second half of each run (the whole run's is warm-up dominated), and with 8 cores of which 7 sleep (the 1-core
// cluster's work: the difference is what sleeping cores cost); last the longest program of the cluster system
// fixture (short_bench.ts: matmul8@L20, 6144 cycles) against the speed the fixture records for the RTL under
// Verilator, waves off and traced, run several times on one testbench, and as the `pulpsim run` command (a fresh
// process each, whole command timed). Every configuration runs in its own child process (clean JIT state, its own
// peak RSS). Cycles/s are given per CPU second (stable on a shared machine) and per wall second. `--seconds S`
// sizes the long runs (default 1.5 s of CPU); `--only reference|systems|short` runs one of the three sections.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Simulator, type BackendKind } from '../../sim/index.ts';
import { openVcd } from '../../waves/vcd.ts';
import { BenchTop } from './bench_design.ts';
import { runClusterBench } from './cluster_bench.ts';
import { runCoreBench } from './core_bench.ts';
import { type ShortBenchResult, longestSystemProgram, runShortBench, runShortCommand } from './short_bench.ts';

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
  if (config.startsWith('short')) {
    process.send!(shortChild(config));
    return;
  }
  if (config.startsWith('core') || config.startsWith('cluster')) {
    process.send!(systemChild(config, seconds));
    return;
  }
  const [backend, vcd] = config.split('+');
  const r = runConfig({ backend: backend as BackendKind, vcd: vcd === 'vcd' }, seconds);
  process.send!(r);
}

interface SystemResult {
  config: string;
  cycles: number;
  cpuSeconds: number;
  wallSeconds: number;
  startupSeconds: number;
  maxRssMiB: number;
  vcdMiB: number;
  /** Cluster: cycles per CPU second over the run's second half (after the JIT's warm-up). */
  steadyPerCpuSecond?: number;
}

/** `core[+vcd]` / `cluster[+vcd]`: one run of the system bench sized to about `seconds` of CPU without waves.
 *  `core2` / `cluster2`: the same after a short first run of the same design in this process. */
function systemChild(config: string, seconds: number): SystemResult {
  const vcd = config.includes('+vcd');
  if (config === 'core2') runCoreBench({ iterations: 20 });
  if (config === 'cluster2') runClusterBench({ rounds: 10 });
  let dir: string | null = null;
  let path: string | undefined;
  if (vcd) {
    dir = mkdtempSync(join(tmpdir(), 'pulpsim-bench-'));
    path = join(dir, 'bench.vcd');
  }
  try {
    if (config.startsWith('core')) {
      // ~1210 cycles per iteration; ~0.5 M cycles/CPU-s without waves. `corecv`: the CV32E40P preset.
      const version = config.startsWith('corecv') ? 'cv32e40p' : 'ri5cy';
      const r = runCoreBench({ version, iterations: Math.max(20, Math.round((seconds * 4e5) / 1210)), ...(path !== undefined ? { vcd: path } : {}) });
      const vcdMiB = path !== undefined ? statSync(path).size / 2 ** 20 : 0;
      return { config, cycles: r.cycles, cpuSeconds: r.cpuSeconds, wallSeconds: r.seconds, startupSeconds: r.buildSeconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, vcdMiB };
    }
    // 8 cores: ~244 cycles per round, ~35 k cycles/CPU-s without waves; `cluster1`: 1 core, ~110 cycles per round, ~300 k;
    // `clusterasleep`: 8 cores of which 7 sleep all run (the work of `cluster1`), ~200 k.
    const one = config.startsWith('cluster1');
    const asleep = config.startsWith('clusterasleep');
    const perSecond = one ? 3e5 : asleep ? 2e5 : 3.5e4;
    const rounds = Math.max(10, Math.round((seconds * perSecond) / (one || asleep ? 110 : 244)));
    const r = runClusterBench({ rounds, ...(one ? { cores: 1 } : {}), ...(asleep ? { team: 1 } : {}), ...(path !== undefined ? { vcd: path } : {}) });
    return {
      steadyPerCpuSecond: r.steadyCyclesPerCpuSecond,
      config,
      cycles: r.cycles,
      cpuSeconds: r.cpuSeconds,
      wallSeconds: r.seconds,
      startupSeconds: r.buildSeconds,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      vcdMiB: r.vcdBytes / 2 ** 20,
    };
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs of the short program on one testbench in the `shortN` child (the first, then restarts). */
const SHORT_RUNS = 5;

/** `short[+vcd]`: the short program once on a new testbench; `shortN`: SHORT_RUNS times on one. */
function shortChild(config: string): ShortBenchResult & { maxRssMiB: number } {
  const dir = config.includes('+vcd') ? mkdtempSync(join(tmpdir(), 'pulpsim-bench-')) : null;
  try {
    const r = runShortBench({ runs: config === 'shortN' ? SHORT_RUNS : 1, ...(dir !== null ? { vcd: join(dir, 'short.vcd') } : {}) });
    return { ...r, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

function inChild<R = Result>(config: string, seconds: number, env: NodeJS.ProcessEnv = process.env): Promise<R> {
  return new Promise((resolveP, reject) => {
    const p = fork(fileURLToPath(import.meta.url), ['--child', config, String(seconds)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
    let got: R | null = null;
    p.on('message', (m) => (got = m as R));
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
  const o = argv.indexOf('--only');
  const only = o >= 0 ? argv[o + 1] : undefined;
  const sections = ['reference', 'systems', 'short'];
  if (o >= 0 && !sections.includes(only ?? '')) throw new Error(`--only must be one of ${sections.join(', ')}, got '${only ?? ''}'`);
  if (only === undefined || only === 'reference') await referenceSection(seconds);
  if (only === undefined || only === 'systems') await systemsSection(seconds);
  if (only === undefined || only === 'short') await shortSection(seconds);
}

/** The reference design on both back-ends, waves off and on. */
async function referenceSection(seconds: number): Promise<void> {
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

/** The single core and the cluster, each run sized to about `seconds` of CPU. */
async function systemsSection(seconds: number): Promise<void> {
  // The real designs (generated code). 'activity' false = PULPSIM_ACTIVITY=0 in that child.
  const sys: { label: string; config: string; activity: boolean }[] = [
    { label: 'single core, waves off', config: 'core', activity: true },
    { label: 'single core, whole core traced', config: 'core+vcd', activity: true },
    { label: 'single core, activity off', config: 'core', activity: false },
    { label: 'single core, 2nd in process', config: 'core2', activity: true },
    { label: 'single core cv32e40p', config: 'corecv', activity: true },
    { label: 'single core cv32e40p, traced', config: 'corecv+vcd', activity: true },
    { label: '8-core cluster, waves off', config: 'cluster', activity: true },
    { label: '8-core cluster, all traced', config: 'cluster+vcd', activity: true },
    { label: '8-core cluster, activity off', config: 'cluster', activity: false },
    { label: '8-core cluster, 2nd in process', config: 'cluster2', activity: true },
    { label: '1-core cluster, waves off', config: 'cluster1', activity: true },
    { label: '8-core cluster, 7 asleep', config: 'clusterasleep', activity: true },
  ];
  // 2nd half: the cluster's cycles per CPU second over the second half of the run (its start is warm-up dominated).
  const rows: string[] = ['', 'system                          cycles   cycles/cpu-s  cycles/wall-s   2nd half/cpu-s   start-up   peak RSS   VCD'];
  // CPU time per cycle of each system with waves off, for the waves' cost (the issue's target: at most 3x).
  // Wall time too: the waves' writer thread does its part of the work on another core.
  const wavesOff = new Map<string, { cpu: number; wall: number }>();
  for (const c of sys) {
    const env = { ...process.env, PULPSIM_ACTIVITY: c.activity ? '1' : '0' };
    const r = await inChild<SystemResult>(c.config, seconds, env);
    const perCycle = { cpu: r.cpuSeconds / r.cycles, wall: r.wallSeconds / r.cycles };
    const system = c.config.replace('+vcd', '');
    if (c.activity && !c.config.includes('+vcd')) wavesOff.set(system, perCycle);
    const off = wavesOff.get(system);
    const ratios = off !== undefined ? `, ${(perCycle.cpu / off.cpu).toFixed(2)}x waves-off CPU, ${(perCycle.wall / off.wall).toFixed(2)}x wall` : '';
    const vcd = r.vcdMiB > 0 ? `${r.vcdMiB.toFixed(1)} MiB, ${(r.vcdMiB / r.cpuSeconds).toFixed(0)} MiB/cpu-s${ratios}` : '-';
    rows.push(
      `${c.label.padEnd(30)} ${String(r.cycles).padStart(8)}   ${Math.round(r.cycles / r.cpuSeconds).toLocaleString('en-US').padStart(12)}   ${Math.round(r.cycles / r.wallSeconds).toLocaleString('en-US').padStart(12)}   ${(r.steadyPerCpuSecond === undefined ? '-' : Math.round(r.steadyPerCpuSecond).toLocaleString('en-US')).padStart(14)}   ${r.startupSeconds.toFixed(2).padStart(6)} s   ${r.maxRssMiB.toFixed(0).padStart(5)} MiB   ${vcd}`,
    );
    process.stdout.write(rows.splice(0).join('\n') + '\n');
  }
}

async function shortSection(seconds: number): Promise<void> {
  // The short program: what one run of a small program costs, warm-up and start-up included (the rows above are
  // sized to seconds of CPU). 'run' is cycle 0 to the tohost store; 'loading' the child's time before the testbench
  // is built (Node, the TypeScript loader, imports), 'start-up' building it (elaboration, learning, code generation).
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
  const secs = (w: number, c: number): string => `${w.toFixed(2)} / ${c.toFixed(2)} s`;
  const shortRows: { label: string; config: string }[] = [
    { label: 'waves off', config: 'short' },
    { label: 'whole cluster traced', config: 'short+vcd' },
    { label: `${SHORT_RUNS} runs, one testbench`, config: 'shortN' },
  ];
  const rows: string[] = [];
  for (const c of shortRows) {
    const r = await inChild<ShortBenchResult & { maxRssMiB: number }>(c.config, seconds);
    if (c === shortRows[0]) {
      rows.push(
        '',
        `${r.program} on gap8 (longest cluster system program; the RTL under Verilator: ${fmt(r.rtlCyclesPerSecond)} cycles/s), one child process each:`,
        'short program                    run   cycles   cycles/wall-s   cycles/cpu-s   loading wall/cpu   start-up wall/cpu   whole process wall/cpu   peak RSS',
      );
    }
    r.runs.forEach((x, k) => {
      const whole = k === 0 ? secs(r.load.wallSeconds + r.startup.wallSeconds + x.wallSeconds, r.load.cpuSeconds + r.startup.cpuSeconds + x.cpuSeconds) : '(restarted)';
      rows.push(
        `${(k === 0 ? c.label : '').padEnd(30)} ${String(k + 1).padStart(5)}   ${String(x.cycles).padStart(6)}   ${fmt(x.cycles / x.wallSeconds).padStart(13)}   ${fmt(x.cycles / x.cpuSeconds).padStart(12)}   ${(k === 0 ? secs(r.load.wallSeconds, r.load.cpuSeconds) : '').padStart(16)}   ${(k === 0 ? secs(r.startup.wallSeconds, r.startup.cpuSeconds) : '').padStart(17)}   ${whole.padStart(22)}   ${k === 0 ? `${r.maxRssMiB.toFixed(0).padStart(5)} MiB` : ''}`.trimEnd(),
      );
    });
    process.stdout.write(rows.splice(0).join('\n') + '\n');
  }
  process.stdout.write(
    `(each run: cycle 0 to core 0's tohost store, checked against the fixture's total cycles and tohost; runs 2..${SHORT_RUNS} after ClusterTestbench.restart, without start-up)\n`,
  );
  // What a user typing the command waits for: a fresh process each, loading (from the CLI's bundle), start-up (with
  // the read sets learned by an earlier command of the same bundle) and the run.
  const { key, entry } = longestSystemProgram();
  const cmd = runShortCommand(COMMAND_RUNS);
  process.stdout.write(`\n\`pulpsim run\` of ${key} (--config gap8 --l2-latency ${entry.L} --json), a fresh process each; the RTL under Verilator runs it in ${(entry.total_cycles / entry.sim_speed_cycles_per_s).toFixed(2)} s:\n`);
  cmd.forEach((c, k) =>
    process.stdout.write(
      `  command ${k + 1}: ${c.wallSeconds.toFixed(2)} s wall${c.cpuSeconds === null ? '' : ` (CPU ${c.cpuSeconds.toFixed(2)} s)`} = ${fmt(entry.total_cycles / c.wallSeconds)} cycles/wall-s, started from ${c.path}\n`,
    ),
  );
}

/** Invocations of the `pulpsim run` command in the short section. */
const COMMAND_RUNS = 3;

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(1);
});
