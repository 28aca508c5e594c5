// Short-program entry of the bench: the longest program of the cluster system fixture
// (testbench/fixtures/timing/cluster/system/expected.json, by total_cycles: matmul8@L20, 6144 cycles) on the
// gap8 cluster, the speed that fixture records for the RTL under Verilator (`sim_speed_cycles_per_s`). A program
// this short runs almost entirely while V8 is still optimising the generated code, so unlike cluster_bench.ts (a
// 240k-cycle run whose rate is mostly steady state) this is what a user running one small program sees.
// Reported apart: loading the code (the process's time before the testbench is built: Node, the TypeScript loader,
// imports), start-up (elaboration, read-set learning, code generation, program load) and the run itself (cycle 0
// to core 0's tohost store). With `runs` > 1 the same testbench is restarted (ClusterTestbench.restart) and runs
// the program again, as a sweep or test suite running many short programs in one process would; each run's
// figures are its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openVcd } from '../../waves/vcd.ts';
import { gap8WithLatency } from '../cluster/config.ts';
import { ClusterTestbench } from '../cluster/testbench.ts';
import { procStatSeconds } from './proc_stat.ts';

const SYSTEM = join(import.meta.dirname, '../fixtures/timing/cluster/system');
const BIN = join(import.meta.dirname, '../../bin/pulpsim.mjs');

interface SystemEntry {
  elf: string;
  L: number;
  total_cycles: number;
  tohost: number;
  sim_speed_cycles_per_s: number;
}

/** The fixture's program with the most cycles, its key (`name@L<latency>`) and entry. */
export function longestSystemProgram(): { key: string; entry: SystemEntry } {
  const programs = (JSON.parse(readFileSync(join(SYSTEM, 'expected.json'), 'utf8')) as { programs: Record<string, SystemEntry> }).programs;
  const [key, entry] = Object.entries(programs).reduce((a, b) => (b[1].total_cycles > a[1].total_cycles ? b : a));
  return { key, entry };
}

export interface ShortRun {
  cycles: number;
  wallSeconds: number;
  /** CPU seconds of every thread (V8's compiler threads included). */
  cpuSeconds: number;
}

export interface ShortBenchResult {
  program: string;
  /** The RTL's speed under Verilator the fixture records for the program (cycles per wall second). */
  rtlCyclesPerSecond: number;
  /** The process's wall and CPU seconds before the testbench was built (Node, the loader, imports). */
  load: { wallSeconds: number; cpuSeconds: number };
  /** Building the testbench: elaboration, learning, code generation, loading the program. */
  startup: { wallSeconds: number; cpuSeconds: number };
  /** Each run: the first on the new testbench, then one per restart. */
  runs: ShortRun[];
  vcdBytes: number;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Runs the program `runs` times on one testbench (the first as built, the others after a restart), optionally
 *  writing a VCD of the whole cluster to `vcd`. Throws when a run's cycles or tohost differ from the fixture's. */
export function runShortBench(opts: { runs?: number; vcd?: string } = {}): ShortBenchResult {
  const runs = opts.runs ?? 1;
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`short bench: runs must be a whole number >= 1, got ${runs}`);
  const load = { wallSeconds: process.uptime(), cpuSeconds: cpuNow() };
  const { key, entry } = longestSystemProgram();
  const elf = readFileSync(join(SYSTEM, entry.elf));
  const w0 = performance.now();
  const c0 = cpuNow();
  const tb = new ClusterTestbench(gap8WithLatency(entry.L), elf);
  const vcd = opts.vcd === undefined ? null : openVcd(opts.vcd, tb.sim.traceSource());
  if (vcd !== null) tb.sim.attachTracer(vcd);
  const startup = { wallSeconds: (performance.now() - w0) / 1000, cpuSeconds: cpuNow() - c0 };
  const out: ShortRun[] = [];
  for (let k = 0; k < runs; k++) {
    if (k > 0) tb.restart(elf);
    const w = performance.now();
    const c = cpuNow();
    const r = tb.run(entry.total_cycles + 5000);
    const run = { cycles: r.cycles, wallSeconds: (performance.now() - w) / 1000, cpuSeconds: cpuNow() - c };
    if (r.exit !== 'tohost' || r.cycles !== entry.total_cycles || r.tohost !== entry.tohost) {
      throw new Error(`short bench: ${key} run ${k + 1} took ${r.cycles} cycles (${r.message}); the RTL took ${entry.total_cycles} and stored ${entry.tohost}`);
    }
    out.push(run);
  }
  vcd?.close();
  return { program: key, rtlCyclesPerSecond: entry.sim_speed_cycles_per_s, load, startup, runs: out, vcdBytes: vcd === null ? 0 : vcd.bytesWritten };
}

/** One invocation of the `pulpsim` command as a user types it. */
export interface CommandRun {
  /** Whole command, process start to exit. */
  wallSeconds: number;
  /** The command's user + system CPU (every thread), or null where the platform does not tell (not Linux). */
  cpuSeconds: number | null;
  /** What the command started from: its bundle, reused or built now, or the sources through tsx (bin/pulpsim.mjs). */
  path: string;
}

/**
 * Runs the short program `times` times through `node bin/pulpsim.mjs run <elf> --config gap8 --l2-latency L --json`,
 * each a fresh process, as a user runs one program: loading, start-up and warm-up included. Throws when a run's
 * cycles or tohost differ from the fixture's.
 */
export function runShortCommand(times: number): CommandRun[] {
  const { key, entry } = longestSystemProgram();
  const args = [BIN, 'run', join(SYSTEM, entry.elf), '--config', 'gap8', '--l2-latency', String(entry.L), '--json'];
  const out: CommandRun[] = [];
  for (let k = 0; k < times; k++) {
    const c0 = procStatSeconds('/proc/self/stat', 16, 17);
    const w0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, PULPSIM_BUNDLE: 'debug' } });
    const wallSeconds = (performance.now() - w0) / 1000;
    const c1 = procStatSeconds('/proc/self/stat', 16, 17);
    let res: { cycles?: number; tohost?: number } = {};
    try {
      res = JSON.parse(r.stdout) as typeof res;
    } catch {
      // reported below
    }
    if (r.status !== 0 || res.cycles !== entry.total_cycles || res.tohost !== entry.tohost) {
      throw new Error(`short bench: \`pulpsim run\` of ${key} exited ${r.status} with ${res.cycles} cycles, tohost ${res.tohost} (the RTL: ${entry.total_cycles}, ${entry.tohost}): ${r.stderr.trim()}`);
    }
    const debug = r.stderr;
    const path = /falling back to tsx/.test(debug) ? 'tsx' : /building/.test(debug) ? 'bundle built' : 'bundle';
    out.push({ wallSeconds, cpuSeconds: c0 === null || c1 === null ? null : c1 - c0, path });
  }
  return out;
}

const isEntry = process.argv[1] !== undefined && /testbench[\\/]bench[\\/]short_bench\.ts$/.test(process.argv[1]);
if (isEntry) {
  const args = process.argv.slice(2);
  const ri = args.indexOf('--runs');
  const runs = ri >= 0 ? Number(args[ri + 1]) : 1;
  const dir = args.includes('--vcd') ? mkdtempSync(join(tmpdir(), 'pulpsim-bench-')) : null;
  try {
    const r = runShortBench({ runs, ...(dir !== null ? { vcd: join(dir, 'short.vcd') } : {}) });
    const k = (x: number): string => `${(x / 1e3).toFixed(1)} k`;
    process.stdout.write(
      `${r.program} on gap8${dir !== null ? ', whole cluster traced' : ''} (the RTL under Verilator: ${k(r.rtlCyclesPerSecond)} cycles/s): ` +
        `loading ${r.load.wallSeconds.toFixed(2)} s (CPU ${r.load.cpuSeconds.toFixed(2)} s), start-up ${r.startup.wallSeconds.toFixed(2)} s (CPU ${r.startup.cpuSeconds.toFixed(2)} s)\n`,
    );
    r.runs.forEach((x, i) =>
      process.stdout.write(
        `run ${i + 1}${i === 0 ? ' (new testbench)' : ' (after restart)'}: ${x.cycles} cycles in ${x.wallSeconds.toFixed(3)} s = ${k(x.cycles / x.wallSeconds)} cycles/s (CPU ${x.cpuSeconds.toFixed(3)} s = ${k(x.cycles / x.cpuSeconds)} cycles/CPU-s)\n`,
      ),
    );
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}
