// `pulpsim cluster-iss <elf>`: runs a program on the functional multi-core cluster ISS (testbench/iss/cluster_iss.ts:
// all cores boot from 0x1C000000, the run ends at core 0's store to tohost).
// Exit codes: 0 core 0 stored 1 to tohost, 1 another value, the instruction limit or every core asleep, 2 usage
// error (commander), 3 model error (bad ELF, access outside the map, event-unit misuse).
import type { Command } from 'commander';
import type { ClusterSystemConfig } from '../../rtl/config/index.ts';
import type { ParamValue } from '../../rtl/config/params.ts';
import type { Elf } from '../../kernels/toolchain/elf.ts';
import { type ClusterRunResult, ClusterIss, ClusterStopError } from '../iss/cluster_iss.ts';
import { formatRetire } from './iss.ts';
import { addCommonOptions, commonOptions, loadElfArg } from './options.ts';

export interface ClusterIssCliOptions {
  /** The cluster (cores, memory map, event unit); `--cores` already applied. */
  config: ClusterSystemConfig;
  /** The `--config` argument (preset name or file), echoed in the output. */
  configName: string;
  set?: Record<string, ParamValue>;
  maxInstructions: number;
  json: boolean;
  trace: boolean;
}

export interface ClusterIssCliOutput {
  code: 0 | 1;
  stdout: string;
  /** The trace (with --trace) and the reason of a failure. */
  stderr: string;
  result: ClusterRunResult | undefined;
}

/** Runs `elf` on the cluster of `o.config`; throws on a model error. */
export function runClusterIssCli(elf: Elf, o: ClusterIssCliOptions): ClusterIssCliOutput {
  const elfPath = elf.name;
  const config = o.config;
  const lines: string[] = [];
  const c = new ClusterIss(config, {
    maxInstructions: o.maxInstructions,
    ...(o.trace ? { onRetire: (k, r) => lines.push(`[${k}] ${formatRetire(r, c.harts[k]!)}`) } : {}),
  });
  c.load(elf);
  let result: ClusterRunResult | undefined;
  let stop: ClusterStopError | undefined;
  let stderr = '';
  try {
    result = c.run();
  } catch (e) {
    if (!(e instanceof ClusterStopError)) throw e;
    stop = e;
    stderr = `pulpsim cluster-iss: ${elfPath}: FAIL: ${e.message}\n`;
  }
  if (lines.length) stderr = lines.join('\n') + '\n' + stderr;
  if (result && result.tohost !== 1) stderr += `pulpsim cluster-iss: ${elfPath}: FAIL: ${result.message}\n`;
  const pass = result !== undefined && result.tohost === 1;
  const head = { elf: elfPath, config: o.configName, set: o.set ?? {}, cores: config.cluster.cores };
  let stdout = '';
  if (o.json) {
    // one object whatever the outcome: a stopped run reports why and where every core was
    const body = result
      ? { ...result, instructions: result.steps.reduce((a, b) => a + b, 0) }
      : { exit: stop!.kind, tohost: 0, message: stop!.message.split('\n')[0], harts: stop!.harts, instructions: stop!.harts.reduce((a, h) => a + h.steps, 0) };
    stdout = JSON.stringify({ ...head, ...body }) + '\n';
  } else if (result) {
    stdout = `tohost=${result.tohost} exit=${result.exit} core=${result.core} rounds=${result.rounds} instructions=${result.steps.join(',')}\n`;
  }
  return { code: pass ? 0 : 1, stdout, stderr, result };
}

interface ClusterIssValues {
  config: string;
  trace: boolean;
}

/** Adds the `cluster-iss` subcommand to the `pulpsim` program. */
export function registerClusterIss(program: Command): void {
  const cmd = program
    .command('cluster-iss')
    .description('run an ELF on the functional (untimed) multi-core cluster ISS; prints tohost and per-core instructions')
    .argument('<elf>', 'RISC-V ELF executable linked for the cluster (code at 0x1C000000)')
    .option('--trace', 'print every executed instruction to stderr, prefixed with [core]', false);
  // untimed: an instruction limit (summed over the cores), no waves
  addCommonOptions(cmd, { config: 'gap8', limit: 'instructions', maxInstructions: 50_000_000, waves: false, system: 'cluster', otherCommand: 'iss' });
  cmd.action((elfPath: string) => {
    const common = commonOptions(cmd);
    const v = cmd.opts<ClusterIssValues>();
    const elf = loadElfArg(cmd, elfPath);
    if (!('cluster' in common.config)) throw new Error('unreachable: commonOptions refuses single-core configurations here');
    const out = runClusterIssCli(elf, {
      config: common.config,
      configName: v.config,
      set: common.source.set,
      maxInstructions: common.run.maxInstructions!,
      json: common.run.json,
      trace: v.trace,
    });
    process.stdout.write(out.stdout);
    if (out.stderr) process.stderr.write(out.stderr);
    if (out.code !== 0) process.exitCode = out.code;
  });
}
