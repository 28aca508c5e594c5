// What a sweep can run: job kinds by name. A kind checks its job entries before any run, refuses configurations it
// cannot run on, and runs one job on one configuration to a flat record of metrics that always says whether the
// run was functionally correct (`ok`). A new kind is one module implementing JobKind and one line in `jobKinds`
// below (`program`: an ELF on the single-core system; `kernel`: a convolution kernel on the cluster, checked
// bit-exact against the golden model); the worker threads import this table, so a kind is known wherever runs
// happen.
import type { AnyConfig } from '../../rtl/config/load.ts';
import { kernelKind } from './kernel_job.ts';
import { programKind } from './program_job.ts';

/** One metric value; numbers are charted, the rest only tabled. */
export type MetricValue = number | string | boolean;

/** A run's measurements; `ok` = the job's functional check passed (tohost = 1, output bit-exact, ...). */
export type Metrics = { ok: boolean } & Record<string, MetricValue>;

/** A job entry after its kind checked it: plain, structured-cloneable data (it travels to worker threads). */
export interface JobSpec {
  name: string;
  kind: string;
  [field: string]: unknown;
}

export interface JobContext {
  /** Cycle (or instruction) limit of the run. */
  maxCycles: number;
}

export interface JobKind {
  readonly name: string;
  /** One line for `pulpsim sweep --help` and error messages. */
  readonly doc: string;
  /** The job fields besides name, kind, config and set; unknown fields are an error naming the closest. */
  readonly fields: readonly string[];
  /** Preset used when neither the job, its variation nor the sweep names a config. */
  readonly defaultConfig: string;
  /**
   * Checks a job entry (`where` names it, e.g. `jobs[2] "conv"`) and returns it normalized (file paths made
   * absolute against `baseDir`); throws an Error whose message names the field.
   */
  parse(entry: JobSpec, baseDir: string): JobSpec;
  /** Throws when the job cannot run on `config` (e.g. a single-core program on a cluster configuration). */
  check(config: AnyConfig, job: JobSpec): void;
  run(config: AnyConfig, job: JobSpec, ctx: JobContext): Metrics | Promise<Metrics>;
}

export const jobKinds: Readonly<Record<string, JobKind>> = {
  [programKind.name]: programKind,
  [kernelKind.name]: kernelKind,
};

export function jobKind(name: string): JobKind {
  const k = jobKinds[name];
  if (!k) throw new Error(`unknown job kind '${name}' (known: ${Object.keys(jobKinds).join(', ')})`);
  return k;
}
