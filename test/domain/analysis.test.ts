/**
 * Crosstab and driver statistics against published values and SciPy 1.10 / scikit-learn 1.2
 * (test/reference/analysis.py → test/fixtures/reference/analysis.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tableStatistics } from '../../src/domain/crosstab.js';
import { averageRanks, pearson, relativeWeights, spearman } from '../../src/domain/drivers.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/analysis.json', import.meta.url), 'utf8'));

describe('contingency tables', () => {
  it("Agresti (2007) Table 2.5, party identification by gender: χ² = 30.1, G² = 30.0, residuals 4.50, 0.70, −5.32", () => {
    const t = ref.tables.agresti_party_gender;
    const s = tableStatistics(t.table);
    expect(s.chi_square).toBeCloseTo(30.07, 2);
    expect(s.g_squared).toBeCloseTo(30.02, 2);
    expect(s.df).toBe(2);
    expect(s.residuals[0]!.map((r) => Math.round(r! * 100) / 100)).toEqual([4.5, 0.7, -5.32]);
    // And to full precision against scipy.stats.chi2_contingency (Pearson and lambda_="log-likelihood").
    expect(s.p).toBeCloseTo(t.p, 14);
    expect(s.g_squared_p).toBeCloseTo(t.g_p, 12);
    expect(s.cramers_v).toBeCloseTo(t.cramers_v, 4);
  });

  for (const name of ['three_by_three', 'small_2x2']) {
    it(`${name}: χ², G², Cramér's V, adjusted residuals${name === 'small_2x2' ? ', Fisher' : ''} match SciPy`, () => {
      const t = ref.tables[name];
      const s = tableStatistics(t.table);
      expect(s.chi_square).toBeCloseTo(t.chi_square, 4);
      expect(s.p).toBeCloseTo(t.p, 12);
      expect(s.g_squared).toBeCloseTo(t.g_squared, 4);
      expect(s.cramers_v).toBeCloseTo(t.cramers_v, 4);
      s.residuals.forEach((row, i) => row.forEach((r, j) => expect(r).toBeCloseTo(t.residuals[i][j], 3)));
      if (t.fisher_p !== undefined) expect(s.fisher_p).toBeCloseTo(t.fisher_p, 12);
    });
  }

  it('applies Cochran\'s rule to expected counts', () => {
    expect(tableStatistics(ref.tables.small_2x2.table).small_expected).toBe(true);
    expect(tableStatistics(ref.tables.agresti_party_gender.table).small_expected).toBe(false);
  });
});

describe('drivers', () => {
  const d = ref.drivers;
  const columns = d.columns.map((_: string, j: number) => d.X.map((row: number[]) => row[j]));

  it('Pearson and Spearman match scipy.stats.pearsonr and spearmanr on the diabetes data', () => {
    columns.forEach((x: number[], j: number) => {
      const p = pearson(x, d.y);
      expect(p.r).toBeCloseTo(d.pearson[j][0], 12);
      expect(p.p! / d.pearson[j][1]).toBeCloseTo(1, 6);
      const s = spearman(x, d.y);
      expect(s.r).toBeCloseTo(d.spearman[j][0], 12);
      expect(s.p! / d.spearman[j][1]).toBeCloseTo(1, 6);
    });
    const ties = ref.spearman_ties;
    expect(spearman(ties.x, ties.y).r).toBeCloseTo(ties.rho, 12);
    expect(spearman(ties.x, ties.y).p).toBeCloseTo(ties.p, 10);
    expect([...averageRanks([10, 20, 20, 30])]).toEqual([1, 2.5, 2.5, 4]);
    // Runs of ties anywhere, NaN ranked last (as before: each NaN a run of its own).
    expect([...averageRanks([3, 1, 3, NaN, 1, 1, 2, 3])]).toEqual([6, 2, 6, 8, 2, 2, 4, 6]);
  });

  it("Johnson's relative weights match a NumPy implementation and sum to scikit-learn's R²", () => {
    const rw = relativeWeights(columns, d.y)!;
    rw.weights.forEach((w, j) => expect(w).toBeCloseTo(d.relative_weights[j], 10));
    expect(rw.r_squared).toBeCloseTo(d.r_squared_sklearn, 10);
    expect(rw.shares.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
  });

  it('refuses perfectly collinear drivers', () => {
    const x = [1, 2, 3, 4, 5, 6];
    expect(relativeWeights([x, x.map((v) => 2 * v)], [2, 1, 4, 3, 6, 5])).toBeNull();
  });
});
