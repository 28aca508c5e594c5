// The sweep file: jobs (named runs) crossed with parameter variations, checked as a whole before anything runs.
//
//   {
//     "name": "data port latency",                        optional; default the file name
//     "config": "ri5cy",                                  optional base config (preset or JSON file) for every job
//     "set": { "imem.responseDelay": 1 },                 optional, applied to every run
//     "maxCycles": 1000000,                               optional cycle limit of every run
//     "jobs": [ { "name": "loop", "kind": "program", "elf": "loop.elf", "config": "ri5cy", "set": { ... } } ],
//     "variations": [ { "name": "base" }, { "name": "cv32", "config": "cv32e40p", "set": { ... } } ],
//     "product": { "dmem.grantDelay": [0, 1, 2], "dmem.responseDelay": [1, 2] },
//     "report": { "metrics": ["cycles"], "chart": "bars" | "lines", "relative": false }
//   }
//
// The variations are the list (default one empty variation) crossed with the product (the first key varies
// slowest); every job runs on every variation. A run's configuration: the variation's config, else the job's, else
// the sweep's, else the job kind's default; then the sweep's `set`, the job's, the variation's, the product point.
// Paths are relative to the sweep file.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { type AnyConfig, ConfigError, applyOverrides, parseJsonText, resolveConfig } from '../../rtl/config/load.ts';
import { type ParamValue, cloneTree, editDistance, validateConfig } from '../../rtl/config/params.ts';
import { type JobKind, type JobSpec, jobKinds } from './kinds.ts';

export type ChartKind = 'bars' | 'lines';

export interface SweepReportSpec {
  /** Metrics charted, one chart each (default: cycles when the runs have it, else the first numeric metric). */
  metrics: string[];
  chart: ChartKind;
  /** Chart each job's values relative to its first variation. */
  relative: boolean;
}

export interface PlannedRun {
  /** Position in the whole sweep (sharding and merging key on it). */
  index: number;
  /** `job/variation`. */
  id: string;
  job: string;
  kind: string;
  variation: string;
  /** The variation's parameter values as the file writes them (the table's and CSV's parameter columns). */
  params: Record<string, ParamValue>;
  /** The base configuration spec (preset name or file) the run starts from. */
  configName: string;
  config: AnyConfig;
  spec: JobSpec;
  maxCycles: number;
}

export interface SweepPlan {
  name: string;
  file: string;
  /** Digest of the parsed sweep document: shards of one sweep carry the same. */
  hash: string;
  jobs: string[];
  variations: string[];
  /** Names of the parameters the variations change, in first-seen order. */
  paramNames: string[];
  runs: PlannedRun[];
  report: SweepReportSpec;
}

/** Everything wrong with a sweep file, each line naming the entry at fault. */
export class SweepError extends Error {
  constructor(
    readonly file: string,
    readonly errors: string[],
  ) {
    const shown = errors.slice(0, 20);
    const more = errors.length > shown.length ? `\n  … and ${errors.length - shown.length} more` : '';
    super(`${file}: ${errors.length} error${errors.length === 1 ? '' : 's'} in the sweep:\n  ${shown.join('\n  ')}${more}`);
    this.name = 'SweepError';
  }
}

const DEFAULT_MAX_CYCLES = 10_000_000;
const TOP_KEYS = ['name', 'description', 'config', 'set', 'maxCycles', 'jobs', 'variations', 'product', 'report', '$schema'];
const JOB_KEYS = ['name', 'kind', 'config', 'set', 'maxCycles'];
const VARIATION_KEYS = ['name', 'config', 'set'];
const REPORT_KEYS = ['metrics', 'chart', 'relative'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown): v is ParamValue => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string';

function closest(word: string, known: readonly string[]): string {
  let best: string | undefined;
  let d = Infinity;
  for (const k of known) {
    const e = editDistance(word, k);
    if (e < d) [best, d] = [k, e];
  }
  return best !== undefined && d <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

interface Variation {
  name: string;
  where: string;
  config?: string;
  /** Layers of overrides, each with where it comes from. */
  layers: Array<{ where: string; set: Obj }>;
  params: Record<string, ParamValue>;
}

/** Parses and checks a sweep document; throws a SweepError listing every problem. */
export function parseSweep(text: string, file: string, baseDir = dirname(resolve(file))): SweepPlan {
  const errors: string[] = [];
  const err = (m: string): void => {
    if (!errors.includes(m)) errors.push(m);
  };
  let doc: unknown;
  try {
    doc = parseJsonText(text, file);
  } catch (e) {
    if (e instanceof ConfigError) {
      const m = e.message.slice(file.length);
      throw new SweepError(file, [m.startsWith(':') && !m.startsWith(': ') ? `line ${m.slice(1)}` : m.replace(/^: /, '')]);
    }
    throw e;
  }
  if (!isObj(doc)) throw new SweepError(file, ['a sweep file is a JSON object with "jobs" and "variations" and/or "product"']);

  for (const k of Object.keys(doc)) if (!TOP_KEYS.includes(k)) err(`unknown field "${k}"${closest(k, TOP_KEYS)}`);
  const name = doc.name === undefined ? basename(file).replace(/\.json$/, '') : doc.name;
  if (typeof name !== 'string') err(`"name" must be a string`);
  const maxCycles = checkMaxCycles(doc.maxCycles, '"maxCycles"', err) ?? DEFAULT_MAX_CYCLES;
  const topConfig = checkConfigSpec(doc.config, '"config"', err);
  const topSet = checkSet(doc.set, '"set"', err);

  // Jobs.
  const jobs: Array<{ spec: JobSpec; kind: JobKind; where: string; config?: string; set: Obj; maxCycles: number }> = [];
  if (!Array.isArray(doc.jobs) || doc.jobs.length === 0) err(`"jobs" must be a non-empty list of jobs`);
  else {
    const seen = new Set<string>();
    doc.jobs.forEach((j, i) => {
      let where = `jobs[${i}]`;
      if (!isObj(j)) return err(`${where}: a job is an object { "name", "kind", ... }`);
      if (typeof j.name !== 'string' || j.name === '') return err(`${where}: "name" must be a non-empty string`);
      where += ` "${j.name}"`;
      if (seen.has(j.name)) err(`${where}: duplicate job name`);
      seen.add(j.name);
      if (typeof j.kind !== 'string') return err(`${where}: "kind" must be one of ${Object.keys(jobKinds).join(', ')}`);
      const kind = jobKinds[j.kind];
      if (!kind) return err(`${where}: unknown kind "${j.kind}"${closest(j.kind, Object.keys(jobKinds))} (known: ${Object.keys(jobKinds).join(', ')})`);
      const allowed = [...JOB_KEYS, ...kind.fields];
      for (const k of Object.keys(j)) if (!allowed.includes(k)) err(`${where}: unknown field "${k}" for kind ${kind.name}${closest(k, allowed)}`);
      let spec: JobSpec;
      try {
        spec = kind.parse(j as JobSpec, baseDir);
      } catch (e) {
        return err(`${where}: ${(e as Error).message}`);
      }
      delete spec.config;
      delete spec.set;
      delete spec.maxCycles;
      jobs.push({
        spec,
        kind,
        where,
        config: checkConfigSpec(j.config, `${where}: "config"`, err),
        set: checkSet(j.set, `${where}: "set"`, err),
        maxCycles: checkMaxCycles(j.maxCycles, `${where}: "maxCycles"`, err) ?? maxCycles,
      });
    });
  }

  const variations = planVariations(doc, err);
  const report = checkReport(doc.report, err);
  if (errors.length > 0) throw new SweepError(file, errors);

  // Every run's configuration, built and checked now so that no run starts on a sweep that cannot finish.
  const bases = new Map<string, AnyConfig | undefined>();
  const base = (spec: string): AnyConfig | undefined => {
    if (!bases.has(spec)) {
      try {
        bases.set(spec, resolveConfig(spec, baseDir).config);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        err(`config ${spec}: ${e.message}`);
        bases.set(spec, undefined);
      }
    }
    const b = bases.get(spec);
    if (!b) return undefined;
    const c = cloneTree(b);
    // The optional ISA switches (rtl/config `core.isa`, off when absent) are in every preset, but a hand-written
    // config may lack them and the parameter walker would not see them: written out as off, they are parameters.
    c.core.isa = { xpulpnn: false, ...c.core.isa };
    return c;
  };
  const runs: PlannedRun[] = [];
  const paramNames: string[] = [];
  for (const v of variations) for (const p of Object.keys(v.params)) if (!paramNames.includes(p)) paramNames.push(p);
  for (const job of jobs) {
    for (const v of variations) {
      const configName = v.config ?? job.config ?? topConfig ?? job.kind.defaultConfig;
      const config = base(configName);
      if (!config) continue;
      const id = `${job.spec.name}/${v.name}`;
      const layers = [{ where: '"set"', set: topSet }, { where: `${job.where}: "set"`, set: job.set }, ...v.layers];
      let failed = false;
      for (const layer of layers) {
        try {
          applyOverrides(config, layer.set, () => layer.where);
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          err(`${e.message} (on config ${configName})`);
          failed = true;
          break;
        }
      }
      if (failed) continue;
      try {
        validateConfig(config);
        job.kind.check(config, job.spec);
      } catch (e) {
        err(`run "${id}" (${job.where} on ${v.where}, config ${configName}): ${(e as Error).message}`);
        continue;
      }
      runs.push({
        index: runs.length,
        id,
        job: job.spec.name,
        kind: job.kind.name,
        variation: v.name,
        params: v.params,
        configName,
        config,
        spec: job.spec,
        maxCycles: job.maxCycles,
      });
    }
  }
  if (errors.length > 0) throw new SweepError(file, errors);
  return {
    name: name as string,
    file,
    hash: createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 16),
    jobs: jobs.map((j) => j.spec.name),
    variations: variations.map((v) => v.name),
    paramNames,
    runs,
    report,
  };
}

/** Reads and parses a sweep file. */
export function loadSweep(path: string): SweepPlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SweepError(path, [`cannot read the sweep file: ${(e as Error).message}`]);
  }
  return parseSweep(text, path);
}

function checkMaxCycles(v: unknown, where: string, err: (m: string) => void): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    err(`${where} must be a positive integer, got ${JSON.stringify(v)}`);
    return undefined;
  }
  return v;
}

function checkConfigSpec(v: unknown, where: string, err: (m: string) => void): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') {
    err(`${where} must be a preset name or a JSON file`);
    return undefined;
  }
  return v;
}

function checkSet(v: unknown, where: string, err: (m: string) => void): Obj {
  if (v === undefined) return {};
  if (!isObj(v)) {
    err(`${where} must be an object of parameter: value`);
    return {};
  }
  return v;
}

function planVariations(doc: Obj, err: (m: string) => void): Variation[] {
  let list: Variation[] = [{ name: 'base', where: 'the base variation', layers: [], params: {} }];
  if (doc.variations !== undefined) {
    if (!Array.isArray(doc.variations) || doc.variations.length === 0) {
      err(`"variations" must be a non-empty list of { "name", "config", "set" }`);
    } else {
      const seen = new Set<string>();
      list = [];
      doc.variations.forEach((v, i) => {
        let where = `variations[${i}]`;
        if (!isObj(v)) return err(`${where}: a variation is an object { "name", "config", "set" }`);
        if (typeof v.name !== 'string' || v.name === '') return err(`${where}: "name" must be a non-empty string`);
        where += ` "${v.name}"`;
        if (seen.has(v.name)) err(`${where}: duplicate variation name`);
        seen.add(v.name);
        for (const k of Object.keys(v)) if (!VARIATION_KEYS.includes(k)) err(`${where}: unknown field "${k}"${closest(k, VARIATION_KEYS)}`);
        const set = checkSet(v.set, `${where}: "set"`, err);
        const params: Record<string, ParamValue> = {};
        for (const [k, x] of Object.entries(set)) if (isPrimitive(x)) params[k] = x;
        if (typeof v.config === 'string') params.config = v.config;
        list.push({ name: v.name, where, config: checkConfigSpec(v.config, `${where}: "config"`, err), layers: [{ where: `${where}: "set"`, set }], params });
      });
    }
  }
  if (doc.product === undefined) return list;
  if (!isObj(doc.product) || Object.keys(doc.product).length === 0) {
    err(`"product" must be an object of parameter: [values]`);
    return list;
  }
  let points: Array<Record<string, ParamValue>> = [{}];
  for (const [k, values] of Object.entries(doc.product)) {
    if (!Array.isArray(values) || values.length === 0 || !values.every(isPrimitive)) {
      err(`product."${k}" must be a non-empty list of numbers, booleans or strings`);
      continue;
    }
    if (new Set(values).size !== values.length) err(`product."${k}" lists a value twice`);
    points = points.flatMap((p) => values.map((x) => ({ ...p, [k]: x })));
  }
  const single = list.length === 1 && doc.variations === undefined;
  return list.flatMap((v) =>
    points.map((p) => {
      const label = Object.entries(p)
        .map(([k, x]) => `${k}=${x}`)
        .join(' ');
      return {
        name: single ? label : `${v.name} ${label}`,
        where: `${v.where} × product {${label}}`,
        config: v.config,
        layers: [...v.layers, { where: `product {${label}}`, set: p }],
        params: { ...v.params, ...p },
      };
    }),
  );
}

function checkReport(v: unknown, err: (m: string) => void): SweepReportSpec {
  const r: SweepReportSpec = { metrics: [], chart: 'bars', relative: false };
  if (v === undefined) return r;
  if (!isObj(v)) {
    err(`"report" must be an object { "metrics", "chart", "relative" }`);
    return r;
  }
  for (const k of Object.keys(v)) if (!REPORT_KEYS.includes(k)) err(`report: unknown field "${k}"${closest(k, REPORT_KEYS)}`);
  const m = typeof v.metrics === 'string' ? [v.metrics] : v.metrics;
  if (m !== undefined) {
    if (!Array.isArray(m) || !m.every((x) => typeof x === 'string')) err(`report."metrics" must be a metric name or a list of them`);
    else r.metrics = m as string[];
  }
  if (v.chart !== undefined) {
    if (v.chart !== 'bars' && v.chart !== 'lines') err(`report."chart" must be "bars" or "lines", got ${JSON.stringify(v.chart)}`);
    else r.chart = v.chart;
  }
  if (v.relative !== undefined) {
    if (typeof v.relative !== 'boolean') err(`report."relative" must be true or false`);
    else r.relative = v.relative;
  }
  return r;
}
