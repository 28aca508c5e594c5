// `pulpsim run <elf>`: runs a program on the signal-level single-core system and prints cycles (index of the
// cycle with the granted tohost store, testbench/fixtures/timing/README.md), instructions, tohost and results.
// Exit codes: 0 tohost == 1, 1 the program failed (other tohost value or the cycle limit), 2 usage error,
// 3 model error (bad ELF, unmapped access).
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type CoreVersion, type PortTiming, preset, presets } from '../../rtl/config/index.ts';
import type { BackendKind } from '../../sim/index.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { type RunResult, Testbench } from '../system/testbench.ts';
import { openVcd } from '../../waves/vcd.ts';
import { CLUSTER_PRESETS, addClusterRunOptions, runClusterCli, type ClusterRunCliOptions } from '../cluster/run_cluster.ts';

export interface RunCliOptions {
  config: CoreVersion;
  imem?: PortTiming;
  dmem?: PortTiming;
  maxCycles: number;
  json: boolean;
  vcd?: string;
  backend?: BackendKind;
}

export interface RunCliOutput {
  code: 0 | 1;
  stdout: string;
  stderr: string;
  result: RunResult;
  counters: Record<string, number>;
}

/** Parses a `G,R` port timing (G >= 0 grant delay, R >= 1 response delay); `what` names the option. */
export function parsePortTiming(v: string, what: string): PortTiming {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(v);
  if (!m) throw new InvalidArgumentError(`${what} '${v}' must be G,R (grant delay, response delay), e.g. 0,1`);
  const g = Number(m[1]);
  const r = Number(m[2]);
  if (g > 200) throw new InvalidArgumentError(`${what} '${v}': grant delay G must be 0..200`);
  if (r < 1 || r > 16) throw new InvalidArgumentError(`${what} '${v}': response delay R must be 1..16`);
  return { grantDelay: g, responseDelay: r };
}

/** Runs `elfPath`; throws on a bad ELF (model error). */
export function runCli(elfPath: string, o: RunCliOptions): RunCliOutput {
  const elf = readElf(readFileSync(elfPath), elfPath);
  const cfg = preset(o.config);
  if (o.imem) cfg.imem = o.imem;
  if (o.dmem) cfg.dmem = o.dmem;
  const tb = new Testbench(cfg, elf, { backend: o.backend ?? 'codegen' });
  let closeVcd: (() => void) | undefined;
  if (o.vcd) closeVcd = attachVcd(tb, o.vcd);
  const result = tb.run(o.maxCycles);
  closeVcd?.();
  if (result.exit === 'error') throw new Error(`${elfPath}: ${result.message}`);
  const pass = result.exit === 'tohost' && result.tohost === 1;
  const counters = tb.counters();
  const summary = { elf: elfPath, config: o.config, ...result, counters };
  const stdout = o.json
    ? JSON.stringify(summary) + '\n'
    : `cycles=${result.cycles} instructions=${result.instret} tohost=${result.tohost} exit=${result.exit}\n` +
      `results=[${result.results.join(', ')}]\n`;
  const stderr = pass ? '' : `pulpsim run: ${elfPath}: FAIL: ${result.message}\n`;
  return { code: pass ? 0 : 1, stdout, stderr, result, counters };
}

/** Streams the run's waves (every signal and probe of the system) to a VCD file. */
function attachVcd(tb: Testbench, path: string): () => void {
  const w = openVcd(path, tb.sim.traceSource());
  const detach = tb.sim.attachTracer(w);
  return () => {
    detach();
    w.close();
  };
}

function positiveInt(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
    throw new InvalidArgumentError(`'${v}' is not a positive integer`);
  }
  return Number(v);
}

/** Adds the `run` subcommand to the `pulpsim` program. */
export function registerRun(program: Command): void {
  addClusterRunOptions(program
    .command('run'))
    .description('run an ELF on the cycle-accurate single-core system; prints cycles, instructions, tohost, results')
    .argument('<elf>', 'RISC-V ELF executable')
    .addOption(
      new Option('--config <preset>', 'core configuration preset').choices([...Object.keys(presets), ...CLUSTER_PRESETS]).default('ri5cy'),
    )
    .option('--imem <G,R>', 'instruction port grant and response delay', (v) => parsePortTiming(v, '--imem'))
    .option('--dmem <G,R>', 'data port grant and response delay', (v) => parsePortTiming(v, '--dmem'))
    .option('--max-cycles <n>', 'stop after this many cycles', positiveInt, 10_000_000)
    .option('--json', 'print the result as one JSON object', false)
    .option('--vcd <file>', 'write the waves to a VCD file')
    .action((elfPath: string, opts: RunCliOptions) => {
      const out = CLUSTER_PRESETS.includes(opts.config) ? runClusterCli(elfPath, opts as unknown as ClusterRunCliOptions) : runCli(elfPath, opts);
      process.stdout.write(out.stdout);
      if (out.stderr) process.stderr.write(out.stderr);
      if (out.code !== 0) process.exit(out.code);
    });
}
