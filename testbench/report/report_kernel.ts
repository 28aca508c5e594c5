// A pulp-nn-mixed kernel on the cycle-accurate 8-core cluster with the monitors attached: the layer's data placed
// as the cluster ISS harness places it (kernels/pulp-nn-mixed/cluster_harness.ts: same program, same layout), the
// output checked against the golden model, the run report built, and the waves of a window written with a
// GTKWave layout opened on core 0's third QntPack (I$ warm).
import { resolve } from 'node:path';
import { generateLayer, referenceLayerShape } from '../../kernels/golden/generate.ts';
import type { Precision } from '../../kernels/golden/layer.ts';
import { unpackBits } from '../../kernels/golden/pack.ts';
import { clusterProgram } from '../../kernels/pulp-nn-mixed/cluster_harness.ts';
import { compareOutputs } from '../../kernels/pulp-nn-mixed/harness.ts';
import { layerImage } from '../../kernels/pulp-nn-mixed/layout.ts';
import type { BackendKind } from '../../sim/index.ts';
import { writeGtkw } from '../../waves/gtkw.ts';
import { clusterLayout } from '../../waves/layout.ts';
import { openVcd, type VcdWriter } from '../../waves/vcd.ts';
import { gap8WithLatency } from '../cluster/config.ts';
import { ClusterTestbench } from '../cluster/testbench.ts';
import { monitorCluster, type SystemMonitor } from '../monitors/attach.ts';
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
  /** Called about every thousand cycles with the cycle count. */
  onProgress?: (cycle: number) => void;
}

export interface KernelReportResult {
  report: RunReport;
  monitor: SystemMonitor;
  exit: 'tohost' | 'limit';
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

const CHUNK = 1000;
/** Which of core 0's entries into QntPack the waves are opened on. */
const VIEW_ENTRY = 3;

export function runKernelReport(o: KernelReportOptions): KernelReportResult {
  const ref = referenceLayerShape();
  const size = o.size ?? ref.h;
  const shape: LayerShapeInfo = { ...ref, h: size, w: size };
  const reduced = size !== ref.h;
  const layer = generateLayer({ inBits: o.inBits, wBits: o.wBits, outBits: o.outBits, ...shape, seed: o.seed ?? 2020 });
  const cores = 8;
  const program = clusterProgram({ inBits: o.inBits, wBits: o.wBits, outBits: o.outBits }, 'xpulpv2', cores);
  const image = layerImage(layer, { base: program.dataBase, cores, l1Bytes: program.dataEnd - program.dataBase });
  const cfg = gap8WithLatency(o.l2Latency ?? 5);
  const tb = new ClusterTestbench(cfg, program.elf, { backend: o.backend ?? 'codegen' });
  for (const b of image.blocks) tb.writeBytes(b.addr, b.bytes);
  tb.writeWord(program.descAddrWord, image.descriptorAddr);
  const mon = monitorCluster(tb);
  const name = program.kernel.name;

  let vcd: VcdWriter | undefined;
  let stopAt = -1;
  let lastSampled = -1;
  const after = o.wavesAfterQntpack ?? 2000;
  let detach: (() => void) | undefined;
  let vcdPath: string | undefined;
  const source = mon.traceSource();
  if (o.wavesDir !== undefined) {
    vcdPath = resolve(o.wavesDir, `${name}.vcd`);
    // Core 0 in full, the other cores' monitor probes, the interconnect and the event unit.
    const scopes = o.waveScopes ?? ['top.regions_0', 'top.tcdm', 'top.eu', ...Array.from({ length: cores - 1 }, (_, k) => `top.regions_${k + 1}.core.monitor`)];
    const w = openVcd(vcdPath, source, { scopes });
    vcd = w;
    // Samples stop exactly `after` cycles after the QntPack the view opens on (known from the settled hook, which runs
    // before the tracers in the same cycle).
    detach = tb.sim.attachTracer({
      sample: (c: number) => {
        if (stopAt < 0 || c < stopAt) {
          w.sample(c);
          lastSampled = c;
        }
      },
    });
  }
  const core0 = mon.cores[0]!;
  const qntIdx = mon.phases.names.indexOf('qntpack');
  let firstQnt = -1;
  let entries = 0;
  let prevPhase = -1;
  const stopHook = tb.sim.onSettled((cycle) => {
    const ph = core0.phase;
    if (ph === qntIdx && prevPhase !== qntIdx && ++entries === VIEW_ENTRY) {
      firstQnt = cycle;
      if (Number.isFinite(after)) stopAt = cycle + after;
    }
    prevPhase = ph;
  });
  let vcdEnd = -1;
  const closeVcd = (): void => {
    if (vcd && vcdEnd < 0) {
      detach!();
      vcd.close();
      vcdEnd = lastSampled;
    }
  };
  const max = o.maxCycles ?? 20_000_000;
  const t0 = performance.now();
  let r = tb.run(Math.min(max, CHUNK));
  while (r.exit === 'limit' && tb.sim.cycle < max) {
    o.onProgress?.(tb.sim.cycle);
    if (stopAt >= 0 && tb.sim.cycle >= stopAt) closeVcd();
    r = tb.run(Math.min(max, tb.sim.cycle + CHUNK));
  }
  const seconds = (performance.now() - t0) / 1000;
  closeVcd();
  stopHook();
  mon.detach();

  const packed = new Uint8Array(image.outBytes);
  for (let i = 0; i < image.outBytes; i++) {
    const a = image.outAddr + i;
    packed[i] = (tb.readWord(a & ~3) >>> ((a & 3) * 8)) & 0xff;
  }
  const output = o.outBits === 8 ? packed : unpackBits(packed, o.outBits);
  const cmp = compareOutputs(layer, output);

  const notes: string[] = [];
  if (r.exit !== 'tohost') notes.push(`the run stopped at the cycle limit (${max}) before core 0's tohost store: counts cover the cycles simulated`);
  if (r.exit === 'tohost' && r.tohost !== 1) notes.push(`the program stored ${r.tohost} to tohost (1 = success)`);
  const cyclesNote = `cycles per core include boot (cores wait clock-gated until dispatched: 'sleep'/'elw') and the final barrier ('elw' in rt_team_barrier)`;
  notes.push(cyclesNote);
  const partial = reportMeta(name, size, cores, cfg.l2.latency);
  const pre = buildReport(mon, { title: partial.title, system: partial.system, notes });
  const kernel = kernelSummary(pre.cores, {
    name,
    precision: { inBits: o.inBits, wBits: o.wBits, outBits: o.outBits },
    layer: shape,
    reduced,
    golden: { outputs: cmp.expected.length, mismatches: cmp.mismatches },
  });
  const report: RunReport = { ...pre, kernel };

  const res: KernelReportResult = {
    report,
    monitor: mon,
    exit: r.exit,
    seconds,
    cyclesPerSecond: tb.sim.cycle / Math.max(seconds, 1e-9),
    qntpackView: firstQnt,
  };
  if (vcd && vcdPath) {
    const gtkwPath = resolve(o.wavesDir!, `${name}.gtkw`);
    const at = firstQnt >= 0 ? firstQnt : 0;
    writeGtkw(gtkwPath, {
      vcdPath,
      vars: vcd.vars,
      source,
      groups: clusterLayout(source, cores),
      // ~40 cycles over a wide window: the string probes (disassembly, class) stay readable cycle by cycle.
      view: { from: Math.max(0, at - 4), to: at + 35 },
      size: { width: 1900, height: 1000 },
    });
    Object.assign(res, { vcdPath, gtkwPath, vcdBytes: vcd.bytesWritten, vcdWindow: [0, vcdEnd] as [number, number] });
  }
  return res;
}

function reportMeta(name: string, size: number, cores: number, l2: number): { title: string; system: string } {
  return {
    title: `${name} on the 8-core cluster (${size}x${size} output pixels)`,
    system: `gap8: ${cores} RI5CY cores, shared I$, TCDM, event unit, L2 latency ${l2}`,
  };
}
