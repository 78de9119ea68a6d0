/** What the segmentation use cases share: finding a segment, a rule in words, loading members with their data. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionText, loadSegmentation, resolveSegment } from '../../src/app/segmentations.js';
import { sampleArchetypes } from '../helpers/fixtures.js';
import { seedSampleSegmentation, testStore } from '../helpers/stores.js';

const store = await testStore();
let segmentationId: number;
let segmentOf: Record<string, number>;
beforeAll(async () => ({ segmentationId, segmentOf } = await seedSampleSegmentation(store)));
afterAll(() => store.close());

describe('segmentations', () => {
  it('loads every member once, grouped by segment, with their current data', async () => {
    const loaded = await loadSegmentation(store, segmentationId);
    expect(loaded.facts).toHaveLength(44); // the 44 completed interviews (the population rule)
    expect(loaded.population).toBe(44);
    loaded.segments.forEach((s, g) => {
      expect(loaded.groups[g]).toHaveLength(s.name === 'The Pragmatist' || s.name === 'The Evaluator' ? 12 : 10); // completed interviews
      for (const i of loaded.groups[g]!) expect(sampleArchetypes[loaded.facts[i]!.participant_id]).toBe(s.name);
    });
  });

  it('finds a segment by number, digits or name (any case) and lists the segments when it cannot', async () => {
    const { segments } = await loadSegmentation(store, segmentationId);
    const advocate = segmentOf['The Advocate']!;
    expect([resolveSegment(segments, advocate), resolveSegment(segments, String(advocate)), resolveSegment(segments, ' the advocate ')].map((s) => s.segment_id)).toEqual([advocate, advocate, advocate]);
    expect(() => resolveSegment(segments, 'Nobody', 'b')).toThrow(/^b: no segment "Nobody" in this segmentation; segments: 1 "The /);
  });

  it('states a rule segment\'s definition in words, and none for a k-means centre', () => {
    expect(definitionText('rules', { conditions: [{ field: 'attr.mrr', op: 'gte', value: 500 }, { field: 'tag', op: 'in', value: ['churned', 'new'] }] })).toMatch(/^attr\.mrr ≥ 500 AND tag/);
    expect(definitionText('rules', { conditions: [] })).toBe('everyone else');
    expect(definitionText('rfm', { label: 'R·F cells [45][45]' })).toBe('R·F cells [45][45]');
    expect(definitionText('kmeans', { centre: [0, 1] })).toBeNull();
  });
});
