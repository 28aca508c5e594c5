// `pulpsim cluster-iss <elf>`: runs a program on the functional multi-core cluster ISS (testbench/iss/cluster_iss.ts:
// all cores boot from 0x1C000000, the run ends at core 0's store to tohost).
// Exit codes: 0 core 0 stored 1 to tohost, 1 another value, the instruction limit or every core asleep, 2 usage
// error (commander), 3 model error (bad ELF, access outside the map, event-unit misuse).
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { gap8ClusterSystem } from '../../rtl/config/index.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { type ClusterRunResult, ClusterIss, ClusterStopError } from '../iss/cluster_iss.ts';
import { formatRetire } from './iss.ts';

export interface ClusterIssCliOptions {
  cores: number;
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

/** Runs `elfPath` on the GAP-8 cluster (with `cores` cores); throws on a model error. */
export function runClusterIssCli(elfPath: string, o: ClusterIssCliOptions): ClusterIssCliOutput {
  const elf = readElf(readFileSync(elfPath), elfPath);
  const config = gap8ClusterSystem();
  config.cluster.cores = o.cores;
  const lines: string[] = [];
  const c = new ClusterIss(config, {
    maxInstructions: o.maxInstructions,
    ...(o.trace ? { onRetire: (k, r) => lines.push(`[${k}] ${formatRetire(r, c.harts[k]!)}`) } : {}),
  });
  c.load(elf);
  let result: ClusterRunResult | undefined;
  let stderr = '';
  try {
    result = c.run();
  } catch (e) {
    if (!(e instanceof ClusterStopError)) throw e;
    stderr = `pulpsim cluster-iss: ${elfPath}: FAIL: ${e.message}\n`;
  }
  if (lines.length) stderr = lines.join('\n') + '\n' + stderr;
  if (result && result.tohost !== 1) stderr += `pulpsim cluster-iss: ${elfPath}: FAIL: ${result.message}\n`;
  const pass = result !== undefined && result.tohost === 1;
  let stdout = '';
  if (result) {
    stdout = o.json
      ? JSON.stringify({ elf: elfPath, cores: o.cores, ...result }) + '\n'
      : `tohost=${result.tohost} exit=${result.exit} core=${result.core} rounds=${result.rounds} instructions=${result.steps.join(',')}\n`;
  }
  return { code: pass ? 0 : 1, stdout, stderr, result };
}

function intIn(min: number, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new InvalidArgumentError(`'${v}' is not an integer in ${min}..${max}`);
    return n;
  };
}

/** Adds the `cluster-iss` subcommand to the `pulpsim` program. */
export function registerClusterIss(program: Command): void {
  program
    .command('cluster-iss')
    .description('run an ELF on the functional (untimed) multi-core cluster ISS; prints tohost and per-core instructions')
    .argument('<elf>', 'RISC-V ELF executable linked for the cluster (code at 0x1C000000)')
    .option('--cores <n>', 'cluster cores', intIn(1, 16), 8)
    .option('--max-instructions <n>', 'stop after this many instructions summed over the cores', intIn(1, Number.MAX_SAFE_INTEGER), 50_000_000)
    .option('--json', 'print the result as one JSON object', false)
    .option('--trace', 'print every executed instruction to stderr, prefixed with [core]', false)
    .action((elfPath: string, opts: ClusterIssCliOptions) => {
      const out = runClusterIssCli(elfPath, opts);
      process.stdout.write(out.stdout);
      if (out.stderr) process.stderr.write(out.stderr);
      if (out.code !== 0) process.exit(out.code);
    });
}
