import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';
import { tinyCsv, tinyQuestions } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
beforeEach(async () => {
  h = await connect();
  ({ study_id } = await h.ok('create_study', { name: 'Interviews' }));
  await h.ok('add_questions', { study_id, questions: tinyQuestions });
  await h.ok('import_participants', { study_id, csv: tinyCsv });
});
afterEach(async () => h.close());

const answers = (o: Record<string, unknown>) => Object.entries(o).map(([question, value]) => ({ question, value }));

describe('record_interview', () => {
  it('validates every answer against its type, reports all problems at once, and saves nothing', async () => {
    const message = await h.fail('record_interview', {
      study_id, participant_id: 'p1',
      answers: answers({ importance: 7, use_case: 'Delta', tools: ['Slack', 'Jira', 'HubSpot'], factors: ['Price', 'Price'], team: 'maybe', why: '   ' }),
    });
    expect(message).toBe([
      'Nothing was saved. Fix these and call again:',
      '- answers[0]: answer to "importance" (scale): 7 is not allowed; give a number from 1 to 5',
      '- answers[1]: answer to "use_case" (single_choice): "Delta" is not one of the options "Alpha", "Beta", "Gamma"',
      '- answers[2]: answer to "tools" (multiple_choice): 3 options chosen but at most 2 are allowed',
      '- answers[3]: answer to "factors" (ranking): "Price" is listed twice; each option may appear once',
      '- answers[4]: answer to "team" (yes_no): "maybe" is not allowed; give true/false or "yes"/"no"',
      '- answers[5]: answer to "why" (open_ended): "   " is not allowed; give non-empty text',
    ].join('\n'));
    const p = await h.ok('get_participant', { study_id, participant_id: 'p1' });
    expect(p).toMatchObject({ status: 'not_interviewed', answers: [] });
  });

  it('lists the valid keys for an unknown question', async () => {
    const message = await h.fail('record_interview', { study_id, participant_id: 'p1', answers: answers({ importanse: 3 }) });
    expect(message).toMatch(/answers\[0\]: unknown question key "importanse"; valid keys: "why", "importance", "nps", "use_case", "tools", "factors", "team"/);
  });

  it('records answers, transcript turns, quotes and themes, and warns about required questions', async () => {
    const r = await h.ok('record_interview', {
      study_id, participant_id: 'p1', status: 'completed', interviewed_at: '2026-10-01T10:00:00Z',
      answers: answers({ importance: '4', factors: 'speed;price', tools: ['jira'] }),
      transcript: [{ speaker: 'Interviewer', text: 'Why us?' }, { speaker: 'Ana', text: 'The onboarding call sold it.' }],
      quotes: [{ text: 'The onboarding call sold it.', question: 'why', themes: ['Great Onboarding'] }],
      themes: [{ code: 'needs_guidance', quote: 'sold it' }],
      notes: 'Warm lead for a case study',
    });
    expect(r).toMatchObject({ participant_created: false, answers_recorded: 3, answers_total: 3, quotes_added: 1, themes_added: 2, required_unanswered: ['why', 'team'] });
    expect(r.warnings[0]).toMatch(/Required question\(s\) without an answer: why, team\. Record them, or set status "partial"/);
    const p = await h.ok('get_participant', { study_id, participant_id: 'p1' });
    expect(p.answers.map((a: any) => [a.question, a.value])).toEqual([['importance', 4], ['tools', ['Jira']], ['factors', ['Speed', 'Price']]]);
    expect(p.transcript).toBe('Interviewer: Why us?\nAna: The onboarding call sold it.');
    expect(p.quotes).toEqual([{ text: 'The onboarding call sold it.', question: 'why', themes: ['great_onboarding'] }]);
    expect(p.themes).toEqual([{ code: 'great_onboarding', evidence: ['The onboarding call sold it.'] }, { code: 'needs_guidance', evidence: ['sold it'] }]);
    expect(p).toMatchObject({ status: 'completed', interviewed_at: '2026-10-01T10:00:00Z', notes: 'Warm lead for a case study' });
  });

  it('is idempotent: re-recording replaces named answers, keeps the rest, does not duplicate quotes', async () => {
    const first = { study_id, participant_id: 'p2', answers: answers({ importance: 2, team: 'no', why: 'Speed' }), quotes: [{ text: 'Speed matters', themes: ['speed'] }] };
    await h.ok('record_interview', first);
    const again = await h.ok('record_interview', first);
    expect(again).toMatchObject({ quotes_added: 0, themes_added: 0, answers_total: 3 });
    await h.ok('record_interview', { study_id, participant_id: 'p2', answers: answers({ importance: 5 }) });
    const p = await h.ok('get_participant', { study_id, participant_id: 'p2' });
    expect(Object.fromEntries(p.answers.map((a: any) => [a.question, a.value]))).toEqual({ why: 'Speed', importance: 5, team: 'no' });
    expect(p.quotes).toHaveLength(1);
    // The replaced answer is searchable under its new text only.
    await h.ok('record_interview', { study_id, participant_id: 'p2', answers: answers({ why: 'Integrations' }) });
    expect((await h.ok('query_participants', { study_id, text: 'speed' })).participants.map((x: any) => x.participant_id)).toEqual(['p2']); // still in the quote
    expect((await h.ok('query_participants', { study_id, text: 'integrations' })).total).toBe(1);
  });

  it('refuses an unknown participant unless details are given, then creates them', async () => {
    expect(await h.fail('record_interview', { study_id, participant_id: 'walk-in', answers: [] })).toMatch(/No participant "walk-in" in study \d+\. Import them with import_participants, or call again with `participant` details/);
    const r = await h.ok('record_interview', {
      study_id, participant_id: 'walk-in', answers: answers({ why: 'Saw a talk', team: true }),
      participant: { email: 'w@x.example', name: 'Walk In', attributes: { plan: 'pro', seats: 3 }, tags: ['new'] },
    });
    expect(r).toMatchObject({ participant_created: true, answers_recorded: 2, required_unanswered: [] });
    const p = await h.ok('get_participant', { study_id, participant_id: 'walk-in' });
    expect(p).toMatchObject({ name: 'Walk In', tags: ['new'], attributes: { plan: 'pro', seats: 3 } });
    expect((await h.ok('get_study', { study_id })).attributes).toContainEqual({ name: 'seats', type: 'number', unit: null, format: '1,234.56' });
  });

  it('rejects malformed arguments with the field named', async () => {
    expect(await h.fail('record_interview', { study_id, participant_id: 'p1', status: 'done' })).toMatch(/status.*expected one of "completed"\|"partial"/);
    expect(await h.fail('record_interview', { study_id, participant_id: 'p1', interviewed_at: 'last tuesday' })).toMatch(/interviewed_at/);
  });
});
