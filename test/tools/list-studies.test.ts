import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';
import { seedTinyStudy } from '../helpers/fixtures.js';

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
});
