// Markdown tables of the what-if sweep (sweeps/what_if_kernels.json) from its results.json: 8-core MACs/cycle of
// the 27 kernels at 8 / 16 / 32 TCDM banks and with an ideal I$, and the XpulpNN variants against the 8-bit-SIMD
// kernels (16 banks). Usage: npx tsx sweeps/what_if_table.ts [sweeps/what_if_kernels]
import { readResult } from '../testbench/sweep/results.ts';

const dir = process.argv[2] ?? 'sweeps/what_if_kernels';
const r = readResult(dir);
const row = (job: string, variation: string) => r.rows.find((x) => x.job === job && x.variation === variation);
/** MACs/cycle of a bit-exact run; NaN for a run that failed or threw (shown as FAIL: it has no number). */
const mpc = (job: string, variation: string): number | undefined => {
  const x = row(job, variation);
  if (!x) return undefined;
  return x.status === 'ok' ? (x.metrics.macsPerCycle as number) : NaN;
};
const f = (v: number | undefined, d = 2): string => (v === undefined ? '-' : Number.isNaN(v) ? 'FAIL' : v.toFixed(d));
const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;

const base = r.jobs.filter((j) => !j.endsWith('_nn'));
const lines: string[] = [];
lines.push('| kernel | 8 banks | 16 banks | 32 banks | 16 banks, ideal I$ | ideal / real |', '|---|---|---|---|---|---|');
const cols: number[][] = [[], [], [], []];
for (const j of base) {
  const v = ['banks8', 'banks16', 'banks32', 'ideal-icache'].map((x) => mpc(j, x));
  v.forEach((x, i) => x !== undefined && !Number.isNaN(x) && cols[i]!.push(x));
  const ratio = v[3] !== undefined && v[1] !== undefined ? v[3] / v[1] : undefined;
  lines.push(`| conv_${j} | ${v.map((x) => f(x)).join(' | ')} | ${f(ratio)}x |`);
}
lines.push(`| mean | ${cols.map((c) => f(mean(c))).join(' | ')} | ${f(mean(cols[3]!) / mean(cols[1]!))}x |`);
lines.push('');
lines.push('| kernel | 8-bit SIMD MACs/cycle | XpulpNN MACs/cycle | speed-up | with ideal I$: SIMD / XpulpNN / speed-up |', '|---|---|---|---|---|');
const byW: Record<string, number[]> = { '4': [], '2': [] };
for (const j of r.jobs.filter((x) => x.endsWith('_nn'))) {
  const b = j.replace(/_nn$/, '');
  const s = mpc(b, 'banks16');
  const n = mpc(j, 'banks16');
  const si = mpc(b, 'ideal-icache');
  const ni = mpc(j, 'ideal-icache');
  const up = s !== undefined && n !== undefined ? n / s : undefined;
  if (up !== undefined && !Number.isNaN(up)) byW[j.match(/_i(\d)_nn$/)![1]!]!.push(up);
  lines.push(`| conv_${b} | ${f(s)} | ${f(n)} | ${f(up)}x | ${f(si)} / ${f(ni)} / ${si !== undefined && ni !== undefined ? f(ni / si) : '-'}x |`);
}
lines.push('');
lines.push(`mean XpulpNN speed-up: 4-bit weights ${f(mean(byW['4']!))}x, 2-bit weights ${f(mean(byW['2']!))}x`);
const bad = r.rows.filter((x) => x.status !== 'ok');
lines.push(`${r.rows.length} runs, ${r.rows.length - bad.length} bit-exact${bad.length ? `; not ok: ${bad.map((x) => `${x.id} (${x.status}: ${x.error})`).join('; ')}` : ''}; wall ${r.wallSeconds.toFixed(0)} s on ${r.workers} workers`);
console.log(lines.join('\n'));
