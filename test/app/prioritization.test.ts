/** prioritizeSegments: data-derived scores on the 1–10 scale and weighted totals, worked out by hand from the sample files. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prioritizeSegments } from '../../src/app/prioritization.js';
import { ARCHETYPES, sampleReference as ref } from '../helpers/fixtures.js';
import { seedSampleSegmentation, testStore } from '../helpers/stores.js';

const store = await testStore();
let segmentationId: number;
beforeAll(async () => ({ segmentationId } = await seedSampleSegmentation(store)));
afterAll(() => store.close());

/** 1 for the lowest value, 10 for the highest, linear between. */
const scale = (x: number, values: number[]) => 1 + (9 * (x - Math.min(...values))) / (Math.max(...values) - Math.min(...values));

describe('prioritizeSegments', () => {
  it('revenue from total MRR, ease from shorter evaluations, given fit: the weighted matrix and the beachhead', async () => {
    const r = await prioritizeSegments(store, {
      segmentationId,
      derive: { revenue_potential: 'attr.mrr', acquisition_ease: '-attr.evaluation_days' },
      scores: ARCHETYPES.map((segment, i) => ({ segment, fit: [3, 6, 7, 9][i]!, strategic_value: [3, 4, 7, 8][i]! })),
    });
    const mrr = ARCHETYPES.map((a) => ref.archetypes[a].mrr_total as number);
    const days = ARCHETYPES.map((a) => -ref.archetypes[a].evaluation_days_mean as number);
    const sizes = ARCHETYPES.map((a) => ref.archetypes[a].size as number);
    for (const [i, name] of ARCHETYPES.entries()) {
      const row = r.ranking.find((x) => x.name === name)!;
      expect(row.scores.market_size!.score, name).toBeCloseTo(scale(sizes[i]!, sizes), 9); // 12, 12, 10 and 10 completed interviews
      expect(row.scores.revenue_potential!.score, name).toBeCloseTo(scale(mrr[i]!, mrr), 1);
      expect(row.scores.acquisition_ease!.score, name).toBeCloseTo(scale(days[i]!, days), 1);
      const total = 0.25 * scale(sizes[i]!, sizes) + 0.25 * scale(mrr[i]!, mrr) + 0.2 * [3, 6, 7, 9][i]! + 0.15 * scale(days[i]!, days) + 0.15 * [3, 4, 7, 8][i]!;
      expect(row.total, name).toBeCloseTo(total, 1);
    }
    expect(r.ranking.map((x) => x.rank)).toEqual([1, 2, 3, 4]);
    expect(r.beachhead.name).toBe('The Advocate');
    expect(r.missing).toEqual([]);
    // Stored with the segmentation for the report (the result adds how many segments were ranked).
    const { ranking_total, ...stored } = r;
    expect(ranking_total).toBe(4);
    expect((await store.segmentations.get(segmentationId)).prioritization).toEqual(stored);
  });

  it('names what is wrong with a derive field, and says which factors no segment was scored on', async () => {
    await expect(prioritizeSegments(store, { segmentationId, derive: { fit: 'attr.industry' } })).rejects.toThrow(/derive\.fit: "attr\.industry" must be a number attribute \(it is category\)/);
    await expect(prioritizeSegments(store, { segmentationId, derive: { fit: 'share' } })).rejects.toThrow(/"share" applies to market_size only/);
    const r = await prioritizeSegments(store, { segmentationId, weights: { market_size: 50, revenue_potential: 50, fit: 0, acquisition_ease: 0, strategic_value: 0 } });
    expect(r.missing).toEqual(['revenue_potential', 'fit', 'acquisition_ease', 'strategic_value']);
    expect(r.beachhead.reason).toMatch(/give scores for them before committing/);
  });
});
