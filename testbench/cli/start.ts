// `pulpsim start` (`npm start`): the project in one command. A mixed-precision pulp-nn-mixed convolution runs on
// the cycle-accurate cluster (the gap8 preset, 8 cores; `--config`, `--cores`, `--set` change it), is checked
// against the golden model, and the report of where every cycle went is printed; the waves (core 0, interconnect,
// event unit, every core's monitor probes) go to waves/out/<kernel>.vcd with a GTKWave layout opened on core 0's
// third QntPack, and the report also to <kernel>.report.json and .html. A configuration the cluster cannot build
// or a layer the kernel cannot run on it is refused before the run (exit 2). `--demo` runs the small demo design
// (rtl/demo) instead.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Precision } from '../../kernels/golden/layer.ts';
import { kernelReportLimits, runKernelReport, type KernelReportResult } from '../report/report_kernel.ts';
import { renderReportHtml } from '../report/report_html.ts';
import { reportJson, type RunReport } from '../report/report.ts';
import { renderReportTable } from '../report/table.ts';
import { ensureDir } from '../../waves/ensure_dir.ts';
import { DemoTop } from '../../rtl/demo/demo_top.ts';
import { Simulator, type BackendKind } from '../../sim/index.ts';
import { writeGtkw } from '../../waves/gtkw.ts';
import { openVcd } from '../../waves/vcd.ts';
import type { Gap8Config } from '../cluster/config.ts';
import { UsageError, addCommonOptions, checkWritableDir, commonOptions, isGap8Config, usageError } from './options.ts';

export interface DemoOptions {
  cycles: number;
  backend: BackendKind;
  outDir: string;
}

export interface DemoSummary {
  cycles: number;
  seconds: number;
  cyclesPerSecond: number;
  vcdPath: string;
  gtkwPath: string;
  vcdBytes: number;
  results: number;
}

/** Runs the demo with `run` high except for a pause in the middle, tracing every signal. */
export function runDemo(o: DemoOptions): DemoSummary {
  const top = new DemoTop();
  const sim = new Simulator(top, { backend: o.backend, name: 'top' });
  const vcdPath = resolve(o.outDir, 'demo.vcd');
  const gtkwPath = resolve(o.outDir, 'demo.gtkw');
  const vcd = openVcd(vcdPath, sim.traceSource());
  sim.attachTracer(vcd);
  let results = 0;
  sim.onSettled(() => {
    if (top.result_valid.v && top.mac.hold.v === 3) results++;
  });
  const t0 = performance.now();
  const pauseFrom = Math.floor(o.cycles / 2);
  const pauseTo = pauseFrom + Math.min(200, Math.floor(o.cycles / 10));
  try {
    sim.poke(top.run, 1);
    sim.run(pauseFrom);
    sim.poke(top.run, 0);
    sim.run(pauseTo - pauseFrom);
    sim.poke(top.run, 1);
    sim.run(o.cycles - pauseTo);
  } finally {
    vcd.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  writeGtkw(gtkwPath, {
    vcdPath,
    vars: vcd.vars,
    groups: [
      { name: 'source', signals: ['top.run', 'top.src.state', 'top.src.out_valid', 'top.src.out_ready', 'top.src.out_data'] },
      { name: 'fifo', signals: ['top.fifo.level', 'top.fifo.head', 'top.fifo.tail', 'top.fifo.push', 'top.fifo.pop', 'top.fifo.out_data'] },
      {
        name: 'mac',
        signals: ['top.status', 'top.mac.state', 'top.mac.taken', 'top.mac.take', 'top.mac.prod_valid', 'top.mac.prod', 'top.mac.acc', 'top.mac.result', 'top.mac.result_valid'],
      },
      { name: 'gated counters', signals: ['top.bank_en', 'top.bank.a.count', 'top.bank.b.count', 'top.cycles.count'], closed: true },
    ],
    view: { from: 0, to: 120 },
  });
  return {
    cycles: o.cycles,
    seconds,
    cyclesPerSecond: o.cycles / seconds,
    vcdPath,
    gtkwPath,
    vcdBytes: vcd.bytesWritten,
    results,
  };
}

function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got '${v}'`);
    return n;
  };
}

export interface StartOptions {
  precision: { inBits: Precision; wBits: Precision; outBits: Precision };
  /** Output rows/columns (16 = the paper's reference layer). */
  size: number;
  outDir: string;
  backend: BackendKind;
  /** Cycles of waves after the QntPack the view opens on. */
  waveCycles: number;
  /** Cycle limit of the kernel run (the harness fails the run when it is reached). */
  maxCycles?: number;
  /** The cluster (default the gap8 preset: 8 cores, L2 latency 5). */
  config?: Gap8Config;
  /** How the configuration is named in the report (default 'gap8'). */
  configName?: string;
}

/** The start job's default: 4-bit inputs, 8-bit weights, 2-bit outputs (threshold QntPack with its branches),
 *  on an 8x8 layer: the reference layer's channels and filters, a quarter of its pixels, so it ends in seconds. */
export const START_DEFAULTS: StartOptions = {
  precision: { inBits: 4, wBits: 8, outBits: 2 },
  size: 8,
  outDir: 'waves/out',
  backend: 'codegen',
  waveCycles: 2000,
};

export interface StartOutput {
  result: KernelReportResult;
  text: string;
  /** The report as one JSON object, with the run's `instructions` (all cores), `tohost` and every core's PCCRs
   *  (`counters`, counted during the kernel call): what `--json` prints, the same as the .report.json file. */
  json: string;
  /** The lines around the table (notes, files written, verdict), which `--json` sends to stderr. */
  notes: string;
  jsonPath: string;
  htmlPath: string;
  pass: boolean;
}

/** Runs the start job and writes its files; `text` is what the command prints. */
export function runStart(o: StartOptions): StartOutput {
  const opts: Parameters<typeof runKernelReport>[0] = {
    ...o.precision,
    size: o.size,
    backend: o.backend,
    wavesDir: o.outDir,
    wavesAfterQntpack: o.waveCycles,
    ...(o.maxCycles !== undefined ? { maxCycles: o.maxCycles } : {}),
    ...(o.config !== undefined ? { config: o.config } : {}),
    ...(o.configName !== undefined ? { configName: o.configName } : {}),
  };
  const result = runKernelReport(opts);
  const r = result.report;
  const k = r.kernel!;
  ensureDir(resolve(o.outDir));
  const base = resolve(o.outDir, `${k.name}.report`);
  const jsonPath = `${base}.json`;
  const htmlPath = `${base}.html`;
  const json = startJson(result);
  writeFileSync(jsonPath, json);
  writeFileSync(htmlPath, renderReportHtml(r));
  const pass = k.golden.mismatches === 0;
  const head = [
    k.reduced
      ? `NOTE: a reduced layer (${k.layer.h}x${k.layer.w} output pixels instead of the reference layer's 16x16) so the job ends in seconds; --size 16 runs the paper's reference layer (about 4x longer).`
      : `the paper's reference layer (32x16x16 -> 64x16x16, 3x3).`,
  ];
  const lines = [
    `simulated ${result.report.cycles.toLocaleString('en-US')} cycles in ${result.seconds.toFixed(1)} s (${Math.round(result.cyclesPerSecond).toLocaleString('en-US')} cycles/s, monitors and waves on)`,
  ];
  if (result.vcdPath) {
    const [from, to] = result.vcdWindow!;
    lines.push(
      `wrote ${result.vcdPath} (${((result.vcdBytes ?? 0) / 1048576).toFixed(1)} MiB, cycles ${from}..${to}: core 0, TCDM interconnect, event unit, every core's monitor probes)`,
      `wrote ${result.gtkwPath}  (open with: gtkwave ${result.gtkwPath}; opens on core 0's third QntPack at cycle ${result.qntpackView})`,
    );
  }
  lines.push(`wrote ${jsonPath}`, `wrote ${htmlPath}`);
  lines.push(pass ? 'PASS: output matches the golden model' : `FAIL: ${k.golden.mismatches} outputs differ from the golden model`);
  return {
    result,
    text: [...head, '', renderReportTable(r), ...lines].join('\n') + '\n',
    json,
    notes: [...head, ...lines].join('\n') + '\n',
    jsonPath,
    htmlPath,
    pass,
  };
}

/** The report and the numbers every `--json` output carries (`cycles` is the report's). */
function startJson(res: KernelReportResult): string {
  const r = res.report;
  const extra = {
    instructions: r.cores.reduce((s, c) => s + c.total.instructions, 0),
    // the conv harness returns only from a run that stored 1 to tohost
    tohost: 1,
    counters: res.conv.perCore.map((c) => c.counters),
  };
  return reportJson({ ...r, ...extra } as RunReport);
}

function precisionTriple(v: string): StartOptions['precision'] {
  const m = /^\s*([248])\s*,\s*([248])\s*,\s*([248])\s*$/.exec(v);
  if (!m) throw new InvalidArgumentError(`--precision '${v}' must be IN,W,OUT bits, each 2, 4 or 8 (e.g. 4,8,2)`);
  return { inBits: Number(m[1]) as Precision, wBits: Number(m[2]) as Precision, outBits: Number(m[3]) as Precision };
}

/** `--set` changes as the report's system line names them. */
function describeConfig(name: string, set: Record<string, unknown>): string {
  const changed = Object.entries(set).map(([k, v]) => `${k}=${String(v)}`);
  return changed.length ? `${name} (${changed.join(', ')})` : name;
}

export function registerStart(program: Command): void {
  const cmd = program
    .command('start')
    .description('run a mixed-precision convolution on the cluster (8 cores unless --cores/--config say otherwise), check it, print where every cycle went, write waves + GTKWave layout + HTML/JSON report to waves/out')
    .addOption(new Option('--precision <in,w,out>', 'kernel precisions in bits').default(START_DEFAULTS.precision, '4,8,2').argParser(precisionTriple))
    .addOption(new Option('--size <n>', 'output rows and columns of the layer (16 = the reference layer)').default(START_DEFAULTS.size).argParser(positiveInt('--size')))
    .addOption(new Option('--wave-cycles <n>', "cycles of waves after the QntPack the GTKWave view opens on").default(START_DEFAULTS.waveCycles).argParser(positiveInt('--wave-cycles')))
    .addOption(new Option('--demo', 'run the small demo design instead (LFSR -> FIFO -> MAC)'))
    .addOption(new Option('--cycles <n>', '--demo: cycles to simulate').default(5000).argParser(positiveInt('--cycles')))
    .addOption(new Option('--backend <kind>', 'engine back-end').choices(['codegen', 'interp']).default('codegen'))
    .addOption(new Option('--out <dir>', 'output directory').default('waves/out'));
  // the waves always go to --out (a window chosen by --wave-cycles), so no --vcd/--scope/--from/--to
  addCommonOptions(cmd, { config: 'gap8', maxCycles: 100_000_000, waves: false, system: 'cluster', otherCommand: 'run' });
  cmd.action(() => {
    const opts = cmd.opts<{ cycles: number; backend: BackendKind; out: string; demo?: boolean; precision: StartOptions['precision']; size: number; waveCycles: number; config: string }>();
    try {
      checkWritableDir(opts.out, '--out');
    } catch (e) {
      if (e instanceof UsageError) usageError(cmd, e.message);
      throw e;
    }
    if (opts.demo) {
      const given = (['config', 'set', 'cores'] as const).filter((k) => cmd.getOptionValueSource(k) === 'cli');
      if (given.length) usageError(cmd, `${given.map((k) => `--${k}`).join(', ')}: the cluster options apply to the kernel job, not to --demo`);
      const json = cmd.opts<{ json: boolean }>().json;
      const s = runDemo({ cycles: opts.cycles, backend: opts.backend, outDir: opts.out });
      const lines = [
        `demo: ${s.cycles} cycles in ${s.seconds.toFixed(3)} s (${Math.round(s.cyclesPerSecond).toLocaleString('en-US')} cycles/s, ${opts.backend}, VCD on), ${s.results} MAC results`,
        `wrote ${s.vcdPath} (${(s.vcdBytes / 1024).toFixed(0)} KiB)`,
        `wrote ${s.gtkwPath}  (open with: gtkwave ${s.gtkwPath})`,
      ];
      if (json) process.stdout.write(JSON.stringify({ demo: true, ...s }) + '\n');
      else process.stdout.write(lines.join('\n') + '\n');
      return;
    }
    const common = commonOptions(cmd);
    const config = common.config;
    if (!isGap8Config(config)) usageError(cmd, `--config ${opts.config}: this cluster configuration has no I$ or L2 the signal-level cluster needs (start from the gap8 preset)`);
    const p = opts.precision;
    const cores = config.cluster.cores;
    const limits = kernelReportLimits({ ...p, size: opts.size, config });
    if (limits.length) {
      const coresFrom = cmd.getOptionValueSource('cores') === 'cli' ? `--cores ${cores}` : `${cores} cores of --config ${opts.config}${common.source.set['cluster.cores'] !== undefined ? ' with --set' : ''}`;
      usageError(cmd, `--size ${opts.size} on ${coresFrom}: conv_u${p.inBits}_u${p.outBits}_i${p.wBits} cannot run a ${opts.size}x${opts.size}-pixel layer there: ${limits.join('; ')}`);
    }
    const configName = describeConfig(common.source.file ?? common.source.preset, common.source.set);
    process.stderr.write(`pulpsim start: conv_u${p.inBits}_u${p.outBits}_i${p.wBits} on the ${cores}-core cluster (${configName}), ${opts.size}x${opts.size} output pixels ...\n`);
    const out = runStart({
      precision: p,
      size: opts.size,
      outDir: opts.out,
      backend: opts.backend,
      waveCycles: opts.waveCycles,
      maxCycles: common.run.maxCycles,
      config,
      configName,
    });
    if (common.run.json) {
      process.stderr.write(out.notes);
      process.stdout.write(out.json);
    } else process.stdout.write(out.text);
    if (!out.pass) process.exitCode = 1;
  });
}
