/** Tests and tails against SciPy 1.10.1 (test/reference/clustering.py) and published examples. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  chiSquareSurvival,
  chiSquareTest,
  cohenH,
  fisherExact,
  moments,
  tTwoSidedP,
  welchT,
} from '../../src/domain/significance.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/clustering.json', import.meta.url), 'utf8'));

describe('distribution tails (scipy.stats.t.sf, chi2.sf)', () => {
  it('t two-sided p-values', () => {
    for (const { t, df, p } of ref.t_tail) expect(tTwoSidedP(t, df)).toBeCloseTo(p, 12);
  });
  it('chi-square survival', () => {
    for (const { x, df, p } of ref.chi2_tail) expect(chiSquareSurvival(x, df)).toBeCloseTo(p, 12);
  });
});

describe('tests', () => {
  it("Welch's t matches scipy.stats.ttest_ind(equal_var=False)", () => {
    const result = welchT(moments(ref.welch.a), moments(ref.welch.b))!;
    expect(result.statistic).toBeCloseTo(ref.welch.t, 10);
    expect(result.p).toBeCloseTo(ref.welch.p, 12);
  });
  it('χ² matches scipy.stats.chi2_contingency(correction=False)', () => {
    for (const c of ref.chi2) {
      const result = chiSquareTest(c.table)!;
      expect(result.statistic).toBeCloseTo(c.statistic, 10);
      expect(result.df).toBe(c.df);
      expect(result.p).toBeCloseTo(c.p, 12);
    }
  });
  it("Fisher's exact two-sided p matches scipy.stats.fisher_exact", () => {
    for (const f of ref.fisher) {
      const [[a, b], [c, d]] = f.table;
      expect(fisherExact(a, b, c, d)).toBeCloseTo(f.p, 12);
    }
  });
  it('Benjamini–Hochberg: the 15 p-values of Benjamini & Hochberg (1995, §4.2) reject 4 at q = 0.05', () => {
    const p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0];
    const q = benjaminiHochberg(p) as number[];
    expect(q.filter((x) => x <= 0.05)).toHaveLength(4);
    // Same as R p.adjust(p, "BH"): min over j ≥ i of p_j·m/j, e.g. 0.0095·15/4 = 0.035625.
    expect(q[3]).toBeCloseTo(0.035625, 12);
    expect(q[0]).toBeCloseTo(0.0015, 12);
    expect(q[14]).toBe(1);
    expect(benjaminiHochberg([0.04, null, 0.01])).toEqual([0.04, null, 0.02]);
  });
  it("Cohen's h", () => {
    expect(cohenH(0.5, 0.5)).toBe(0);
    expect(cohenH(0.8, 0.2)).toBeCloseTo(1.2870022175865687, 12);
  });
});
