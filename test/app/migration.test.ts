/** segmentMigration: who stayed, moved, arrived and left, counted by hand from the sample's CRM export. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterParticipants } from '../../src/app/clustering.js';
import { segmentMigration } from '../../src/app/migration.js';
import { segmentByRules } from '../../src/app/rule-segments.js';
import { sampleRows } from '../helpers/fixtures.js';
import { seedSampleSegmentation, testStore } from '../helpers/stores.js';

const store = await testStore();
let studyId: number;
let segmentationId: number;
beforeAll(async () => ({ studyId, segmentationId } = await seedSampleSegmentation(store)));
afterAll(() => store.close());

const mrr = sampleRows().map((r) => Number(r.mrr));
const rules = async (threshold: number, restName?: string) =>
  (await segmentByRules(store, { studyId, mode: 'first_match', restName, segments: [{ name: 'High MRR', where: [{ field: 'attr.mrr', op: 'gte', value: threshold }] }] })).segmentation_id;

describe('segmentMigration', () => {
  it('a re-run with another seed: unnamed segments matched by centre, and everyone stays', async () => {
    const rerun = await clusterParticipants(store, { studyId, k: 4, seed: 7, bootstraps: 3 });
    const r = await segmentMigration(store, segmentationId, rerun.segmentation_id);
    expect(r.matches.every((m) => m.by === 'centre')).toBe(true); // the re-run's segments have no names
    expect({ stayed: r.stayed, moved: r.moved, new: r.new, gone: r.gone }).toEqual({ stayed: 44, moved: 0, new: 0, gone: 0 });
    expect(r.flows).toEqual([]);
  });

  it('raising a rule\'s threshold moves exactly the customers between the two thresholds', async () => {
    const from = await rules(300, 'Rest');
    const to = await rules(500, 'Rest');
    const between = mrr.filter((x) => x >= 300 && x < 500).length;
    const r = await segmentMigration(store, from, to);
    expect(r.matches.map((m) => [m.from_name, m.to_name, m.by])).toEqual([['High MRR', 'High MRR', 'name'], ['Rest', 'Rest', 'name']]);
    expect({ stayed: r.stayed, moved: r.moved, new: r.new, gone: r.gone }).toEqual({ stayed: 48 - between, moved: between, new: 0, gone: 0 });
    expect(r.flows).toEqual([{ from: '1 "High MRR"', to: '2 "Rest"', count: between, participants: expect.any(Array) }]);
    expect(r.matrix.counts).toEqual([
      [mrr.filter((x) => x >= 500).length, between, 0],
      [0, mrr.filter((x) => x < 300).length, 0],
      [0, 0, 0],
    ]);
  });

  it('without a rest segment the unmatched are new or gone; overlapping or identical segmentations are refused', async () => {
    const r = await segmentMigration(store, await rules(300), await rules(500));
    expect(r).toMatchObject({ stayed: mrr.filter((x) => x >= 500).length, moved: 0, new: 0, gone: mrr.filter((x) => x >= 300 && x < 500).length });
    expect(r.matrix.columns.at(-1)).toBe('gone');
    const overlapping = (await segmentByRules(store, { studyId, mode: 'overlapping', segments: [{ name: 'A', where: [{ field: 'attr.mrr', op: 'gte', value: 1 }] }] })).segmentation_id;
    await expect(segmentMigration(store, segmentationId, overlapping)).rejects.toThrow(/to_segmentation_id: segmentation \d+ has overlapping segments/);
    await expect(segmentMigration(store, segmentationId, segmentationId)).rejects.toThrow(/same segmentation/);
  });
});
