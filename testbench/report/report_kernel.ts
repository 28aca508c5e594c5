// A pulp-nn-mixed kernel on the cycle-accurate cluster (the gap8 preset's 8 cores unless a configuration says
// otherwise) through the conv harness (testbench/kernels/conv_run.ts: program, layout, golden check, kernel-call
// cycles) with the monitors attached: the run report built, and the waves of a window written with a GTKWave
// layout opened on core 0's third QntPack (I$ warm).
import { resolve } from 'node:path';
import { generateLayer, referenceLayerShape } from '../../kernels/golden/generate.ts';
import type { Layer, Precision } from '../../kernels/golden/layer.ts';
import type { BackendKind } from '../../sim/index.ts';
import { writeGtkw } from '../../waves/gtkw.ts';
import { clusterLayout } from '../../waves/layout.ts';
import type { TraceSource } from '../../waves/trace_source.ts';
import { openVcd, type VcdWriter } from '../../waves/vcd.ts';
import { type Gap8Config, gap8WithLatency } from '../cluster/config.ts';
import type { ClusterTestbench } from '../cluster/testbench.ts';
import { type ConvRunOptions, type ConvRunResult, convLimits, runConvOnCluster } from '../kernels/conv_run.ts';
import { monitorCluster, type SystemMonitor } from '../monitors/attach.ts';
import { kernelNames } from '../monitors/phases.ts';
import { kernelSummary, type LayerShapeInfo } from './profile.ts';
import { buildReport, type RunReport } from './report.ts';

export interface KernelReportOptions {
  inBits: Precision;
  wBits: Precision;
  outBits: Precision;
  /** Output rows/columns of the layer (the reference layer has 16; smaller layers run faster). */
  size?: number;
  seed?: number;
  backend?: BackendKind;
  /** The cluster (default the gap8 preset with `l2Latency`); its `cluster.cores` cores run the kernel. */
  config?: Gap8Config;
  /** Name of the configuration for the report's system line (default 'gap8'). */
  configName?: string;
  /** L2 latency of the default configuration (ignored with `config`). */
  l2Latency?: number;
  maxCycles?: number;
  /** Directory for `<kernel>.vcd` and `<kernel>.gtkw`; no waves when undefined. */
  wavesDir?: string;
  /** Cycles of waves after core 0 enters the QntPack the view opens on (the dump starts at cycle 0);
   *  default 2000, Infinity for the whole run. */
  wavesAfterQntpack?: number;
  /** Scopes the VCD keeps (default: core 0's region, the TCDM interconnect, the event unit, every core's
   *  monitor probes). */
  waveScopes?: string[];
}

export interface KernelReportResult {
  report: RunReport;
  monitor: SystemMonitor;
  /** What the conv harness measured (its own phase monitor, PCCRs, kernel-call cycles). */
  conv: ConvRunResult;
  /** The harness throws when the program does not end normally, so a result always ended at tohost. */
  exit: 'tohost';
  seconds: number;
  cyclesPerSecond: number;
  vcdPath?: string;
  gtkwPath?: string;
  vcdBytes?: number;
  /** The cycle window the VCD holds. */
  vcdWindow?: [number, number];
  /** The cycle core 0 entered the QntPack the GTKWave view opens on (its third: the I$ is warm by then, so the
   *  view shows the threshold branches' own cost rather than cold misses), -1 when it never did. */
  qntpackView: number;
}

/** Which of core 0's entries into QntPack the waves are opened on. */
const VIEW_ENTRY = 3;

interface Job {
  layer: Layer;
  shape: LayerShapeInfo;
  size: number;
  reduced: boolean;
  config: Gap8Config;
}

/** The reference layer's channels and filter with `size` x `size` output pixels, and the cluster it runs on. */
function jobOf(o: KernelReportOptions): Job {
  const ref = referenceLayerShape();
  const size = o.size ?? ref.h;
  const shape: LayerShapeInfo = { ...ref, h: size, w: size };
  const layer = generateLayer({ inBits: o.inBits, wBits: o.wBits, outBits: o.outBits, ...shape, seed: o.seed ?? 2020 });
  return { layer, shape, size, reduced: size !== ref.h, config: o.config ?? gap8WithLatency(o.l2Latency ?? 5) };
}

/** What keeps the kernel from running the job's layer on its cluster (empty when nothing does); nothing is built. */
export function kernelReportLimits(o: KernelReportOptions): string[] {
  const j = jobOf(o);
  return convLimits(j.layer, j.config);
}

export function runKernelReport(o: KernelReportOptions): KernelReportResult {
  const { layer, shape, size, reduced, config } = jobOf(o);
  const cores = config.cluster.cores;
  const after = o.wavesAfterQntpack ?? 2000;
  let mon: SystemMonitor | undefined;
  let vcd: VcdWriter | undefined;
  let vcdPath: string | undefined;
  let source: TraceSource | undefined;
  let stopAt = -1;
  let lastSampled = -1;
  let viewAt = -1;
  let simCycles = 0;
  const wavesDir = o.wavesDir;

  const onTestbench = (tb: ClusterTestbench): (() => void) => {
    const m = monitorCluster(tb);
    mon = m;
    const src = m.traceSource();
    source = src;
    const core0 = m.cores[0]!;
    const qntIdx = m.phases.names.indexOf('qntpack');
    let entries = 0;
    let prevPhase = -1;
    const stopHook = tb.sim.onSettled((cycle) => {
      const ph = core0.phase;
      if (ph === qntIdx && prevPhase !== qntIdx && ++entries === VIEW_ENTRY) {
        viewAt = cycle;
        if (Number.isFinite(after)) stopAt = cycle + after;
      }
      prevPhase = ph;
    });
    let detach: (() => void) | undefined;
    if (wavesDir !== undefined) {
      const name = kernelNames(tb.elf)[0] ?? 'kernel';
      vcdPath = resolve(wavesDir, `${name}.vcd`);
      // Core 0 in full, the other cores' monitor probes, the interconnect and the event unit.
      const scopes = o.waveScopes ?? ['top.regions_0', 'top.tcdm', 'top.eu', ...Array.from({ length: cores - 1 }, (_, k) => `top.regions_${k + 1}.core.monitor`)];
      const w = openVcd(vcdPath, src, { scopes });
      vcd = w;
      // Samples stop exactly `after` cycles after the QntPack the view opens on (known from the settled hook,
      // which runs before the tracers in the same cycle).
      detach = tb.sim.attachTracer({
        sample: (c: number) => {
          if (stopAt < 0 || c < stopAt) {
            w.sample(c);
            lastSampled = c;
          }
        },
      });
    }
    return () => {
      detach?.();
      vcd?.close();
      stopHook();
      m.detach();
      simCycles = tb.sim.cycle;
    };
  };
  const opts: ConvRunOptions = { config, cores, backend: o.backend ?? 'codegen', onTestbench };
  if (o.maxCycles !== undefined) opts.maxCycles = o.maxCycles;
  const run = runConvOnCluster(layer, opts);
  const m = mon!;

  const notes = [
    `cycles per core include boot (cores wait clock-gated until dispatched: 'sleep'/'elw') and the final barrier ('elw' in rt_team_barrier); the kernel's MACs/cycle count the kernel call only (first core's entry to last core's return)`,
  ];
  const pre = buildReport(m, { ...reportMeta(run.kernel, size, cores, config.l2.latency, o.configName ?? 'gap8'), notes });
  const kernel = kernelSummary(pre.cores, {
    name: run.kernel,
    precision: { inBits: o.inBits, wBits: o.wBits, outBits: o.outBits },
    layer: shape,
    reduced,
    golden: { outputs: run.outputs, mismatches: run.mismatches },
    cycles: run.cycles,
  });
  const report: RunReport = { ...pre, kernel };
  const res: KernelReportResult = {
    report,
    monitor: m,
    conv: run,
    exit: 'tohost',
    seconds: run.seconds,
    cyclesPerSecond: simCycles / Math.max(run.seconds, 1e-9),
    qntpackView: viewAt,
  };
  if (vcd && vcdPath && source) {
    const gtkwPath = resolve(wavesDir!, `${run.kernel}.gtkw`);
    const at = viewAt >= 0 ? viewAt : 0;
    writeGtkw(gtkwPath, {
      vcdPath,
      vars: vcd.vars,
      source,
      groups: clusterLayout(source, cores),
      // ~40 cycles over a wide window: the string probes (disassembly, class) stay readable cycle by cycle.
      view: { from: Math.max(0, at - 4), to: at + 35 },
      size: { width: 1900, height: 1000 },
    });
    Object.assign(res, { vcdPath, gtkwPath, vcdBytes: vcd.bytesWritten, vcdWindow: [0, lastSampled] as [number, number] });
  }
  return res;
}

function reportMeta(name: string, size: number, cores: number, l2: number, configName: string): { title: string; system: string } {
  return {
    title: `${name} on the ${cores}-core cluster (${size}x${size} output pixels)`,
    system: `${configName}: ${cores} RI5CY cores, shared I$, TCDM, event unit, L2 latency ${l2}`,
  };
}
