// Job kind `program`: one ELF on the single-core system, either the signal-level core (model "rtl", the default:
// cycles as testbench/fixtures/timing/README.md defines them) or the functional ISS (model "iss": instructions
// only). The functional check is the program's own: it passes when it stores 1 to tohost.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SystemConfig } from '../../rtl/config/index.ts';
import { type AnyConfig, isClusterConfig } from '../../rtl/config/load.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { Iss } from '../iss/iss.ts';
import { Testbench } from '../system/testbench.ts';
import type { JobContext, JobKind, JobSpec, Metrics } from './kinds.ts';

export interface ProgramJob extends JobSpec {
  kind: 'program';
  /** Absolute path of the ELF. */
  elf: string;
  model: 'rtl' | 'iss';
}

const MODELS = ['rtl', 'iss'] as const;

function parse(entry: JobSpec, baseDir: string): ProgramJob {
  const { elf, model = 'rtl' } = entry;
  if (typeof elf !== 'string' || elf === '') throw new Error(`"elf" must name an ELF file`);
  const path = resolve(baseDir, elf);
  if (!existsSync(path)) throw new Error(`"elf": file '${elf}' not found`);
  if (typeof model !== 'string' || !(MODELS as readonly string[]).includes(model)) {
    throw new Error(`"model" must be one of ${MODELS.join(', ')}, got ${JSON.stringify(model)}`);
  }
  return { ...entry, kind: 'program', elf: path, model: model as ProgramJob['model'] };
}

function check(config: AnyConfig): void {
  if (isClusterConfig(config)) throw new Error(`a program job runs on the single-core system; this configuration is a cluster`);
}

function runRtl(config: SystemConfig, job: ProgramJob, ctx: JobContext): Metrics {
  const tb = new Testbench(config, readElf(readFileSync(job.elf), job.elf));
  const r = tb.run(ctx.maxCycles);
  if (r.exit === 'error') throw new Error(r.message);
  const ok = r.exit === 'tohost' && r.tohost === 1;
  return {
    ok,
    ...(ok ? {} : { message: r.message }),
    cycles: r.cycles,
    instret: r.instret,
    // Cycles per instruction only where the core counts instructions (the v1.0 harness reads no PCCR1).
    ...(r.instret > 0 ? { cpi: r.cycles / r.instret } : {}),
    tohost: r.tohost,
    exit: r.exit,
  };
}

function runIss(config: SystemConfig, job: ProgramJob, ctx: JobContext): Metrics {
  const iss = new Iss(config, { maxInstructions: ctx.maxCycles });
  iss.load(readElf(readFileSync(job.elf), job.elf));
  const r = iss.run();
  const ok = r.exit !== 'limit' && r.tohost === 1;
  return { ok, ...(ok ? {} : { message: r.message }), instret: r.instret, steps: r.steps, tohost: r.tohost, exit: r.exit };
}

export const programKind: JobKind = {
  name: 'program',
  doc: 'an ELF on the single-core system ("elf", "model": "rtl" | "iss"); ok = tohost 1',
  fields: ['elf', 'model'],
  defaultConfig: 'ri5cy',
  parse,
  check,
  run(config, job, ctx) {
    const p = job as ProgramJob;
    const c = config as SystemConfig;
    return p.model === 'iss' ? runIss(c, p, ctx) : runRtl(c, p, ctx);
  },
};
