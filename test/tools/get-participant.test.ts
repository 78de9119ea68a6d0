import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';
import { seedTinyStudy } from '../helpers/fixtures.js';

let h: Harness;
beforeEach(async () => { h = await connect(); });
afterEach(async () => h.close());

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
