// SVG charts for reports: grouped bars and lines of one metric over categories (e.g. sweep variations), one series
// per job. Plain strings with no script, so a page stays self-contained and any XML parser reads it.

export interface ChartSeries {
  name: string;
  /** One value per category; null = no value (a failed run), drawn as a gap. */
  values: Array<number | null>;
}

export interface ChartSpec {
  title: string;
  categories: string[];
  series: ChartSeries[];
  yLabel?: string;
  width?: number;
  height?: number;
}

/** Colour-blind-safe palette (Okabe–Ito), repeated for more series. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Round tick values covering [min, max] (about `count` of them), with 1-2-5 steps. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0];
  if (max === min) max = min + 1;
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return Math.abs(v) >= 1e6 ? v.toExponential(2) : String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
}

const f = (v: number): string => Number(v.toFixed(2)).toString();

interface Frame {
  x0: number;
  y0: number;
  w: number;
  h: number;
  y: (v: number) => number;
  parts: string[];
}

/** Axes, grid, title, labels and legend shared by both chart kinds. */
function frame(spec: ChartSpec): Frame {
  const width = spec.width ?? 720;
  const height = spec.height ?? 360;
  const values = spec.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const ticks = niceTicks(lo, hi === lo ? lo + 1 : hi);
  const tmin = ticks[0]!;
  const tmax = ticks[ticks.length - 1]!;
  const longest = Math.max(0, ...spec.categories.map((c) => c.length));
  const rotate = longest * 6.5 > (width - 90) / Math.max(1, spec.categories.length);
  const x0 = 70;
  const y0 = 40;
  const legendH = 18 * Math.ceil(spec.series.length / 4);
  const w = width - x0 - 20;
  const h = height - y0 - (rotate ? Math.min(120, longest * 5 + 20) : 40) - legendH;
  const y = (v: number): number => y0 + h - ((v - tmin) / (tmax - tmin)) * h;
  const parts: string[] = [];
  parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`);
  for (const t of ticks) {
    parts.push(`<line x1="${x0}" x2="${x0 + w}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#ddd"/>`);
    parts.push(`<text x="${x0 - 6}" y="${f(y(t) + 4)}" text-anchor="end" font-size="11">${escapeXml(formatNumber(t))}</text>`);
  }
  parts.push(`<line x1="${x0}" x2="${x0}" y1="${y0}" y2="${y0 + h}" stroke="#333"/>`);
  parts.push(`<line x1="${x0}" x2="${x0 + w}" y1="${f(y(Math.max(tmin, 0)))}" y2="${f(y(Math.max(tmin, 0)))}" stroke="#333"/>`);
  if (spec.yLabel) {
    parts.push(`<text transform="translate(16 ${y0 + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(spec.yLabel)}</text>`);
  }
  const slot = w / Math.max(1, spec.categories.length);
  spec.categories.forEach((c, i) => {
    const cx = x0 + slot * (i + 0.5);
    const ly = y0 + h + 16;
    parts.push(
      rotate
        ? `<text transform="translate(${f(cx)} ${ly}) rotate(-35)" text-anchor="end" font-size="11">${escapeXml(c)}</text>`
        : `<text x="${f(cx)}" y="${ly}" text-anchor="middle" font-size="11">${escapeXml(c)}</text>`,
    );
  });
  const legendY = height - legendH + 4;
  spec.series.forEach((s, i) => {
    const lx = x0 + (i % 4) * (w / 4);
    const ly = legendY + 18 * Math.floor(i / 4);
    parts.push(`<rect x="${f(lx)}" y="${ly}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`);
    parts.push(`<text x="${f(lx + 16)}" y="${ly + 10}" font-size="11">${escapeXml(s.name)}</text>`);
  });
  return { x0, y0, w, h, y, parts };
}

function wrap(spec: ChartSpec, body: string[]): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 360;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="sans-serif" role="img" aria-label="${escapeXml(spec.title)}">\n` +
    body.join('\n') +
    '\n</svg>'
  );
}

/** One group per category, one bar per series; each bar has a tooltip with its exact value. */
export function barChart(spec: ChartSpec): string {
  const fr = frame(spec);
  const n = Math.max(1, spec.series.length);
  const slot = fr.w / Math.max(1, spec.categories.length);
  const bw = (slot * 0.8) / n;
  // The value axis always includes 0 (frame), so bars grow from it.
  const base = fr.y(0);
  spec.categories.forEach((c, i) => {
    spec.series.forEach((s, k) => {
      const v = s.values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      const x = fr.x0 + slot * i + slot * 0.1 + bw * k;
      const top = Math.min(fr.y(v), base);
      const hgt = Math.abs(fr.y(v) - base);
      fr.parts.push(
        `<rect x="${f(x)}" y="${f(top)}" width="${f(Math.max(1, bw - 1))}" height="${f(hgt)}" fill="${PALETTE[k % PALETTE.length]}">` +
          `<title>${escapeXml(`${s.name} @ ${c}: ${formatNumber(v)}`)}</title></rect>`,
      );
    });
  });
  return wrap(spec, fr.parts);
}

/** One polyline per series over the categories (gaps at null values), a marker with a tooltip per point. */
export function lineChart(spec: ChartSpec): string {
  const fr = frame(spec);
  const slot = fr.w / Math.max(1, spec.categories.length);
  const markers: string[] = [];
  spec.series.forEach((s, k) => {
    const colour = PALETTE[k % PALETTE.length];
    let run: string[] = [];
    const flush = (): void => {
      if (run.length > 1) fr.parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${run.join(' ')}"/>`);
      run = [];
    };
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return flush();
      const x = fr.x0 + slot * (i + 0.5);
      run.push(`${f(x)},${f(fr.y(v))}`);
      markers.push(
        `<circle cx="${f(x)}" cy="${f(fr.y(v))}" r="3" fill="${colour}"><title>${escapeXml(`${s.name} @ ${spec.categories[i]}: ${formatNumber(v)}`)}</title></circle>`,
      );
    });
    flush();
  });
  return wrap(spec, [...fr.parts, ...markers]);
}
