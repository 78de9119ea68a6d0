/** segment_by_rules through the MCP client. */
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { useSampleStudy } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
useSampleStudy((s) => ({ h, study_id } = s));

describe('segment_by_rules', () => {
  const rules = [
    { name: 'High intent', where: [{ field: 'attr.pricing_page_visits_7d', op: 'gte', value: 3 }] },
    { name: 'Power users', where: [{ field: 'attr.logins_30d', op: 'gte', value: 60 }] },
  ];
  it('first match, overlapping, and a rest segment', async () => {
    const visits = (await h.ok('query_participants', { study_id, where: rules[0]!.where, limit: 1 })).total;
    const power = (await h.ok('query_participants', { study_id, where: rules[1]!.where, limit: 1 })).total;
    const both = (await h.ok('query_participants', { study_id, where: [...rules[0]!.where, ...rules[1]!.where], limit: 1 })).total;
    const first = await h.ok('segment_by_rules', { study_id, segments: rules });
    expect(first.segments.map((s: any) => s.size)).toEqual([visits, power - both]);
    expect(first.unassigned.count).toBe(48 - visits - power + both);
    expect(first.segments[0].definition).toBe('attr.pricing_page_visits_7d ≥ 3');
    const overlapping = await h.ok('segment_by_rules', { study_id, segments: rules, mode: 'overlapping', rest_name: 'Everyone else' });
    expect(overlapping.segments.map((s: any) => s.size)).toEqual([visits, power, 48 - visits - power + both]);
    expect(overlapping.unassigned.count).toBe(0);
    const got = await h.ok('get_segmentation', { segmentation_id: overlapping.segmentation_id, segment_id: 'Everyone else' });
    expect(got.overlapping).toBe(true);
    expect(got.segments[0].definition).toBe('everyone else');
  });

  it('scores RFM in quintiles and names the usual segments', async () => {
    const r = await h.ok('segment_by_rules', { study_id, rfm: { recency: 'attr.tenure_months', frequency: 'logins_30d', monetary: 'mrr' } });
    expect(r.method).toBe('rfm');
    expect(r.segmented).toBe(48);
    const names = r.segments.map((s: any) => s.name);
    expect(names).toContain("Can't Lose Them");
    const all = ['Champions', 'Loyal Customers', 'Potential Loyalists', 'New Customers', 'Promising', 'Need Attention', 'About to Sleep', 'At Risk', "Can't Lose Them", 'Hibernating'];
    expect(names).toEqual(all.filter((n) => names.includes(n))); // in the map's order
    const members = await h.store.segmentations.members(r.segmentation_id);
    const code = members[0]!.detail as { r: number; f: number; m: number; code: string };
    expect(code.code).toBe(`${code.r}${code.f}${code.m}`);
    expect(await h.fail('segment_by_rules', { study_id, rfm: { recency: 'industry', frequency: 'logins_30d', monetary: 'mrr' } })).toMatch(/rfm.recency: "industry" is a category attribute/);
  });

  it('names the rule that is wrong', async () => {
    expect(await h.fail('segment_by_rules', { study_id, segments: [rules[0], { name: 'Bad', where: [{ field: 'attr.nope', op: 'eq', value: 1 }] }] })).toMatch(/segments\[1\] "Bad": Unknown attribute "nope"/);
    expect(await h.fail('segment_by_rules', { study_id, segments: [rules[0], { ...rules[1], name: 'high intent' }] })).toMatch(/used twice/);
    expect(await h.fail('segment_by_rules', { study_id })).toMatch(/either segments .* or rfm/);
  });
});
