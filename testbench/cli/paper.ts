// `pulpsim paper [--json] [--workers N] [--full]`: the CF'20 reproduction on the cycle-accurate cluster
// (testbench/kernels/paper.ts). Quick mode (default) runs the 27 kernels on 8 pixels of an interior output row of
// the reference layer on 1 core and on a small layer on 8 cores, and the 8-bit kernel on the whole reference layer
// on 1 and 8 cores (speed-up, peak); --full runs all 27 kernels on the whole reference layer on 1 and 8 cores.
// Exit codes: 0 every run bit-exact, 1 a run mismatched the golden model, 2 usage error, 3 model error.
import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import { formatPaper, paperReport } from '../kernels/paper.ts';
import { jobName, paperJobs, type PaperMode } from '../kernels/paper_jobs.ts';
import { runJobs } from '../kernels/worker_pool.ts';

export interface PaperCliOptions {
  json: boolean;
  workers: number;
  full: boolean;
  /** Progress lines on stderr (default when stderr is a terminal). */
  progress?: boolean;
}

export async function runPaperCli(o: PaperCliOptions): Promise<{ code: 0 | 1; stdout: string }> {
  const mode: PaperMode = o.full ? 'full' : 'quick';
  const jobs = paperJobs(mode);
  const t0 = performance.now();
  const ms = await runJobs(jobs, {
    workers: o.workers,
    onDone: (m, done, total) => {
      if (o.progress) process.stderr.write(`[${done}/${total}] ${jobName(m.job)}: ${m.cycles} cycles, ${m.bitExact ? 'bit-exact' : 'MISMATCH'} (${m.seconds.toFixed(1)} s)\n`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const report = paperReport(ms, { mode, seconds, workers: o.workers });
  const stdout = o.json ? JSON.stringify(report, null, 1) + '\n' : formatPaper(report);
  return { code: report.paper.allBitExact ? 0 : 1, stdout };
}

export function registerPaper(program: Command): void {
  program
    .command('paper')
    .description("reproduce CF'20's mixed-precision figures (Fig. 4, inner loop, Table 1, 8-core speed-up) on the cycle-accurate cluster")
    .option('--json', 'print the report as JSON', false)
    .option(
      '--workers <n>',
      'worker threads (0: run in this thread)',
      (v: string) => {
        if (!/^\d+$/.test(v) || Number(v) > 64) throw new InvalidArgumentError(`'${v}' must be an integer 0..64`);
        return Number(v);
      },
      Math.max(1, Math.min(2, availableParallelism())),
    )
    .option('--full', 'every kernel on the whole reference layer on 1 and 8 cores (slow)', false)
    .action(async (o: { json: boolean; workers: number; full: boolean }) => {
      const r = await runPaperCli({ ...o, progress: process.stderr.isTTY === true });
      process.stdout.write(r.stdout);
      if (r.code !== 0) process.exitCode = r.code;
    });
}
