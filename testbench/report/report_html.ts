// The run report as one self-contained HTML page (no scripts, no external files): the kernel's headline numbers,
// SVG charts of where the cycles went (per phase, per core) and of MACs/cycle and QntPack cost next to the
// paper's, then the tables. Every text is escaped; the page is well-formed XML as well as HTML.
import { CLASS_LABELS, CYCLE_CLASSES, type CycleClass } from '../monitors/cycle_class.ts';
import { escapeHtml, htmlPage } from './html.ts';
import type { ReportRow, RunReport } from './report.ts';
import { barChart } from './svg.ts';

/** One colour per class: `instr` green, hazards warm, fetch/branch/jump blue-violet, waiting greys. */
export const CLASS_COLOURS: { readonly [K in CycleClass]: string } = {
  instr: '#4caf50',
  load_use: '#ff9800',
  jalr: '#ffb74d',
  mulh: '#e65100',
  div: '#bf360c',
  data_gnt: '#e53935',
  wb_rvalid: '#f48fb1',
  misaligned: '#8d6e63',
  fetch: '#1e88e5',
  branch: '#8e24aa',
  jump: '#ba68c8',
  csr_flush: '#00897b',
  elw: '#9e9e9e',
  sleep: '#cfd8dc',
};

const num = (v: number): string => v.toLocaleString('en-US');
const fx = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : '-');

/** Horizontal stacked bars, one per row, each scaled to the largest row; a legend of the classes used. */
export function stackedBarsSvg(title: string, rows: readonly ReportRow[], normalise = false): string {
  const used = CYCLE_CLASSES.filter((c) => rows.some((r) => r.classes[c] > 0));
  const labelW = 130;
  const barW = 560;
  const rowH = 22;
  const top = 28;
  const legendRows = Math.ceil(used.length / 4);
  const h = top + rows.length * rowH + 16 + legendRows * 18;
  const w = labelW + barW + 90;
  const max = Math.max(1, ...rows.map((r) => r.cycles));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(title)}">`,
    `<text x="0" y="16" font-size="14" font-weight="bold">${escapeHtml(title)}</text>`,
  ];
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="${labelW - 6}" y="${y + 15}" font-size="12" text-anchor="end">${escapeHtml(r.name)}</text>`);
    const scale = normalise ? (r.cycles === 0 ? 0 : barW / r.cycles) : barW / max;
    let x = labelW;
    for (const c of used) {
      const v = r.classes[c];
      if (v === 0) continue;
      const bw = v * scale;
      const pct = r.cycles === 0 ? 0 : (100 * v) / r.cycles;
      parts.push(
        `<rect x="${fx(x, 2)}" y="${y + 3}" width="${fx(bw, 2)}" height="${rowH - 6}" fill="${CLASS_COLOURS[c]}"><title>${escapeHtml(`${r.name}: ${c} ${num(v)} cycles (${fx(pct, 1)}%)`)}</title></rect>`,
      );
      x += bw;
    }
    parts.push(`<text x="${fx(x + 4, 2)}" y="${y + 15}" font-size="11">${num(r.cycles)}</text>`);
  });
  used.forEach((c, i) => {
    const x = (i % 4) * 175;
    const y = top + rows.length * rowH + 12 + Math.floor(i / 4) * 18;
    parts.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${CLASS_COLOURS[c]}"/>`);
    parts.push(`<text x="${x + 16}" y="${y + 10}" font-size="11">${escapeHtml(c)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function table(first: string, rows: readonly ReportRow[]): string {
  const used = CYCLE_CLASSES.filter((c) => c !== 'instr' && rows.some((r) => r.classes[c] > 0));
  const head = [first, 'cycles', 'instr', 'IPC', ...used, 'branches taken', 'not taken', 'branch cost', 'TCDM contention', 'I$ misses'];
  const body = rows.map((r) =>
    [
      `<td class="name">${escapeHtml(r.name)}</td>`,
      `<td>${num(r.cycles)}</td>`,
      `<td>${num(r.instructions)}</td>`,
      `<td>${fx(r.ipc)}</td>`,
      ...used.map((c) => `<td>${num(r.classes[c])}</td>`),
      `<td>${num(r.branches.taken)}</td>`,
      `<td>${num(r.branches.notTaken)}</td>`,
      `<td>${num(r.branches.penalty)}</td>`,
      `<td>${num(r.tcdmContention)}</td>`,
      `<td>${num(r.icacheMisses)}</td>`,
    ].join(''),
  );
  return (
    `<table>\n<thead><tr>${head.map((h) => `<th title="${escapeHtml(h in CLASS_LABELS ? CLASS_LABELS[h as CycleClass] : h)}">${escapeHtml(h)}</th>`).join('')}</tr></thead>\n` +
    `<tbody>\n${body.map((b) => `<tr>${b}</tr>`).join('\n')}\n</tbody>\n</table>`
  );
}

export function renderReportHtml(r: RunReport): string {
  const k = r.kernel;
  const parts: string[] = [];
  parts.push(`<h1>${escapeHtml(r.title)}</h1>`, `<p>${escapeHtml(r.system)}; ${num(r.cycles)} cycles simulated.</p>`);
  if (k) {
    const l = k.layer;
    parts.push(
      '<ul class="summary">',
      `<li>Kernel <b>${escapeHtml(k.name)}</b>: ${k.precision.inBits}-bit inputs, ${k.precision.wBits}-bit weights, ${k.precision.outBits}-bit outputs; layer ${l.cin}x${l.h}x${l.w} in, ${l.cout} out, ${l.kh}x${l.kw} filters${k.reduced ? ' <b>(reduced from the paper&#39;s 32x16x16 reference layer)</b>' : ' (the paper&#39;s reference layer)'}.</li>`,
      `<li>Golden model: ${k.golden.mismatches === 0 ? `all ${num(k.golden.outputs)} outputs match` : `<b>${num(k.golden.mismatches)} of ${num(k.golden.outputs)} outputs differ</b>`}.</li>`,
      `<li>${num(k.macs)} MACs in ${num(k.cycles)} cycles on ${k.cores} cores: <b>${fx(k.macsPerCycle)} MACs/cycle</b> (paper: ${fx(k.paper.macsPerCycle)}, ${escapeHtml(k.paper.macsPerCycleSource)}).</li>`,
      `<li>QntPack: ${fx(k.qntpackCyclesPerOutput)} cycles per output (paper: ${k.paper.qntpackCyclesPerOutput}, ${escapeHtml(k.paper.qntpackSource)}).</li>`,
      '</ul>',
    );
  }
  const phases = r.phases.filter((p) => p.cycles > 0);
  parts.push('<h2>Where the cycles went</h2>');
  parts.push(`<figure>${stackedBarsSvg('Cycles by kernel phase, all cores (stall breakdown)', phases)}</figure>`);
  parts.push(`<figure>${stackedBarsSvg('Share of each phase by class (each bar 100%)', phases, true)}</figure>`);
  parts.push(`<figure>${stackedBarsSvg('Cycles by core', r.cores.map((c) => c.total))}</figure>`);
  if (k) {
    const series = (ours: number, paper: number) => [
      { name: 'this run', values: [ours] },
      { name: 'paper', values: [paper] },
    ];
    parts.push(
      `<figure>${barChart({ title: `MACs/cycle on ${k.cores} cores`, categories: [`${k.precision.inBits}/${k.precision.wBits}/${k.precision.outBits}-bit (in/w/out)`], series: series(k.macsPerCycle, k.paper.macsPerCycle), yLabel: 'MACs/cycle', width: 420, height: 260 })}</figure>`,
      `<figure>${barChart({ title: 'QntPack cycles per output', categories: [`${k.precision.outBits}-bit outputs`], series: series(k.qntpackCyclesPerOutput, k.paper.qntpackCyclesPerOutput), yLabel: 'cycles/output', width: 420, height: 260 })}</figure>`,
    );
  }
  parts.push('<h2>By kernel phase (all cores)</h2>', table('phase', phases));
  parts.push('<h2>By core</h2>', table('core', r.cores.map((c) => c.total)));
  parts.push('<h2>By function (all cores)</h2>', table('function', r.functions));
  for (const c of r.cores) {
    parts.push(`<details><summary>Core ${c.core} (${escapeHtml(c.path)}): by phase and by function</summary>`, table('phase', c.phases.filter((p) => p.cycles > 0)), table('function', c.functions), '</details>');
  }
  parts.push('<h2>Classes</h2>', '<dl>', ...CYCLE_CLASSES.map((c) => `<dt style="color:${CLASS_COLOURS[c]}">${c}</dt><dd>${escapeHtml(CLASS_LABELS[c])}</dd>`), '</dl>');
  for (const n of r.notes) parts.push(`<p class="note">${escapeHtml(n)}</p>`);
  const style = 'td{text-align:right}td.name{text-align:left}figure{display:inline-block;vertical-align:top}.note{color:#555;font-size:13px}dt{font-weight:bold}';
  return htmlPage({ title: r.title, body: parts.join('\n'), style });
}
