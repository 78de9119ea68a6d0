/** validate_segmentation through the MCP client. */
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { sampleArchetypes, useSampleSegmentation } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
let seg: number;
let segmentOf: Record<string, number>;
useSampleSegmentation((s) => ({ h, study_id, seg, segmentOf } = s));

describe('validate_segmentation', () => {
  it('checks the five criteria with a typing tool and the anti-patterns', async () => {
    await h.ok('update_segment', { segmentation_id: seg, segment_id: 'The Pragmatist', playbook: { product: 'A survey-only plan', sales: 'Lead with price' } });
    const r = await h.ok('validate_segmentation', { segmentation_id: seg });
    expect(r.typing_tool.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.typing_tool.cross_validated_accuracy).toBeGreaterThanOrEqual(0.75);
    expect(new Set(r.typing_tool.rules.map((x: any) => x.segment_id))).toEqual(new Set([1, 2, 3, 4]));
    for (const s of r.segments) {
      expect(s.criteria.measurable.verdict).toBe('pass');
      expect(s.criteria.substantial.verdict).toBe('warn'); // 12 people: below ~20–30
      expect(s.criteria.accessible.verdict).toBe('pass'); // every sample participant has an email
      expect(s.criteria.differentiable.verdict).toBe('pass');
    }
    const pragmatist = r.segments.find((s: any) => s.name === 'The Pragmatist');
    expect(pragmatist.criteria.actionable.verdict).toBe('pass');
    const withoutPlaybook = r.segments.find((s: any) => s.name === 'The Struggler');
    expect(withoutPlaybook.criteria.actionable.verdict).toBe('fail');
    expect(r.overall.criteria.differentiable.evidence).toMatch(/silhouette/);
    expect(r.anti_patterns.find((a: any) => a.name === 'only_happy_customers').verdict).toBe('pass');
    expect(r.anti_patterns.find((a: any) => a.name === 'demographics_alone').verdict).toBe('pass');
    // The typing rules are query conditions: feeding them back reproduces the segment.
    const rule = r.typing_tool.rules.find((x: any) => x.segment_id === pragmatist.segment_id && x.purity === 1);
    const found = await h.ok('query_participants', { study_id, where: rule.conditions, limit: 50 });
    expect(found.participants.every((p: any) => sampleArchetypes[p.participant_id] === 'The Pragmatist')).toBe(true);
  });

  it('flags segments built on demographics alone, and identical playbooks', async () => {
    const demographic = await h.ok('cluster_participants', { study_id, k: 2, features: ['attr.industry', 'attr.company_size'], bootstraps: 5 });
    await h.ok('update_segment', { segmentation_id: demographic.segmentation_id, segment_id: 1, playbook: { product: 'Same onboarding for all', marketing: 'Same newsletter' } });
    await h.ok('update_segment', { segmentation_id: demographic.segmentation_id, segment_id: 2, playbook: { product: 'Same onboarding for all', marketing: 'Same newsletter' } });
    const r = await h.ok('validate_segmentation', { segmentation_id: demographic.segmentation_id });
    expect(r.anti_patterns.find((a: any) => a.name === 'demographics_alone')).toMatchObject({ verdict: 'fail' });
    expect(r.segments[0].criteria.actionable).toMatchObject({ verdict: 'warn' });
    expect(r.segments[0].criteria.actionable.evidence).toMatch(/merge them/);
    expect(r.overall.verdict).toBe('fail');
  });
});
