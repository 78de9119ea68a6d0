/**
 * "None of these": a multiple-choice answer that selects no option is an answer. 41 interviews:
 * 22 name Price among their pain points, 15 name others, 4 none of them. Shares are over the 41
 * who answered (Price 53.7%, not 22 / 37 = 59.5%), and clustering encodes [] as all zeros.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';

let h: Harness;
let study_id: number;
const options = ['Price', 'Speed', 'Support', 'Integrations'];

/** Participant i's pain points: 0–21 Price (+ one other), 22–36 others only, 37–40 none. */
function painPoints(i: number): string[] {
  if (i < 22) return i % 2 ? ['Price', 'Speed'] : ['Price'];
  if (i < 37) return i % 3 === 0 ? ['Support'] : ['Speed', 'Integrations'];
  return [];
}

beforeAll(async () => {
  h = await connect();
  ({ study_id } = await h.ok('create_study', { name: 'None of these' }));
  await h.ok('add_questions', {
    study_id,
    questions: [
      { key: 'pain_points', type: 'multiple_choice', text: 'Which of these get in your way?', options },
      { key: 'must_pick', type: 'multiple_choice', text: 'Which channel did you hear about us on?', options: ['Search', 'Friend', 'Event'], min_selections: 1 },
      { key: 'satisfaction', type: 'scale', text: 'How satisfied are you?', scale_min: 0, scale_max: 10 },
    ],
  });
  const ids = Array.from({ length: 41 }, (_, i) => `p${i}`);
  await h.ok('import_participants', { study_id, csv: `participant_id\n${ids.join('\n')}\n` });
  for (let i = 0; i < 41; i++) {
    await h.ok('record_interview', {
      study_id,
      participant_id: `p${i}`,
      answers: [
        { question: 'pain_points', value: painPoints(i) },
        { question: 'must_pick', value: [i % 2 ? 'Search' : 'Friend'] },
        { question: 'satisfaction', value: i % 11 },
      ],
    });
  }
});
afterAll(async () => h.close());

describe('multiple_choice "none of these"', () => {
  it('records [] as an answer, unless the question sets min_selections', async () => {
    const p = await h.ok('get_participant', { study_id, participant_id: 'p40' });
    expect(p.answers.find((a: any) => a.question === 'pain_points')).toMatchObject({ value: [] });
    const refused = await h.fail('record_interview', { study_id, participant_id: 'p99', answers: [{ question: 'must_pick', value: [] }] });
    expect(refused).toMatch(/answer to "must_pick" \(multiple_choice\): \[\] is not allowed; give a list of at least 1 option\(s\) from "Search", "Friend", "Event"/);
    // A string is not "none": an empty text is still refused.
    expect(await h.fail('record_interview', { study_id, participant_id: 'p99', answers: [{ question: 'pain_points', value: '' }] })).toMatch(/"" is not allowed; give a list of options \(\[\] for none of them\)/);
  });

  it('add_questions checks min_selections', async () => {
    const bad = await h.fail('add_questions', {
      study_id,
      questions: [
        { type: 'scale', text: 'Rate it', min_selections: 1 },
        { type: 'multiple_choice', text: 'Pick', options: ['A', 'B'], min_selections: 3 },
        { type: 'multiple_choice', text: 'Pick again', options: ['A', 'B', 'C'], max_selections: 1, min_selections: 2 },
      ],
    });
    expect(bad).toContain('questions[0].min_selections: only multiple_choice questions take min_selections (this one is scale)');
    expect(bad).toContain('questions[1].min_selections: 3 is more than the 2 options');
    expect(bad).toContain('questions[2].min_selections: 2 is more than max_selections (1)');
    const q = (await h.ok('get_study', { study_id })).questions.find((x: any) => x.key === 'must_pick');
    expect(q.min_selections).toBe(1);
  });

  it('shares are over everyone who answered, and the summary shows the "none" share', async () => {
    const r = await h.ok('summarize_questions', { study_id, questions: ['pain_points'] });
    const q = r.questions[0];
    expect(q).toMatchObject({ n: 41, none_count: 4, none_share: 4 / 41 });
    expect(q.options.find((o: any) => o.option === 'Price')).toEqual({ option: 'Price', count: 22, share: 22 / 41 });
    const text = (await h.call('summarize_questions', { study_id, questions: ['pain_points'] })).content[0].text;
    expect(text).toMatch(/none of these 10%/);
    // Grouped by the answer, the four are a group of their own.
    const by = await h.ok('summarize_questions', { study_id, questions: ['satisfaction'], by: 'answer.pain_points' });
    expect(by.by.groups).toContainEqual({ group: '(none of these)', participants: 4 });
  });

  it('crosstabs keep the "none" respondents in every share', async () => {
    const r = await h.ok('crosstab', { study_id, rows: 'answer.pain_points', columns: 'status' });
    expect(r.rows.categories).toEqual([...options, '(none of these)']);
    expect(r.rows.totals).toEqual([22, 21, 5, 10, 4]);
    const chosen = await h.ok('crosstab', { study_id, rows: 'answer.pain_points:Price', columns: 'status' });
    expect(chosen.rows.totals).toEqual([22, 19]);
  });

  it('clustering encodes [] as all options 0, not as missing', async () => {
    const r = await h.ok('cluster_participants', { study_id, features: ['answer.pain_points', 'answer.satisfaction'], k: 2, bootstraps: 2 });
    expect(r.features.find((f: any) => f.field === 'answer.pain_points')).toMatchObject({ kind: 'multi_hot', imputed: 0 });
    expect(r.participants_clustered).toBe(41);
  });
});
