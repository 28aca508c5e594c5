// `pulpsim report <elf> [--config P] [--html FILE] [--json] [--vcd FILE]`: runs a program on the single-core
// system or the cluster with the monitors attached and prints where every cycle went, per core, per function and
// per kernel phase (when the ELF holds a pulp-nn-mixed kernel); `--html` also writes the page with charts,
// `--vcd` the waves with the monitors' probes and a GTKWave layout next to them (`.gtkw`).
// Exit codes as `pulpsim run`: 0 tohost == 1, 1 the program failed, 2 usage error, 3 model error.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Elf } from '../../kernels/toolchain/elf.ts';
import type { SystemConfig } from '../../rtl/config/index.ts';
import type { BackendKind } from '../../sim/index.ts';
import { writeGtkw } from '../../waves/gtkw.ts';
import { clusterLayout, systemLayout } from '../../waves/layout.ts';
import { type VcdOptions, openVcd } from '../../waves/vcd.ts';
import { ensureDir } from '../../waves/ensure_dir.ts';
import type { Gap8Config } from '../cluster/config.ts';
import { ClusterTestbench } from '../cluster/testbench.ts';
import { monitorCluster, monitorSystem, type SystemMonitor } from '../monitors/attach.ts';
import { buildReport, reportJson, type RunReport } from '../report/report.ts';
import { renderReportHtml } from '../report/report_html.ts';
import { renderReportTable } from '../report/table.ts';
import { Testbench } from '../system/testbench.ts';
import { addCommonOptions, addTimingShorthands, checkWritableFile, commonOptions, isGap8Config, loadElfArg, UsageError, usageError } from './options.ts';
import { runWithProgress } from './progress.ts';

export interface ReportCliOptions {
  /** A single-core system or a cluster (resolved by options.ts). */
  config: SystemConfig | Gap8Config;
  /** The `--config` argument, named in the report's system line. */
  configName: string;
  maxCycles: number;
  json?: boolean;
  html?: string;
  vcd?: { path: string; options: VcdOptions };
  backend?: BackendKind;
}

export interface ReportCliOutput {
  code: 0 | 1;
  stdout: string;
  stderr: string;
  report: RunReport;
}

/** Runs `elfPath` with the monitors and renders the report; throws on a bad ELF or a model error. */
export function reportCli(elf: Elf, o: ReportCliOptions): ReportCliOutput {
  const elfPath = elf.name;
  const cluster = isGap8Config(o.config);
  let mon: SystemMonitor;
  let run: () => { pass: boolean; message: string };
  let system: string;
  if (isGap8Config(o.config)) {
    const cfg = o.config;
    const tb = new ClusterTestbench(cfg, elf, { backend: o.backend ?? 'codegen' });
    mon = monitorCluster(tb);
    system = `${o.configName}: ${cfg.cluster.cores} cores, L2 latency ${cfg.l2.latency}`;
    run = () => {
      const r = runWithProgress({ run: (n) => tb.run(n), get cycle() { return tb.sim.cycle; }, ended: (x) => x.exit !== 'limit' }, { maxCycles: o.maxCycles });
      return { pass: r.exit === 'tohost' && r.tohost === 1, message: r.message };
    };
  } else {
    const cfg = o.config;
    const tb = new Testbench(cfg, elf, { backend: o.backend ?? 'codegen' });
    mon = monitorSystem(tb);
    system = `${o.configName}: single core, imem ${cfg.imem.grantDelay},${cfg.imem.responseDelay}, dmem ${cfg.dmem.grantDelay},${cfg.dmem.responseDelay}`;
    run = () => {
      const r = runWithProgress({ run: (n) => tb.run(n), get cycle() { return tb.cycle; }, ended: (x) => x.exit !== 'limit' }, { maxCycles: o.maxCycles });
      if (r.exit === 'error') throw new Error(`${elfPath}: ${r.message}`);
      return { pass: r.exit === 'tohost' && r.tohost === 1, message: r.message };
    };
  }
  let closeVcd: (() => void) | undefined;
  if (o.vcd) {
    const vcd = o.vcd;
    const source = mon.traceSource();
    const w = openVcd(vcd.path, source, vcd.options);
    const detach = mon.sim.attachTracer(w);
    closeVcd = () => {
      detach();
      w.close();
      const groups = cluster ? clusterLayout(source, mon.cores.length) : systemLayout(source);
      const from = vcd.options.from ?? 0;
      writeGtkw(gtkwPathOf(vcd.path), { vcdPath: vcd.path, vars: w.vars, source, groups, view: { from, to: Math.min(from + 199, vcd.options.to ?? Infinity) } });
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

/** The GTKWave layout written next to the waves. */
export const gtkwPathOf = (vcdPath: string): string => vcdPath.replace(/\.vcd$/, '') + '.gtkw';

interface ReportValues {
  config: string;
  html?: string;
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('run an ELF with the cycle monitors and print where every cycle went (per core, function, kernel phase)')
    .argument('<elf>', 'RISC-V ELF executable')
    .option('--html <file>', 'also write the report as an HTML page with charts');
  addCommonOptions(cmd, { config: 'ri5cy', maxCycles: 10_000_000 });
  addTimingShorthands(cmd);
  cmd.action((elfPath: string) => {
    const common = commonOptions(cmd);
    const v = cmd.opts<ReportValues>();
    try {
      if (v.html !== undefined) checkWritableFile(v.html, '--html');
      if (common.run.vcd) checkWritableFile(gtkwPathOf(common.run.vcd.path), '--vcd (its .gtkw layout)');
    } catch (e) {
      if (e instanceof UsageError) usageError(cmd, e.message);
      throw e;
    }
    const elf = loadElfArg(cmd, elfPath, common.config);
    const config = common.config;
    if (!isGap8Config(config) && 'cluster' in config) usageError(cmd, `--config ${v.config}: this cluster configuration has no I$ or L2 the signal-level cluster needs (start from the gap8 preset)`);
    const out = reportCli(elf, {
      config,
      configName: v.config,
      maxCycles: common.run.maxCycles,
      json: common.run.json,
      ...(v.html !== undefined ? { html: v.html } : {}),
      ...(common.run.vcd ? { vcd: common.run.vcd } : {}),
    });
    process.stdout.write(out.stdout);
    if (out.stderr) process.stderr.write(out.stderr);
    if (out.code !== 0) process.exitCode = out.code;
  });
}
