// Job kind `kernel`: one pulp-nn-mixed convolution kernel on the cycle-accurate GAP-8 cluster
// (testbench/kernels/conv_run.ts), on a generated layer, checked bit-exact against the golden model
// (kernels/golden). A run whose output differs is `ok: false` and reports no MACs/cycle, so a broken
// configuration cannot show a good-looking number; its cycles and mismatch count stay in the row.
//
//   { "name": "u4_u8_i4", "kind": "kernel", "kernel": "conv_u4_u8_i4", "xpulpnn": false, "cores": 8,
//     "layer": "reference" | { "h", "w", "cin", "cout", "k", "stride", "pad" }, "seed": 1 }
import { generateLayer, referenceLayerShape } from '../../kernels/golden/generate.ts';
import type { Layer, Precision } from '../../kernels/golden/layer.ts';
import { xpulpnnRefusal } from '../../kernels/pulp-nn-mixed/templates/xpulpnn.ts';
import type { Gap8Config } from '../../rtl/config/index.ts';
import { type AnyConfig, isClusterConfig } from '../../rtl/config/load.ts';
import { convLimits, runConvOnCluster } from '../kernels/conv_run.ts';
import type { JobKind, JobSpec, Metrics } from './kinds.ts';

export interface LayerDims {
  h: number;
  w: number;
  cin: number;
  cout: number;
  /** Square kernel size. */
  k: number;
  stride: number;
  pad: number;
}

export interface KernelJob extends JobSpec {
  kind: 'kernel';
  inBits: Precision;
  wBits: Precision;
  outBits: Precision;
  xpulpnn: boolean;
  /** Cores of the run (default: the configuration's). */
  cores?: number;
  layer: LayerDims;
  seed: number;
}

const NAME = /^conv_u([248])_u([248])_i([248])$/;
const DIM_KEYS = ['h', 'w', 'cin', 'cout', 'k', 'stride', 'pad'] as const;

/** CF'20's reference layer (16x16x32 -> 64, 3x3, pad 1). */
export function referenceDims(): LayerDims {
  const r = referenceLayerShape();
  return { h: r.h, w: r.w, cin: r.cin, cout: r.cout, k: r.kh, stride: r.stride, pad: r.padding };
}

function parseLayer(v: unknown): LayerDims {
  if (v === undefined || v === 'reference') return referenceDims();
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`"layer" must be "reference" or { ${DIM_KEYS.join(', ')} }`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(DIM_KEYS as readonly string[]).includes(k)) throw new Error(`"layer": unknown field "${k}" (fields: ${DIM_KEYS.join(', ')})`);
  const d: Record<string, number> = {};
  for (const k of DIM_KEYS) {
    const x = o[k] ?? (k === 'stride' ? 1 : k === 'pad' ? 0 : undefined);
    const min = k === 'pad' ? 0 : 1;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > 4096) throw new Error(`"layer"."${k}" must be an integer ${min}..4096, got ${JSON.stringify(x)}`);
    d[k] = x;
  }
  return d as unknown as LayerDims;
}

function parse(entry: JobSpec): KernelJob {
  const { kernel, xpulpnn = false, cores, layer, seed = 1 } = entry;
  if (typeof kernel !== 'string') throw new Error(`"kernel" must name one of the 27 kernels, e.g. "conv_u8_u8_i8"`);
  const m = NAME.exec(kernel);
  if (!m) throw new Error(`"kernel": '${kernel}' is not a kernel (conv_u<in>_u<out>_i<w>, each of 8, 4, 2)`);
  const [inBits, outBits, wBits] = [Number(m[1]), Number(m[2]), Number(m[3])] as Precision[];
  if (typeof xpulpnn !== 'boolean') throw new Error(`"xpulpnn" must be true or false`);
  if (xpulpnn) {
    const why = xpulpnnRefusal({ inBits: inBits!, wBits: wBits!, flavour: 'xpulpv2' });
    if (why) throw new Error(`"xpulpnn": ${kernel} has no XpulpNN variant: ${why}`);
  }
  if (cores !== undefined && (typeof cores !== 'number' || !Number.isInteger(cores) || cores < 1 || cores > 16)) {
    throw new Error(`"cores" must be an integer 1..16, got ${JSON.stringify(cores)}`);
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new Error(`"seed" must be an integer`);
  return {
    ...entry,
    kind: 'kernel',
    inBits: inBits!,
    wBits: wBits!,
    outBits: outBits!,
    xpulpnn,
    ...(cores !== undefined ? { cores: cores as number } : {}),
    layer: parseLayer(layer),
    seed,
  };
}

/** The job's layer (deterministic in the seed). */
export function jobLayer(j: KernelJob): Layer {
  const d = j.layer;
  return generateLayer({
    inBits: j.inBits, wBits: j.wBits, outBits: j.outBits,
    h: d.h, w: d.w, cin: d.cin, cout: d.cout, kh: d.k, kw: d.k, stride: d.stride, padding: d.pad, seed: j.seed,
  });
}

function gap8Of(config: AnyConfig): Gap8Config {
  if (!isClusterConfig(config) || !('icache' in config)) throw new Error(`a kernel job runs on the GAP-8 cluster (config gap8 or a file based on it)`);
  return config as Gap8Config;
}

function withCores(config: Gap8Config, cores: number | undefined): Gap8Config {
  if (cores === undefined) return config;
  const c = structuredClone(config);
  c.cluster.cores = cores;
  c.cluster.eventUnit.barriers = cores;
  return c;
}

function check(config: AnyConfig, job: JobSpec): void {
  const j = job as KernelJob;
  const c = withCores(gap8Of(config), j.cores);
  if (j.xpulpnn && c.core.isa?.xpulpnn !== true) {
    throw new Error(`the XpulpNN kernel variant needs the extension: set core.isa.xpulpnn=true on this run`);
  }
  const limits = convLimits(jobLayer(j), c, j.xpulpnn);
  if (limits.length > 0) throw new Error(`the kernel cannot run this layer on ${c.cluster.cores} core(s): ${limits.join('; ')}`);
}

function run(config: AnyConfig, job: JobSpec, ctx: { maxCycles: number }): Metrics {
  const j = job as KernelJob;
  const c = withCores(gap8Of(config), j.cores);
  const r = runConvOnCluster(jobLayer(j), { config: c, xpulpnn: j.xpulpnn, maxCycles: ctx.maxCycles, reuse: true });
  const m: Metrics = {
    ok: r.bitExact,
    bitExact: r.bitExact,
    cores: r.cores,
    cycles: r.cycles,
    macs: r.macs,
  };
  if (r.bitExact) {
    m.macsPerCycle = r.macsPerCycle;
    m.linearMacsPerCycle = r.linearMacsPerCycle;
  } else {
    m.mismatches = r.mismatches;
    const f = r.first!;
    m.message = `output not bit-exact: ${r.mismatches} of ${r.outputs} values differ; first at y=${f.y} x=${f.x} c=${f.c}: kernel ${f.got}, golden ${f.want}`;
  }
  for (const [phase, v] of Object.entries(r.phases)) m[`${phase}CoreCycles`] = v;
  m.innerCyclesPerIteration = r.inner.cyclesPerIteration;
  m.simCyclesPerSecond = r.cyclesPerSecond;
  return m;
}

export const kernelKind: JobKind = {
  name: 'kernel',
  doc: 'a pulp-nn-mixed conv kernel on the GAP-8 cluster ("kernel", "xpulpnn", "cores", "layer", "seed"); ok = bit-exact vs golden',
  fields: ['kernel', 'xpulpnn', 'cores', 'layer', 'seed'],
  defaultConfig: 'gap8',
  parse,
  check,
  run,
};
