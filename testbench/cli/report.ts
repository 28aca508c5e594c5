// `pulpsim report <elf> [--config P] [--html FILE] [--json] [--vcd FILE]`: runs a program on the single-core
// system or the cluster with the monitors attached and prints where every cycle went, per core, per function and
// per kernel phase (when the ELF holds a pulp-nn-mixed kernel); `--html` also writes the page with charts,
// `--vcd` the waves with the monitors' probes and a GTKWave layout next to them (`.gtkw`).
// Exit codes as `pulpsim run`: 0 tohost == 1, 1 the program failed, 2 usage error, 3 model error.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { type CoreVersion, preset, presets } from '../../rtl/config/index.ts';
import type { BackendKind } from '../../sim/index.ts';
import { writeGtkw } from '../../waves/gtkw.ts';
import { clusterLayout, systemLayout } from '../../waves/layout.ts';
import { openVcd } from '../../waves/vcd.ts';
import { ensureDir } from '../../waves/ensure_dir.ts';
import { CLUSTER_PRESETS } from '../cluster/run_cluster.ts';
import { gap8WithLatency } from '../cluster/config.ts';
import { ClusterTestbench } from '../cluster/testbench.ts';
import { monitorCluster, monitorSystem, type SystemMonitor } from '../monitors/attach.ts';
import { buildReport, reportJson, type RunReport } from '../report/report.ts';
import { renderReportHtml } from '../report/report_html.ts';
import { renderReportTable } from '../report/table.ts';
import { Testbench } from '../system/testbench.ts';

export interface ReportCliOptions {
  config: string;
  maxCycles: number;
  json?: boolean;
  html?: string;
  vcd?: string;
  backend?: BackendKind;
}

export interface ReportCliOutput {
  code: 0 | 1;
  stdout: string;
  stderr: string;
  report: RunReport;
}

/** Runs `elfPath` with the monitors and renders the report; throws on a bad ELF or a model error. */
export function reportCli(elfPath: string, o: ReportCliOptions): ReportCliOutput {
  const elf = readElf(readFileSync(elfPath), elfPath);
  const cluster = CLUSTER_PRESETS.includes(o.config);
  if (!cluster && !(o.config in presets)) throw new InvalidArgumentError(`--config '${o.config}' is not a preset`);
  let mon: SystemMonitor;
  let run: () => { pass: boolean; message: string };
  let system: string;
  if (cluster) {
    const cfg = gap8WithLatency(5);
    const tb = new ClusterTestbench(cfg, elf, { backend: o.backend ?? 'codegen' });
    mon = monitorCluster(tb);
    system = `${o.config}: ${cfg.cluster.cores} cores, L2 latency ${cfg.l2.latency}`;
    run = () => {
      const r = tb.run(o.maxCycles);
      return { pass: r.exit === 'tohost' && r.tohost === 1, message: r.message };
    };
  } else {
    const cfg = preset(o.config as CoreVersion);
    const tb = new Testbench(cfg, elf, { backend: o.backend ?? 'codegen' });
    mon = monitorSystem(tb);
    system = `${o.config}: single core, imem ${cfg.imem.grantDelay},${cfg.imem.responseDelay}, dmem ${cfg.dmem.grantDelay},${cfg.dmem.responseDelay}`;
    run = () => {
      const r = tb.run(o.maxCycles);
      if (r.exit === 'error') throw new Error(`${elfPath}: ${r.message}`);
      return { pass: r.exit === 'tohost' && r.tohost === 1, message: r.message };
    };
  }
  let closeVcd: (() => void) | undefined;
  if (o.vcd) {
    const source = mon.traceSource();
    const w = openVcd(o.vcd, source);
    const detach = mon.sim.attachTracer(w);
    closeVcd = () => {
      detach();
      w.close();
      const gtkw = o.vcd!.replace(/\.vcd$/, '') + '.gtkw';
      const groups = cluster ? clusterLayout(source, mon.cores.length) : systemLayout(source);
      writeGtkw(gtkw, { vcdPath: o.vcd!, vars: w.vars, source, groups, view: { from: 0, to: 199 } });
    };
  }
  const res = run();
  closeVcd?.();
  mon.detach();
  const notes = res.pass ? [] : [`the program did not end with tohost = 1: ${res.message}`];
  const report = buildReport(mon, { title: `${elfPath}`, system, notes });
  if (o.html) {
    ensureDir(dirname(resolve(o.html)));
    writeFileSync(o.html, renderReportHtml(report));
  }
  return {
    code: res.pass ? 0 : 1,
    stdout: o.json ? reportJson(report) : renderReportTable(report),
    stderr: res.pass ? '' : `pulpsim report: ${elfPath}: FAIL: ${res.message}\n`,
    report,
  };
}

function positiveInt(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError(`'${v}' is not a positive integer`);
  return Number(v);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('run an ELF with the cycle monitors and print where every cycle went (per core, function, kernel phase)')
    .argument('<elf>', 'RISC-V ELF executable')
    .addOption(new Option('--config <preset>', 'system preset').choices([...Object.keys(presets), ...CLUSTER_PRESETS]).default('ri5cy'))
    .option('--max-cycles <n>', 'stop after this many cycles', positiveInt, 10_000_000)
    .option('--json', 'print the report as JSON', false)
    .option('--html <file>', 'also write the report as an HTML page with charts')
    .option('--vcd <file>', 'also write the waves (with the monitor probes) and a .gtkw layout next to them')
    .action((elfPath: string, opts: ReportCliOptions) => {
      const out = reportCli(elfPath, opts);
      process.stdout.write(out.stdout);
      if (out.stderr) process.stderr.write(out.stderr);
      if (out.code !== 0) process.exitCode = out.code;
    });
}
