/**
 * Text search bounded per document (issue 12): one transcript with 100,000 hits used to take minutes
 * (snippet() costs the square of the hits in the row it reads: 50,000 hits 11–44 s, 100,000 hits 49–215 s)
 * and blocked every other call; transcripts had no length limit. Snippets now come from one window of
 * the text, the query keeps its meaning over whole texts, and a transcript holds at most 1,000,000
 * characters. All through the MCP client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';

let h: Harness;
let study_id: number;

/** A real interview's rhythm: speaker turns, filler, a topic that comes back. */
const turn = (i: number, words: string) => `${i % 2 ? 'Interviewer' : 'Customer'}: ${words}`;
const filler = (n: number, seed: number) => Array.from({ length: n }, (_, i) => ['so', 'we', 'basically', 'looked', 'at', 'the', 'options', 'and', 'then'][(i * 7 + seed) % 9]).join(' ');

beforeAll(async () => {
  h = await connect();
  ({ study_id } = await h.ok('create_study', { name: 'Hostile transcripts' }));
  await h.ok('add_questions', { study_id, questions: [{ key: 'why', type: 'open_ended', text: 'Why did you leave?' }] });
  const record = (participant_id: string, args: Record<string, unknown>) => h.ok('record_interview', { study_id, participant_id, participant: { name: participant_id }, ...args });
  // 100,000 hits of one word in one transcript (~800,000 characters, inside the limit).
  await record('crowded', { transcript: Array.from({ length: 100_000 }, () => 'pricing').join(' ') });
  // A 3-hour interview (~200,000 characters): "onboarding" early, "competitor" near the end, a phrase
  // laid across where one 2,000-character window ends and the next begins.
  const turns: string[] = [];
  for (let i = 0; turns.join('\n').length < 200_000; i++) turns.push(turn(i, filler(40, i)));
  turns.splice(3, 0, 'Customer: onboarding took us three weeks.');
  turns.push('Customer: in the end a competitor offered a migration service.');
  let long = turns.join('\n');
  const boundary = 2_000 * 40 - 10; // the phrase starts 10 characters before window 40 begins
  long = `${long.slice(0, boundary)} annual contract renewal ${long.slice(boundary)}`;
  await record('three-hours', { transcript: long, answers: [{ question: 'why', value: 'Too expensive for what we used.' }] });
  await record('short', { transcript: 'Customer: pricing was fine, onboarding was slow.', quotes: [{ text: 'onboarding was slow' }] });
}, 120_000);
afterAll(() => h.close());

const query = (text: string, extra: Record<string, unknown> = {}) => h.ok('query_participants', { study_id, text, ...extra });
const ids = (r: any) => r.participants.map((p: any) => p.participant_id);

describe('text search over long transcripts', () => {
  it('answers a word said 100,000 times in one transcript, with a snippet from a window of it', async () => {
    const r = await query('pricing');
    expect(ids(r)).toEqual(['crowded', 'short']);
    const crowded = r.participants[0];
    expect(crowded.snippets).toHaveLength(1);
    expect(crowded.snippets[0].source).toBe('transcript');
    expect(crowded.snippets[0].text).toMatch(/^(\*\*pricing\*\* ){15}\*\*pricing\*\*…$/);
    // Other calls are answered as usual afterwards (nothing left running).
    expect((await h.ok('list_studies', {})).studies[0].participants).toBe(3);
  }, 60_000);

  it('keeps whole-text meaning: words far apart in one transcript match together, NOT excludes', async () => {
    // "onboarding" ~100 characters in, "competitor" ~200,000 characters later: no window holds both.
    expect(ids(await query('onboarding competitor'))).toEqual(['three-hours']);
    expect(ids(await query('onboarding AND competitor'))).toEqual(['three-hours']);
    expect(ids(await query('onboarding NOT competitor'))).toEqual(['short']);
    expect(ids(await query('competitor OR "was slow"'))).toEqual(['three-hours', 'short']);
    const far = (await query('onboarding competitor')).participants[0];
    expect(far.snippets[0].text).toMatch(/\*\*onboarding\*\*|\*\*competitor\*\*/);
  });

  it('finds a phrase that straddles two windows, and shows it highlighted', async () => {
    const r = await query('"annual contract renewal"');
    expect(ids(r)).toEqual(['three-hours']);
    expect(r.participants[0].snippets[0].text).toContain('**annual contract renewal**');
  });

  it('prefers the participant\'s own short words (quotes, answers) for snippets, two at most', async () => {
    const r = await query('onboarding OR expensive', { limit: 5 });
    const short = r.participants.find((p: any) => p.participant_id === 'short');
    expect(short.snippets).toEqual([
      { source: 'quote', text: '**onboarding** was slow' },
      { source: 'transcript', text: 'Customer: pricing was fine, **onboarding** was slow.' },
    ]);
    const long = r.participants.find((p: any) => p.participant_id === 'three-hours');
    expect(long.snippets.map((s: any) => s.source)).toEqual(['answer', 'transcript']);
  });

  it('survives hostile query syntax: no error, no internals, operators where FTS5 would choke', async () => {
    const totals: Record<string, number> = {};
    for (const text of ['"unclosed pricing', 'pricing NOT', 'OR OR pricing AND', 'NEAR(pricing onboarding, 2)', 'transcript:pricing', '^pricing', 'pric*', '(pricing) OR {competitor}', "pricing'; DROP TABLE said; --", 'NOT pricing']) {
      const r = await query(text);
      totals[text] = r.total;
      for (const p of r.participants) {
        expect(p.snippets.length, text).toBeGreaterThan(0);
        for (const s of p.snippets) expect(s.text, text).toMatch(/\*\*/);
      }
    }
    expect(totals).toEqual({
      '"unclosed pricing': 0, // both words, as an unclosed quote is read as words
      'pricing NOT': 2,
      'OR OR pricing AND': 2,
      'NEAR(pricing onboarding, 2)': 0, // the words NEAR, pricing, onboarding and 2, all of them
      'transcript:pricing': 0, // "transcript" is a word here, not a column filter
      '^pricing': 2,
      'pric*': 2,
      '(pricing) OR {competitor}': 3,
      "pricing'; DROP TABLE said; --": 0,
      'NOT pricing': 2,
    });
    expect(await h.fail('query_participants', { study_id, text: '?! -- **' })).toMatch(/has no words to search for/);
  });

  it('search (ChatGPT connectors) lists each participant once, however many times they said it', async () => {
    const r = await h.ok('search', { query: 'pricing' });
    const people = r.results.filter((x: any) => x.id.startsWith('participant:')).map((x: any) => x.id);
    expect(people).toEqual([...new Set(people)]);
    expect(people.sort()).toEqual([`participant:${study_id}:crowded`, `participant:${study_id}:short`]);
    expect(r.results.find((x: any) => x.id.endsWith(':crowded')).title).toMatch(/^Participant crowded \(crowded\): "(pricing ){11}pricing…"$/);
  });
});

describe('transcript length limit', () => {
  it('refuses a transcript over 1,000,000 characters, naming the field and the limit, and saves nothing', async () => {
    const text = 'word '.repeat(200_001); // 1,000,005 characters
    expect(await h.fail('record_interview', { study_id, participant_id: 'short', transcript: text })).toMatch(/transcript: transcript is longer than 1,000,000 characters \(about 15 hours of speech\)/);
    // As speaker turns, the joined text counts (turns are each within the limit).
    const turns = [{ speaker: 'Customer', text: 'a'.repeat(600_000) }, { speaker: 'Interviewer', text: 'b'.repeat(600_000) }];
    expect(await h.fail('record_interview', { study_id, participant_id: 'short', transcript: turns })).toMatch(/transcript: 1,200,024 characters \(with the speakers' names\) is more than the 1,000,000/);
    const kept = await h.ok('get_participant', { study_id, participant_id: 'short' });
    expect(kept.transcript).toBe('Customer: pricing was fine, onboarding was slow.');
  });

  it('refuses an open answer over 20,000 characters', async () => {
    expect(await h.fail('record_interview', { study_id, participant_id: 'short', answers: [{ question: 'why', value: 'x'.repeat(20_001) }] })).toMatch(/answers\.0\.value: an answer holds at most 20,000 characters/);
  });
});
