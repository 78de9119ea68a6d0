/** recordInterview and codeThemes: every problem at once, nothing half-saved, re-recording idempotent. */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { codeThemes, recordInterview, type InterviewRecord } from '../../src/app/interviews.js';
import { participantProfile } from '../../src/app/participants.js';
import { studyDetail } from '../../src/app/studies.js';
import { answerList } from '../helpers/fixtures.js';
import { seedTinyStore, testStore } from '../helpers/stores.js';

const store = await testStore();
const studyId = await seedTinyStore(store);
afterAll(() => store.close());
const record = async (participantId: string, more: Partial<InterviewRecord>) => await recordInterview(store, { studyId, participantId, answers: [], quotes: [], themes: [], status: 'completed', ...more });

describe('recordInterview', () => {
  it('lists every bad answer and unknown key, and saves none of the call', async () => {
    const call = async () => await record('p6', { answers: answerList({ importance: 9, use_case: 'Delta', team: 'yes' }), quotes: [{ text: 'Q', question: 'nope' }] });
    await expect(call()).rejects.toThrow(/answers\[0\]: answer to "importance" \(scale\): 9 is not allowed[\s\S]*answers\[1\]: answer to "use_case" \(single_choice\): "Delta"[\s\S]*quotes\[0\]\.question: unknown question key "nope"/);
    expect(await participantProfile(store, studyId, 'p6', { fullTranscript: false })).toMatchObject({ status: 'not_interviewed', answers: [], quotes: [] });
  });

  it('re-recording the same interview changes nothing; required answers missing are warned about', async () => {
    const once = await record('p6', { answers: answerList({ importance: 4 }), quotes: [{ text: 'It is fine', themes: ['Fine Enough'] }] });
    expect(once).toMatchObject({ answers_recorded: 1, quotes_added: 1, required_unanswered: ['why', 'team'] });
    expect(once.warnings[0]).toMatch(/Required question\(s\) without an answer: why, team\. Record them, or set status "partial"\./);
    const twice = await record('p6', { answers: answerList({ importance: 4 }), quotes: [{ text: 'It is fine', themes: ['fine_enough'] }] });
    expect(twice).toMatchObject({ quotes_added: 0, themes_added: 0, answers_total: 1 });
    // Within the same millisecond too (a fast client, or a clock that stands still).
    vi.useFakeTimers({ now: new Date('2026-11-30T10:00:00.000Z'), toFake: ['Date'] });
    try {
      expect((await record('p4', { quotes: [{ text: 'Needed proof' }] })).quotes_added).toBe(1);
      expect((await record('p4', { quotes: [{ text: 'Needed proof' }] })).quotes_added).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    expect((await studyDetail(store, studyId)).themes).toContainEqual({ code: 'fine_enough', participants: 1 });
  });

  it('creates a walk-in participant only when details are given', async () => {
    await expect(record('walk-in', {})).rejects.toThrow(/No participant "walk-in" in study \d+\. Import them/);
    expect(await record('walk-in', { participant: { name: 'Walk In', attributes: { seats: 3 } }, answers: answerList({ why: 'A talk', team: true }) })).toMatchObject({ participant_created: true, required_unanswered: [] });
    expect((await studyDetail(store, studyId)).attributes).toContainEqual({ name: 'seats', type: 'number', unit: null, format: '1,234.56' });
  });
});

describe('codeThemes', () => {
  it('codes themes as slugs, all or none, and warns about evidence that is not the participant\'s words', async () => {
    await expect(codeThemes(store, studyId, [{ participant_id: 'p1', theme: 'x' }, { participant_id: 'ghost', theme: 'y' }])).rejects.toThrow(/codes\[1\]\.participant_id: no participant "ghost"/);
    const r = await codeThemes(store, studyId, [
      { participant_id: 'p3', theme: 'Competitor Pull', quote: 'Considering a cheaper competitor.' },
      { participant_id: 'p4', theme: 'competitor pull', quote: 'Words nobody said.' },
    ]);
    expect(r).toMatchObject({ added: 2, unchanged: 0, themes_created: ['competitor_pull'] });
    expect(r.warnings).toEqual([expect.stringMatching(/^codes\[1\]: the quote is not in p4's transcript/)]);
    expect(r.catalogue).toContainEqual({ code: 'competitor_pull', participants: 2 });
    expect(await codeThemes(store, studyId, [{ participant_id: 'p3', theme: 'competitor_pull', quote: 'Considering a cheaper competitor.' }])).toMatchObject({ added: 0, unchanged: 1 });
  });
});
