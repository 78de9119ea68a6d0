/** prioritize_segments through the MCP client. */
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { useSampleSegmentation } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
let seg: number;
let segmentOf: Record<string, number>;
useSampleSegmentation((s) => ({ h, study_id, seg, segmentOf } = s));

describe('prioritize_segments', () => {
  it('derives size and revenue from data, takes given scores, and picks a beachhead', async () => {
    const r = await h.ok('prioritize_segments', {
      segmentation_id: seg,
      derive: { revenue_potential: 'attr.mrr', acquisition_ease: '-attr.evaluation_days' },
      scores: [
        { segment: 'The Advocate', fit: 9, strategic_value: 8 },
        { segment: 'The Pragmatist', fit: 6, strategic_value: 4 },
        { segment: segmentOf['The Evaluator'], fit: 7, strategic_value: 7 },
        { segment: segmentOf['The Struggler'], fit: 3, strategic_value: 3 },
      ],
    });
    expect(r.weights).toEqual({ market_size: 0.25, revenue_potential: 0.25, fit: 0.2, acquisition_ease: 0.15, strategic_value: 0.15 });
    const advocate = r.ranking.find((x: any) => x.name === 'The Advocate');
    expect(advocate.scores.revenue_potential.score).toBe(10); // highest total MRR
    expect(advocate.scores.market_size.score).toBe(1); // the smallest segments (10 of 44)
    const evaluator = r.ranking.find((x: any) => x.segment_id === segmentOf['The Evaluator']);
    expect(evaluator.scores.acquisition_ease.score).toBe(1); // longest evaluations
    // Weighted total by hand: 0.25·1 + 0.25·10 + 0.2·9 + 0.15·ease + 0.15·8.
    expect(advocate.total).toBeCloseTo(0.25 * 1 + 0.25 * 10 + 0.2 * 9 + 0.15 * advocate.scores.acquisition_ease.score + 0.15 * 8, 2);
    expect(r.beachhead.name).toBe('The Advocate');
    expect(r.missing).toEqual([]);
    expect((await h.store.segmentations.get(seg)).prioritization).toMatchObject({ beachhead: { name: 'The Advocate' } });
  });

  it('reads percentage weights and reports unscored factors', async () => {
    const r = await h.ok('prioritize_segments', { segmentation_id: seg, weights: { market_size: 50, revenue_potential: 50, fit: 0, acquisition_ease: 0, strategic_value: 0 } });
    expect(r.weights.market_size).toBe(0.5);
    expect(r.missing).toEqual(['revenue_potential', 'fit', 'acquisition_ease', 'strategic_value']);
    expect(r.beachhead.reason).toMatch(/give scores/);
    expect(await h.fail('prioritize_segments', { segmentation_id: seg, derive: { fit: 'attr.industry' } })).toMatch(/must be a number attribute/);
    expect(await h.fail('prioritize_segments', { segmentation_id: seg, weights: { size: 3 } })).toMatch(/unknown factor "size"; factors: market_size, revenue_potential, fit/);
    expect(await h.fail('prioritize_segments', { segmentation_id: seg, scores: [{ segment: 1, price: 3 }] })).toMatch(/unknown key "price"; give segment and any of market_size/);
  });
});
