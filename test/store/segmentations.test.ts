/**
 * Segmentation storage: every JSON column written and read back unchanged, and parsed by its zod
 * schema on the way out, so a corrupt column is an error where it is read, not a wrong number later.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { connect } from '../helpers/harness.js';
import { seedSampleSegmentation, tempStore } from '../helpers/stores.js';

const store = tempStore();
let segmentationId: number;
beforeAll(async () => ({ segmentationId } = await seedSampleSegmentation(store)));
afterAll(() => store.close());

/** The stored text of a JSON column, parsed without any schema. */
const rawJson = (sql: string, ...params: unknown[]) => JSON.parse(store.db.prepare(sql).pluck().get(...params) as string);

describe('SegmentationStore', () => {
  it('reads back every JSON column exactly as written', async () => {
    const s = await store.segmentations.get(segmentationId);
    for (const column of ['parameters', 'encoding', 'diagnostics', 'summary'] as const) {
      expect(s[column], column).toEqual(rawJson(`SELECT ${column} FROM segmentations WHERE id = ?`, segmentationId));
    }
    for (const segment of await store.segmentations.segments(segmentationId)) {
      expect(segment.definition).toEqual(rawJson('SELECT definition FROM segments WHERE segmentation_id = ? AND segment_id = ?', segmentationId, segment.segment_id));
      expect(segment.profile).toEqual(rawJson('SELECT profile FROM segments WHERE segmentation_id = ? AND segment_id = ?', segmentationId, segment.segment_id));
    }
    // Written by one call, read by another: a prioritization and an RFM member's detail.
    const matrix = { segmentation_id: segmentationId, weights: { market_size: 1 }, ranking: [{ rank: 1, segment_id: 1, name: 'A', size: 12, scores: { market_size: { score: 5.5, source: 'share' } }, total: 5.5, unscored: [] }], beachhead: { segment_id: 1, name: 'A', reason: 'r' }, missing: [] };
    await store.segmentations.savePrioritization(segmentationId, matrix);
    expect((await store.segmentations.get(segmentationId)).prioritization).toEqual(matrix);
    const someone = (await store.segmentations.members(segmentationId))[0]!;
    await store.segmentations.assign(segmentationId, [{ participant: someone.id, segment_id: 2, distance: null, detail: { r: 5, f: 4, m: 3, code: '543' } }]);
    expect((await store.segmentations.members(segmentationId)).filter((m) => m.id === someone.id)).toEqual([{ ...someone, segment_id: 2, distance: null, detail: { r: 5, f: 4, m: 3, code: '543' }, assigned_by: 'assign' }]);
  });

  it('keeps keys a later version added, and defaults missing warnings and notes', async () => {
    store.db.prepare(`UPDATE segmentations SET summary = json_set(summary, '$.from_the_future', 1) WHERE id = ?`).run(segmentationId);
    expect((await store.segmentations.get(segmentationId)).summary).toMatchObject({ from_the_future: 1 });
    store.db.prepare(`UPDATE segmentations SET summary = '{}' WHERE id = ?`).run(segmentationId);
    expect((await store.segmentations.get(segmentationId)).summary).toEqual({ warnings: [], notes: [] });
  });

  it('rejects a corrupt column where it is read, naming the path', async () => {
    const corrupt = (sql: string) => store.db.prepare(sql).run(segmentationId);
    corrupt(`UPDATE segmentations SET diagnostics = json_set(diagnostics, '$.table[0].k', 'four') WHERE id = ?`);
    await expect(store.segmentations.get(segmentationId)).rejects.toThrow(ZodError);
    await expect(store.segmentations.get(segmentationId)).rejects.toThrow(/table.*0.*k|expected number/s);
    corrupt(`UPDATE segments SET definition = '{"centre": "nowhere"}' WHERE segmentation_id = ? AND segment_id = 1`);
    await expect(store.segmentations.segments(segmentationId)).rejects.toThrow(ZodError);
    corrupt(`UPDATE segment_members SET detail = '{"r": "high"}' WHERE segmentation_id = ? AND participant_id = (SELECT MIN(participant_id) FROM segment_members)`);
    await expect(store.segmentations.members(segmentationId)).rejects.toThrow(ZodError);
  });
});

describe('a corrupt segmentation through the protocol', () => {
  it('is an internal error with a reference, with no schema, SQL or path in the message', async () => {
    const h = await connect();
    const { study_id } = await h.ok('create_study', { name: 'Corrupt' });
    await h.ok('import_participants', { study_id, csv: 'id,mrr\na,1\nb,2\nc,3\n' });
    const { segmentation_id } = await h.ok('segment_by_rules', { study_id, segments: [{ name: 'Low', where: [{ field: 'attr.mrr', op: 'lt', value: 2 }] }], rest_name: 'Rest' });
    h.store.db.prepare(`UPDATE segmentations SET parameters = '{"mode": 42}' WHERE id = ?`).run(segmentation_id);
    const text = await h.fail('get_segmentation', { segmentation_id });
    expect(text).toMatch(/^Internal error in get_segmentation \(ref [0-9a-f]{8}\)\./);
    expect(text).not.toMatch(/zod|mode|expected|SELECT|\//i);
    await h.close();
  });
});
