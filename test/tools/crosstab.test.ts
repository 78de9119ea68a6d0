/** crosstab through the MCP client, on the sample study and its k = 4 segmentation. */
import { fisherExact } from '../../src/domain/significance.js';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { sampleReference, sampleRows, useSampleSegmentation } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
let seg: number;
useSampleSegmentation((s) => ({ h, study_id, seg } = s));

/** The segmentation's members whose row of the sample's CRM export has a value in `column` (the file is the reference). */
async function membersWith(column: string): Promise<number> {
  const members = new Set((await h.store.segmentations.members(seg)).map((m) => m.participant_id));
  return sampleRows().filter((row) => members.has(row.participant_id!) && row[column]!.trim() !== '').length;
}

describe('crosstab', () => {
  it('segment × single choice: counts, shares, tests and flagged cells', async () => {
    const r = await h.ok('crosstab', { study_id, rows: 'segment', columns: 'answer.primary_use_case' });
    const ref = sampleReference.archetype_by_use_case;
    // Segments in segment order (largest first), the same four as the planted archetypes.
    expect([...r.rows.categories].sort()).toEqual([...ref.rows].sort());
    expect(r.columns.categories.slice().sort()).toEqual([...ref.columns].sort());
    expect(r.n).toBe(44); // the 44 completed interviews (the population rule)
    // The table and its statistics as SciPy's chi2_contingency computes them from the sample's files.
    ref.rows.forEach((row: string, i: number) => ref.columns.forEach((column: string, j: number) => expect(r.counts[r.rows.categories.indexOf(row)][r.columns.categories.indexOf(column)], `${row} × ${column}`).toBe(ref.counts[i][j])));
    expect(r.statistics.chi_square).toBeCloseTo(ref.chi_square, 3);
    expect(r.statistics.df).toBe(ref.df);
    expect(r.statistics.p).toBeCloseTo(ref.p, 8);
    expect(r.statistics.cramers_v).toBeCloseTo(ref.cramers_v, 3);
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

  it('shows a many-valued attribute as its largest categories plus "Other", counting everyone', async () => {
    // Before: "attr.company has more than 30 categories" (issue 11: groupings that always work).
    const r = await h.ok('crosstab', { study_id, rows: 'attr.company', columns: 'segment', segmentation_id: seg });
    expect(r.rows.categories_total).toBeGreaterThan(r.rows.categories.length);
    const other = r.rows.categories.at(-1);
    expect(other).toMatch(new RegExp(`^Other \\(${r.rows.categories_total - r.rows.categories.length + 1} more values\\)$`));
    expect(r.rows.categories.length * r.columns.categories.length).toBeLessThanOrEqual(144);
    expect(r.rows.note).toMatch(/largest of \d+ categories, the rest in "Other/);
    // Folding loses nobody: the table still counts every member with a company.
    const withCompany = await membersWith('company');
    expect(r.n).toBe(withCompany);
    expect(r.rows.totals.reduce((a: number, b: number) => a + b, 0)).toBe(withCompany);
  });

  it('groups a date spanning three years by quarter (at most 24 groups), or by the unit asked', async () => {
    // Before: signup_date (2024-01 … 2026-11, 35 months) was refused with "more than 30 categories".
    const auto = await h.ok('crosstab', { study_id, rows: 'attr.signup_date', columns: 'segment', segmentation_id: seg });
    expect(auto.rows.date_unit).toBe('quarter');
    expect(auto.rows.categories.length).toBeLessThanOrEqual(24);
    for (const label of auto.rows.categories) expect(label).toMatch(/^20(24|25|26)-Q[1-4]$/);
    const byYear = await h.ok('crosstab', { study_id, rows: 'attr.signup_date', columns: 'segment', segmentation_id: seg, date_unit: 'year' });
    expect(byYear.rows.categories).toEqual(['2024', '2025', '2026']);
    // Grouping loses nobody: years and quarters count the same members, everyone with a signup date.
    const withDate = await membersWith('signup_date');
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(byYear.rows.totals)).toBe(withDate);
    expect(sum(auto.rows.totals)).toBe(withDate);
    expect(await h.fail('crosstab', { study_id, rows: 'attr.signup_date', columns: 'segment', date_unit: 'week' })).toMatch(/date_unit[\s\S]*month[\s\S]*quarter[\s\S]*year/);
  });

  it('summarize_questions groups by a date and by a many-valued attribute the same way', async () => {
    const byDate = await h.ok('summarize_questions', { study_id, by: 'attr.signup_date', questions: ['core_value_importance'] });
    expect(byDate.by.date_unit).toBe('quarter');
    expect(byDate.by.groups.length).toBeLessThanOrEqual(24);
    const byCompany = await h.ok('summarize_questions', { study_id, by: 'attr.company', questions: ['core_value_importance'] });
    const other = byCompany.by.groups.at(-1);
    expect(other.group).toBe(`Other (${byCompany.by.groups_total - byCompany.by.groups.length + 1} more values)`);
    // Every interviewed participant is in exactly one company group, "Other" included.
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(byCompany.by.groups.map((g: { participants: number }) => g.participants))).toBe(byCompany.population.participants);
  });

  it('explains fields it cannot tabulate', async () => {
    expect(await h.fail('crosstab', { study_id, rows: 'answer.discovery_context', columns: 'segment' })).toMatch(/open-ended.*theme/);
    expect(await h.fail('crosstab', { study_id, rows: 'segment', columns: 'segment' })).toMatch(/same field/);
    expect(await h.fail('crosstab', { study_id, rows: 'answer.core_value_importance', columns: 'segment', bins: 'nps' })).toMatch(/needs a 0–10 scale/);
  });
});
