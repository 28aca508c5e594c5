import { describe, expect, it } from 'vitest';
import { barChart, escapeXml, lineChart, niceTicks } from './svg.ts';
import { htmlPage, htmlTable } from './html.ts';
import { checkXml } from './svg_xml_check.ts';

const spec = {
  title: 'cycles <per> variation & job',
  categories: ['base', 'dmem.grantDelay=2', 'a "quoted" one'],
  series: [
    { name: 'loop', values: [786, 994, null] },
    { name: 'alu & co', values: [117, 117, 120] },
  ],
  yLabel: 'cycles',
};

describe('checkXml (the test oracle itself)', () => {
  it('accepts well-formed documents and rejects the usual mistakes', () => {
    expect(checkXml('<a x="1"><b/>t &amp; u</a>')).toEqual({ root: 'a', elements: 2 });
    expect(() => checkXml('<a><b></a></b>')).toThrow(/<\/a> closes <b>/);
    expect(() => checkXml('<a>x & y</a>')).toThrow(/bare '&'/);
    expect(() => checkXml('<a x=1/>')).toThrow(/unquoted/);
    expect(() => checkXml('<a x="1" x="2"/>')).toThrow(/duplicate attribute/);
    expect(() => checkXml('<a/><b/>')).toThrow(/second root/);
    expect(() => checkXml('<a>')).toThrow(/not closed/);
    expect(() => checkXml('<a title="<"/>')).toThrow(/raw '<'/);
  });
});

describe('SVG charts', () => {
  it('bar chart: well-formed, one bar per value present, text escaped', () => {
    const svg = barChart(spec);
    expect(checkXml(svg).root).toBe('svg');
    // 5 of the 6 values are numbers; the legend adds one swatch rect per series.
    expect(svg.match(/<rect [^>]*><title>/g)?.length).toBe(5);
    expect(svg).toContain('cycles &lt;per&gt; variation &amp; job');
    expect(svg).toContain('a &quot;quoted&quot; one');
  });

  it('bar heights are proportional to the values', () => {
    const svg = barChart({ title: 't', categories: ['a', 'b'], series: [{ name: 's', values: [10, 40] }] });
    const h = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"[^>]*><title>/g)].map((m) => Number(m[1]));
    expect(h.length).toBe(2);
    expect(h[1]! / h[0]!).toBeCloseTo(4, 5);
  });

  it('line chart: well-formed, a gap at a missing value, one marker per value', () => {
    const svg = lineChart(spec);
    checkXml(svg);
    expect(svg.match(/<circle /g)?.length).toBe(5);
    // Series 'loop' has 2 points before its gap: one polyline; 'alu & co' has 3: one polyline.
    expect(svg.match(/<polyline /g)?.length).toBe(2);
  });

  it('niceTicks covers the range with 1-2-5 steps', () => {
    expect(niceTicks(0, 994)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 7)).toEqual([-4, -2, 0, 2, 4, 6, 8]);
  });

  it('escapeXml escapes the five XML specials', () => {
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
  });
});

describe('HTML page', () => {
  it('is well-formed with an embedded chart and table', () => {
    const page = htmlPage({
      title: 'A & B',
      body: `<h1>x</h1>\n${barChart(spec)}\n${htmlTable(['a', 'b<c'], [[1, 'x & y'], [2.5, null]], { rowClass: (i) => (i === 1 ? 'fail' : undefined) })}`,
    });
    const r = checkXml(page);
    expect(r.root).toBe('html');
    expect(page).toContain('<tr class="fail"><td class="num">2.5</td><td></td></tr>');
    expect(page).toContain('<th>b&lt;c</th>');
    expect(page).not.toMatch(/<script|href=|src=/);
  });
});
