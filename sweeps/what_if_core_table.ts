// Markdown table of the core what-if sweep (sweeps/what_if_core.json) from its results.json: kernel-call cycles
// and 8-core MACs/cycle per variation, with the change against the RTL core.
// Usage: npx tsx sweeps/what_if_core_table.ts [sweeps/what_if_core]
import { readResult } from '../testbench/sweep/results.ts';

const dir = process.argv[2] ?? 'sweeps/what_if_core';
const r = readResult(dir);
const variations = [...new Set(r.rows.map((x) => x.variation))];
const lines = [`| kernel | ${variations.join(' | ')} |`, `|---|${variations.map(() => '---').join('|')}|`];
for (const job of r.jobs) {
  const get = (v: string) => r.rows.find((x) => x.job === job && x.variation === v);
  const base = get('rtl');
  const cells = variations.map((v) => {
    const x = get(v);
    if (!x) return '-';
    if (x.status !== 'ok') return `FAIL (${x.status})`;
    const c = x.metrics.cycles as number;
    const d = base?.status === 'ok' && v !== 'rtl' ? ` (${(((c - (base.metrics.cycles as number)) / (base.metrics.cycles as number)) * 100).toFixed(1)} %)` : '';
    return `${c}${d}, ${(x.metrics.macsPerCycle as number).toFixed(2)}`;
  });
  lines.push(`| conv_${job} | ${cells.join(' | ')} |`);
}
const bad = r.rows.filter((x) => x.status !== 'ok');
lines.push('', `cycles (change against rtl), MACs/cycle; ${r.rows.length} runs, ${r.rows.length - bad.length} bit-exact; wall ${r.wallSeconds.toFixed(0)} s on ${r.workers} workers`);
console.log(lines.join('\n'));
