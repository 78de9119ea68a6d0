/** segmentationView: segments with profiles and persona cards whose claims cite members, and member pages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentationView } from '../../src/app/segmentation-view.js';
import { sampleArchetypes } from '../helpers/fixtures.js';
import { seedSampleSegmentation, testStore } from '../helpers/stores.js';

const store = await testStore();
let segmentationId: number;
beforeAll(async () => ({ segmentationId } = await seedSampleSegmentation(store)));
afterAll(() => store.close());

describe('segmentationView', () => {
  it('each persona claim cites members of its own segment', async () => {
    const r = await segmentationView(store, { segmentationId, limit: 10 });
    const segmentOfMember = new Map((await store.segmentations.members(segmentationId)).map((m) => [m.participant_id, m.segment_id]));
    expect(r.segments.map((s) => [s.size, s.share])).toEqual([[12, 12 / 44], [12, 12 / 44], [10, 10 / 44], [10, 10 / 44]]); // the 44 completed interviews
    for (const s of r.segments) {
      const p = s.persona;
      const claims = [p.role, ...p.context, ...p.goals, ...p.frustrations, ...p.behaviours].filter((c) => c !== null);
      expect(claims.length, s.name!).toBeGreaterThan(3);
      for (const c of claims) for (const id of c!.participant_ids) expect(segmentOfMember.get(id), `${c!.text} cites ${id}`).toBe(s.segment_id);
      expect(p.name).toBe(s.name);
    }
  });

  it('pages through every member once, and focuses on one segment by name', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await segmentationView(store, { segmentationId, limit: 7, cursor });
      expect(page.members.total).toBe(44);
      seen.push(...page.members.participants.map((m) => m.participant_id));
      cursor = page.members.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(44);
    expect(new Set(seen).size).toBe(44);
    const one = await segmentationView(store, { segmentationId, segment: 'THE EVALUATOR', limit: 50 });
    expect(one.segments.map((s) => s.name)).toEqual(['The Evaluator']);
    expect(one.members.total).toBe(12);
    expect(one.members.participants.every((m) => sampleArchetypes[m.participant_id] === 'The Evaluator')).toBe(true);
    await expect(segmentationView(store, { segmentationId, cursor: 'nonsense', limit: 5 })).rejects.toThrow(/cursor is not valid/);
  });
});
