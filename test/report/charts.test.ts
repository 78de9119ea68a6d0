/** SVG charts: geometry worked out by hand from the 640-px layout, every mark carrying its value, text escaped. */
import { describe, expect, it } from 'vitest';
import { renderChart } from '../../src/report/charts.js';

/** The .mark rectangles of an SVG: label, value and geometry. */
function marks(svg: string) {
  return [...svg.matchAll(/<rect class="mark" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="[^"]+" data-label="([^"]*)" data-value="([^"]*)"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), width: Number(m[3]), height: Number(m[4]), label: m[5], value: Number(m[6]) }));
}

describe('renderChart', () => {
  it('bars: 200 px of labels, then value / max of 380 px (640 − 200 − 60)', () => {
    const svg = renderChart({ kind: 'bars', id: 'b', title: 'Use case', format: 'percent', items: [{ label: 'Alpha', value: 0.5 }, { label: 'Beta', value: 0.25 }], max: 1 });
    expect(marks(svg).map((m) => [m.label, m.value, m.x, m.width])).toEqual([['Alpha', 0.5, 200, 190], ['Beta', 0.25, 200, 95]]);
    expect(svg).toContain('<desc id="b-desc">Alpha: 50%; Beta: 25%</desc>');
    expect(svg).toMatch(/role="img" aria-labelledby="b-title b-desc"/);
  });

  it('columns: heights of a 150-px plot scaled to the largest value', () => {
    const svg = renderChart({ kind: 'columns', id: 'c', title: 'Score', items: [{ label: '1', value: 0 }, { label: '2', value: 3 }, { label: '3', value: 6 }] });
    expect(marks(svg).map((m) => m.height)).toEqual([0, 75, 150]);
  });

  it('split: widths in proportion to the parts over 638 px', () => {
    const svg = renderChart({ kind: 'split', id: 's', title: 'Team?', parts: [{ label: 'yes', value: 3 }, { label: 'no', value: 1 }] });
    expect(marks(svg).map((m) => [m.x, m.width])).toEqual([[1, 478.5], [479.5, 159.5]]);
    expect(svg).toContain('<title>yes: 3 (75%)</title>');
  });

  it('stacked: each row fills 470 px (640 − 160 − 10) in proportion to its values', () => {
    const svg = renderChart({ kind: 'stacked', id: 'st', title: 'By segment', series: ['A', 'B'], rows: [{ label: 'S1', values: [1, 1] }, { label: 'S2', values: [0, 5] }] });
    expect(marks(svg).map((m) => [m.label, m.width])).toEqual([['S1 / A', 235], ['S1 / B', 235], ['S2 / A', 0], ['S2 / B', 470]]);
  });

  it('escapes every text it draws', () => {
    const svg = renderChart({ kind: 'bars', id: 'x"><script>', title: '<b>"T" & \'q\'</b>', format: 'number', items: [{ label: '<img src=x onerror=alert(1)>', value: 1 }] });
    expect(svg).not.toMatch(/<script|<img|<b>/);
    expect(svg).toContain('&lt;b&gt;&quot;T&quot; &amp; &#39;q&#39;&lt;/b&gt;');
    expect(svg).toContain('id="x&quot;&gt;&lt;script&gt;"');
  });
});
