/** compare_segments through the MCP client. */
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { sampleArchetypes, useSampleSegmentation } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
let seg: number;
let segmentOf: Record<string, number>;
useSampleSegmentation((s) => ({ h, study_id, seg, segmentOf } = s));

describe('compare_segments', () => {
  it('contrasts a segment with the rest: features, themes, words and quotes', async () => {
    const r = await h.ok('compare_segments', { segmentation_id: seg, a: 'The Pragmatist' });
    expect(r.a.size).toBe(12);
    expect(r.b).toMatchObject({ label: 'the rest', size: 32 }); // 44 completed interviews − 12
    expect(r.significant).toBeGreaterThan(3);
    const price = r.features.find((f: any) => f.column === 'answer.buying_factors:Price');
    expect(price).toMatchObject({ measure: 'rank_points', test: 'welch_t', significant: true });
    expect(price.a).toBeGreaterThan(price.b);
    expect(price.effect_size).toBeGreaterThan(0.8);
    expect(r.themes.find((t: any) => t.option === 'price_sensitivity')).toMatchObject({ a: 1, significant: true });
    expect(r.a.words.map((w: any) => w.word)).toEqual(expect.arrayContaining(['cheaper']));
    expect(r.a.quotes.every((q: any) => sampleArchetypes[q.participant_id] === 'The Pragmatist')).toBe(true);
    expect(r.b.quotes.every((q: any) => sampleArchetypes[q.participant_id] !== 'The Pragmatist')).toBe(true);
  });

  it('compares two segments and refuses the same one twice', async () => {
    const r = await h.ok('compare_segments', { segmentation_id: seg, a: segmentOf['The Evaluator'], b: segmentOf['The Advocate'] });
    const evaluation = r.features.find((f: any) => f.column === 'attr.evaluation_days');
    expect(evaluation.significant).toBe(true);
    expect(evaluation.a).toBeGreaterThan(evaluation.b);
    expect(evaluation.description).toBe('evaluation_days: 111.8 in The Evaluator vs 22.7 in The Advocate');
    expect(await h.fail('compare_segments', { segmentation_id: seg, a: 1, b: 1 })).toMatch(/same segment/);
  });
});
