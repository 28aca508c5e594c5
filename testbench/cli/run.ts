// `pulpsim run <elf>`: runs a program on the signal-level single-core system or, with a cluster configuration
// (`--config gap8`), on the whole cluster, and prints cycles (index of the cycle with the granted tohost store,
// testbench/fixtures/timing/README.md), instructions, tohost and results. The configuration comes from the common
// options (options.ts: preset or JSON file, --cores, --imem/--dmem/--l2-latency, --set).
// Exit codes: 0 tohost == 1, 1 the program failed (other tohost value or the cycle limit), 2 usage error,
// 3 model error (bad ELF, unmapped access).
import type { Command } from 'commander';
import type { Elf } from '../../kernels/toolchain/elf.ts';
import type { SystemConfig } from '../../rtl/config/index.ts';
import type { ParamValue } from '../../rtl/config/params.ts';
import type { BackendKind } from '../../sim/index.ts';
import { type VcdOptions, openVcd } from '../../waves/vcd.ts';
import { type RunResult, Testbench } from '../system/testbench.ts';
import { addDumpOption } from '../cluster/dump_option.ts';
import { addCommonOptions, addTimingShorthands, commonOptions, isGap8Config, loadElfArg, usageError } from './options.ts';
import { runWithProgress } from './progress.ts';

export interface RunCliOptions {
  config: SystemConfig;
  /** The `--config` argument (preset name or file), echoed in the output. */
  configName: string;
  /** The parameters changed from the preset, by full path. */
  set?: Record<string, ParamValue>;
  maxCycles: number;
  json: boolean;
  vcd?: { path: string; options: VcdOptions };
  backend?: BackendKind;
}

export interface RunCliOutput {
  code: 0 | 1;
  stdout: string;
  stderr: string;
  result: RunResult;
  counters: Record<string, number>;
}

/** Runs `elf` on the single-core system; throws on a model error (unmapped access, a wfi nothing can wake). */
export function runCli(elf: Elf, o: RunCliOptions): RunCliOutput {
  const elfPath = elf.name;
  const tb = new Testbench(o.config, elf, { backend: o.backend ?? 'codegen' });
  let closeVcd: (() => void) | undefined;
  if (o.vcd) {
    const w = openVcd(o.vcd.path, tb.sim.traceSource(), o.vcd.options);
    const detach = tb.sim.attachTracer(w);
    closeVcd = () => {
      detach();
      w.close();
    };
  }
  const result = runWithProgress({ run: (n) => tb.run(n), get cycle() { return tb.cycle; }, ended: (r) => r.exit !== 'limit' }, { maxCycles: o.maxCycles });
  closeVcd?.();
  if (result.exit === 'error') throw new Error(`${elfPath}: ${result.message}`);
  const pass = result.exit === 'tohost' && result.tohost === 1;
  const counters = tb.counters();
  const summary = {
    elf: elfPath,
    config: o.configName,
    set: o.set ?? {},
    exit: result.exit,
    cycles: result.cycles,
    instructions: result.instret,
    instret: result.instret,
    tohost: result.tohost,
    results: result.results,
    message: result.message,
    counters,
    cores: [{ core: 0, instructions: result.instret, counters }],
  };
  const stdout = o.json
    ? JSON.stringify(summary) + '\n'
    : `cycles=${result.cycles} instructions=${result.instret} tohost=${result.tohost} exit=${result.exit}\n` +
      `results=[${result.results.join(', ')}]\n`;
  const stderr = pass ? '' : `pulpsim run: ${elfPath}: FAIL: ${result.message}\n`;
  return { code: pass ? 0 : 1, stdout, stderr, result, counters };
}

interface RunValues {
  dump?: { addr: number; bytes: number }[];
}

/** Adds the `run` subcommand to the `pulpsim` program. */
export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('run an ELF on the cycle-accurate single-core system or cluster; prints cycles, instructions, tohost, results')
    .argument('<elf>', 'RISC-V ELF executable');
  addCommonOptions(cmd, { config: 'ri5cy', maxCycles: 10_000_000 });
  addTimingShorthands(cmd);
  addDumpOption(cmd);
  cmd.action(async (elfPath: string) => {
    const common = commonOptions(cmd);
    const { dump } = cmd.opts<RunValues>();
    const elf = loadElfArg(cmd, elfPath, common.config);
    const base = { configName: cmd.opts<{ config: string }>().config, set: common.source.set, maxCycles: common.run.maxCycles, json: common.run.json, ...(common.run.vcd ? { vcd: common.run.vcd } : {}) };
    let out: { code: 0 | 1; stdout: string; stderr: string };
    if (isGap8Config(common.config)) {
      // Loaded here: a single-core run does not need the cluster's model (~0.1 s of imports).
      const { runClusterCli } = await import('../cluster/run_cluster.ts');
      out = runClusterCli(elf, { ...base, config: common.config, ...(dump ? { dump } : {}) });
    } else {
      if (dump) usageError(cmd, `--dump applies to a cluster configuration (e.g. --config gap8); the single-core system prints its results words`);
      if ('cluster' in common.config) usageError(cmd, `--config ${base.configName}: this cluster configuration has no I$ or L2 the signal-level cluster needs (start from the gap8 preset)`);
      out = runCli(elf, { ...base, config: common.config });
    }
    process.stdout.write(out.stdout);
    if (out.stderr) process.stderr.write(out.stderr);
    if (out.code !== 0) process.exitCode = out.code;
  });
}
