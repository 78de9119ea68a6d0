/** clusterParticipants: the sample's planted archetypes recovered, stored, reproducible; progress and cancellation; the same on a worker thread. */
import { afterAll, describe, expect, it } from 'vitest';
import { clusterParticipants } from '../../src/app/clustering.js';
import { adjustedRandIndex } from '../../src/domain/clustering/agreement.js';
import { ARCHETYPES, sampleArchetypes } from '../helpers/fixtures.js';
import { seedSampleStore, testStore } from '../helpers/stores.js';

const store = await testStore();
const studyId = await seedSampleStore(store);
afterAll(() => store.close());

/** A controller aborted at the n-th progress step, and the reporter that counts the steps. */
function abortedAt(n: number) {
  const controller = new AbortController();
  let steps = 0;
  const progress = async () => {
    if (++steps === n) controller.abort();
  };
  return { controller, progress, steps: () => steps };
}

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
    const { controller, progress, steps } = abortedAt(3);
    await expect(clusterParticipants(store, { studyId, k: 'auto', bootstraps: 2 }, { signal: controller.signal, progress })).rejects.toThrow('Cancelled by the client; nothing was saved.');
    expect(steps()).toBe(3);
    controller.abort();
    await expect(clusterParticipants(store, { studyId, k: 2 }, { signal: controller.signal })).rejects.toThrow('Cancelled by the client; nothing was saved.');
    expect(await store.segmentations.list(studyId)).toHaveLength(before);
  });

  it('says what is wrong with k and the feature list', async () => {
    await expect(clusterParticipants(store, { studyId, k: 'auto', kMin: 5, kMax: 3 })).rejects.toThrow('k_min (5) is larger than k_max (3).');
    await expect(clusterParticipants(store, { studyId, k: 48 })).rejects.toThrow(/k = 48 needs more than 48 participants/);
    await expect(clusterParticipants(store, { studyId, k: 2, features: ['attr.company'] })).rejects.toThrow(/free-text attribute/);
  });
  describe('on a worker thread (a large study of a database file)', () => {
    const stored = async (id: number) => ({
      segmentation: (({ id: _id, created_at: _c, ...rest }) => rest)(await store.segmentations.get(id) as any),
      segments: (await store.segmentations.segments(id)).map(({ updated_at: _u, ...segment }) => segment),
      members: await store.segmentations.members(id),
    });

    it('gives the same result, stored the same, as on this thread', async () => {
      for (const args of [{ studyId, k: 'auto' as const, bootstraps: 4 }, { studyId, k: 3, features: ['answer.buying_factors', 'attr.logins_30d', 'theme'], weights: { 'attr.logins_30d': 2 }, includePartial: true, seed: 5, bootstraps: 3 }]) {
        const steps: string[] = [];
        const here = await clusterParticipants(store, args, { workerFrom: Infinity });
        const there = await clusterParticipants(store, args, { workerFrom: 0, progress: async (done, total, message) => void steps.push(`${done}/${total} ${message}`) });
        const { segmentation_id: a, elapsed_ms: _a, ...one } = here;
        const { segmentation_id: b, elapsed_ms: _b, ...two } = there;
        expect(b).toBeGreaterThan(a);
        expect(two).toEqual(one);
        expect(await stored(b)).toEqual(await stored(a));
        // Progress came from the worker, to the end.
        expect(steps[0]).toMatch(/^1\/\d+ \d+ participants read and encoded$/);
        expect(steps.at(-1)).toMatch(/^(\d+)\/\1 describing and saving \d segments$/);
      }
    });

    it('stops when cancelled or when the progress reporter fails, saves nothing, and passes on errors as they are', async () => {
      const before = (await store.segmentations.list(studyId)).length;
      const { controller, progress } = abortedAt(3);
      await expect(clusterParticipants(store, { studyId, k: 'auto', bootstraps: 2 }, { workerFrom: 0, signal: controller.signal, progress })).rejects.toThrow('Cancelled by the client; nothing was saved.');
      const failing = async (done: number) => {
        if (done > 1) throw new Error('client gone');
      };
      await expect(clusterParticipants(store, { studyId, k: 'auto', bootstraps: 2 }, { workerFrom: 0, progress: failing })).rejects.toThrow('client gone');
      await expect(clusterParticipants(store, { studyId, k: 48 }, { workerFrom: 0 })).rejects.toThrow(/^k = 48 needs more than 48 participants/);
      await expect(clusterParticipants(store, { studyId: 999, k: 2 }, { workerFrom: 0 })).rejects.toThrow(/study/i);
      expect(await store.segmentations.list(studyId)).toHaveLength(before);
    });
  });
});
