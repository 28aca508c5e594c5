// `pulpsim run <elf> --config gap8 [--cores N] [--l2-latency L] [--set key=value] [--json] [--dump ADDR:BYTES]`:
// runs a program on the whole cluster. `cycles` is the cycle of core 0's granted store to tohost (the system
// oracle's total_cycles); per core the performance counters PCCR0..15 at the end, the cycles its clock ran, and the
// region deltas the program stored to its result area; `--dump` adds memory words (TCDM or L2). The configuration
// arrives resolved (testbench/cli/options.ts: preset or file, --cores, shorthands, --set).
import type { Elf } from '../../kernels/toolchain/elf.ts';
import type { ParamValue } from '../../rtl/config/params.ts';
import type { BackendKind } from '../../sim/index.ts';
import { type VcdOptions, openVcd } from '../../waves/vcd.ts';
import { runWithProgress } from '../cli/progress.ts';
import type { Gap8Config } from './config.ts';
import { type ClusterRunResult, ClusterTestbench } from './testbench.ts';

export interface ClusterRunCliOptions {
  config: Gap8Config;
  /** The `--config` argument (preset name or file), echoed in the output. */
  configName: string;
  /** The parameters changed from the preset, by full path (echoed in the JSON output). */
  set?: Record<string, ParamValue>;
  dump?: { addr: number; bytes: number }[];
  maxCycles: number;
  json: boolean;
  vcd?: { path: string; options: VcdOptions };
  backend?: BackendKind;
}

export interface ClusterRunCliOutput {
  code: 0 | 1;
  stdout: string;
  stderr: string;
  result: ClusterRunResult;
}

const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

export function runClusterCli(elf: Elf, o: ClusterRunCliOptions): ClusterRunCliOutput {
  const elfPath = elf.name;
  const cfg = o.config;
  const tb = new ClusterTestbench(cfg, elf, { backend: o.backend ?? 'codegen' });
  let close: (() => void) | undefined;
  if (o.vcd) {
    const w = openVcd(o.vcd.path, tb.sim.traceSource(), o.vcd.options);
    const detach = tb.sim.attachTracer(w);
    close = () => {
      detach();
      w.close();
    };
  }
  const t0 = performance.now();
  const result = runWithProgress({ run: (n) => tb.run(n), get cycle() { return tb.sim.cycle; }, ended: (r) => r.exit !== 'limit' }, { maxCycles: o.maxCycles });
  const seconds = (performance.now() - t0) / 1000;
  close?.();
  const regions = tb.regions();
  const cores = tb.counters().map((c, k) => ({
    core: k,
    // RI5CY's PCCR event 1 (INSTR): what the program's counter counted while enabled.
    instructions: c.pccr[1] ?? 0,
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
    config: o.configName,
    set: o.set ?? {},
    l2Latency: cfg.l2.latency,
    exit: result.exit,
    cycles: result.cycles,
    instructions: cores.reduce((a, c) => a + c.instructions, 0),
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
