/** Segment profiles and group comparisons, with hand-worked figures and SciPy 1.10 p-values. */
import { describe, expect, it } from 'vitest';
import { fitEncoding } from '../../../src/domain/segments/encoding.js';
import { adjust, compareGroups, distinguishing, profileGroup } from '../../../src/domain/segments/profile.js';
import { catalog, fact } from '../../helpers/facts.js';

// mrr 1–5 (twice) in a, 3–7 (twice) in b; pick A for 8 of 10 in a, 2 of 10 in b.
const a = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5].map((x, i) => fact(i + 1, { pick: i < 8 ? 'A' : 'B' }, { mrr: x }));
const b = [3, 4, 5, 6, 7, 3, 4, 5, 6, 7].map((x, i) => fact(i + 11, { pick: i < 2 ? 'A' : 'B' }, { mrr: x }));
const { encoding } = fitEncoding([...a, ...b], ['attr.mrr', 'answer.pick'], catalog);

describe('compareGroups', () => {
  const [mrr, pickA] = compareGroups(encoding, a, b);

  it("numbers: means, Welch's t (scipy ttest_ind equal_var=False: t = −3, p = 0.0077) and Cohen's d", () => {
    // Per half: mean 3 vs 5, both variance 2.5 (ddof 1); doubled samples keep the means, n = 10 each.
    expect(mrr).toMatchObject({ field: 'attr.mrr', measure: 'mean', a: 3, b: 5, n_a: 10, n_b: 10, difference: -2, test: 'welch_t' });
    expect(mrr!.p).toBeCloseTo(0.007685, 5);
    expect(mrr!.effect_size).toBeCloseTo(-2 / Math.sqrt(20 / 9), 3); // pooled sd over 10 + 10: variance 20/9
    expect(mrr!.description).toBe('mrr: 3 in segment vs 5 elsewhere');
  });

  it("shares: the 2×2 χ² (scipy: 7.2, p = 0.00729) and Cohen's h = 2·asin√0.8 − 2·asin√0.2 = 1.287", () => {
    expect(pickA).toMatchObject({ option: 'A', measure: 'share', a: 0.8, b: 0.2, test: 'chi_square' });
    expect(pickA!.p).toBeCloseTo(0.0072903580915356595, 10);
    expect(pickA!.effect_size).toBeCloseTo(1.287, 3);
    expect(pickA!.description).toBe('pick = A: 80% in segment vs 20% elsewhere');
  });

  it("small expected counts use Fisher's exact test (scipy: [[3,1],[1,4]] → p = 0.2063)", () => {
    const small = compareGroups(encoding, a.slice(0, 4).map((f, i) => fact(f.id, { pick: i < 3 ? 'A' : 'B' })), b.slice(0, 5).map((f, i) => fact(f.id, { pick: i < 1 ? 'A' : 'B' })));
    const pick = small.find((c) => c.option === 'A')!;
    expect(pick.test).toBe('fisher_exact');
    expect(pick.p).toBeCloseTo(0.2063492063492063, 10);
    expect(small.find((c) => c.field === 'attr.mrr')).toMatchObject({ a: null, b: null, test: null, description: 'attr.mrr: not enough answers to compare' });
  });
});

describe('adjust and distinguishing', () => {
  it('Benjamini–Hochberg: p 0.01, 0.04, 0.03 → q 0.03, 0.04, 0.04', () => {
    const c = compareGroups(encoding, a, b)[0]!;
    const adjusted = adjust([0.01, 0.04, 0.03].map((p) => ({ ...c, p })));
    expect(adjusted.map((x) => x.q)).toEqual([0.03, 0.04, 0.04]);
    expect(adjusted.every((x) => x.significant)).toBe(true);
  });

  it('keeps the significant comparisons, strongest effect first', () => {
    const adjusted = adjust(compareGroups(encoding, a, b));
    // mrr: |d| = 1.342, p = 0.0077; pick A and B: |h| = 1.287, p = 0.0073 each.
    expect(distinguishing(adjusted).map((x) => x.column)).toEqual(['attr.mrr', 'answer.pick:A', 'answer.pick:B']);
  });
});

describe('profileGroup', () => {
  it('means in original units and option shares, largest first', () => {
    const profile = profileGroup(encoding, a);
    expect(profile).toEqual([
      { field: 'attr.mrr', label: expect.any(String), measure: 'mean', n: 10, values: [{ option: null, value: 3 }] },
      { field: 'answer.pick', label: expect.any(String), measure: 'share', n: 10, values: [{ option: 'A', value: 0.8 }, { option: 'B', value: 0.2 }] },
    ]);
  });
});
