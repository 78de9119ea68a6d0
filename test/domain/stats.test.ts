import { describe, expect, it } from 'vitest';
import { boxShares, netPromoterScore, quantile, summarizeNumbers, summarizeRanking, topTerms, wilsonInterval } from '../../src/domain/stats.js';

const buckets = (values: number[]) => {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count }));
};

describe('summarizeNumbers', () => {
  it('matches numpy for an odd-sized… and an even-sized sample', () => {
    // numpy 1.24: x = [7,8,8,9,10,6,5,7,8,9,3,7]
    // np.mean(x) = 7.25, np.median(x) = 7.5, np.std(x, ddof=1) = 1.9128750375000738
    const a = summarizeNumbers(buckets([7, 8, 8, 9, 10, 6, 5, 7, 8, 9, 3, 7]));
    expect(a).toMatchObject({ n: 12, mean: 7.25, median: 7.5, min: 3, max: 10 });
    expect(a.sd).toBeCloseTo(1.9128750375, 4);
    // np.median([1,2,2,3,4,4,4,5]) = 3.5, np.std(ddof=1) = 1.3562026818605375, mean 3.125
    const b = summarizeNumbers(buckets([1, 2, 2, 3, 4, 4, 4, 5]));
    expect(b).toMatchObject({ n: 8, median: 3.5, mean: 3.125 });
    expect(b.sd).toBeCloseTo(1.3562026819, 4);
    // odd n: the middle value
    expect(summarizeNumbers(buckets([5, 1, 9])).median).toBe(5);
  });

  it('handles no answers and one answer', () => {
    expect(summarizeNumbers([])).toEqual({ n: 0, mean: null, median: null, sd: null, min: null, max: null });
    expect(summarizeNumbers([{ value: 4, count: 1 }])).toMatchObject({ n: 1, mean: 4, median: 4, sd: null });
  });
});

describe('wilsonInterval', () => {
  // Newcombe (1998), Stat Med 17:857–872, Table II, method 3 (score interval without continuity
  // correction); the same values from scipy 1.10: binomtest(k, n).proportion_ci(method='wilson').
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [29, 29, 0.883, 1],
  ])('%i of %i → [%f, %f]', (k, n, low, high) => {
    const ci = wilsonInterval(k, n)!;
    expect(ci.low).toBeCloseTo(low, 3);
    expect(ci.high).toBeCloseTo(high, 3);
  });

  it('is null without respondents', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('netPromoterScore and box shares', () => {
  it('counts 9–10 as promoters and 0–6 as detractors', () => {
    // 3 promoters (9, 10, 10), 2 passives (7, 8), 5 detractors (0, 3, 5, 6, 6): (3 − 5) / 10 = −20
    const nps = netPromoterScore(buckets([9, 10, 10, 7, 8, 0, 3, 5, 6, 6]))!;
    expect(nps).toEqual({ score: -20, promoters: 0.3, passives: 0.2, detractors: 0.5 });
  });

  it('takes the top and bottom two points of the scale', () => {
    expect(boxShares(buckets([1, 2, 3, 4, 5, 5, 5, 4]), 1, 5)).toEqual({ top2_box: 0.625, bottom2_box: 0.25 });
    expect(boxShares(buckets([0, 10, 9, 8]), 0, 10)).toEqual({ top2_box: 0.5, bottom2_box: 0.25 });
  });
});

describe('summarizeRanking', () => {
  it('computes Borda points (m − r + 1), mean rank and first-choice share, partial rankings included', () => {
    // Three respondents, options A B C:
    //   A > B > C ; B > A ; A        → points A: 3+2+3 = 8, B: 2+3 = 5, C: 1
    const counts = [
      { option: 'A', position: 1, count: 2 },
      { option: 'A', position: 2, count: 1 },
      { option: 'B', position: 1, count: 1 },
      { option: 'B', position: 2, count: 1 },
      { option: 'C', position: 3, count: 1 },
    ];
    const rows = summarizeRanking(['A', 'B', 'C'], counts, 3);
    expect(rows.map((r) => r.option)).toEqual(['A', 'B', 'C']);
    expect(rows[0]).toMatchObject({ borda_score: 8, mean_rank: 4 / 3, first_choice_share: 2 / 3, ranked_by: 3, positions: [2, 1, 0] });
    expect(rows[1]).toMatchObject({ borda_score: 5, mean_rank: 1.5, first_choice_share: 1 / 3, ranked_by: 2 });
    expect(rows[2]).toMatchObject({ borda_score: 1, mean_rank: 3, first_choice_share: 0, ranked_by: 1 });
  });
});

describe('quantile', () => {
  it('matches numpy.quantile (linear, type 7)', () => {
    // np.quantile([1..10, 100], [0.25, 0.5, 0.75]) = [3.5, 6.0, 8.5]
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100];
    expect([0.25, 0.5, 0.75].map((q) => quantile(v, q))).toEqual([3.5, 6, 8.5]);
  });
});

describe('topTerms', () => {
  it('counts content words once per text and drops stopwords', () => {
    const terms = topTerms(['The price was too high, price price!', 'Pricing and price matter', 'We love the integrations'], 3);
    expect(terms[0]).toEqual({ term: 'price', count: 2 });
    expect(terms.map((t) => t.term)).not.toContain('the');
  });
});
