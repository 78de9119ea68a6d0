import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';
import { seedTinyStudy } from '../helpers/fixtures.js';

let h: Harness;
beforeEach(async () => { h = await connect(); });
afterEach(async () => h.close());

describe('get_study', () => {
  it('returns questions, counts, composition, attributes, themes and readiness', async () => {
    const study_id = await seedTinyStudy(h);
    const r = await h.ok('get_study', { study_id });
    expect(r.counts).toEqual({ participants: 6, interviews_completed: 4, interviews_partial: 1, not_interviewed: 1 });
    expect(r.questions.map((q: any) => q.key)).toEqual(['why', 'importance', 'nps', 'use_case', 'tools', 'factors', 'team']);
    expect(r.composition.tags).toEqual([{ tag: 'churned', count: 3 }, { tag: 'expanded', count: 2 }, { tag: 'new', count: 1 }]);
    expect(r.composition.lifecycle_groups.find((g: any) => g.group === 'long-tenure customers').participants).toBe(0);
    expect(r.attributes).toContainEqual({ name: 'hubspot.stage', type: 'category', unit: null, format: null });
    expect(r.themes).toEqual([{ code: 'pricing', participants: 2 }, { code: 'churn_risk', participants: 1 }, { code: 'fast_setup', participants: 1 }]);
    expect(r.readiness.ready).toBe(false);
    const checks = Object.fromEntries(r.readiness.checks.map((c: any) => [c.check, c]));
    expect(checks.decision.status).toBe('ok');
    expect(checks.structured_questions.status).toBe('ok');
    expect(checks.open_questions).toMatchObject({ status: 'warn' });
    expect(checks.interviews.message).toMatch(/4 completed interview\(s\); target 30–50/);
    expect(checks.sample_mix.message).toMatch(/lacks long-tenure customers/);
    expect(r.resource_uri).toBe(`seglab://studies/${study_id}`);
  });

  it('warns when only happy customers are sampled', async () => {
    const { study_id } = await h.ok('create_study', { name: 'Happy', decision: 'x' });
    await h.ok('import_participants', { study_id, csv: 'id,tags\na,expanded\nb,long-tenure\n' });
    const r = await h.ok('get_study', { study_id });
    expect(r.readiness.checks.find((c: any) => c.check === 'sample_mix').message).toMatch(/^Only happy customers\?/);
    expect((await h.call('get_study', { study_id })).content[0].text).toMatch(/\[warn\] Only happy customers\?/);
  });

  it('says how to find a study that does not exist', async () => {
    expect(await h.fail('get_study', { study_id: 7 })).toBe('No study with id 7. Call list_studies to see the studies, or create_study to make one.');
    expect(await h.fail('get_study', { study_id: 'abc' })).toMatch(/study_id/);
  });
});
