// `pulpsim sweep <file.json>`: runs every job of a sweep file on every parameter variation, on worker threads
// (one simulation per thread), and writes results.json, results.csv and report.html; `pulpsim sweep merge
// <dirs...>` joins the outputs of `--shard i/n` runs into the result of one unsharded run.
// Exit codes: 0 every run ok, 1 some run failed its functional check or threw, 2 usage error (bad sweep file).
import { basename } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { type SweepPlan, SweepError, loadSweep } from '../sweep/format.ts';
import { jobKinds } from '../sweep/kinds.ts';
import { writeSweepOutputs, sweepTable } from '../sweep/report.ts';
import { type SweepResult, mergeResults, readResult, toJson } from '../sweep/results.ts';
import { defaultWorkers, runSweep } from '../sweep/runner.ts';
import { type Shard, inShard, parseShard } from '../sweep/shard.ts';
import { resolveConfig } from '../../rtl/config/load.ts';
import { describeExpected, formatParamValue, listParams } from '../../rtl/config/params.ts';
import { usageError } from './options.ts';
import { Progress } from './progress.ts';

interface SweepCliOptions {
  workers?: number;
  shard?: Shard;
  out?: string;
  metric?: string[];
  json: boolean;
}

function workerCount(v: string): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) > 256) throw new InvalidArgumentError(`'${v}' is not a worker count 0..256 (0 = run in this thread)`);
  return Number(v);
}

function shardOption(v: string): Shard {
  try {
    return parseShard(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message.replace(/^--shard '[^']*': /, ''));
  }
}

function defaultOut(plan: SweepPlan, shard: Shard | undefined): string {
  const stem = `sweep-${basename(plan.file).replace(/\.json$/, '')}`;
  return shard && shard.count > 1 ? `${stem}-shard${shard.index}of${shard.count}` : stem;
}

function report(r: SweepResult, out: string, json: boolean): void {
  const paths = writeSweepOutputs(r, out);
  process.stdout.write(json ? toJson(r) : sweepTable(r) + `\nwrote ${paths.csv}, ${paths.json}, ${paths.html}\n`);
  if (r.rows.some((row) => row.status !== 'ok')) process.exitCode = 1;
}

async function runAction(file: string, o: SweepCliOptions, cmd: Command): Promise<void> {
  let plan: SweepPlan;
  try {
    plan = loadSweep(file);
  } catch (e) {
    if (e instanceof SweepError) usageError(cmd, e.message);
    throw e;
  }
  if (o.metric) plan.report.metrics = o.metric;
  const shardRuns = plan.runs.filter((r) => inShard(r.index, o.shard ?? { index: 1, count: 1 })).length;
  const progress = new Progress({ total: shardRuns, label: `sweep ${plan.name}` });
  const result = await runSweep(plan, { workers: o.workers ?? defaultWorkers(), shard: o.shard, onRun: (row, done) => progress.update(done, row.id) });
  progress.finish();
  report(result, o.out ?? defaultOut(plan, o.shard), o.json);
}

function mergeAction(dirs: string[], o: { out?: string; json: boolean }, cmd: Command): void {
  let merged: SweepResult;
  try {
    merged = mergeResults(dirs.map((d) => ({ where: d, result: readResult(d) })));
  } catch (e) {
    usageError(cmd, (e as Error).message);
  }
  report(merged, o.out ?? `sweep-${basename(merged.file).replace(/\.json$/, '')}`, o.json);
}

/** Adds `sweep <file.json>` and `sweep merge <dirs...>` to the `pulpsim` program. */
export function registerSweep(program: Command): void {
  const kinds = Object.values(jobKinds)
    .map((k) => `  ${k.name}: ${k.doc}`)
    .join('\n');
  const sweep = program.command('sweep').description('run a parameter sweep (jobs x variations) on worker threads; merge shards');
  sweep
    .command('run <file>', { isDefault: true })
    .description(`run a sweep file (the default: \`pulpsim sweep <file.json>\`); job kinds:\n${kinds}`)
    .option('--workers <n>', `worker threads, one simulation each (default: CPU count, ${defaultWorkers()} here; 0 = this thread)`, workerCount)
    .option('--shard <i/n>', 'run only the i-th of n disjoint parts (merge them with `sweep merge`)', shardOption)
    .option('--out <dir>', 'output directory (default sweep-<file name>[-shard<i>of<n>])')
    .option('--metric <name>', 'metric to chart (repeatable; default cycles)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--json', 'print the results as JSON instead of a table', false)
    .action(async function (this: Command, file: string, o: SweepCliOptions) {
      await runAction(file, o, this);
    });
  sweep
    .command('params')
    .description('list the parameters a sweep or --set can change: name, value, what it accepts, meaning')
    .option('--config <preset|file.json>', 'configuration to list', 'gap8')
    .action(function (this: Command, o: { config: string }) {
      let config;
      try {
        config = resolveConfig(o.config).config;
      } catch (e) {
        usageError(this, (e as Error).message);
      }
      const rows = listParams(config).map((p) => [p.path, formatParamValue(p), describeExpected(p), p.doc]);
      const w = [0, 1, 2].map((k) => Math.max(...rows.map((r) => r[k]!.length)));
      process.stdout.write(rows.map((r) => r.map((c, k) => (k < 3 ? c.padEnd(w[k]!) : c)).join('  ').trimEnd()).join('\n') + '\n');
    });
  sweep
    .command('merge <dirs...>')
    .description('merge the output directories of `--shard i/n` runs of one sweep')
    .option('--out <dir>', 'output directory (default sweep-<file name>)')
    .option('--json', 'print the results as JSON instead of a table', false)
    .action(function (this: Command, dirs: string[], o: { out?: string; json: boolean }) {
      mergeAction(dirs, o, this);
    });
}
