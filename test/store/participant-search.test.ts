/** ParticipantSearch over a few hundred participants: keyset pages, a stable total, snippets, bad searches. */
import { afterAll, describe, expect, it } from 'vitest';
import { importInThisThread } from '../../src/app/import-participants.js';
import { recordInterview } from '../../src/app/interviews.js';
import { addQuestions, createStudy } from '../../src/app/studies.js';
import { localFiles, tempStore } from '../helpers/stores.js';

const store = tempStore();
const { study_id: studyId } = await createStudy(store, { name: 'Search', mode: 'hybrid', probing_depth: 2 });
await addQuestions(store, studyId, [{ key: 'why', type: 'open_ended', text: 'Why?' }]);
const ids = Array.from({ length: 250 }, (_, i) => `c${String(i).padStart(3, '0')}`);
await importInThisThread(store, localFiles(), { studyId, csv: `id,score\n${ids.map((id, i) => `${id},${i % 10}`).join('\n')}\n`, onDuplicate: 'error', skipInvalid: false, dryRun: false });
// Every third participant mentions pricing, in an answer and again in notes.
for (const [i, id] of ids.entries()) if (i % 3 === 0) await recordInterview(store, { studyId, participantId: id, answers: [{ question: 'why', value: `The pricing page confused us (${id})` }], notes: 'Pricing came up twice. Pricing again.', quotes: [], themes: [], status: 'completed' });
const fields = await store.fieldCatalog(studyId);
afterAll(() => store.close());

const search = async (more: { text?: string; cursor?: string; limit?: number }) => await store.search.search(studyId, fields, { where: [{ field: 'attr.score', op: 'lt', value: 5 }], include: [], limit: 40, ...more });

describe('ParticipantSearch', () => {
  it('pages through every match once, in id order, with the same total on each page', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search({ cursor });
      expect(page.total).toBe(125);
      seen.push(...page.participants.map((p) => p.participant_id));
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual(ids.filter((_, i) => i % 10 < 5));
  });

  it('a participant added between pages is not shown twice and nobody is skipped', async () => {
    const high = async (more: { limit: number; cursor?: string }) => await store.search.search(studyId, fields, { where: [{ field: 'attr.score', op: 'gte', value: 5 }], include: [], ...more });
    const first = await high({ limit: 10 });
    await importInThisThread(store, localFiles(), { studyId, csv: 'id,score\nlate,9\n', onDuplicate: 'error', skipInvalid: false, dryRun: false });
    const rest = await high({ limit: 1000, cursor: first.next_cursor! });
    const all = [...first.participants, ...rest.participants].map((p) => p.participant_id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.at(-1)).toBe('late');
    expect(all).toHaveLength(126);
  });

  it('text search: matches with at most two highlighted snippets each; a query with no words is refused', async () => {
    const r = await search({ text: 'price', limit: 500 });
    expect(r.total).toBe(ids.filter((_, i) => i % 3 === 0 && i % 10 < 5).length);
    for (const p of r.participants) {
      expect(p.snippets.length).toBeGreaterThan(0);
      expect(p.snippets.length).toBeLessThanOrEqual(2);
      expect(p.snippets.every((s) => /\*\*pricing\*\*/i.test(s.text))).toBe(true);
    }
    await expect(search({ text: '?!' })).rejects.toThrow(/no words to search for/);
  });
});
