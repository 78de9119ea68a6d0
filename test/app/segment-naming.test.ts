/** updateSegment: names unique within a segmentation, playbooks merged, demographic names warned about. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateSegment } from '../../src/app/segment-naming.js';
import { seedSampleSegmentation, testStore } from '../helpers/stores.js';

const store = await testStore();
let segmentationId: number;
let segmentOf: Record<string, number>;
beforeAll(async () => ({ segmentationId, segmentOf } = await seedSampleSegmentation(store)));
afterAll(() => store.close());

describe('updateSegment', () => {
  it('merges playbook fields into what is stored, by segment name', async () => {
    await updateSegment(store, { segmentationId, segment: 'The Pragmatist', playbook: { product: 'A survey-only plan' } });
    const r = await updateSegment(store, { segmentationId, segment: 'the pragmatist', playbook: { sales: 'Lead with price' }, description: 'Buys for one job.' });
    expect(r).toMatchObject({ segment_id: segmentOf['The Pragmatist'], updated: ['description', 'playbook'], playbook: { product: 'A survey-only plan', sales: 'Lead with price' }, warnings: [] });
    expect((await store.segmentations.segments(segmentationId)).find((s) => s.segment_id === r.segment_id)).toMatchObject({ description: 'Buys for one job.', playbook: r.playbook });
  });

  it('refuses a name another segment has, and nothing to update; warns about demographic names', async () => {
    await expect(updateSegment(store, { segmentationId, segment: segmentOf['The Advocate']!, name: 'THE PRAGMATIST' })).rejects.toThrow(`name: segment ${segmentOf['The Pragmatist']} is already called "The Pragmatist"`);
    await expect(updateSegment(store, { segmentationId, segment: 1 })).rejects.toThrow(/Nothing to update/);
    const r = await updateSegment(store, { segmentationId, segment: segmentOf['The Advocate']!, name: 'Enterprise 50-200 employees' });
    expect(r.warnings[0]).toMatch(/reads as a demographic bucket/);
    await updateSegment(store, { segmentationId, segment: segmentOf['The Advocate']!, name: 'The Advocate' });
    await expect(updateSegment(store, { segmentationId: 999, segment: 1, name: 'X' })).rejects.toThrow(/No segmentation with id 999/);
  });
});
