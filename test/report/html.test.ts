/** The HTML report: one self-contained page, every text escaped, every chart inline. */
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { reportCharts } from '../../src/report/model.js';
import { handReport } from '../helpers/report.js';

const report = handReport();
const html = renderHtml(report);

describe('renderHtml', () => {
  it('no scripts, no requests: nothing but the SVG namespace as a URL', () => {
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html.match(/https?:\/\/[^"\s]+/g)).toEqual(Array(reportCharts(report).length).fill('http://www.w3.org/2000/svg'));
  });

  it('escapes what participants and users wrote', () => {
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; | a &amp; b');
    expect(html).toContain('Churn | study');
  });

  it('draws every chart of the report inline, and shows verdicts, persona cards and what is not shown', () => {
    expect(html.match(/<svg /g)).toHaveLength(reportCharts(report).length);
    for (const chart of reportCharts(report)) expect(html).toContain(`id="${chart.id}"`);
    expect(html.match(/<article class="card"/g)).toHaveLength(1);
    expect(html).toContain('<span class="verdict warn">warn</span>');
    expect(html).toMatch(/drivers: could not be built \(ref abcd1234/);
    expect(html).toContain('&lt; 0.001');
  });
});
