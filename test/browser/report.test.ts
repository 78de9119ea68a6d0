/**
 * The generated HTML report in a real browser (Debian's Chromium driven by playwright-core; as root
 * on Debian the set-up installs it when missing, see helpers/chromium.ts):
 * every chart renders with its data marks, nothing is logged as an error, nothing is fetched
 * from the network, and a screenshot is saved to test-output/report.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_INSTALL_TIMEOUT_MS, chromiumExecutable } from '../helpers/chromium.js';
import { useSampleStudy } from '../helpers/fixtures.js';

const outputDir = new URL('../../test-output/', import.meta.url);

let h: Awaited<ReturnType<typeof import('../helpers/harness.js').connect>>;
let study_id: number;
useSampleStudy((s) => ({ h, study_id } = s));

let browser: Browser;
beforeAll(async () => {
  // launch() gives the browser a fresh, empty profile (user data dir) of its own.
  browser = await chromium.launch({ executablePath: await chromiumExecutable(), headless: true, args: CHROMIUM_ARGS });
}, CHROMIUM_INSTALL_TIMEOUT_MS + 60_000);
afterAll(() => browser?.close());

describe('the HTML report in Chromium', () => {
  it('renders every chart, logs no errors, fetches nothing and looks right', async () => {
    const clustered = await h.ok('cluster_participants', { study_id });
    const names = ['The Struggler', 'The Pragmatist', 'The Evaluator', 'The Advocate'];
    for (const [i, name] of names.entries()) {
      await h.ok('update_segment', { segmentation_id: clustered.segmentation_id, segment_id: i + 1, name, playbook: { product: `Product plan for ${name}`, marketing: `Message ${i} for ${name}` } });
    }
    await h.ok('prioritize_segments', { segmentation_id: clustered.segmentation_id, derive: { revenue_potential: 'attr.mrr' } });
    const report = await h.ok('generate_report', { study_id, format: 'html' });
    expect(report.charts).toBeGreaterThanOrEqual(10);

    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    const fileUrl = pathToFileURL(report.files.html).href;
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => { if (r.url() !== fileUrl) requests.push(r.url()); });
    await page.goto(fileUrl, { waitUntil: 'load' });

    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const marks = [...svg.querySelectorAll('.mark')];
        const box = svg.getBoundingClientRect();
        return {
          id: svg.id,
          marks: marks.length,
          values: marks.map((m) => Number(m.getAttribute('data-value'))),
          drawn: marks.filter((m) => (m as SVGGraphicsElement).getBBox().width > 0 || (m as SVGGraphicsElement).getBBox().height > 0).length,
          width: box.width,
          height: box.height,
          title: svg.querySelector('title')?.textContent ?? '',
        };
      }),
    );
    expect(charts).toHaveLength(report.charts);
    for (const c of charts) {
      expect(c.marks, c.id).toBeGreaterThan(0);
      expect(c.values.every((v) => Number.isFinite(v) && v >= 0), c.id).toBe(true);
      expect(c.drawn, `${c.id}: some mark has a visible size`).toBeGreaterThan(0);
      expect(c.width, c.id).toBeGreaterThan(200);
      expect(c.height, c.id).toBeGreaterThan(40);
      expect(c.title.length, c.id).toBeGreaterThan(3);
    }
    // The segment-size chart draws the four segments with their shares.
    const sizes = charts.find((c) => c.id === 'segment-sizes')!;
    // 44 completed interviews: 12, 12, 10 and 10.
    expect(sizes.values).toEqual([12 / 44, 12 / 44, 10 / 44, 10 / 44]);
    // Persona cards and the validation and prioritization tables are there.
    expect(await page.locator('article.card').count()).toBe(4);
    expect(await page.locator('#segments').textContent()).toMatch(/Beachhead:/);
    expect(await page.locator('#segments .verdict').count()).toBeGreaterThan(5);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);

    mkdirSync(outputDir, { recursive: true });
    const shot = new URL('report.png', outputDir);
    await page.screenshot({ path: shot.pathname, fullPage: true });
    expect(existsSync(shot)).toBe(true);
    await page.close();
  }, 60_000);
});
