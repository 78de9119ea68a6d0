/** Studies: create, list (paged), the study detail and its readiness checklist, questions all or none. */
import { afterAll, describe, expect, it } from 'vitest';
import { addQuestions, createStudy, listStudies, studyDetail } from '../../src/app/studies.js';
import { seedTinyStore, testStore } from '../helpers/stores.js';

const store = await testStore();
const tiny = await seedTinyStore(store);
afterAll(() => store.close());

describe('studies', () => {
  it('the tiny study in detail: counts, composition, attributes, themes, readiness', async () => {
    const d = await studyDetail(store, tiny);
    expect(d.counts).toEqual({ participants: 6, interviews_completed: 4, interviews_partial: 1, not_interviewed: 1 });
    expect(d.composition.tags).toEqual([{ tag: 'churned', count: 3 }, { tag: 'expanded', count: 2 }, { tag: 'new', count: 1 }]);
    expect(d.attributes).toEqual([
      { name: 'plan', type: 'category', unit: null, format: null },
      { name: 'mrr', type: 'number', unit: null, format: '1,234.56' },
      { name: 'signup_date', type: 'date', unit: null, format: 'YYYY-MM-DD' },
      { name: 'hubspot.stage', type: 'category', unit: null, format: null },
    ]);
    expect(d.themes).toEqual([{ code: 'pricing', participants: 2 }, { code: 'churn_risk', participants: 1 }, { code: 'fast_setup', participants: 1 }]);
    const checks = Object.fromEntries(d.readiness.checks.map((c) => [c.check, c.status]));
    // One open question of 3–5, four interviews of 30–50, no long-tenure customers.
    expect(checks).toEqual({ decision: 'ok', structured_questions: 'ok', open_questions: 'warn', interviews: 'warn', sample_mix: 'warn' });
    expect(d.resource_uri).toBe(`seglab://studies/${tiny}`);
  });

  it('lists studies a page at a time, newest counts included', async () => {
    const second = await createStudy(store, { name: 'Second', mode: 'structured', probing_depth: 0 });
    expect(second.next_steps[0]).toMatch(/^Name the decision/);
    await createStudy(store, { name: 'Third', decision: 'Pricing', mode: 'exploratory', probing_depth: 3 });
    const page = await listStudies(store, { limit: 2 });
    expect(page.total).toBe(3);
    expect(page.studies.map((s) => [s.name, s.participants, s.interviews_completed])).toEqual([['Tiny', 6, 4], ['Second', 0, 0]]);
    const rest = await listStudies(store, { limit: 2, cursor: page.next_cursor! });
    expect([rest.studies.map((s) => s.name), rest.next_cursor]).toEqual([['Third'], null]);
  });

  it('adds questions with generated keys after the last position, or none when one is wrong', async () => {
    const { study_id } = await createStudy(store, { name: 'Q', mode: 'hybrid', probing_depth: 2 });
    const added = await addQuestions(store, study_id, [{ type: 'open_ended', text: 'What made you choose us?' }, { type: 'yes_no', text: 'What made you choose us?' }]);
    expect(added.questions.map((q) => [q.key, q.position])).toEqual([['what_made_you_choose_us', 1], ['what_made_you_choose_us_2', 2]]);
    await expect(addQuestions(store, study_id, [{ type: 'scale', text: 'Fine' }, { type: 'ranking', text: 'Rank', options: ['A'] }])).rejects.toThrow(/questions\[1\]\.options: a ranking question needs at least 2 options/);
    expect((await studyDetail(store, study_id)).questions).toHaveLength(2);
    await expect(studyDetail(store, 999)).rejects.toThrow('No study with id 999. Call list_studies to see the studies, or create_study to make one.');
  });
});
