/** search (ChatGPT connectors, deep research) through the MCP client. */
import { describe, expect, it } from 'vitest';
import { useTinyStudy } from '../helpers/fixtures.js';
import { connectAs, type Harness } from '../helpers/harness.js';

let h: Harness;
let study_id: number;
useTinyStudy((s) => ({ h, study_id } = s));

describe('search', () => {
  it('finds participants by what they said, quotes, studies and e-mails, with ids and URLs', async () => {
    const { results } = await h.ok('search', { query: 'expensive pricing' });
    expect(results.map((r: any) => r.id)).toContain(`participant:${study_id}:p3`);
    // Both quotes match one word each: which comes first is the engine's ranking (SQLite's bm25 weighs
    // the rarer word, PostgreSQL's ts_rank does not), so the check is that both are found.
    const quotes = results.filter((r: any) => r.id.startsWith('quote:'));
    const quoteUrl = expect.stringMatching(new RegExp(`^seglab://studies/${study_id}/quotes/\\d+$`));
    expect(quotes).toEqual(expect.arrayContaining([
      { id: expect.any(String), title: expect.stringMatching(/^Quote from p3: ".*[Ee]xpensive/), url: quoteUrl },
      { id: expect.any(String), title: expect.stringMatching(/^Quote from p1: ".*price was fair/), url: quoteUrl },
    ]));
    expect(quotes).toHaveLength(2);
    for (const r of results) expect(r).toEqual({ id: expect.any(String), title: expect.any(String), url: expect.stringMatching(/^seglab:\/\//) });
    expect((await h.ok('search', { query: 'Tiny' })).results[0]).toEqual({ id: `study:${study_id}`, title: 'Study: Tiny', url: `seglab://studies/${study_id}` });
    expect((await h.ok('search', { query: 'p2@acme.example' })).results.map((r: any) => r.id)).toEqual([`participant:${study_id}:p2`]);
    expect((await h.ok('search', { query: 'zzzz nothing like this' })).results).toEqual([]);
  });

  it('finds segments by name and persona, and reports by at least half the words', async () => {
    const { segmentation_id } = await h.ok('segment_by_rules', { study_id, segments: [{ name: 'Price Watchers', where: [{ field: 'answer.factors', op: 'eq', value: 'Price' }] }] });
    await h.ok('update_segment', { segmentation_id, segment_id: 1, persona: 'Counts every cent before renewing.' });
    await h.ok('generate_report', { study_id });
    const { results } = await h.ok('search', { query: 'Price Watchers' });
    expect(results.find((r: any) => r.id.startsWith('segment:'))).toEqual({ id: `segment:${segmentation_id}:1`, title: expect.stringMatching(/Price Watchers/), url: `seglab://studies/${study_id}/segmentations/${segmentation_id}/segments/1` });
    expect(results.find((r: any) => r.id === `report:${study_id}`)).toEqual({ id: `report:${study_id}`, title: 'Report: Tiny', url: `seglab://studies/${study_id}/report.md` });
    expect((await h.ok('search', { query: 'every cent' })).results.map((r: any) => r.id)).toContain(`segment:${segmentation_id}:1`);
  });

  it('keeps a study-limited caller inside its studies', async () => {
    const other = await h.ok('create_study', { name: 'Elsewhere' });
    await h.ok('import_participants', { study_id: other.study_id, csv: 'id,email\nx1,secret@else.example\n' });
    const client = await connectAs(h, { kind: 'token', name: 'lim', role: 'viewer', studies: [study_id] });
    const found: any = await client.callTool({ name: 'search', arguments: { query: 'secret@else.example Elsewhere' } });
    expect(JSON.stringify(found.structuredContent)).not.toMatch(/x1|Elsewhere|secret@/);
    await client.close();
  });
});
