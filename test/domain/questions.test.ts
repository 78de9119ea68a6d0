import { describe, expect, it } from 'vitest';
import { checkAnswer, normalizeQuestion, slugify, type Question } from '../../src/domain/questions.js';

const q = (over: Partial<Question>): Question => ({
  key: 'k', type: 'open_ended', text: 't', options: null, scale_min: null, scale_max: null, min_label: null, max_label: null,
  max_selections: null, min_selections: null, required: false, probing_depth: null, position: 1, ...over,
});

describe('slugify', () => {
  it('makes snake_case keys from question text', () => {
    expect(slugify('How did you find us?')).toBe('how_did_you_find_us');
    expect(slugify('Zoë’s  NPS — 2026')).toBe('zoe_s_nps_2026');
  });
});

describe('normalizeQuestion', () => {
  it('fills defaults and generates unique keys', () => {
    const taken = new Set(['importance']);
    const { question, problems } = normalizeQuestion({ type: 'scale', text: 'Importance' }, 3, taken, 'q');
    expect(problems).toEqual([]);
    expect(question).toMatchObject({ key: 'importance_2', scale_min: 1, scale_max: 10, position: 3, required: false });
  });

  it('names the field of every problem', () => {
    const { problems } = normalizeQuestion({ type: 'single_choice', text: 'Pick', options: ['A', 'a'], scale_min: 1, max_selections: 2 }, 1, new Set(), 'questions[0]');
    expect(problems).toEqual([
      'questions[0].options: "a" appears twice (options are matched case-insensitively)',
      'questions[0].scale_min/scale_max: only scale questions take a range (this one is single_choice)',
      'questions[0].max_selections: only multiple_choice questions take max_selections (this one is single_choice)',
    ]);
    expect(normalizeQuestion({ type: 'scale', text: 'x', scale_min: 5, scale_max: 5 }, 1, new Set(), 'q').problems[0]).toMatch(/scale_min \(5\) must be below scale_max \(5\)/);
    expect(normalizeQuestion({ type: 'ranking', text: 'x', options: ['only'] }, 1, new Set(), 'q').problems[0]).toMatch(/needs at least 2 options/);
    expect(normalizeQuestion({ key: 'Bad Key', type: 'yes_no', text: 'x' }, 1, new Set(), 'q').problems[0]).toMatch(/e\.g\. "bad_key"/);
  });
});

describe('checkAnswer', () => {
  const scale = q({ key: 'nps', type: 'scale', scale_min: 0, scale_max: 10 });
  const single = q({ key: 'use', type: 'single_choice', options: ['Product discovery', 'Churn analysis'] });
  const multi = q({ key: 'tools', type: 'multiple_choice', options: ['Slack', 'Jira', 'HubSpot'], max_selections: 2 });
  const rank = q({ key: 'factors', type: 'ranking', options: ['Price', 'Speed', 'Trust'] });
  const yn = q({ key: 'team', type: 'yes_no' });

  it('canonicalizes valid answers', () => {
    expect(checkAnswer(scale, 7)).toEqual({ ok: true, value: 7 });
    expect(checkAnswer(scale, '10')).toEqual({ ok: true, value: 10 });
    expect(checkAnswer(single, 'churn ANALYSIS')).toEqual({ ok: true, value: 'Churn analysis' });
    expect(checkAnswer(multi, ['jira', 'Slack'])).toEqual({ ok: true, value: ['Jira', 'Slack'] });
    expect(checkAnswer(rank, ['trust', 'price'])).toEqual({ ok: true, value: ['Trust', 'Price'] });
    expect(checkAnswer(yn, 'Yes')).toEqual({ ok: true, value: 1 });
    expect(checkAnswer(yn, false)).toEqual({ ok: true, value: 0 });
    expect(checkAnswer(q({}), '  words  ')).toEqual({ ok: true, value: 'words' });
  });

  it('explains what is allowed', () => {
    expect(checkAnswer(scale, 11)).toEqual({ ok: false, message: 'answer to "nps" (scale): 11 is not allowed; give a number from 0 to 10' });
    expect(checkAnswer(single, 'Sales')).toEqual({ ok: false, message: 'answer to "use" (single_choice): "Sales" is not one of the options "Product discovery", "Churn analysis"' });
    expect(checkAnswer(multi, ['Slack', 'Jira', 'HubSpot'])).toMatchObject({ ok: false, message: expect.stringContaining('at most 2 are allowed') });
    expect(checkAnswer(rank, ['Price', 'price'])).toMatchObject({ ok: false, message: expect.stringContaining('"Price" is listed twice') });
    expect(checkAnswer(yn, 'maybe')).toMatchObject({ ok: false, message: expect.stringContaining('give true/false or "yes"/"no"') });
    expect(checkAnswer(q({ key: 'why' }), '')).toMatchObject({ ok: false, message: expect.stringContaining('give non-empty text') });
  });

  it('takes [] as "none of these" for a multiple choice, unless min_selections asks for some; never for a ranking', () => {
    expect(checkAnswer(multi, [])).toEqual({ ok: true, value: [] });
    const atLeastTwo = q({ key: 'channels', type: 'multiple_choice', options: ['Search', 'Friend', 'Event'], min_selections: 2 });
    expect(checkAnswer(atLeastTwo, [])).toMatchObject({ ok: false, message: expect.stringContaining('give a list of at least 2 option(s)') });
    expect(checkAnswer(atLeastTwo, ['Search'])).toEqual({ ok: false, message: 'answer to "channels" (multiple_choice): 1 option(s) chosen but at least 2 are needed' });
    expect(checkAnswer(atLeastTwo, ['Search', 'event'])).toEqual({ ok: true, value: ['Search', 'Event'] });
    expect(checkAnswer(rank, [])).toMatchObject({ ok: false, message: expect.stringContaining('a list of options in ranked order') });
    expect(checkAnswer(multi, '')).toMatchObject({ ok: false });
  });
});
