/** crosstab: segment × answer against SciPy's chi2_contingency on the same table built from the sample files. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crosstab } from '../../src/app/crosstab.js';
import { sampleReference } from '../helpers/fixtures.js';
import { seedSampleSegmentation, testStore } from '../helpers/stores.js';

const ref = sampleReference.archetype_by_use_case;
const store = await testStore();
let studyId: number;
let segmentationId: number;
beforeAll(async () => ({ studyId, segmentationId } = await seedSampleSegmentation(store)));
afterAll(() => store.close());

describe('crosstab', () => {
  it('segment × single choice: the counts and χ², p, df and Cramér\'s V of SciPy', async () => {
    const r = await crosstab(store, { studyId, rows: 'segment', columns: 'answer.primary_use_case', segmentationId });
    expect(r.n).toBe(44); // the 44 completed interviews (the population rule)
    // Same table, whatever the order of rows and columns.
    const cell = (row: string, column: string) => r.counts[r.rows.categories.indexOf(row)]![r.columns.categories.indexOf(column)]!;
    ref.rows.forEach((row: string, i: number) => ref.columns.forEach((column: string, j: number) => expect(cell(row, column), `${row} × ${column}`).toBe(ref.counts[i][j])));
    expect(r.statistics!.chi_square).toBeCloseTo(ref.chi_square, 3);
    expect(r.statistics!.p).toBeCloseTo(ref.p, 8);
    expect(r.statistics!.df).toBe(ref.df);
    expect(r.statistics!.cramers_v).toBeCloseTo(ref.cramers_v, 3);
    // The Pragmatists use it for surveys: 8 of 12 where 12 × 9/46 ≈ 2.3 were expected.
    expect(r.flagged.find((f) => f.row === 'The Pragmatist' && f.column === 'Survey analysis')).toMatchObject({ count: 8, direction: 'more' });
    expect(r.row_shares[r.rows.categories.indexOf('The Pragmatist')]![r.columns.categories.indexOf('Survey analysis')]).toBeCloseTo(8 / 12, 3);
  });

  it('a multi-valued side gets per-option tests instead of one χ², and refuses a field against itself', async () => {
    const r = await crosstab(store, { studyId, rows: 'tag', columns: 'answer.team_usage' });
    expect(r.statistics).toBeNull();
    expect(r.per_option.length).toBe(r.rows.categories.length);
    expect(r.warnings.join(' ')).toMatch(/multi-valued side/);
    await expect(crosstab(store, { studyId, rows: 'tag', columns: ' tag ' })).rejects.toThrow(/same field/);
  });
});
