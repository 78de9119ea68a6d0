/** fetch (ChatGPT connectors, deep research) through the MCP client: each kind of search result in full. */
import { describe, expect, it } from 'vitest';
import { useTinyStudy } from '../helpers/fixtures.js';
import { connectAs, type Harness } from '../helpers/harness.js';

let h: Harness;
let study_id: number;
useTinyStudy((s) => ({ h, study_id } = s));

describe('fetch', () => {
  it('reads a segment, a participant, a study, a quote and a report as text', async () => {
    const { segmentation_id } = await h.ok('segment_by_rules', { study_id, segments: [{ name: 'Price Watchers', where: [{ field: 'answer.factors', op: 'eq', value: 'Price' }] }] });
    await h.ok('update_segment', { segmentation_id, segment_id: 1, persona: 'Counts every cent before renewing.' });
    await h.ok('generate_report', { study_id });
    const segmentId = `segment:${segmentation_id}:1`;
    const seg = await h.ok('fetch', { id: segmentId });
    expect(seg).toMatchObject({ id: segmentId, url: `seglab://studies/${study_id}/segmentations/${segmentation_id}/segments/1`, metadata: { type: 'segment', study_id, segmentation_id, segment_id: 1 } });
    expect(seg.text).toMatch(/Price Watchers — \d+ participants/);
    expect(seg.text).toMatch(/Persona: Counts every cent/);

    const person = await h.ok('fetch', { id: `participant:${study_id}:p2` });
    expect(person).toMatchObject({ title: 'Participant p2 (Ben Ode)', url: `seglab://studies/${study_id}/participants/p2`, metadata: { type: 'participant', study_id, participant_id: 'p2', status: 'completed' } });
    expect(person.text).toMatch(/Transcript:\n.*Our designers wanted the integrations/s);

    const study = await h.ok('fetch', { id: `study:${study_id}` });
    expect(study.text).toMatch(/Tiny/);
    const quoteId = (await h.ok('search', { query: 'expensive' })).results.find((r: any) => r.id.startsWith('quote:')).id;
    expect((await h.ok('fetch', { id: quoteId })).text).toBe('"Too expensive for what it does"\n— p3, answering "Why did you choose us?"');
    const md = await h.ok('fetch', { id: `report:${study_id}` });
    expect(md.text).toMatch(/^# /);
    expect(JSON.stringify(md).length).toBeLessThan(20_000);
  });

  it('explains bad ids', async () => {
    expect(await h.fail('fetch', { id: 'nonsense' })).toMatch(/ids look like study:1, participant:1:c42/);
    expect(await h.fail('fetch', { id: `participant:${study_id}:nobody` })).toMatch(/No participant "nobody"/);
    expect(await h.fail('fetch', { id: 'quote:99999' })).toMatch(/No quote 99999/);
  });

  it('keeps a study-limited caller inside its studies', async () => {
    const other = await h.ok('create_study', { name: 'Elsewhere' });
    await h.ok('import_participants', { study_id: other.study_id, csv: 'id,email\nx1,secret@else.example\n' });
    const client = await connectAs(h, { kind: 'token', name: 'lim', role: 'viewer', studies: [study_id] });
    const fetched: any = await client.callTool({ name: 'fetch', arguments: { id: `participant:${other.study_id}:x1` } });
    expect(fetched.isError).toBe(true);
    expect(fetched.content[0].text).toMatch(/is open to you/);
    expect((await client.listResources()).resources.map((r) => r.uri)).not.toContain(`seglab://studies/${other.study_id}`);
    const ids = await client.complete({ ref: { type: 'ref/resource', uri: 'seglab://studies/{study_id}' }, argument: { name: 'study_id', value: '' } });
    expect(ids.completion.values).toEqual([String(study_id)]);
    const promptIds = await client.complete({ ref: { type: 'ref/prompt', name: 'synthesize_findings' }, argument: { name: 'study_id', value: '' } });
    expect(promptIds.completion.values).toEqual([String(study_id)]);
    const people = await client.complete({ ref: { type: 'ref/resource', uri: 'seglab://studies/{study_id}/participants/{participant_id}' }, argument: { name: 'participant_id', value: 'x' }, context: { arguments: { study_id: String(other.study_id) } } });
    expect(people.completion.values).toEqual([]);
    await expect(client.readResource({ uri: `seglab://studies/${other.study_id}` })).rejects.toThrow(/not open to "lim"/);
    await client.close();
  });
});
