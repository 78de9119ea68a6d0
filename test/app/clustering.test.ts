/** clusterParticipants: the sample's planted archetypes recovered, stored, reproducible; progress and cancellation. */
import { afterAll, describe, expect, it } from 'vitest';
import { clusterParticipants } from '../../src/app/clustering.js';
import { adjustedRandIndex } from '../../src/domain/clustering/agreement.js';
import { ARCHETYPES, sampleArchetypes } from '../helpers/fixtures.js';
import { seedSampleStore, tempStore } from '../helpers/stores.js';

const store = tempStore();
const studyId = await seedSampleStore(store);
afterAll(() => store.close());

describe('clusterParticipants', () => {
  it('k = auto picks 4 and recovers the four planted archetypes exactly (ARI 1), stored with centres', async () => {
    const r = await clusterParticipants(store, { studyId, k: 'auto' });
    expect(r.k).toBe(4);
    const members = await store.segmentations.members(r.segmentation_id);
    expect(members).toHaveLength(44); // the 44 completed interviews (the population rule)
    const truth = members.map((m) => ARCHETYPES.indexOf(sampleArchetypes[m.participant_id] as (typeof ARCHETYPES)[number]));
    expect(adjustedRandIndex(truth, members.map((m) => m.segment_id))).toBe(1);
    const stored = await store.segmentations.get(r.segmentation_id);
    expect(stored).toMatchObject({ method: 'kmeans', k: 4, parameters: { k: 'auto', seed: r.seed, bootstraps: 20 } });
    expect(stored.diagnostics!.table.map((d) => d.k)).toEqual([2, 3, 4]);
    const width = stored.encoding.features.reduce((s, f) => s + f.columns.length, 0);
    for (const s of await store.segmentations.segments(r.segmentation_id)) expect(s.definition.centre).toHaveLength(width);
    // Each member's stored distance is to its own segment's centre, so it is the smallest.
    expect(members.every((m) => m.distance !== null && m.distance >= 0)).toBe(true);
  });

  it('the same seed gives the same segments', async () => {
    const args = { studyId, k: 3, features: ['answer.buying_factors', 'attr.logins_30d'], seed: 11, bootstraps: 3 };
    const [a, b] = [await clusterParticipants(store, args), await clusterParticipants(store, args)];
    const of = async (id: number) => (await store.segmentations.members(id)).map((m) => [m.participant_id, m.segment_id]);
    expect(await of(b.segmentation_id)).toEqual(await of(a.segmentation_id));
  });

  it('reports progress to the end, and a cancelled run saves nothing', async () => {
    const steps: number[] = [];
    await clusterParticipants(store, { studyId, k: 'auto', bootstraps: 2 }, { progress: async (done, total) => void steps.push(done / total) });
    expect(steps[steps.length - 1]).toBe(1);
    const before = (await store.segmentations.list(studyId)).length;
    const cancel = async (done: number) => {
      if (done > 1) throw new Error('cancelled by the client');
    };
    await expect(clusterParticipants(store, { studyId, k: 'auto', bootstraps: 2 }, { progress: cancel })).rejects.toThrow(/cancelled/);
    expect(await store.segmentations.list(studyId)).toHaveLength(before);
  });

  it('an aborted signal stops the run at the next job, without a progress reporter, and saves nothing', async () => {
    const before = (await store.segmentations.list(studyId)).length;
    const controller = new AbortController();
    let jobs = 0;
    const progress = async () => {
      if (++jobs === 3) controller.abort();
    };
    await expect(clusterParticipants(store, { studyId, k: 'auto', bootstraps: 2 }, { signal: controller.signal, progress })).rejects.toThrow('Cancelled by the client; nothing was saved.');
    expect(jobs).toBe(3);
    controller.abort();
    await expect(clusterParticipants(store, { studyId, k: 2 }, { signal: controller.signal })).rejects.toThrow('Cancelled by the client; nothing was saved.');
    expect(await store.segmentations.list(studyId)).toHaveLength(before);
  });

  it('says what is wrong with k and the feature list', async () => {
    await expect(clusterParticipants(store, { studyId, k: 'auto', kMin: 5, kMax: 3 })).rejects.toThrow('k_min (5) is larger than k_max (3).');
    await expect(clusterParticipants(store, { studyId, k: 48 })).rejects.toThrow(/k = 48 needs more than 48 participants/);
    await expect(clusterParticipants(store, { studyId, k: 2, features: ['attr.company'] })).rejects.toThrow(/free-text attribute/);
  });
});
