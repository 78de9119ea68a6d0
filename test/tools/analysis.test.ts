/** crosstab, driver_analysis, code_themes, export_segments and generate_report through the MCP client. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../src/report/build.js';
import { analysesOnWorker } from '../../src/report/parallel.js';
import { Store } from '../../src/store/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableStatistics } from '../../src/domain/crosstab.js';
import { fisherExact } from '../../src/domain/significance.js';
import { pearson } from '../../src/domain/drivers.js';
import { connect } from '../helpers/harness.js';
import { sampleArchetypes, useSampleStudy } from '../helpers/fixtures.js';

let h: Awaited<ReturnType<typeof connect>>;
let study_id: number;
let seg: number;
useSampleStudy((s) => ({ h, study_id } = s));

beforeAll(async () => {
  seg = (await h.ok('cluster_participants', { study_id, k: 4, bootstraps: 5 })).segmentation_id;
  const members = h.store.segmentations.members(seg);
  for (const archetype of ['The Struggler', 'The Pragmatist', 'The Evaluator', 'The Advocate']) {
    const segment_id = members.find((m) => sampleArchetypes[m.participant_id] === archetype)!.segment_id;
    await h.ok('update_segment', { segmentation_id: seg, segment_id, name: archetype, playbook: { product: `Build for ${archetype}`, sales: `Sell to ${archetype} differently` } });
  }
});

describe('crosstab', () => {
  it('segment × single choice: counts, shares, tests and flagged cells', async () => {
    const r = await h.ok('crosstab', { study_id, rows: 'segment', columns: 'answer.primary_use_case' });
    expect(r.rows.categories).toEqual(['The Struggler', 'The Pragmatist', 'The Evaluator', 'The Advocate'].filter((c) => r.rows.categories.includes(c)));
    expect(r.columns.categories.slice().sort()).toEqual(['Churn analysis', 'Product discovery', 'Sales enablement', 'Survey analysis']);
    expect(r.n).toBe(46); // answered by 46
    expect(r.counts.flat().reduce((s: number, x: number) => s + x, 0)).toBe(46);
    // The numbers are the domain statistics of the very table returned.
    const expected = tableStatistics(r.counts);
    expect(r.statistics.chi_square).toBe(expected.chi_square);
    expect(r.statistics.df).toBe(9);
    expect(r.statistics.p).toBeLessThan(0.001);
    expect(r.statistics.cramers_v).toBeGreaterThan(0.5);
    for (const row of r.row_shares) expect(row.reduce((s: number, x: number) => s + x, 0)).toBeCloseTo(1, 3);
    const pragmatistSurvey = r.flagged.find((f: any) => f.row === 'The Pragmatist' && f.column === 'Survey analysis');
    expect(pragmatistSurvey).toMatchObject({ direction: 'more' });
    expect(pragmatistSurvey.residual).toBeGreaterThan(1.96);
    expect(r.warnings.join(' ')).toMatch(/Expected counts are small/);
  });

  it('ranks as categories, 2×2 tables with Fisher, tags tested per tag, scales binned', async () => {
    const yesNo = await h.ok('crosstab', { study_id, rows: 'answer.team_usage', columns: 'answer.buying_factors:Price', bins: 'auto' });
    expect(yesNo.columns.note).toMatch(/rank given to Price/);
    const two = await h.ok('crosstab', { study_id, rows: 'answer.team_usage', columns: 'attr.plan' });
    expect(two.statistics).not.toBeNull();
    const tags = await h.ok('crosstab', { study_id, rows: 'tag', columns: 'answer.team_usage' });
    expect(tags.statistics).toBeNull();
    expect(tags.rows.multi).toBe(true);
    const priceSensitive = tags.per_option.find((o: any) => o.option === 'price-sensitive');
    expect(priceSensitive.q).toBeLessThan(0.05);
    const nps = await h.ok('crosstab', { study_id, rows: 'answer.core_value_importance', columns: 'segment', bins: 'top2' });
    expect(nps.rows.categories).toEqual(['top 2 (9–10)', 'rest']);
    const thirds = await h.ok('crosstab', { study_id, rows: 'answer.core_value_importance', columns: 'segment', bins: 'thirds' });
    expect(thirds.rows.categories).toEqual(['low (1–4)', 'mid (5–7)', 'high (8–10)']);
    const small = await h.ok('crosstab', { study_id, rows: 'answer.team_usage', columns: 'segment', segmentation_id: seg });
    expect(small.columns.categories).toHaveLength(4);
    // A 2×2 table with small expected counts: Fisher's exact test, and the warning says to prefer it.
    const enterprise = await h.ok('segment_by_rules', { study_id, segments: [{ name: 'Enterprise plan', where: [{ field: 'attr.plan', op: 'eq', value: 'Enterprise' }] }], rest_name: 'Other plans' });
    const fisher = await h.ok('crosstab', { study_id, rows: 'answer.team_usage', columns: 'segment', segmentation_id: enterprise.segmentation_id });
    expect(fisher.rows.categories).toEqual(['yes', 'no']);
    expect(fisher.columns.categories).toEqual(['Enterprise plan', 'Other plans']);
    const [[a, b], [c, d]] = fisher.counts;
    expect(fisher.statistics.fisher_p).toBeCloseTo(fisherExact(a, b, c, d), 8);
    expect(fisher.warnings.join(' ')).toMatch(/prefer Fisher's exact test/);
  });

  it('explains fields it cannot tabulate', async () => {
    expect(await h.fail('crosstab', { study_id, rows: 'answer.discovery_context', columns: 'segment' })).toMatch(/open-ended.*theme/);
    expect(await h.fail('crosstab', { study_id, rows: 'segment', columns: 'segment' })).toMatch(/same field/);
    expect(await h.fail('crosstab', { study_id, rows: 'attr.company', columns: 'segment' })).toMatch(/more than 30 categories/);
    expect(await h.fail('crosstab', { study_id, rows: 'answer.core_value_importance', columns: 'segment', bins: 'nps' })).toMatch(/needs a 0–10 scale/);
  });
});

describe('driver_analysis', () => {
  it('correlations and relative weights overall and per segment', async () => {
    const r = await h.ok('driver_analysis', { study_id, outcome: 'answer.core_value_importance', segmentation_id: seg });
    const o = r.overall;
    expect(o.n_outcome).toBe(46);
    expect(o.r_squared).toBeGreaterThan(0.5);
    const shares = o.drivers.map((d: any) => d.share_of_r_squared ?? 0);
    expect(shares.reduce((s: number, x: number) => s + x, 0)).toBeCloseTo(1, 3);
    expect(o.drivers[0].driver).toBe('attr.logins_30d');
    // The correlation reported is Pearson's r over the same pairs, recomputed here from the store.
    const logins = new Map(h.store.facts.facts(study_id).map((f) => [f.participant_id, f.attributes.logins_30d as number]));
    const pairs = h.store.facts.facts(study_id).filter((f) => typeof f.answers.get('core_value_importance') === 'number');
    const r0 = pearson(pairs.map((f) => logins.get(f.participant_id)!), pairs.map((f) => f.answers.get('core_value_importance') as number));
    expect(o.drivers[0].pearson.r).toBeCloseTo(r0.r!, 4);
    expect(r.segments).toHaveLength(4);
    for (const s of r.segments) {
      expect(s.n_outcome).toBeLessThanOrEqual(12);
      expect(s.warnings.join(' ')).toMatch(/Only \d+ participants/);
      expect(s.r_squared).toBeNull(); // too few for 7 drivers
    }
  });

  it('expands choices and themes, and validates the outcome', async () => {
    const r = await h.ok('driver_analysis', { study_id, outcome: 'answer.team_usage', drivers: ['answer.primary_use_case', 'theme'], method: 'correlation' });
    expect(r.overall.drivers.some((d: any) => d.driver.startsWith('answer.primary_use_case = '))).toBe(true);
    expect(r.overall.drivers.filter((d: any) => d.driver.startsWith('answer.primary_use_case = '))).toHaveLength(3); // 4 options, least chosen is the reference
    expect(r.overall.drivers.some((d: any) => d.driver === 'theme = team_collaboration')).toBe(true);
    expect(r.overall.drivers.every((d: any) => d.relative_weight === null)).toBe(true);
    expect(await h.fail('driver_analysis', { study_id, outcome: 'attr.plan' })).toMatch(/category attribute/);
    expect(await h.fail('driver_analysis', { study_id, outcome: 'answer.core_value_importance', drivers: ['answer.core_value_importance'] })).toMatch(/is the outcome/);
  });
});

describe('code_themes', () => {
  it('codes themes atomically, warns about quotes that are not the participant\'s words, and counts', async () => {
    const before = (await h.ok('get_study', { study_id })).themes.length;
    expect(await h.fail('code_themes', { study_id, codes: [{ participant_id: 'C1001', theme: 'x' }, { participant_id: 'NOPE', theme: 'y' }, { participant_id: 'C1002', theme: 'z', question: 'nope' }] })).toMatch(/codes\[1\].participant_id: no participant "NOPE"[\s\S]*codes\[2\].question: no question "nope"/);
    expect((await h.ok('get_study', { study_id })).themes.length).toBe(before);
    const r = await h.ok('code_themes', {
      study_id,
      codes: [
        { participant_id: 'C1001', theme: 'Import friction', question: 'value_realization', quote: 'I got stuck importing our tickets and gave up.' },
        { participant_id: 'C1006', theme: 'import_friction', quote: 'Words nobody said.' },
      ],
    });
    expect(r).toMatchObject({ added: 2, unchanged: 0, themes_created: ['import_friction'] });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/codes\[1\].*C1006/);
    expect(r.catalogue.find((t: any) => t.code === 'import_friction').participants).toBe(2);
    const again = await h.ok('code_themes', { study_id, codes: [{ participant_id: 'C1001', theme: 'import friction', question: 'value_realization', quote: 'I got stuck importing our tickets and gave up.' }] });
    expect(again).toMatchObject({ added: 0, unchanged: 1 });
    const found = await h.ok('query_participants', { study_id, where: [{ field: 'theme', op: 'eq', value: 'import_friction' }] });
    expect(found.total).toBe(2);
  });
});

describe('export_segments', () => {
  it('CSV for HubSpot with formula-safe cells, and paginated JSON', async () => {
    await h.ok('import_participants', { study_id, csv: 'participant_id,email,name\nZ1,z1@x.example,"=HYPERLINK(""http://evil"")"\n' });
    const csv = await h.ok('export_segments', { segmentation_id: seg, crm: 'hubspot' });
    expect(csv.columns).toEqual(['Email', 'First Name', 'Last Name', 'seglab_participant_id', 'seglab_segment']);
    expect(csv.total).toBe(48);
    const lines = csv.csv.trim().split('\r\n');
    expect(lines).toHaveLength(49);
    expect(lines.find((l: string) => l.includes(',C1023,'))).toMatch(/,The Pragmatist$/);
    expect(readFileSync(csv.path, 'utf8')).toBe(csv.csv);
    const result: any = await h.call('export_segments', { segmentation_id: seg });
    expect(result.content.find((c: any) => c.type === 'resource_link').uri).toMatch(/^file:.*segmentation-\d+-generic\.csv$/);

    // A name that a spreadsheet would execute is escaped with a leading quote.
    const rules = await h.ok('segment_by_rules', { study_id, segments: [{ name: '=cmd|calc', where: [{ field: 'participant_id', op: 'eq', value: 'Z1' }] }] });
    const risky = await h.ok('export_segments', { segmentation_id: rules.segmentation_id });
    expect(risky.csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(risky.csv).toContain(`'=cmd|calc`);

    const page1 = await h.ok('export_segments', { segmentation_id: seg, format: 'json', limit: 30 });
    expect(page1.rows).toHaveLength(30);
    const page2 = await h.ok('export_segments', { segmentation_id: seg, format: 'json', limit: 30, cursor: page1.next_cursor });
    expect(page2.rows).toHaveLength(18);
    expect(page2.next_cursor).toBeNull();
    expect(new Set([...page1.rows, ...page2.rows].map((r: any) => r.participant_id)).size).toBe(48);
  });
});

describe('generate_report', () => {
  it('writes Markdown, HTML and JSON with every section, and serves them as resources', async () => {
    await h.ok('prioritize_segments', { segmentation_id: seg, derive: { revenue_potential: 'attr.mrr' } });
    const r = await h.ok('generate_report', { study_id, segmentation_id: seg });
    expect(r.segmentation_id).toBe(seg);
    expect(r.sections).toEqual(expect.arrayContaining(['summary', 'method', 'questions', 'themes', 'segments', 'comparison', 'validation', 'prioritization', 'crosstabs_and_drivers', 'appendix']));
    for (const f of ['markdown', 'html', 'json'] as const) expect(existsSync(r.files[f])).toBe(true);
    expect(r.markdown).toMatch(/^# Beacon/);
    expect(r.markdown).toMatch(/## Segments[\s\S]*The Pragmatist[\s\S]*\*\*Beachhead:\*\*/);
    expect(r.markdown).toMatch(/### Validation/);
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
    const md = await h.client.readResource({ uri: `seglab://studies/${study_id}/report.md` });
    expect((md.contents[0] as { text: string }).text).toBe(r.markdown);
    const { resourceTemplates } = await h.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(expect.arrayContaining(['seglab://studies/{study_id}/report.md', 'seglab://studies/{study_id}/report.html', 'seglab://studies/{study_id}/report.json']));
  });

  it('computes the analyses on a worker thread for a file database, with the same report as on one thread', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'seglab-report-')), 'copy.db');
    h.store.db.exec(`VACUUM INTO '${path}'`);
    const copy = Store.open(path);
    try {
      const serial = await buildReport(copy, study_id, seg, { parallelFrom: Infinity });
      const parallel = await buildReport(copy, study_id, seg, { parallelFrom: 0 });
      const { generated_at: _a, ...one } = serial;
      const { generated_at: _b, ...two } = parallel;
      expect(two).toEqual(one);
      expect(one.drivers).not.toBeNull();
      expect(one.questions.length).toBeGreaterThan(0);
      // A worker that cannot open the file reports why instead of hanging.
      await expect(analysesOnWorker(join(tmpdir(), 'no-such-seglab.db'), study_id, seg, 0)).rejects.toThrow(/report analyses: .*(unable to open|does not exist|no such file)/i);
    } finally {
      copy.close();
    }
  });

  it('returns JSON, an HTML link, or PNG charts', async () => {
    const json = await h.ok('generate_report', { study_id, segmentation_id: seg, format: 'json' });
    expect(json.report.study.study_id).toBe(study_id);
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
