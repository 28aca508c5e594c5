// The sweep's output directory: results.json (everything), results.csv (one line per run) and report.html (a
// self-contained page: summary, one chart per chosen metric with a series per job over the variations, and the
// table of every run with failing ones highlighted).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml, htmlPage, htmlTable, type Cell } from '../report/html.ts';
import { type ChartSpec, barChart, lineChart } from '../report/svg.ts';
import { type SweepResult, metricNames, toCsv, toJson } from './results.ts';

/** The metrics to chart: the file's choice, else cycles when present, else the first numeric one. */
export function chartMetrics(r: SweepResult): string[] {
  if (r.report.metrics.length > 0) return r.report.metrics;
  const numeric = metricNames(r.rows).filter((m) => r.rows.some((row) => typeof row.metrics[m] === 'number'));
  return numeric.includes('cycles') ? ['cycles'] : numeric.slice(0, 1);
}

/** One metric per job over the variations; only runs whose functional check passed have a value. */
export function chartData(r: SweepResult, metric: string): ChartSpec {
  const value = new Map<string, number>();
  for (const row of r.rows) {
    const v = row.metrics[metric];
    if (row.status === 'ok' && typeof v === 'number') value.set(`${row.job}\u0000${row.variation}`, v);
  }
  const series = r.jobs.map((job) => {
    const values = r.variations.map((v) => value.get(`${job}\u0000${v}`) ?? null);
    if (!r.report.relative) return { name: job, values };
    const base = values[0];
    return { name: job, values: values.map((x) => (x === null || base === null || base === undefined || base === 0 ? null : x / base)) };
  });
  return {
    title: r.report.relative ? `${metric} relative to ${r.variations[0]}` : metric,
    categories: r.variations,
    series,
    yLabel: r.report.relative ? `${metric} / ${metric}(${r.variations[0]})` : metric,
  };
}

export function sweepHtml(r: SweepResult): string {
  const count = (s: string): number => r.rows.filter((row) => row.status === s).length;
  const shards = r.shards.length === 1 && r.shards[0]!.count === 1 ? 'unsharded' : `shards ${r.shards.map((s) => `${s.index}/${s.count}`).join(', ')}`;
  const summary =
    `<p class="summary"><span>${r.rows.length} of ${r.totalRuns} runs</span><span>${count('ok')} ok</span>` +
    `<span>${count('fail')} failed the functional check</span><span>${count('error')} errors</span>` +
    `<span>${r.workers} worker${r.workers === 1 ? '' : 's'}, ${r.wallSeconds.toFixed(1)} s</span><span>${escapeHtml(shards)}</span></p>` +
    `<p>Sweep file <code>${escapeHtml(r.file)}</code>, digest <code>${escapeHtml(r.hash)}</code>.</p>`;
  const charts = chartMetrics(r)
    .map((m) => {
      const spec = chartData(r, m);
      return `<figure>\n${r.report.chart === 'lines' ? lineChart(spec) : barChart(spec)}\n</figure>`;
    })
    .join('\n');
  const metrics = metricNames(r.rows);
  const headers = ['#', 'job', 'variation', 'config', ...r.paramNames, 'status', ...metrics, 'error', 's'];
  const rows: Cell[][] = r.rows.map((row) => [
    row.index,
    row.job,
    row.variation,
    row.config,
    ...r.paramNames.map((p) => row.params[p]),
    row.status,
    ...metrics.map((m) => row.metrics[m]),
    row.error,
    Number(row.seconds.toFixed(2)),
  ]);
  const table = htmlTable(headers, rows, { rowClass: (i) => (r.rows[i]!.status === 'ok' ? undefined : r.rows[i]!.status) });
  return htmlPage({ title: `Sweep ${r.name}`, body: `<h1>Sweep ${escapeHtml(r.name)}</h1>\n${summary}\n${charts}\n<h2>Runs</h2>\n${table}` });
}

/** Writes results.json, results.csv and report.html into `dir` (created); returns their paths. */
export function writeSweepOutputs(r: SweepResult, dir: string): { json: string; csv: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const out = { json: join(dir, 'results.json'), csv: join(dir, 'results.csv'), html: join(dir, 'report.html') };
  writeFileSync(out.json, toJson(r));
  writeFileSync(out.csv, toCsv(r));
  writeFileSync(out.html, sweepHtml(r));
  return out;
}

/** The terminal table: one line per run. */
export function sweepTable(r: SweepResult): string {
  const metrics = chartMetrics(r);
  const head = ['job', 'variation', 'status', ...metrics];
  const show = (v: unknown): string => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v ?? ''));
  const lines = r.rows.map((row) => [row.job, row.variation, row.status, ...metrics.map((m) => show(row.metrics[m]))]);
  const widths = head.map((h, k) => Math.max(h.length, ...lines.map((l) => l[k]!.length)));
  const fmt = (l: string[]): string => l.map((c, k) => c.padEnd(widths[k]!)).join('  ').trimEnd();
  const errors = r.rows.filter((row) => row.error).map((row) => `  ${row.id}: ${row.status}: ${row.error}`);
  return [fmt(head), ...lines.map(fmt), ...(errors.length ? ['', 'failures:', ...errors] : [])].join('\n') + '\n';
}
