// `pulpsim run <elf> --config gap8 [--l2-latency L] [--set key=value] [--json] [--dump ADDR:BYTES] [--max-cycles N]`:
// runs a program on the whole cluster. `cycles` is the cycle of core 0's granted store to tohost (the system
// oracle's total_cycles); per core the performance counters PCCR0..15 at the end, the cycles its clock ran, and the
// region deltas the program stored to its result area; `--dump` adds memory words (TCDM or L2).
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { readElf } from '../../kernels/toolchain/elf.ts';
import type { BackendKind } from '../../sim/index.ts';
import { openVcd } from '../../waves/vcd.ts';
import { type Gap8Config, gap8WithLatency } from './config.ts';
import { type ClusterRunResult, ClusterTestbench } from './testbench.ts';

/** The `--config` values this runner serves. */
export const CLUSTER_PRESETS: readonly string[] = ['gap8'];

export interface ClusterRunCliOptions {
  config: string;
  l2Latency?: number;
  set?: string[];
  dump?: { addr: number; bytes: number }[];
  maxCycles: number;
  json: boolean;
  vcd?: string;
  backend?: BackendKind;
}

export interface ClusterRunCliOutput {
  code: 0 | 1;
  stdout: string;
  stderr: string;
  result: ClusterRunResult;
}

const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

/** Parses `ADDR:BYTES` (address hex or decimal, BYTES a positive multiple of 4). */
export function parseDump(v: string, prev: { addr: number; bytes: number }[] = []): { addr: number; bytes: number }[] {
  const m = /^\s*(0x[0-9a-fA-F]+|\d+)\s*:\s*(\d+)\s*$/.exec(v);
  if (!m) throw new InvalidArgumentError(`--dump '${v}' must be ADDR:BYTES, e.g. 0x1000f800:16`);
  const addr = Number(m[1]);
  const bytes = Number(m[2]);
  if (addr % 4 !== 0 || addr > 0xffffffff) throw new InvalidArgumentError(`--dump '${v}': ADDR must be a word-aligned 32-bit address`);
  if (bytes < 4 || bytes % 4 !== 0 || bytes > 1 << 20) throw new InvalidArgumentError(`--dump '${v}': BYTES must be a multiple of 4 from 4 to 1048576`);
  return [...prev, { addr, bytes }];
}

/** Applies `--set key=value` overrides (the keys this runner knows) to a config. */
export function applySets(c: Gap8Config, sets: readonly string[]): Gap8Config {
  for (const s of sets) {
    const m = /^\s*([\w.]+)\s*=\s*(\S+)\s*$/.exec(s);
    if (!m) throw new InvalidArgumentError(`--set '${s}' must be key=value, e.g. l2.latency=20`);
    const key = m[1]!;
    const v = Number(m[2]);
    const int = (min: number, max: number): number => {
      if (!Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(`--set ${key}: must be an integer ${min}..${max}, got '${m[2]}'`);
      return v;
    };
    switch (key) {
      case 'l2.latency':
        c.l2.latency = int(1, 10000);
        break;
      case 'cluster.cores':
        c.cluster.cores = int(1, 8);
        break;
      case 'cluster.tcdm.arbPolicy':
        c.cluster.tcdm.arbPolicy = int(0, 3);
        break;
      case 'resetCycles':
        c.resetCycles = int(1, 255);
        break;
      default:
        throw new InvalidArgumentError(`--set: unknown key '${key}' (known: l2.latency, cluster.cores, cluster.tcdm.arbPolicy, resetCycles)`);
    }
  }
  return c;
}

export function runClusterCli(elfPath: string, o: ClusterRunCliOptions): ClusterRunCliOutput {
  if (!CLUSTER_PRESETS.includes(o.config)) throw new InvalidArgumentError(`--config '${o.config}' is not a cluster preset (${CLUSTER_PRESETS.join(', ')})`);
  const elf = readElf(readFileSync(elfPath), elfPath);
  const cfg = applySets(gap8WithLatency(o.l2Latency ?? 5), o.set ?? []);
  const tb = new ClusterTestbench(cfg, elf, { backend: o.backend ?? 'codegen' });
  let close: (() => void) | undefined;
  if (o.vcd) {
    const w = openVcd(o.vcd, tb.sim.traceSource());
    const detach = tb.sim.attachTracer(w);
    close = () => {
      detach();
      w.close();
    };
  }
  const t0 = performance.now();
  const result = tb.run(o.maxCycles);
  const seconds = (performance.now() - t0) / 1000;
  close?.();
  const regions = tb.regions();
  const cores = tb.counters().map((c, k) => ({
    core: k,
    pccr: c.pccr,
    activeCycles: c.activeCycles,
    regionCycles: regions.cycles[k] ?? [],
    regionImissCycles: regions.imiss[k] ?? [],
    regionTcdmContentionCycles: regions.contention[k] ?? [],
  }));
  const dump: Record<string, number> = {};
  for (const d of o.dump ?? []) for (let a = d.addr; a < d.addr + d.bytes; a += 4) dump[hex(a)] = tb.readWord(a);
  const pass = result.exit === 'tohost' && result.tohost === 1;
  const summary = {
    elf: elfPath,
    config: o.config,
    l2Latency: cfg.l2.latency,
    exit: result.exit,
    cycles: result.cycles,
    tohost: result.tohost,
    cyclesPerSecond: Math.round(tb.sim.cycle / Math.max(seconds, 1e-6)),
    cores,
    dump,
  };
  let text = `cycles=${result.cycles} tohost=${result.tohost} exit=${result.exit} l2.latency=${cfg.l2.latency}\n`;
  for (const c of cores) text += `core ${c.core}: cycles=${c.pccr[0]} instr=${c.pccr[1]} active=${c.activeCycles} regions=[${c.regionCycles.join(', ')}]\n`;
  for (const [a, v] of Object.entries(dump)) text += `${a}: ${hex(v)}\n`;
  return {
    code: pass ? 0 : 1,
    stdout: o.json ? JSON.stringify(summary) + '\n' : text,
    stderr: pass ? '' : `pulpsim run: ${elfPath}: FAIL: ${result.message}\n`,
    result,
  };
}

/** The cluster options of `pulpsim run` (ignored by the single-core presets). */
export function addClusterRunOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--l2-latency <L>', `${CLUSTER_PRESETS.join('/')}: L2 latency L in cycles`).argParser((v) => {
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 10000) throw new InvalidArgumentError(`'${v}' must be an integer 1..10000`);
      return Number(v);
    }))
    .option('--set <key=value>', `${CLUSTER_PRESETS.join('/')}: override a config value (repeatable), e.g. l2.latency=20`, (v: string, p: string[] = []) => [...p, v])
    .option('--dump <ADDR:BYTES>', `${CLUSTER_PRESETS.join('/')}: print memory words after the run (repeatable)`, (v: string, p?: { addr: number; bytes: number }[]) => parseDump(v, p));
}
