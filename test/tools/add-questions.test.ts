import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeEach(async () => { h = await connect(); });
afterEach(async () => h.close());

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
