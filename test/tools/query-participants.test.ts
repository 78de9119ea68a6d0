import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNT_SLICE } from '../../src/store/participant-search.js';
import { connect, type Harness } from '../helpers/harness.js';
import { tempDir } from '../helpers/stores.js';
import { useSampleSegmentation, useTinyStudy } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
useTinyStudy((tiny) => ({ h, study_id } = tiny));

const ids = (r: any) => r.participants.map((p: any) => p.participant_id);
const query = (args: Record<string, unknown>) => h.ok('query_participants', { study_id, ...args });

describe('query_participants', () => {
  it('finds everyone who mentioned pricing, stemmed, with highlighted snippets', async () => {
    const r = await query({ text: 'pricing' });
    // Porter stemming: "pricing" also finds "price" (p1); p3 said "pricing hurts".
    expect(ids(r)).toEqual(['p1', 'p3']);
    expect(r.total).toBe(2);
    const p3 = r.participants[1];
    expect(p3.snippets.length).toBeGreaterThan(0);
    expect(p3.snippets.map((s: any) => s.text).join(' ')).toMatch(/\*\*pricing\*\*|\*\*Pric/i);
    // Notes and transcripts are searched too.
    expect(ids(await query({ text: 'cheaper competitor' }))).toEqual(['p3']);
    expect(ids(await query({ text: 'designers' }))).toEqual(['p2']);
    expect(ids(await query({ text: '"whole team" OR references' }))).toEqual(['p2', 'p4']);
  });

  it('answers "participants whose score is below 3" and shows the value', async () => {
    const r = await query({ where: [{ field: 'answer.importance', op: 'lt', value: 3 }] });
    expect(ids(r)).toEqual(['p3', 'p5']);
    expect(r.participants[0].values).toEqual({ 'answer.importance': 2 });
  });

  it('answers "churned customers who rank price first"', async () => {
    const r = await query({ where: [{ field: 'tag', op: 'eq', value: 'Churned' }, { field: 'answer.factors', op: 'eq', value: 'price' }] });
    expect(ids(r)).toEqual(['p1', 'p3']);
    expect(r.participants[0].values['answer.factors']).toEqual(['Price', 'Speed', 'Trust']);
  });

  it('covers ranking positions, multiple choice, yes/no, attributes, themes and status', async () => {
    expect(ids(await query({ where: [{ field: 'answer.factors:Trust', op: 'lte', value: 2 }] }))).toEqual(['p3', 'p4']);
    expect(ids(await query({ where: [{ field: 'answer.factors', op: 'contains', value: 'trust' }] }))).toEqual(['p1', 'p3', 'p4']);
    expect(ids(await query({ where: [{ field: 'answer.tools', op: 'contains', value: 'slack' }] }))).toEqual(['p1', 'p2', 'p4']);
    expect(ids(await query({ where: [{ field: 'answer.tools:Jira', op: 'eq', value: true }] }))).toEqual(['p1', 'p3']);
    expect(ids(await query({ where: [{ field: 'answer.tools', op: 'neq', value: 'Slack' }] }))).toEqual(['p3', 'p5', 'p6']);
    expect(ids(await query({ where: [{ field: 'answer.team', op: 'eq', value: 'yes' }] }))).toEqual(['p1', 'p2']);
    expect(ids(await query({ where: [{ field: 'answer.use_case', op: 'in', value: ['beta', 'Gamma'] }] }))).toEqual(['p3', 'p4', 'p5']);
    expect(ids(await query({ where: [{ field: 'answer.why', op: 'contains', value: 'EXPENSIVE' }] }))).toEqual(['p3']);
    expect(ids(await query({ where: [{ field: 'answer.why', op: 'exists', value: false }] }))).toEqual(['p5', 'p6']);
    expect(ids(await query({ where: [{ field: 'attr.mrr', op: 'gte', value: 120 }] }))).toEqual(['p1', 'p2', 'p6']);
    expect(ids(await query({ where: [{ field: 'attr.plan', op: 'neq', value: 'PRO' }] }))).toEqual(['p3', 'p4', 'p5', 'p6']);
    expect(ids(await query({ where: [{ field: 'attr.signup_date', op: 'gte', value: '2026-06-01' }] }))).toEqual(['p3', 'p4']);
    expect(ids(await query({ where: [{ field: 'attr.hubspot.stage', op: 'eq', value: 'lead' }] }))).toEqual(['p3', 'p5']);
    expect(ids(await query({ where: [{ field: 'theme', op: 'eq', value: 'pricing' }] }))).toEqual(['p1', 'p3']);
    expect(ids(await query({ where: [{ field: 'theme', op: 'eq', value: 'fast_setup' }] }))).toEqual(['p1']);
    expect(ids(await query({ where: [{ field: 'tag', op: 'in', value: ['new', 'expanded'] }] }))).toEqual(['p2', 'p4', 'p6']);
    expect(ids(await query({ where: [{ field: 'status', op: 'eq', value: 'not_interviewed' }] }))).toEqual(['p6']);
    expect(ids(await query({ where: [{ field: 'status', op: 'in', value: ['partial', 'not_interviewed'] }] }))).toEqual(['p5', 'p6']);
    expect(ids(await query({ where: [{ field: 'email', op: 'contains', value: 'p2@' }] }))).toEqual(['p2']);
  });

  it('combines conditions with text search and includes extra fields', async () => {
    const r = await query({ text: 'price', where: [{ field: 'attr.plan', op: 'eq', value: 'free' }], include: ['attr.mrr', 'answer.nps'] });
    expect(ids(r)).toEqual(['p3']);
    expect(r.participants[0].values).toEqual({ 'attr.plan': 'free', 'attr.mrr': 0, 'answer.nps': 3 });
  });

  it('paginates with a cursor and a stable total', async () => {
    const first = await query({ limit: 4 });
    expect(first).toMatchObject({ total: 6, returned: 4 });
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await query({ limit: 4, cursor: first.next_cursor });
    expect(second).toMatchObject({ total: 6, returned: 2, next_cursor: null });
    expect([...ids(first), ...ids(second)]).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect(await h.fail('query_participants', { study_id, cursor: 'garbage' })).toMatch(/cursor is not valid/);
  });

  it('names the field and the allowed values on bad conditions', async () => {
    expect(await h.fail('query_participants', { study_id, where: [{ field: 'answer.nope', op: 'eq', value: 1 }] })).toMatch(/Unknown question key "nope" in "answer.nope"\. Question keys: "why", "importance", "nps"/);
    expect(await h.fail('query_participants', { study_id, where: [{ field: 'attr.colour', op: 'eq', value: 1 }] })).toMatch(/Unknown attribute "colour".*Attributes: "plan", "mrr"/);
    expect(await h.fail('query_participants', { study_id, where: [{ field: 'answer.why', op: 'gt', value: 1 }] })).toMatch(/op "gt" does not apply here; allowed: "contains", "exists"/);
    expect(await h.fail('query_participants', { study_id, where: [{ field: 'answer.factors', op: 'eq', value: 'Cost' }] })).toMatch(/"Cost" is not an option of "factors"; options: "Price", "Speed", "Trust"/);
    expect(await h.fail('query_participants', { study_id, where: [{ field: 'status', op: 'eq', value: 'done' }] })).toMatch(/not one of "completed", "partial", "not_interviewed"/);
    expect(await h.fail('query_participants', { study_id, where: [{ field: 'attr.mrr', op: 'gt', value: 'lots' }] })).toMatch(/"lots" is not a number/);
    expect(await h.fail('query_participants', { study_id, where: [{ field: 'attr.mrr', op: 'in', value: 5 }] })).toMatch(/needs a list of values/);
    expect(await h.fail('query_participants', { study_id, where: [{ field: 'plan', op: 'eq', value: 'pro' }] })).toMatch(/Unknown field "plan"\. Fields: attr\.<name>/);
    expect(await h.fail('query_participants', { study_id, where: [{ field: 'tag', op: 'like', value: 'x' }] })).toMatch(/op.*expected one of "eq"\|"neq"/);
    expect(await h.fail('query_participants', { study_id, text: '?!' })).toMatch(/no words to search for/);
  });
});

describe('query_participants: the segment field', () => {
  let h: Harness;
  let study_id: number;
  let seg: number;
  let segmentOf: Record<string, number>;
  useSampleSegmentation((s) => ({ h, study_id, seg, segmentOf } = s));

  it('selects members by segment name or number in the latest or a given segmentation', async () => {
    const byName = await h.ok('query_participants', { study_id, segmentation_id: seg, where: [{ field: 'segment', op: 'eq', value: 'The Pragmatist' }], limit: 50 });
    expect(byName.total).toBe(12);
    expect(byName.participants[0].values.segment).toBe('The Pragmatist');
    const byNumber = await h.ok('query_participants', { study_id, segmentation_id: seg, where: [{ field: 'segment', op: 'in', value: [segmentOf['The Pragmatist'], segmentOf['The Advocate']] }], limit: 1 });
    expect(byNumber.total).toBe(22); // 12 + 10 completed interviews
    const not = await h.ok('query_participants', { study_id, segmentation_id: seg, where: [{ field: 'segment', op: 'neq', value: 'The Pragmatist' }], limit: 1 });
    expect(not.total).toBe(36); // every participant not in it, members or not (48 − 12)
    expect(await h.fail('query_participants', { study_id, segmentation_id: 12345, where: [{ field: 'segment', op: 'eq', value: 1 }] })).toMatch(/no segmentation 12345/);
    const fresh = await h.ok('create_study', { name: 'No segments yet' });
    expect(await h.fail('query_participants', { study_id: fresh.study_id, where: [{ field: 'segment', op: 'eq', value: 1 }] })).toMatch(/needs a segmentation/);
  });
});

/**
 * Without a text search each page counts at most COUNT_SLICE more participants: the first page of a
 * large study answers at once with an estimate (total_exact false), later pages refine it, and the
 * total is exact once every participant was counted.
 */
describe('query_participants on a study larger than one counting slice', () => {
  let big: Harness;
  let study: number;
  beforeAll(async () => {
    big = await connect();
    study = (await big.ok('create_study', { name: 'Large', mode: 'structured', probing_depth: 0 })).study_id;
    // 120,000 customers: the first 10,000 on Business, then every tenth (21,000 in all).
    const lines = ['customer_id,plan'];
    for (let i = 0; i < 120_000; i++) lines.push(`C${i},${i < 10_000 || i % 10 === 0 ? 'Business' : 'Team'}`);
    const path = join(tempDir(), 'large.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    await big.ok('import_participants', { study_id: study, path });
  }, 120_000);
  afterAll(() => big.close());

  it('estimates the total from the participants counted so far, and counts on with each page', async () => {
    expect(COUNT_SLICE).toBe(50_000);
    const where = [{ field: 'attr.plan', op: 'eq', value: 'Business' }];
    const first = await big.call('query_participants', { study_id: study, where, limit: 50 });
    // 14,000 of the first 50,000 match: 28% of 120,000.
    expect(first.structuredContent).toMatchObject({ total: 33_600, total_exact: false, returned: 50 });
    expect(first.content[0].text).toMatch(/^About 33600 participant/);
    const second = await big.ok('query_participants', { study_id: study, where, limit: 50, cursor: first.structuredContent.next_cursor });
    expect(second).toMatchObject({ total: 22_800, total_exact: false }); // 19,000 of 100,000
    expect(second.participants[0].participant_id).toBe('C50');
    const third = await big.ok('query_participants', { study_id: study, where, limit: 50, cursor: second.next_cursor });
    expect(third).toMatchObject({ total: 21_000, total_exact: true });
    const fourth = await big.ok('query_participants', { study_id: study, where, limit: 50, cursor: third.next_cursor });
    expect(fourth).toMatchObject({ total: 21_000, total_exact: true });
    expect(fourth.participants[0].participant_id).toBe('C150');
    // Without conditions every participant matches: exact at once.
    expect(await big.ok('query_participants', { study_id: study, limit: 1 })).toMatchObject({ total: 120_000, total_exact: true });
  });

  it('makes the total exact on the last page', async () => {
    // The first 150 customers: the last page comes before the counting has reached the end.
    const where = [{ field: 'participant_id', op: 'in', value: Array.from({ length: 150 }, (_, i) => `C${i}`) }];
    const first = await big.ok('query_participants', { study_id: study, where, limit: 100 });
    expect(first).toMatchObject({ total: 360, total_exact: false, returned: 100 }); // 150 of 50,000 counted
    const last = await big.ok('query_participants', { study_id: study, where, limit: 100, cursor: first.next_cursor });
    expect(last).toMatchObject({ total: 150, total_exact: true, returned: 50, next_cursor: null });
  });
});
