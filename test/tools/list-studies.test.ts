import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';
import { seedTinyStudy } from '../helpers/fixtures.js';
import { testPostgresServer } from '../helpers/stores.js';

let h: Harness;
beforeEach(async () => { h = await connect(); });
afterEach(async () => h.close());

describe('list_studies', () => {
  it('lists studies with counts, paginated', async () => {
    expect((await h.call('list_studies', {})).content[0].text).toMatch(/No studies yet/);
    await seedTinyStudy(h);
    for (const name of ['B', 'C']) await h.ok('create_study', { name });
    const page1 = await h.ok('list_studies', { limit: 2 });
    expect(page1.total).toBe(3);
    expect(page1.studies[0]).toMatchObject({ study_id: 1, name: 'Tiny', participants: 6, interviews_completed: 4, interviews_partial: 1, ready: false, missing: ['open_questions', 'interviews', 'sample_mix'] });
    expect(page1.studies[1].missing).toEqual(['decision', 'structured_questions', 'open_questions', 'interviews', 'sample_mix']);
    const page2 = await h.ok('list_studies', { limit: 2, cursor: page1.next_cursor });
    expect(page2.studies.map((s: any) => s.name)).toEqual(['C']);
    expect(page2.next_cursor).toBeNull();
    // A cursor names its list: query_participants' cursor is not a list_studies position.
    const people = await h.ok('query_participants', { study_id: 1, limit: 1 });
    expect(await h.fail('list_studies', { cursor: people.next_cursor })).toMatch(/cursor is not valid/);
  });

  it('keeps the counts of each study until its data changes, then counts again', async () => {
    const study_id = await seedTinyStudy(h);
    const listed = async () => (await h.ok('list_studies', {})).studies[0];
    expect(await listed()).toMatchObject({ participants: 6, interviews_completed: 4, interviews_partial: 1 });
    const kept = await h.store.studies.keptListFacts(study_id);
    expect(kept).toMatchObject({ version: await h.store.studies.dataVersion(study_id), counts: { participants: 6, interviews_completed: 4 } });
    await h.ok('import_participants', { study_id, csv: 'participant_id,tags\nn1,new\nn2,churned;long-tenure\n' });
    expect(await listed()).toMatchObject({ participants: 8, interviews_completed: 4 });
    await h.ok('record_interview', { study_id, participant_id: 'n1', status: 'partial', answers: [] });
    expect(await listed()).toMatchObject({ participants: 8, interviews_completed: 4, interviews_partial: 2 });
    expect((await h.store.studies.keptListFacts(study_id))?.tags.map((t) => t.tag)).toEqual(expect.arrayContaining(['new', 'churned', 'long-tenure']));
    await h.ok('delete_participant', { study_id, participant_id: 'n2', confirm: true });
    expect(await listed()).toMatchObject({ participants: 7, interviews_partial: 2 });
    expect((await h.store.studies.keptListFacts(study_id))?.tags.map((t) => t.tag)).not.toContain('long-tenure');
  });

  it('keeps the counts exact on write: interviews, new and deleted participants and other changes adjust them in their transaction, never stale', async () => {
    const study_id = await seedTinyStudy(h);
    await h.ok('create_study', { name: 'Other' });
    const listed = async () => (await h.ok('list_studies', {})).studies.find((s: any) => s.study_id === study_id);
    /** What counting everything again gives. */
    const recount = async () => ({ counts: await h.store.studies.counts(study_id), tags: await h.store.studies.tagCounts(study_id) });
    /** The kept counts are current right after the write (nothing to count at the next list) and equal a recount; list_studies shows them. */
    const exactAfterWrite = async () => {
      const kept = await h.store.studies.keptListFacts(study_id);
      const counted = await recount();
      expect(kept).toEqual({ version: await h.store.studies.dataVersion(study_id), ...counted });
      const row = await listed();
      expect(row).toMatchObject({ participants: counted.counts.participants, interviews_completed: counted.counts.interviews_completed, interviews_partial: counted.counts.interviews_partial });
      return counted;
    };
    await listed();
    // A first interview, a re-recorded one changing its status, and one creating its participant with tags.
    await h.ok('record_interview', { study_id, participant_id: 'p6', status: 'partial', answers: [] });
    await exactAfterWrite();
    await h.ok('record_interview', { study_id, participant_id: 'p6', status: 'completed', answers: [] });
    await exactAfterWrite();
    await h.ok('record_interview', { study_id, participant_id: 'walk-in', status: 'partial', participant: { email: 'w@acme.example', tags: ['churned', 'walk-in', 'walk-in'] }, answers: [] });
    expect((await exactAfterWrite()).tags).toEqual(expect.arrayContaining([{ tag: 'walk-in', count: 1 }, { tag: 'churned', count: 4 }]));
    // Themes, questions, an attribute's type, assignments change no count: the counts are carried.
    await h.ok('code_themes', { study_id, codes: [{ participant_id: 'p1', theme: 'pricing' }] });
    await exactAfterWrite();
    await h.ok('add_questions', { study_id, questions: [{ type: 'open_ended', text: 'What would you change first?' }] });
    await exactAfterWrite();
    await h.ok('set_attribute_type', { study_id, attribute: 'mrr', type: 'text' });
    await exactAfterWrite();
    // Deleting participants, interviewed or not, with tags only they had.
    await h.ok('delete_participant', { study_id, participant_id: 'walk-in', confirm: true });
    expect((await exactAfterWrite()).tags.map((t) => t.tag)).not.toContain('walk-in');
    await h.ok('delete_participant', { study_id, participant_id: 'p6', confirm: true });
    expect((await exactAfterWrite()).counts).toMatchObject({ participants: 5 });
    // An import changes many counts at once: counted again at the next list, exact too.
    await h.ok('import_participants', { study_id, csv: 'participant_id,tags\nn1,new\nn2,churned;long-tenure\n' });
    expect(await h.store.studies.keptListFacts(study_id)).toBeNull();
    expect(await listed()).toMatchObject({ participants: 7 });
    await exactAfterWrite();
    // The other study's counts were never touched.
    expect((await h.ok('list_studies', {})).studies.find((s: any) => s.name === 'Other')).toMatchObject({ participants: 0, interviews_completed: 0, interviews_partial: 0 });
  });

  it('adjusts kept tag counts only while they are complete: a tag beyond the kept most common ones is counted again', async () => {
    const study_id = await seedTinyStudy(h);
    const many = Array.from({ length: 60 }, (_, i) => `m${i},tag-${String(i).padStart(2, '0')}`).join('\n');
    await h.ok('import_participants', { study_id, csv: `participant_id,tags\n${many}\n` });
    await h.ok('list_studies', {});
    expect((await h.store.studies.keptListFacts(study_id))?.tags).toHaveLength(50);
    await h.ok('record_interview', { study_id, participant_id: 'late', status: 'completed', participant: { tags: ['tag-59'] }, answers: [] });
    // tag-59 is not among the 50 kept: its count is unknown without counting.
    expect(await h.store.studies.keptListFacts(study_id)).toBeNull();
    await h.ok('list_studies', {});
    expect((await h.store.studies.keptListFacts(study_id))?.tags).toEqual(await h.store.studies.tagCounts(study_id));
    expect((await h.store.studies.tagCounts(study_id)).find((t) => t.tag === 'tag-59')).toEqual({ tag: 'tag-59', count: 2 });
  });
});

/**
 * A large study's counts are counted again on a worker thread with its own connection (the read waits
 * for exact figures; other sessions' calls go on). SEGLAB_COUNTS_INLINE_MAX=0 makes this small study
 * "large"; the database is a file (or PostgreSQL) so that a worker can open it.
 */
describe('list_studies and export_segments: counting again on a worker', () => {
  let c: Harness;
  const bound = process.env.SEGLAB_COUNTS_INLINE_MAX;
  beforeEach(async () => {
    process.env.SEGLAB_COUNTS_INLINE_MAX = '0';
    c = await connect(testPostgresServer() ? {} : { dbPath: join(mkdtempSync(join(tmpdir(), 'seglab-counts-')), 'counts.db') });
  });
  afterEach(async () => {
    await c.close();
    if (bound === undefined) delete process.env.SEGLAB_COUNTS_INLINE_MAX;
    else process.env.SEGLAB_COUNTS_INLINE_MAX = bound;
  });

  it('counts exactly after an import and a deletion, and keeps what it counted', async () => {
    const study_id = await seedTinyStudy(c);
    await c.ok('import_participants', { study_id, csv: 'participant_id,email,tags\nn1,n1@x.example,new\nn2,,churned;long-tenure\n' });
    expect(await c.store.studies.keptListFacts(study_id)).toBeNull();
    const [a, b] = await Promise.all([c.ok('list_studies', {}), c.ok('list_studies', {})]);
    expect(a.studies[0]).toMatchObject({ participants: 8, interviews_completed: 4, interviews_partial: 1 });
    expect(b.studies[0]).toEqual(a.studies[0]);
    expect(await c.store.studies.keptListFacts(study_id)).toEqual({ version: await c.store.studies.dataVersion(study_id), counts: await c.store.studies.counts(study_id), tags: await c.store.studies.tagCounts(study_id) });

    const seg = (await c.ok('segment_by_rules', { study_id, segments: [{ name: 'Pro', where: [{ field: 'attr.plan', op: 'eq', value: 'pro' }] }, { name: 'Team', where: [{ field: 'attr.plan', op: 'eq', value: 'team' }] }] })).segmentation_id;
    const first = await c.ok('export_segments', { segmentation_id: seg, format: 'json', limit: 3 });
    expect({ participants: first.total, without_email: first.without_email }).toEqual(await c.store.segmentations.exportTotals(seg));
    await c.ok('delete_participant', { study_id, participant_id: first.rows[0].participant_id, confirm: true });
    const again = await c.ok('export_segments', { segmentation_id: seg, format: 'json', limit: 3 });
    expect(again.total).toBe(first.total - 1);
    expect((await c.store.segmentations.storedExportTotals(seg))).toMatchObject({ version: await c.store.studies.dataVersion(study_id), members: await c.store.segmentations.exportTotals(seg) });
  });
});
