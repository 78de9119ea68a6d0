/** generate_report and the report resources through the MCP client (its worker threads for a SQLite file: test/report/workers.test.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { readOutputFile } from '../../src/app/output-files.js';
import { reportFile } from '../../src/report/write.js';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { useSampleSegmentation } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
let seg: number;
useSampleSegmentation((s) => ({ h, study_id, seg } = s));

describe('generate_report', () => {
  it('writes Markdown, HTML and JSON with every section, and serves them as resources', async () => {
    await h.ok('prioritize_segments', { segmentation_id: seg, derive: { revenue_potential: 'attr.mrr' } });
    const r = await h.ok('generate_report', { study_id, segmentation_id: seg });
    expect(r.segmentation_id).toBe(seg);
    expect(r.sections).toEqual(expect.arrayContaining(['summary', 'method', 'questions', 'themes', 'segments', 'comparison', 'validation', 'prioritization', 'crosstabs_and_drivers', 'appendix']));
    for (const f of ['markdown', 'html', 'json'] as const) expect(existsSync(r.files[f])).toBe(true);
    // The report is larger than a tool result may be: a preview comes back, the resources hold it whole.
    expect(r.markdown).toBeUndefined();
    expect(r.preview).toMatch(/^# Beacon/);
    const markdown = (await h.client.readResource({ uri: r.resources.markdown })).contents[0] as { text: string };
    expect(markdown.text.startsWith(r.preview.replace(/…$/, ''))).toBe(true);
    expect(markdown.text).toMatch(/## Segments[\s\S]*The Pragmatist[\s\S]*\*\*Beachhead:\*\*/);
    expect(markdown.text).toMatch(/### Validation/);
    const json = JSON.parse(readFileSync(r.files.json, 'utf8'));
    expect(json.segmentation.segments).toHaveLength(4);
    expect(json.questions.map((q: any) => q.key)).toEqual(['core_value_importance', 'primary_use_case', 'buying_factors', 'team_usage']);
    expect(json.method.lifecycle_groups.find((g: any) => g.group.startsWith('churned')).participants).toBeGreaterThan(0);
    const scale = json.questions[0].chart;
    expect(scale.items.map((i: any) => i.label)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']); // the whole scale
    const html = readFileSync(r.files.html, 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html.match(/<svg /g)).toHaveLength(r.charts);

    const read = await h.client.readResource({ uri: r.resources.html });
    expect(read.contents[0]).toMatchObject({ mimeType: 'text/html' });
    expect((read.contents[0] as { text: string }).text).toBe(html);
    expect(markdown.text).toBe(readFileSync(r.files.markdown, 'utf8'));
    const { resourceTemplates } = await h.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(expect.arrayContaining(['seglab://studies/{study_id}/report.md', 'seglab://studies/{study_id}/report.html', 'seglab://studies/{study_id}/report.json']));
  });

  it('stops when the client cancels (notifications/cancelled) and writes nothing', async () => {
    const before = readOutputFile(h.outputDir, reportFile(study_id, 'json'));
    const cancel = new AbortController();
    // Cancelled at its first progress notification, while the server is building.
    const call = h.client.callTool({ name: 'generate_report', arguments: { study_id, segmentation_id: seg } }, { signal: cancel.signal, onprogress: () => cancel.abort() });
    await expect(call).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readOutputFile(h.outputDir, reportFile(study_id, 'json'))).toBe(before);
    // The server goes on: the next call writes the report.
    await h.ok('generate_report', { study_id, segmentation_id: seg });
    expect(readOutputFile(h.outputDir, reportFile(study_id, 'json'))).not.toBe(before);
  });

  it('returns JSON, an HTML link, or PNG charts', async () => {
    const json = await h.ok('generate_report', { study_id, segmentation_id: seg, format: 'json' });
    expect(json.report).toBeUndefined(); // larger than a result may be: the JSON resource has it
    const served = (await h.client.readResource({ uri: json.resources.json })).contents[0];
    expect(served && 'text' in served ? (JSON.parse(served.text) as { study: { study_id: number } }).study.study_id : null).toBe(study_id);
    expect(json.preview).toMatch(/^\{\n {2}"version": 1/);
    expect(json.markdown).toBeUndefined();
    const html: any = await h.call('generate_report', { study_id, segmentation_id: seg, format: 'html', include_chart_images: true });
    expect(html.structuredContent.markdown).toBeUndefined();
    expect(html.content.filter((c: any) => c.type === 'resource_link').map((c: any) => c.uri)).toContain(`seglab://studies/${study_id}/report.html`);
    const images = html.content.filter((c: any) => c.type === 'image');
    expect(images.length).toBe(Math.min(12, html.structuredContent.charts));
    const png = Buffer.from(images[0].data, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1280); // 640 px wide at 2×
  });

  it('reports a study with no segmentation yet, and refuses another study\'s segmentation', async () => {
    const other = await h.ok('create_study', { name: 'Empty study', decision: 'Nothing yet' });
    const r = await h.ok('generate_report', { study_id: other.study_id });
    expect(r.segmentation_id).toBeNull();
    expect(r.sections).toEqual(['summary', 'method']);
    expect(r.markdown).toMatch(/0 participants/);
    expect(await h.fail('generate_report', { study_id: other.study_id, segmentation_id: seg })).toMatch(/belongs to another study/);
  });
});
