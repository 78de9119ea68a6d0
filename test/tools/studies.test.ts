import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';
import { seedTinyStudy } from '../helpers/fixtures.js';

let h: Harness;
beforeEach(async () => { h = await connect(); });
afterEach(async () => h.close());

describe('create_study', () => {
  it('creates a study with defaults and suggests next steps', async () => {
    const r = await h.ok('create_study', { name: '  Churn study ', participant_criteria: 'churned in the last 90 days' });
    expect(r).toMatchObject({ study_id: 1, name: 'Churn study', mode: 'hybrid', probing_depth: 2, decision: null, participant_criteria: 'churned in the last 90 days' });
    expect(r.next_steps[0]).toMatch(/Name the decision/);
    const r2 = await h.ok('create_study', { name: 'Expansion', decision: 'Which segment to upsell', mode: 'exploratory', probing_depth: 3 });
    expect(r2).toMatchObject({ study_id: 2, mode: 'exploratory', probing_depth: 3 });
    expect(r2.next_steps[0]).toMatch(/^add_questions \{study_id: 2\}/);
  });

  it('names the field and the allowed range on bad input', async () => {
    expect(await h.fail('create_study', { name: 'x', probing_depth: 5 })).toMatch(/probing_depth: Too big: expected number to be <=3/);
    expect(await h.fail('create_study', { name: 'x', mode: 'survey' })).toMatch(/mode: Invalid option: expected one of "exploratory"\|"hybrid"\|"structured"/);
    expect(await h.fail('create_study', { name: '   ' })).toMatch(/name/);
    expect(await h.fail('create_study', {})).toMatch(/name/);
  });
});

describe('list_studies', () => {
  it('lists studies with counts, paginated', async () => {
    expect((await h.call('list_studies', {})).content[0].text).toMatch(/No studies yet/);
    await seedTinyStudy(h);
    for (const name of ['B', 'C']) await h.ok('create_study', { name });
    const page1 = await h.ok('list_studies', { limit: 2 });
    expect(page1.total).toBe(3);
    expect(page1.studies[0]).toMatchObject({ study_id: 1, name: 'Tiny', participants: 6, interviews_completed: 4, interviews_partial: 1, ready: false, missing: ['open_questions', 'interviews', 'sample_mix'] });
    expect(page1.studies[1].missing).toEqual(['decision', 'structured_questions', 'open_questions', 'interviews', 'sample_mix']);
    const page2 = await h.ok('list_studies', { limit: 2, cursor: page1.next_cursor });
    expect(page2.studies.map((s: any) => s.name)).toEqual(['C']);
    expect(page2.next_cursor).toBeNull();
    // A cursor names its list: query_participants' cursor is not a list_studies position.
    const people = await h.ok('query_participants', { study_id: 1, limit: 1 });
    expect(await h.fail('list_studies', { cursor: people.next_cursor })).toMatch(/cursor is not valid/);
  });
});

describe('get_study', () => {
  it('returns questions, counts, composition, attributes, themes and readiness', async () => {
    const study_id = await seedTinyStudy(h);
    const r = await h.ok('get_study', { study_id });
    expect(r.counts).toEqual({ participants: 6, interviews_completed: 4, interviews_partial: 1, not_interviewed: 1 });
    expect(r.questions.map((q: any) => q.key)).toEqual(['why', 'importance', 'nps', 'use_case', 'tools', 'factors', 'team']);
    expect(r.composition.tags).toEqual([{ tag: 'churned', count: 3 }, { tag: 'expanded', count: 2 }, { tag: 'new', count: 1 }]);
    expect(r.composition.lifecycle_groups.find((g: any) => g.group === 'long-tenure customers').participants).toBe(0);
    expect(r.attributes).toContainEqual({ name: 'hubspot.stage', type: 'category' });
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

describe('add_questions', () => {
  it('adds every type with generated keys in order', async () => {
    const { study_id } = await h.ok('create_study', { name: 'Q' });
    const r = await h.ok('add_questions', { study_id, questions: [
      { type: 'open_ended', text: 'What made you choose us?' },
      { type: 'scale', text: 'How likely are you to recommend us?', scale_min: 0, scale_max: 10, min_label: 'Not at all', max_label: 'Extremely' },
      { type: 'multiple_choice', key: 'channels', text: 'Where do you learn about tools?', options: ['Peers', 'Search', 'Events'], max_selections: 2, required: true, probing_depth: 3 },
    ]});
    expect(r).toMatchObject({ total_questions: 3, structured_questions: 2, open_ended_questions: 1 });
    expect(r.questions[0]).toMatchObject({ key: 'what_made_you_choose_us', position: 1, options: null });
    expect(r.questions[1]).toMatchObject({ key: 'how_likely_are_you_to_recommend_us', scale_min: 0, scale_max: 10, min_label: 'Not at all', position: 2 });
    expect(r.questions[2]).toMatchObject({ key: 'channels', max_selections: 2, required: true, probing_depth: 3, position: 3 });
    const more = await h.ok('add_questions', { study_id, questions: [{ type: 'yes_no', text: 'What made you choose us?' }] });
    expect(more.questions[0]).toMatchObject({ key: 'what_made_you_choose_us_2', position: 4 });
  });

  it('adds nothing when any question is invalid, naming each field', async () => {
    const { study_id } = await h.ok('create_study', { name: 'Q' });
    await h.ok('add_questions', { study_id, questions: [{ key: 'price', type: 'scale', text: 'Price?' }] });
    const message = await h.fail('add_questions', { study_id, questions: [
      { type: 'open_ended', text: 'fine' },
      { key: 'price', type: 'ranking', text: 'Rank', options: ['A'] },
      { type: 'multiple_choice', text: 'Pick', options: ['A', 'B'], max_selections: 3 },
    ]});
    expect(message).toBe([
      'No questions were added. Fix these and call again:',
      '- questions[1].key: "price" is already used in this study; pick another key',
      '- questions[1].options: a ranking question needs at least 2 options',
      '- questions[2].max_selections: 3 is more than the 2 options',
    ].join('\n'));
    expect((await h.ok('get_study', { study_id })).questions).toHaveLength(1);
    expect(await h.fail('add_questions', { study_id, questions: [{ type: 'slider', text: 'x' }] })).toMatch(/questions\.0\.type: Invalid option: expected one of "open_ended"\|"scale"\|"single_choice"\|"multiple_choice"\|"ranking"\|"yes_no"/);
  });
});

describe('get_participant', () => {
  it('returns the full profile and truncates long transcripts unless asked', async () => {
    const study_id = await seedTinyStudy(h);
    const p = await h.ok('get_participant', { study_id, participant_id: 'p3' });
    expect(p).toMatchObject({
      participant_id: 'p3', name: 'Cy Lee', email: 'p3@acme.example', tags: ['churned'], status: 'completed',
      attributes: { plan: 'free', mrr: 0, signup_date: '2026-09-01', 'hubspot.stage': 'lead' },
      notes: 'Considering a cheaper competitor.', resource_uri: `seglab://studies/${study_id}/participants/p3`,
    });
    expect(p.answers.find((a: any) => a.question === 'team').value).toBe('no');
    expect(p.themes.map((t: any) => t.code)).toEqual(['churn_risk', 'pricing']);

    const long = Array.from({ length: 200 }, (_, i) => `Line ${i} of a long interview.`).join('\n');
    await h.ok('record_interview', { study_id, participant_id: 'p6', transcript: long, status: 'partial' });
    const short = await h.ok('get_participant', { study_id, participant_id: 'p6' });
    expect(short.transcript_truncated).toBe(true);
    expect(short.transcript.length).toBeLessThan(1600);
    expect(short.transcript_chars).toBe(long.length);
    const full = await h.ok('get_participant', { study_id, participant_id: 'p6', include_transcript: true });
    expect(full.transcript).toBe(long);
    expect(await h.fail('get_participant', { study_id, participant_id: 'zz' })).toMatch(/No participant "zz" in study \d+\. Use query_participants/);
  });
});
