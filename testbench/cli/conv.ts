// `pulpsim conv`: runs a mixed-precision convolution kernel (kernels/pulp-nn-mixed) on the cycle-accurate cluster
// and checks it against the golden model (kernels/golden).
//
//   pulpsim conv --in <b> --w <b> --out <b> [--h N] [--width N] [--cin N] [--cout N] [--k K|KHxKW] [--stride S]
//                [--pad P] [--reference] [--seed S] [--save <dir>] [--cores N] [--config gap8] [--json]
//   pulpsim conv --layer <dir> [--out <dir>] [--cores N] [--json]
//
// The first form generates a layer (--save writes it in the layer directory format, kernels/golden/README.md, with
// the golden output as y.npy); the second runs a user's layer and writes the kernel's output to <out>/y.npy. With
// --layer, --out names a directory; otherwise it is the ofmap precision (and --w, the weight precision, is why the
// ifmap width is --width).
// Exit codes: 0 the run completed and matched the golden model (and the layer's y.npy, if it has one); 1 it did
// not complete or did not match; 2 usage error, unreadable layer or a layer the kernels cannot run (named before
// any simulation); 3 model error.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Gap8Config } from '../../rtl/config/index.ts';
import { convGolden } from '../../kernels/golden/conv.ts';
import { generateLayer, referenceLayerShape } from '../../kernels/golden/generate.ts';
import { type Layer, LayerError, outputShape, type Precision, readOutput, readLayer, writeLayer } from '../../kernels/golden/layer.ts';
import { NpyError, writeNpy } from '../../kernels/golden/npy.ts';
import { openVcd } from '../../waves/vcd.ts';
import { type ConvRunResult, ConvRunError, convLimits, describeComparison, runConvOnCluster } from '../kernels/conv_run.ts';
import { PERF_EVENTS, PHASES } from '../kernels/phases.ts';
import { addCommonOptions, commonOptions, type ResolvedOptions, usageError } from './options.ts';

export interface ConvCliValues {
  in?: string;
  w?: string;
  out?: string;
  h?: number;
  width?: number;
  cin?: number;
  cout?: number;
  k?: { kh: number; kw: number };
  stride?: number;
  pad?: number;
  seed: number;
  reference: boolean;
  layer?: string;
  save?: string;
}

const DEFAULT_SHAPE = { h: 8, w: 8, cin: 16, cout: 16, kh: 3, kw: 3, stride: 1, padding: 1 };

function bitsOf(opt: string, v: string | undefined): Precision {
  if (v === undefined) throw new InvalidArgumentError(`${opt} is required (2, 4 or 8) unless --layer <dir> is given`);
  if (v !== '2' && v !== '4' && v !== '8') {
    throw new InvalidArgumentError(`${opt} '${v}' must be 2, 4 or 8${opt === '--out' ? ' (--out names a directory only with --layer)' : ''}`);
  }
  return Number(v) as Precision;
}

const posInt = (min: number) => (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > 0xffff) throw new InvalidArgumentError(`'${v}' must be an integer ${min}..65535`);
  return Number(v);
};

function parseK(v: string): { kh: number; kw: number } {
  const m = /^(\d+)(?:x(\d+))?$/.exec(v.trim());
  if (!m || Number(m[1]) < 1 || (m[2] !== undefined && Number(m[2]) < 1)) throw new InvalidArgumentError(`'${v}' must be K or KHxKW, e.g. 3 or 1x3`);
  return { kh: Number(m[1]), kw: Number(m[2] ?? m[1]) };
}

/** The layer a command line describes; throws InvalidArgumentError (usage) or LayerError/NpyError (bad layer). */
export function layerOf(v: ConvCliValues): Layer {
  if (v.layer !== undefined) {
    const extra = (['in', 'w', 'h', 'width', 'cin', 'cout', 'k', 'stride', 'pad', 'save'] as const).filter((k) => v[k] !== undefined);
    if (v.reference) extra.push('reference' as never);
    if (extra.length) throw new InvalidArgumentError(`--layer takes the shape and precisions from the layer directory; drop ${extra.map((k) => `--${k}`).join(', ')}`);
    return readLayer(v.layer);
  }
  const base = v.reference ? referenceLayerShape() : DEFAULT_SHAPE;
  const h = v.h ?? base.h;
  const k = v.k ?? { kh: base.kh, kw: base.kw };
  return generateLayer({
    inBits: bitsOf('--in', v.in),
    wBits: bitsOf('--w', v.w),
    outBits: bitsOf('--out', v.out),
    h,
    w: v.width ?? (v.h !== undefined && !v.reference ? h : base.w),
    cin: v.cin ?? base.cin,
    cout: v.cout ?? base.cout,
    kh: k.kh,
    kw: k.kw,
    stride: v.stride ?? base.stride,
    padding: v.pad ?? base.padding,
    seed: v.seed,
  });
}

function describeLayer(l: Layer): string {
  const s = l.spec;
  const o = outputShape(s);
  return (
    `${s.ifmap.h}x${s.ifmap.w}x${s.ifmap.c} (${s.ifmap.bits}-bit) -> ${o.ho}x${o.wo}x${o.c} (${s.ofmap.bits}-bit), ` +
    `${s.weights.kh}x${s.weights.kw} ${s.weights.bits}-bit weights, stride ${s.stride}, pad ${s.padding}`
  );
}

export function formatConv(r: ConvRunResult, layer: Layer, extra: string[]): string {
  const lines = [
    `${r.kernel} on ${r.cores} core(s): ${describeLayer(layer)}`,
    `cycles ${r.cycles}  MACs ${r.macs}  MACs/cycle ${r.macsPerCycle.toFixed(3)}  (im2col+MatMul ${r.linearMacsPerCycle.toFixed(3)})`,
    `phases (core-cycles): ${PHASES.map((p) => `${p} ${r.phases[p]}`).join(', ')}`,
    `inner loop ${r.inner.cyclesPerIteration.toFixed(2)} cycles/iteration (${r.inner.instructions} instructions, ${r.inner.iterations} iterations); ` +
      `QntPack ${r.qntpack.cyclesPerOutput.toFixed(2)} +/- ${r.qntpack.spread.toFixed(2)} cycles/output`,
    ['core', ...PERF_EVENTS].join(' '),
    ...r.perCore.map((c) => [c.core, ...PERF_EVENTS.map((e) => c.counters[e])].join(' ')),
    `golden: ${describeComparison(r)}`,
    ...extra,
  ];
  return lines.join('\n') + '\n';
}

export interface ConvCliOutput {
  code: 0 | 1;
  stdout: string;
  stderr: string;
}

/** Runs the command once its options are resolved. Throws UsageError-like InvalidArgumentError / LayerError for bad input. */
export function runConvCli(v: ConvCliValues, common: ResolvedOptions, maxCyclesGiven = true): ConvCliOutput {
  const config = common.config as Gap8Config;
  if (!('icache' in config) || !('l2' in config)) {
    throw new InvalidArgumentError(`--config: '${common.source.file ?? common.source.preset}' is not a cycle-accurate cluster configuration (use gap8)`);
  }
  const layer = layerOf(v);
  const limits = convLimits(layer, config);
  if (limits.length) throw new InvalidArgumentError(`the kernels cannot run this layer${v.layer ? ` (${v.layer})` : ''} on ${config.cluster.cores} core(s): ${limits.join('; ')}`);
  const golden = convGolden(layer);
  if (v.save !== undefined) writeLayer(v.save, layer, { y: golden });
  let expectedFile: Uint8Array | undefined;
  const yIn = v.layer !== undefined ? join(v.layer, 'y.npy') : undefined;
  if (yIn && existsSync(yIn)) expectedFile = readOutput(yIn, layer.spec);
  const vcd = common.run.vcd;
  let r: ConvRunResult;
  try {
    r = runConvOnCluster(layer, {
      config,
      // Without --max-cycles, the harness's bound from the layer's MACs stops a kernel that runs away.
      ...(maxCyclesGiven ? { maxCycles: common.run.maxCycles } : {}),
      ...(vcd
        ? {
            onTestbench: (tb) => {
              const w = openVcd(vcd.path, tb.sim.traceSource(), vcd.options);
              const detach = tb.sim.attachTracer(w);
              return () => {
                detach();
                w.close();
              };
            },
          }
        : {}),
    });
  } catch (e) {
    if (e instanceof ConvRunError) return { code: 1, stdout: '', stderr: `pulpsim conv: FAIL: ${e.message}\n` };
    throw e;
  }
  const extra: string[] = [];
  let fileMismatches: number | undefined;
  if (expectedFile) {
    fileMismatches = 0;
    for (let i = 0; i < expectedFile.length; i++) if (expectedFile[i] !== r.output[i]) fileMismatches++;
    extra.push(`${yIn}: ${fileMismatches === 0 ? 'reproduced bit for bit' : `${fileMismatches} outputs differ`}`);
  }
  let written: string | undefined;
  if (v.layer !== undefined && v.out !== undefined) {
    mkdirSync(v.out, { recursive: true });
    written = join(v.out, 'y.npy');
    const o = outputShape(layer.spec);
    writeNpy(written, { dtype: '|u1', shape: [o.ho, o.wo, o.c], data: r.output });
    extra.push(`wrote ${written}`);
  }
  const ok = r.bitExact && (fileMismatches ?? 0) === 0;
  let stdout: string;
  if (common.run.json) {
    const { output: _o, packed: _p, ...rest } = r;
    stdout =
      JSON.stringify({
        ...rest,
        config: common.source.file ?? common.source.preset,
        layer: layer.spec,
        ...(v.layer !== undefined ? { layerDir: v.layer } : { seed: v.seed }),
        ...(v.save !== undefined ? { saved: v.save } : {}),
        ...(written ? { output: written } : {}),
        ...(fileMismatches !== undefined ? { layerOutputMismatches: fileMismatches } : {}),
      }) + '\n';
  } else stdout = formatConv(r, layer, extra);
  const stderr = ok
    ? ''
    : `pulpsim conv: FAIL: ${r.kernel}: ${r.bitExact ? '' : `golden: ${describeComparison(r)}`}${fileMismatches ? `${r.bitExact ? '' : '; '}${yIn}: ${fileMismatches} outputs differ` : ''}\n`;
  return { code: ok ? 0 : 1, stdout, stderr };
}

export function registerConv(program: Command): void {
  const cmd = new Command('conv')
    .description('run a mixed-precision convolution kernel on the cycle-accurate cluster and check it against the golden model')
    .option('--in <bits>', 'ifmap precision: 2, 4 or 8')
    .option('--w <bits>', 'weight precision: 2, 4 or 8')
    .option('--out <bits|dir>', 'ofmap precision (2, 4 or 8); with --layer, the directory to write y.npy to')
    .option('--h <n>', `ifmap height (default ${DEFAULT_SHAPE.h})`, posInt(1))
    .option('--width <n>', 'ifmap width (default: the height)', posInt(1))
    .option('--cin <n>', `input channels (default ${DEFAULT_SHAPE.cin})`, posInt(1))
    .option('--cout <n>', `output channels (default ${DEFAULT_SHAPE.cout})`, posInt(1))
    .option('--k <K|KHxKW>', `filter size (default ${DEFAULT_SHAPE.kh})`, parseK)
    .option('--stride <n>', 'stride (default 1)', posInt(1))
    .option('--pad <n>', 'zero padding on every side (default 1)', posInt(0))
    .option('--reference', "CF'20's reference layer shape (16x16x32 -> 64, 3x3, pad 1) instead of the defaults", false)
    .addOption(new Option('--seed <n>', 'seed of the generated layer').argParser(posInt(0)).default(1))
    .option('--layer <dir>', 'run a layer directory (kernels/golden/README.md) instead of a generated layer')
    .option('--save <dir>', 'write the generated layer (with its golden y.npy) to a new layer directory');
  addCommonOptions(cmd, { config: 'gap8', maxCycles: 100_000_000 });
  cmd.action(() => {
    const v = cmd.opts<ConvCliValues>();
    const common = commonOptions(cmd);
    let out: ConvCliOutput;
    try {
      out = runConvCli(v, common, cmd.getOptionValueSource('maxCycles') === 'cli');
    } catch (e) {
      if (e instanceof InvalidArgumentError || e instanceof LayerError || e instanceof NpyError) usageError(cmd, e.message);
      throw e;
    }
    process.stdout.write(out.stdout);
    if (out.stderr) process.stderr.write(out.stderr);
    if (out.code !== 0) process.exitCode = out.code;
  });
  program.addCommand(cmd);
}
