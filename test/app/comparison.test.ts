/** compareSegments: two segments, or one against the rest, checked against SciPy's Welch t-test on the sample files. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSegments } from '../../src/app/comparison.js';
import { sampleReference as ref } from '../helpers/fixtures.js';
import { seedSampleSegmentation, testStore } from '../helpers/stores.js';

const store = await testStore();
let segmentationId: number;
let segmentOf: Record<string, number>;
beforeAll(async () => ({ segmentationId, segmentOf } = await seedSampleSegmentation(store)));
afterAll(() => store.close());

describe('compareSegments', () => {
  it('The Evaluator against The Advocate: evaluation days with the means, Welch p and Cohen\'s d of SciPy', async () => {
    const r = await compareSegments(store, { segmentationId, a: 'the evaluator', b: segmentOf['The Advocate']!, limit: 50 });
    const days = r.features.find((f) => f.column === 'attr.evaluation_days')!;
    const expected = ref.evaluation_days_evaluator_vs_advocate;
    expect(days.a).toBeCloseTo(ref.archetypes['The Evaluator'].evaluation_days_mean, 3);
    expect(days.b).toBeCloseTo(ref.archetypes['The Advocate'].evaluation_days_mean, 3);
    expect(days.test).toBe('welch_t');
    expect(Math.abs(days.p! - expected.p) / expected.p).toBeLessThan(1e-9); // exact: SciPy's 3.48e-8, not rounded to 0
    expect(days.effect_size).toBeCloseTo(expected.cohen_d, 9);
    expect(days.significant).toBe(true);
    expect(days.description).toBe('evaluation_days: 111.8 in The Evaluator vs 22.7 in The Advocate');
    // Strongest differences first: significant ones before the rest.
    const firstInsignificant = r.features.findIndex((f) => !f.significant);
    expect(r.features.slice(firstInsignificant).every((f) => !f.significant)).toBe(true);
  });

  it('one segment against the rest, and refuses the same segment twice', async () => {
    const r = await compareSegments(store, { segmentationId, a: segmentOf['The Pragmatist']!, limit: 5 });
    expect(r.features).toHaveLength(5);
    const usesSurveys = r.features.find((f) => f.column === 'answer.primary_use_case=Survey analysis') ?? r.features[0]!;
    expect(usesSurveys.n_a + usesSurveys.n_b).toBeGreaterThan(40);
    await expect(compareSegments(store, { segmentationId, a: 1, b: '1', limit: 5 })).rejects.toThrow(/same segment/);
    await expect(compareSegments(store, { segmentationId, a: 'Nobody', limit: 5 })).rejects.toThrow(/a: no segment "Nobody"/);
  });
});
