/** segmentByRules: rule segments sized as counted from the sample's CRM export, and the RFM preset. */
import { afterAll, describe, expect, it } from 'vitest';
import { segmentByRules } from '../../src/app/rule-segments.js';
import { quintileScores } from '../../src/domain/segments/rfm.js';
import { sampleRows } from '../helpers/fixtures.js';
import { seedSampleStore, testStore } from '../helpers/stores.js';

const store = await testStore();
const studyId = await seedSampleStore(store);
afterAll(() => store.close());

const crm = sampleRows();
const count = (test: (r: Record<string, string>) => boolean) => crm.filter(test).length;
const intent = (r: Record<string, string>) => Number(r.pricing_page_visits_7d) >= 3;
const power = (r: Record<string, string>) => Number(r.logins_30d) >= 60;
const rules = [
  { name: 'High intent', where: [{ field: 'attr.pricing_page_visits_7d', op: 'gte' as const, value: 3 }] },
  { name: 'Power users', where: [{ field: 'attr.logins_30d', op: 'gte' as const, value: 60 }] },
];

describe('segmentByRules', () => {
  it('first match: a later rule gets only those no earlier rule took; the rest are unassigned', async () => {
    const r = await segmentByRules(store, { studyId, mode: 'first_match', segments: rules });
    expect(r.segments.map((s) => s.size)).toEqual([count(intent), count((x) => power(x) && !intent(x))]);
    expect(r.unassigned.count).toBe(count((x) => !intent(x) && !power(x)));
    expect(r.segments[0]!.definition).toBe('attr.pricing_page_visits_7d ≥ 3');
  });

  it('overlapping with a rest segment: everyone placed, some twice', async () => {
    const r = await segmentByRules(store, { studyId, mode: 'overlapping', segments: rules, restName: 'Everyone else' });
    expect(r.segments.map((s) => s.size)).toEqual([count(intent), count(power), count((x) => !intent(x) && !power(x))]);
    expect(r.segmented).toBe(48);
    expect((await store.segmentations.get(r.segmentation_id)).overlapping).toBe(true);
  });

  it('RFM: every member carries its quintile scores, and recency in months is reversed', async () => {
    const r = await segmentByRules(store, { studyId, mode: 'first_match', rfm: { recency: 'tenure_months', frequency: 'attr.logins_30d', monetary: 'mrr' } });
    expect(r.method).toBe('rfm');
    const f = quintileScores(crm.map((x) => Number(x.logins_30d)));
    const m = quintileScores(crm.map((x) => Number(x.mrr)));
    const rScores = quintileScores(crm.map((x) => -Number(x.tenure_months)));
    const index = new Map(crm.map((x, i) => [x.participant_id, i]));
    for (const member of await store.segmentations.members(r.segmentation_id)) {
      const i = index.get(member.participant_id)!;
      expect(member.detail, member.participant_id).toEqual({ r: rScores[i], f: f[i], m: m[i], code: `${rScores[i]}${f[i]}${m[i]}` });
    }
  });

  it('names the rule that is wrong, and refuses ambiguous calls', async () => {
    await expect(segmentByRules(store, { studyId, mode: 'first_match', segments: [rules[0]!, { name: 'Bad', where: [{ field: 'attr.nope', op: 'eq', value: 1 }] }] })).rejects.toThrow(/^segments\[1\] "Bad": Unknown attribute "nope"/);
    await expect(segmentByRules(store, { studyId, mode: 'first_match', segments: [rules[0]!, { ...rules[1]!, name: 'HIGH INTENT' }] })).rejects.toThrow(/used twice/);
    await expect(segmentByRules(store, { studyId, mode: 'first_match' })).rejects.toThrow(/either segments .* or rfm/);
    await expect(segmentByRules(store, { studyId, mode: 'first_match', rfm: { recency: 'industry', frequency: 'logins_30d', monetary: 'mrr' } })).rejects.toThrow('rfm.recency: "industry" is a category attribute; it must be a number or a date.');
  });
});
