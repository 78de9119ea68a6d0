import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/domain/clustering/agreement.js';
import { connect } from '../helpers/harness.js';
import { sampleArchetypes, seedTinyStudy, useSampleStudy } from '../helpers/fixtures.js';

let h: Awaited<ReturnType<typeof connect>>;
let study_id: number;
useSampleStudy((s) => ({ h, study_id } = s));

/** Segment of each member, keyed by participant id. */
async function membership(segmentationId: number): Promise<Map<string, number>> {
  return new Map((await h.store.segmentations.members(segmentationId)).map((m) => [m.participant_id, m.segment_id]));
}

describe('cluster_participants on the sample study', () => {
  it('recovers the four planted archetypes with k = auto and says why k = 4', async () => {
    const r = await h.ok('cluster_participants', { study_id });
    expect(r.k).toBe(4);
    // The population rule: the 44 completed interviews (not the 2 partial, not the 2 never interviewed).
    expect(r.participants_clustered).toBe(44);
    expect(r.population).toMatchObject({ include_partial: false, n: 44 });
    expect(r.diagnostics.map((d: any) => d.k)).toEqual([2, 3, 4]); // 2 … min(8, 44/10)
    for (const d of r.diagnostics) {
      expect(d.silhouette).toBeGreaterThan(0.2);
      expect(d.silhouette_exact).toBe(true);
      expect(d.calinski_harabasz).toBeGreaterThan(10);
      expect(d.davies_bouldin).toBeGreaterThan(0);
      expect(d.stability).toBeGreaterThan(0.5);
    }
    expect(r.recommendation.rule).toMatch(/silhouette/);
    expect(r.recommendation.reason).toMatch(/k = 4/);
    const members = await membership(r.segmentation_id);
    const truth = [...members.keys()].map((id) => sampleArchetypes[id]!);
    expect(adjustedRandIndex(truth.map((t) => ['The Struggler', 'The Pragmatist', 'The Evaluator', 'The Advocate'].indexOf(t)), [...members.values()])).toBe(1);
    expect(r.segments.reduce((sum: number, s: any) => sum + s.size, 0)).toBe(44);
    for (const s of r.segments) {
      expect(s.stability.verdict).toBe('stable');
      expect(s.distinguishing.length).toBeGreaterThan(0);
      expect(s.distinguishing.every((d: any) => d.q < 0.05)).toBe(true);
      expect(s.representatives).toHaveLength(3);
      expect(s.quotes.length).toBeGreaterThan(0);
      // Representatives are members of their own segment.
      for (const id of s.representatives) expect(members.get(id)).toBe(s.segment_id);
    }
    // 44 participants over 10 features and 12 per segment: both guards fire.
    expect(r.warnings.join(' ')).toMatch(/participants per feature/);
    expect(r.warnings.join(' ')).toMatch(/fewer than ~20–30/);
    expect(r.features.find((f: any) => f.field === 'answer.buying_factors')).toMatchObject({ kind: 'rank_points', columns: 5 });
    expect(r.features.find((f: any) => f.field === 'answer.primary_use_case').kind).toBe('one_hot');
    expect(r.features.find((f: any) => f.field === 'attr.mrr').transform).toBe('log1p');
    expect(r.notes.join(' ')).toMatch(/attr\.mrr: heavy-tailed/);
    expect(r.features.find((f: any) => f.field === 'answer.team_usage').imputed).toBe(0); // only the 2 partial interviews lack it, and they are not counted
  });

  it('gives the same segments for the same seed, numbered largest first', async () => {
    const args = { study_id, k: 3, features: ['answer.buying_factors', 'answer.core_value_importance', 'attr.logins_30d'] };
    const a = await h.ok('cluster_participants', args);
    const b = await h.ok('cluster_participants', args);
    expect([...await membership(a.segmentation_id)]).toEqual([...await membership(b.segmentation_id)]);
    expect(a.diagnostics).toEqual(b.diagnostics);
    const sizes = a.segments.map((s: any) => s.size);
    expect([...sizes].sort((x: number, y: number) => y - x)).toEqual(sizes);
  });

  it('counts completed interviews by default, partial ones with include_partial, and leaves out and lists those missing most features', async () => {
    const features = ['answer.buying_factors', 'answer.core_value_importance', 'answer.team_usage'];
    // Never-interviewed participants are not counted at all (before, they were clustered on imputed answers).
    const completed = await h.ok('cluster_participants', { study_id, k: 2, features });
    expect(completed).toMatchObject({ participants_clustered: 44, excluded: { count: 0 } });
    const widened = await h.ok('cluster_participants', { study_id, k: 2, features, include_partial: true });
    expect(widened).toMatchObject({ participants_clustered: 46, population: { include_partial: true, n: 46 } });
    // The 2 partial interviews have no team_usage: with it alone they miss every feature.
    const r = await h.ok('cluster_participants', { study_id, k: 2, features: ['answer.team_usage'], include_partial: true });
    expect(r.excluded.count).toBe(2);
    expect(r.participants_clustered).toBe(44);
    expect(r.warnings.join(' ')).toMatch(/2 participant\(s\) left out/);
    for (const e of r.excluded.participants) expect(e.missing).toContain('answer.team_usage');
  });

  it('weights a feature and encodes themes when asked', async () => {
    const r = await h.ok('cluster_participants', { study_id, k: 4, features: ['theme', 'attr.logins_30d'], weights: { theme: 2 } });
    const theme = r.features.find((f: any) => f.field === 'theme');
    expect(theme).toMatchObject({ kind: 'themes', weight: 2 });
    expect(theme.columns).toBeGreaterThan(5);
  });

  it('sends progress notifications when the client asks for them', async () => {
    const updates: { progress: number; total?: number }[] = [];
    const result: any = await h.client.callTool({ name: 'cluster_participants', arguments: { study_id, k: 'auto', bootstraps: 5 } }, { onprogress: (p) => updates.push(p) });
    expect(result.isError).toBeFalsy();
    expect(updates.length).toBeGreaterThan(2);
    // read and encoded, 3 k × (10 restarts + 5 bootstraps), describing and saving
    expect(updates[0]).toMatchObject({ progress: 1, total: 47 });
    expect(updates[updates.length - 1]).toMatchObject({ progress: 47, total: 47 });
    for (let i = 1; i < updates.length; i++) expect(updates[i]!.progress).toBeGreaterThan(updates[i - 1]!.progress);
  });

  it('stops when the client cancels (notifications/cancelled) and saves nothing; the server goes on', async () => {
    const before = (await h.store.segmentations.list(study_id)).length;
    const cancel = new AbortController();
    // Cancelled at its first progress notification, while the jobs run.
    const call = h.client.callTool({ name: 'cluster_participants', arguments: { study_id } }, { signal: cancel.signal, onprogress: () => cancel.abort() });
    await expect(call).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await h.store.segmentations.list(study_id)).toHaveLength(before);
    const r = await h.ok('cluster_participants', { study_id, k: 4, bootstraps: 2 });
    expect(await h.store.segmentations.list(study_id)).toHaveLength(before + 1);
    expect(r.segments).toHaveLength(4);
  });

  it('explains bad arguments and saves nothing', async () => {
    const before = (await h.store.segmentations.list(study_id)).length;
    expect(await h.fail('cluster_participants', { study_id, features: ['answer.nope'] })).toMatch(/Unknown question key "nope".*core_value_importance/);
    expect(await h.fail('cluster_participants', { study_id, features: ['answer.discovery_context'] })).toMatch(/open-ended.*theme/);
    expect(await h.fail('cluster_participants', { study_id, features: ['attr.company'] })).toMatch(/free-text attribute/);
    expect(await h.fail('cluster_participants', { study_id, features: ['attr.mrr'], weights: { 'attr.seats': 2 } })).toMatch(/weights: "attr.seats" is not one of the features/);
    expect(await h.fail('cluster_participants', { study_id, k: 60 })).toMatch(/k/);
    expect(await h.fail('cluster_participants', { study_id, k: 'many' })).toMatch(/k must be a whole number from 2 to 20, or "auto"/);
    expect(await h.fail('cluster_participants', { study_id, k_min: 5, k_max: 3 })).toMatch(/k_min \(5\) is larger than k_max \(3\)/);
    expect(await h.store.segmentations.list(study_id)).toHaveLength(before);
  });
});

describe('cluster_participants on a tiny study', () => {
  it('refuses "auto" with too few participants and clusters with an explicit k', async () => {
    const t = await connect();
    const tiny = await seedTinyStudy(t);
    expect(await t.fail('cluster_participants', { study_id: tiny })).toMatch(/needs at least 6/);
    const r = await t.ok('cluster_participants', { study_id: tiny, k: 2, bootstraps: 5 });
    expect(r.k).toBe(2);
    expect(r.segments.reduce((s: number, x: any) => s + x.size, 0)).toBe(r.participants_clustered);
    await t.close();
  });
});
