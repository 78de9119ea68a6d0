/** update_segment through the MCP client. */
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { useSampleSegmentation } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
let seg: number;
let segmentOf: Record<string, number>;
useSampleSegmentation((s) => ({ h, study_id, seg, segmentOf } = s));

describe('update_segment', () => {
  it('names segments, merges playbooks and warns about demographic names', async () => {
    const pragmatist = segmentOf['The Pragmatist']!;
    const named = await h.ok('update_segment', { segmentation_id: seg, segment_id: pragmatist, name: 'The Pragmatist', description: 'Buys for one job, watches price.', playbook: { product: 'A survey-only plan' } });
    expect(named).toMatchObject({ name: 'The Pragmatist', updated: ['name', 'description', 'playbook'], warnings: [] });
    const merged = await h.ok('update_segment', { segmentation_id: seg, segment_id: 'the pragmatist', playbook: { sales: 'Lead with price' } });
    expect(merged.playbook).toEqual({ product: 'A survey-only plan', sales: 'Lead with price' });
    const other = segmentOf['The Advocate']!;
    expect(await h.fail('update_segment', { segmentation_id: seg, segment_id: other, name: 'the pragmatist' })).toMatch(/already called "The Pragmatist"/);
    const demographic = await h.ok('update_segment', { segmentation_id: seg, segment_id: other, name: 'Enterprise 50-200 employees' });
    expect(demographic.warnings[0]).toMatch(/demographic/);
    await h.ok('update_segment', { segmentation_id: seg, segment_id: other, name: 'The Advocate' });
    expect(await h.fail('update_segment', { segmentation_id: seg, segment_id: 9 })).toMatch(/no segment 9.*segments: 1/);
    expect(await h.fail('update_segment', { segmentation_id: seg, segment_id: 1 })).toMatch(/Nothing to update/);
    expect(await h.fail('update_segment', { segmentation_id: 999, segment_id: 1, name: 'X' })).toMatch(/No segmentation with id 999/);
  });
});
