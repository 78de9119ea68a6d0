/** validateSegmentation: the five criteria, the typing tool and the anti-patterns on the sample study. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterParticipants } from '../../src/app/clustering.js';
import { queryParticipants } from '../../src/app/participants.js';
import { updateSegment } from '../../src/app/segment-naming.js';
import { validateSegmentation } from '../../src/app/validation.js';
import { sampleArchetypes } from '../helpers/fixtures.js';
import { seedSampleSegmentation, testStore } from '../helpers/stores.js';

const store = await testStore();
let studyId: number;
let segmentationId: number;
let segmentOf: Record<string, number>;
beforeAll(async () => ({ studyId, segmentationId, segmentOf } = await seedSampleSegmentation(store)));
afterAll(() => store.close());

describe('validateSegmentation', () => {
  it('12 reachable, distinct members per segment: measurable, accessible and differentiable pass, substantial warns', async () => {
    const r = await validateSegmentation(store, segmentationId);
    for (const s of r.segments) {
      expect(s.criteria.measurable.verdict, s.name!).toBe('pass');
      expect(s.criteria.substantial.verdict, s.name!).toBe('warn'); // 12 people, below ~20–30
      expect(s.criteria.accessible).toMatchObject({ verdict: 'pass' }); // every sample participant has an email
      expect(s.criteria.differentiable.verdict, s.name!).toBe('pass');
      expect(s.criteria.actionable.verdict, s.name!).toBe('fail'); // no playbook yet
    }
    expect(r.typing_tool!.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.anti_patterns.map((a) => [a.name, a.verdict])).toEqual([
      ['too_many_segments', 'pass'],
      ['demographics_alone', 'pass'],
      ['only_happy_customers', 'pass'],
      ['demographic_names', 'pass'],
    ]);
  });

  it('typing rules are query conditions: each pure rule selects members of its segment only', async () => {
    const r = await validateSegmentation(store, segmentationId);
    const pure = r.typing_tool!.rules.filter((rule) => rule.purity === 1);
    expect(pure.length).toBeGreaterThan(0);
    for (const rule of pure) {
      const found = await queryParticipants(store, { studyId, where: rule.conditions as never, include: [], limit: 100 });
      // The rule finds the members in its leaf, and participants outside the segmentation whom the CRM places there too.
      expect(found.total, rule.text).toBeGreaterThanOrEqual(rule.participants);
      const archetype = Object.entries(segmentOf).find(([, id]) => id === rule.segment_id)![0];
      expect(found.participants.every((p) => sampleArchetypes[p.participant_id] === archetype), rule.text).toBe(true);
    }
  });

  it('fails segments built on firmographics alone and warns about identical playbooks', async () => {
    const { segmentation_id } = await clusterParticipants(store, { studyId, k: 2, features: ['attr.industry', 'attr.company_size'], bootstraps: 3 });
    for (const segment of [1, 2]) await updateSegment(store, { segmentationId: segmentation_id, segment, playbook: { product: 'Same onboarding for all' } });
    const r = await validateSegmentation(store, segmentation_id);
    expect(r.anti_patterns.find((a) => a.name === 'demographics_alone')!.verdict).toBe('fail');
    expect(r.segments[0]!.criteria.actionable).toMatchObject({ verdict: 'warn', evidence: expect.stringMatching(/merge them/) });
    expect(r.overall.verdict).toBe('fail');
  });
});
