/** driverAnalysis against SciPy's Pearson r and a NumPy/scikit-learn Johnson's relative weights on the sample study. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driverAnalysis } from '../../src/app/drivers.js';
import { sampleReference } from '../helpers/fixtures.js';
import { seedSampleSegmentation, testStore } from '../helpers/stores.js';

const ref = sampleReference.drivers;
const store = await testStore();
let studyId: number;
let segmentationId: number;
beforeAll(async () => ({ studyId, segmentationId } = await seedSampleSegmentation(store)));
afterAll(() => store.close());

describe('driverAnalysis', () => {
  it('every default driver: n and Pearson r as SciPy; relative weights and R² as NumPy and scikit-learn', async () => {
    const { overall } = await driverAnalysis(store, { studyId, outcome: ref.outcome });
    expect(overall.n_outcome).toBe(ref.n_outcome);
    expect(overall.complete_cases).toBe(ref.complete_cases);
    expect(overall.r_squared).toBeCloseTo(ref.r_squared, 3);
    expect(overall.drivers.map((d) => d.driver).sort()).toEqual(Object.keys(ref.pearson).sort());
    for (const d of overall.drivers) {
      const expected = ref.pearson[d.driver];
      expect(d.n, d.driver).toBe(expected.n);
      expect(d.pearson.r, d.driver).toBeCloseTo(expected.r, 3);
      expect(d.relative_weight, d.driver).toBeCloseTo(ref.relative_weights[d.driver], 3);
    }
  });

  it('per segment, and only correlations when asked', async () => {
    const r = await driverAnalysis(store, { studyId, outcome: ref.outcome, method: 'correlation', segmentationId });
    expect(r.overall.r_squared).toBeNull();
    expect(r.overall.drivers.every((d) => d.relative_weight === null)).toBe(true);
    expect(r.segments.map((s) => s.name).sort()).toEqual(['The Advocate', 'The Evaluator', 'The Pragmatist', 'The Struggler']);
    expect(r.segments.reduce((n, s) => n + s.n_outcome, 0)).toBe(ref.n_outcome);
    await expect(driverAnalysis(store, { studyId, outcome: 'attr.plan' })).rejects.toThrow(/"attr.plan" is a category attribute/);
  });
});
