/** segment_migration through the MCP client (its own segmentations: no state from other tests). */
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { useSampleSegmentation } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
let seg: number;
let segmentOf: Record<string, number>;
useSampleSegmentation((s) => ({ h, study_id, seg, segmentOf } = s));

describe('segment_migration', () => {
  it('tracks migration between a re-run and the original: matched by name, then by centre', async () => {
    const rerun = await h.ok('cluster_participants', { study_id, k: 4, seed: 7, bootstraps: 5 });
    await h.ok('update_segment', { segmentation_id: rerun.segmentation_id, segment_id: await segmentOfIn(rerun.segmentation_id, 'C1023'), name: 'The Pragmatist' });
    const r = await h.ok('segment_migration', { from_segmentation_id: seg, to_segmentation_id: rerun.segmentation_id });
    expect(r.matches.filter((m: any) => m.by === 'name')).toHaveLength(1);
    expect(r.matches.filter((m: any) => m.by === 'centre')).toHaveLength(3);
    // Same 48 people, same structure, another seed: everyone stays in the matching segment.
    expect({ stayed: r.stayed, moved: r.moved, new: r.new, gone: r.gone }).toEqual({ stayed: 44, moved: 0, new: 0, gone: 0 }); // the 44 completed interviews, clustered both times
    for (const row of r.matrix.shares) {
      const total = row.reduce((s: number, x: number) => s + x, 0);
      if (total > 0) expect(total).toBeCloseTo(1, 2);
    }
    expect(r.matrix.columns[r.matrix.columns.length - 1]).toBe('gone');
  });

  it('matches a rules segmentation by member overlap and lists the flows', async () => {
    const rules = await h.ok('segment_by_rules', { study_id, segments: [{ name: 'Price first', where: [{ field: 'answer.buying_factors', op: 'eq', value: 'Price' }] }], rest_name: 'Others' });
    const r = await h.ok('segment_migration', { from_segmentation_id: seg, to_segmentation_id: rules.segmentation_id });
    expect(r.matches.every((m: any) => m.by === 'overlap')).toBe(true);
    expect(r.matches.find((m: any) => m.to_name === 'Price first').from_name).toBe('The Pragmatist');
    expect(r.flows.length).toBeGreaterThan(0);
    expect(r.flows[0].count).toBeGreaterThanOrEqual(r.flows[r.flows.length - 1].count);
    expect(await h.fail('segment_migration', { from_segmentation_id: seg, to_segmentation_id: seg })).toMatch(/same segmentation/);
  });
});

async function segmentOfIn(segmentationId: number, participant: string): Promise<number> {
  return (await h.store.segmentations.members(segmentationId)).find((m) => m.participant_id === participant)!.segment_id;
}
