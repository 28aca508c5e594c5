// Self-contained HTML pages for reports: inline style, no script, no external resource, written as well-formed
// XHTML-compatible markup so that the page (and the SVG inside it) can be checked with an XML parser.
import { escapeXml } from './svg.ts';

export const escapeHtml = escapeXml;

export type Cell = string | number | boolean | null | undefined;

export interface TableOptions {
  /** A class per body row (e.g. 'fail'), or undefined. */
  rowClass?: (row: number) => string | undefined;
  /** Right-align numeric cells (default true). */
  alignNumbers?: boolean;
}

function cellText(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'number' && !Number.isInteger(c)) return String(Number(c.toPrecision(6)));
  return String(c);
}

export function htmlTable(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>, o: TableOptions = {}): string {
  const align = o.alignNumbers ?? true;
  const head = `<thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = rows
    .map((r, i) => {
      const cls = o.rowClass?.(i);
      const cells = r.map((c) => `<td${align && typeof c === 'number' ? ' class="num"' : ''}>${escapeHtml(cellText(c))}</td>`).join('');
      return `<tr${cls ? ` class="${escapeHtml(cls)}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<table>\n${head}\n<tbody>\n${body}\n</tbody>\n</table>`;
}

const STYLE = `
body { font-family: sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
th { background: #f0f0f0; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.fail td { background: #fff3cd; } tr.error td { background: #f8d7da; }
.summary span { margin-right: 1.5em; } figure { margin: 1em 0; }
`;

/** A complete page; `body` is trusted markup built with these helpers (escape any text put into it). */
export function htmlPage(p: { title: string; body: string; style?: string }): string {
  return (
    '<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="en">\n<head>\n<meta charset="utf-8"/>\n' +
    `<title>${escapeHtml(p.title)}</title>\n<style>${STYLE}${p.style ?? ''}</style>\n</head>\n<body>\n` +
    `${p.body}\n</body>\n</html>\n`
  );
}
