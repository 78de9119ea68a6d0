/** participantProfile and queryParticipants on the tiny study. */
import { afterAll, describe, expect, it } from 'vitest';
import { recordInterview } from '../../src/app/interviews.js';
import { participantProfile, queryParticipants, TRANSCRIPT_PREVIEW } from '../../src/app/participants.js';
import { seedTinyStore, testStore } from '../helpers/stores.js';

const store = await testStore();
const studyId = await seedTinyStore(store);
afterAll(() => store.close());

describe('participantProfile', () => {
  it('everything recorded about one participant, answers in their question\'s terms', async () => {
    const p = await participantProfile(store, studyId, 'p3', { fullTranscript: false });
    expect(p).toMatchObject({ name: 'Cy Lee', tags: ['churned'], status: 'completed', notes: 'Considering a cheaper competitor.', attributes: { plan: 'free', mrr: 0, 'hubspot.stage': 'lead' } });
    expect(Object.fromEntries(p.answers.map((a) => [a.question, a.value]))).toEqual({ why: 'Too expensive for what it does, pricing hurts', importance: 2, nps: 3, use_case: 'Beta', tools: ['Jira'], factors: ['Price', 'Trust', 'Speed'], team: 'no' });
    expect(p.quotes.map((q) => q.text)).toEqual(['Too expensive for what it does']);
    expect(p.resource_uri).toBe(`seglab://studies/${studyId}/participants/p3`);
  });

  it(`shows the first ${TRANSCRIPT_PREVIEW} characters of a long transcript unless the whole one is asked for`, async () => {
    const transcript = 'x'.repeat(TRANSCRIPT_PREVIEW) + 'the end';
    await recordInterview(store, { studyId, participantId: 'p6', answers: [], transcript, quotes: [], themes: [], status: 'partial' });
    const short = await participantProfile(store, studyId, 'p6', { fullTranscript: false });
    expect([short.transcript, short.transcript_truncated, short.transcript_chars]).toEqual([`${'x'.repeat(TRANSCRIPT_PREVIEW)}…`, true, transcript.length]);
    expect((await participantProfile(store, studyId, 'p6', { fullTranscript: true })).transcript).toBe(transcript);
    await expect(participantProfile(store, studyId, 'zz', { fullTranscript: false })).rejects.toThrow(/No participant "zz"/);
  });
});

describe('queryParticipants', () => {
  it('conditions and text together, a page at a time', async () => {
    const r = await queryParticipants(store, { studyId, where: [{ field: 'tag', op: 'eq', value: 'churned' }], text: 'price', include: ['attr.mrr'], limit: 1 });
    expect([r.total, r.returned]).toEqual([2, 1]);
    expect(r.participants[0]).toMatchObject({ participant_id: 'p1', values: { 'attr.mrr': 120 } });
    const next = await queryParticipants(store, { studyId, where: [{ field: 'tag', op: 'eq', value: 'churned' }], text: 'price', include: [], limit: 1, cursor: r.next_cursor! });
    expect(next.participants.map((p) => p.participant_id)).toEqual(['p3']);
    expect(next.next_cursor).toBeNull();
    await expect(queryParticipants(store, { studyId, where: [], text: '  ', include: [], limit: 5 })).rejects.toThrow(/`text` is empty/);
  });
});
