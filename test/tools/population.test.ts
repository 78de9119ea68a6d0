/**
 * Exact numbers and one population, through the MCP client: structuredContent carries full double
 * precision (checked against numpy/SciPy at 1e-9: test/reference/analysis.py → "exact"), and
 * summarize_questions, crosstab, driver_analysis and the report count the same participants.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/analysis.json', import.meta.url), 'utf8')).exact;
type Person = { id: string; plan: string; recommend: number | null; choice: string; status: 'completed' | 'partial' | 'not_interviewed' };
const people: Person[] = ref.people;
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(1e-9);

let h: Harness;
let study_id: number;
beforeAll(async () => {
  h = await connect();
  ({ study_id } = await h.ok('create_study', { name: 'Exact', decision: 'Which plan to push' }));
  await h.ok('add_questions', {
    study_id,
    questions: [
      { key: 'recommend', type: 'scale', text: 'How likely are you to recommend us?', scale_min: 0, scale_max: 10 },
      { key: 'choice', type: 'single_choice', text: 'What made you choose us?', options: ref.choices },
      { key: 'promoter', type: 'yes_no', text: 'Would you tell a colleague?' },
    ],
  });
  const csv = ['participant_id,email,plan', ...people.map((p) => `${p.id},${p.id}@example.com,${p.plan}`)].join('\n');
  await h.ok('import_participants', { study_id, csv });
  for (const p of people.filter((x) => x.status !== 'not_interviewed')) {
    await h.ok('record_interview', {
      study_id,
      participant_id: p.id,
      status: p.status,
      answers: [
        { question: 'recommend', value: p.recommend },
        { question: 'choice', value: p.choice },
        { question: 'promoter', value: p.recommend! >= 9 },
      ],
    });
  }
});
afterAll(() => h.close());

describe('exact numbers', () => {
  it('summarize_questions returns mean, sd, median, NPS and the Wilson interval at full precision (numpy/SciPy at 1e-9)', async () => {
    const r = await h.ok('summarize_questions', { study_id });
    const [recommend, , promoter] = r.questions;
    const expected = ref.completed;
    expect(recommend.n).toBe(expected.n);
    close(recommend.mean, expected.mean); // 6.333…: 4-decimal rounding was off by 3e-5
    close(recommend.sd, expected.sd);
    close(recommend.median, expected.median);
    close(recommend.nps.score, expected.nps); // −16.666…, was rounded to −16.7
    close(recommend.nps.promoters, expected.promoters);
    close(recommend.nps.detractors, expected.detractors);
    close(promoter.yes_share_ci95.low, ref.wilson_promoters.low);
    close(promoter.yes_share_ci95.high, ref.wilson_promoters.high);
    expect(recommend.mean).not.toBe(Math.round(recommend.mean * 1e4) / 1e4);
  });

  it('crosstab returns χ², G², their p-values and Cramér\'s V at full precision (SciPy at 1e-9), and the text still reads rounded', async () => {
    const res: any = await h.call('crosstab', { study_id, rows: 'attr.plan', columns: 'answer.choice' });
    const r = res.structuredContent;
    const t = ref.crosstab;
    expect(t.rows.map((plan: string) => t.columns.map((c: string) => r.counts[r.rows.categories.indexOf(plan)][r.columns.categories.indexOf(c)]))).toEqual(t.counts);
    close(r.statistics.chi_square, t.chi_square);
    close(r.statistics.p, t.p);
    close(r.statistics.g_squared, t.g_squared);
    close(r.statistics.g_squared_p, t.g_p);
    close(r.statistics.cramers_v, t.cramers_v);
    expect(r.statistics.df).toBe(t.df);
    const text = res.content[0].text as string;
    expect(text).toContain(`χ² = ${Math.round(t.chi_square * 1000) / 1000} (df 4)`);
    expect(text).not.toContain(String(t.chi_square));
  });
});

describe('one population', () => {
  it('summarize_questions, crosstab, driver_analysis and the report agree on n and NPS, and state the rule', async () => {
    const summary = await h.ok('summarize_questions', { study_id, questions: ['recommend'] });
    const table = await h.ok('crosstab', { study_id, rows: 'attr.plan', columns: 'answer.recommend', bins: 'nps' });
    const drivers = await h.ok('driver_analysis', { study_id, outcome: 'answer.recommend', drivers: ['answer.promoter'] });
    const report = (await h.ok('generate_report', { study_id, format: 'json' })).report;
    const q = summary.questions[0];
    const reportQ = report.questions.find((x: any) => x.key === 'recommend');
    // Before, crosstab and the report also counted partial interviews (n 26) while summarize counted 24.
    expect(q.n).toBe(ref.completed.n);
    expect(table.n).toBe(ref.completed.n);
    expect(drivers.overall.n_outcome).toBe(ref.completed.n);
    expect(reportQ.n).toBe(ref.completed.n);
    const groups = Object.fromEntries(table.columns.categories.map((c: string, j: number) => [c, table.columns.totals[j]]));
    const crosstabNps = ((groups['promoter (9–10)'] - groups['detractor (0–6)']) / table.n) * 100;
    close(crosstabNps, q.nps.score);
    close(reportQ.nps, q.nps.score);
    for (const p of [summary.population, table.population, drivers.population, report.method.population]) {
      expect(p).toMatchObject({ scope: 'interviews', include_partial: false, statuses: ['completed'], n: ref.completed.n });
      expect(p.rule).toMatch(/completed interview/);
    }
  });

  it('include_partial widens every analysis over answers the same way; an analysis over CRM data alone counts everyone', async () => {
    const summary = await h.ok('summarize_questions', { study_id, questions: ['recommend'], include_partial: true });
    const table = await h.ok('crosstab', { study_id, rows: 'attr.plan', columns: 'answer.recommend', bins: 'nps', include_partial: true });
    const attributesOnly = await h.ok('crosstab', { study_id, rows: 'attr.plan', columns: 'status' });
    const report = (await h.ok('generate_report', { study_id, format: 'json', include_partial: true })).report;
    const n = ref.with_partial.n;
    expect([summary.questions[0].n, table.n, report.questions.find((x: any) => x.key === 'recommend').n]).toEqual([n, n, n]);
    close(summary.questions[0].nps.score, ref.with_partial.nps);
    close(summary.questions[0].mean, ref.with_partial.mean);
    expect(report.method.population).toMatchObject({ include_partial: true, n });
    // Two CRM-side fields describe the base: every participant counts, interviewed or not, with or without include_partial.
    expect(attributesOnly.n).toBe(people.length);
    expect(attributesOnly.population).toMatchObject({ scope: 'crm_base', n: people.length });
    expect(attributesOnly.columns.categories).toEqual(['completed', 'partial', 'not_interviewed']);
  });
});
