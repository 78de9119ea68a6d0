/** get_segmentation through the MCP client, and segments shown by get_study and get_participant. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCards, cardRefreshesSettled, loadedSources } from '../../src/app/segment-cards.js';
import { loadSegmentation } from '../../src/app/segmentations.js';
import { connect, type Harness } from '../helpers/harness.js';
import { testPostgresServer } from '../helpers/stores.js';
import { sampleArchetypes, seedSampleStudy, useSampleSegmentation } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
let seg: number;
let segmentOf: Record<string, number>;
useSampleSegmentation((s) => ({ h, study_id, seg, segmentOf } = s));

describe('get_segmentation', () => {
  it('returns profiles and persona cards whose every claim cites members of the segment', async () => {
    await h.ok('update_segment', { segmentation_id: seg, segment_id: 'The Pragmatist', playbook: { sales: 'Lead with price' } });
    const all = await h.ok('get_segmentation', { segmentation_id: seg });
    expect(all.method).toBe('kmeans');
    expect(all.segments).toHaveLength(4);
    expect(all.other_segments).toEqual([]);
    // Each segment in full (segment_id): the all-segments view shares the output budget.
    const r = { segments: [] as any[] };
    for (const s of all.segments) r.segments.push(...(await h.ok('get_segmentation', { segmentation_id: seg, segment_id: s.segment_id })).segments);
    const members = new Map((await h.store.segmentations.members(seg)).map((m) => [m.participant_id, m.segment_id]));
    for (const s of r.segments) {
      const p = s.persona;
      const claims = [p.role, ...p.context, ...p.goals, ...p.frustrations, ...p.behaviours].filter(Boolean);
      expect(claims.length).toBeGreaterThan(3);
      for (const c of claims) {
        expect(c.participant_ids.length, c.text).toBeGreaterThan(0);
        for (const id of c.participant_ids) expect(members.get(id), `${c.text} cites ${id}`).toBe(s.segment_id);
      }
      expect(members.get(p.quote.participant_id)).toBe(s.segment_id);
      expect(s.profile.find((f: any) => f.field === 'answer.core_value_importance').measure).toBe('mean');
    }
    const struggler = r.segments.find((s: any) => s.segment_id === segmentOf['The Struggler']);
    expect(struggler.persona.frustrations.map((c: any) => c.text).join(' ')).toMatch(/needs guidance|onboarding friction/);
    expect(struggler.persona.context.map((c: any) => c.text).join(' ')).toMatch(/tagged churned/);
    const pragmatist = r.segments.find((s: any) => s.name === 'The Pragmatist');
    expect(pragmatist.persona.name).toBe('The Pragmatist');
    expect(pragmatist.playbook.sales).toBe('Lead with price');
    expect(pragmatist.profile.find((f: any) => f.field === 'answer.buying_factors').values[0]).toMatchObject({ option: 'Price' });
  });

  it('pages through members and focuses on one segment by name', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await h.ok('get_segmentation', { segmentation_id: seg, limit: 20, ...(cursor ? { cursor } : {}) });
      expect(page.members.total).toBe(44);
      seen.push(...page.members.participants.map((m: any) => m.participant_id));
      cursor = page.members.next_cursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(44);
    const one = await h.ok('get_segmentation', { segmentation_id: seg, segment_id: 'The Pragmatist', limit: 50 });
    expect(one.segments).toHaveLength(1);
    expect(one.members.total).toBe(12);
    expect(one.members.participants.every((m: any) => sampleArchetypes[m.participant_id] === 'The Pragmatist')).toBe(true);
  });

  it('shows segments in get_study and get_participant', async () => {
    const study = await h.ok('get_study', { study_id });
    expect(study.segmentations.some((s: any) => s.segmentation_id === seg && s.method === 'kmeans' && s.k === 4)).toBe(true);
    const p = await h.ok('get_participant', { study_id, participant_id: 'C1023' });
    expect(p.segments.find((s: any) => s.segmentation_id === seg)).toMatchObject({ name: 'The Pragmatist' });
  });
});

/**
 * Segment cards are stored with the segmentation and shown from there; every data change after the
 * segmentation was saved makes the next get_segmentation rebuild them, so a page always shows what
 * building the cards from the current data gives.
 */
describe('get_segmentation: stored segment cards follow the data', () => {
  let c: Harness;
  let study: number;
  let segmentation: number;
  let struggler: number;
  beforeAll(async () => {
    c = await connect();
    study = await seedSampleStudy(c);
    segmentation = (await c.ok('cluster_participants', { study_id: study, k: 4, bootstraps: 5 })).segmentation_id;
    const members = await c.store.segmentations.members(segmentation);
    struggler = members.find((m) => sampleArchetypes[m.participant_id] === 'The Struggler')!.segment_id;
  }, 60_000);
  afterAll(() => c.close());

  /** The cards (with the segments' sizes) as building them from the data now gives (what every page showed before cards were stored). */
  const builtNow = async () => {
    const loaded = await loadSegmentation(c.store, segmentation);
    const cards = await buildCards(c.store, loadedSources(loaded));
    return new Map(loaded.segments.map((s, g) => [s.segment_id, { size: s.size, card: cards[g]! }]));
  };
  const shown = async (segment_id: number) => (await c.ok('get_segmentation', { segmentation_id: segmentation, segment_id, limit: 1 })).segments[0].persona;
  const texts = (persona: any) => [persona.role, ...persona.context, ...persona.goals, ...persona.frustrations, ...persona.behaviours].filter(Boolean).map((x: any) => x.text);
  const storedVersion = async () => (await c.store.segmentations.cards(segmentation)).version;

  it('are stored when the segmentation is saved, equal to cards built from the data, and shown as stored', async () => {
    const stored = await c.store.segmentations.cards(segmentation);
    expect(stored.version).toBe(await c.store.studies.dataVersion(study));
    expect(stored.cards).toEqual(await builtNow());
    for (const [segment_id, { card }] of stored.cards) {
      const persona = await shown(segment_id);
      expect(texts(persona)).toEqual(texts(card));
      expect(persona.quote).toEqual(card.quote);
    }
    // Reading does not rebuild fresh cards.
    expect(await storedVersion()).toBe(stored.version);
  });

  it('a renamed segment keeps its card and shows its new name and narrative', async () => {
    const before = await storedVersion();
    await c.ok('update_segment', { segmentation_id: segmentation, segment_id: struggler, name: 'Lost Souls', persona: 'Needs a guide.' });
    const persona = await shown(struggler);
    expect(persona.name).toBe('Lost Souls');
    expect(persona.narrative).toBe('Needs a guide.');
    expect(await storedVersion()).toBe(before);
  });

  it('themes coded after the segmentation show on the next page: the stale cards are rebuilt', async () => {
    const members = (await c.store.segmentations.members(segmentation, { segmentId: struggler })).map((m) => m.participant_id);
    expect(texts(await shown(struggler)).join(' ')).not.toMatch(/invoice confusion/);
    await c.ok('code_themes', { study_id: study, codes: members.map((participant_id) => ({ participant_id, theme: 'invoice_confusion', quote: 'The invoice is unclear to me.' })) });
    const stale = await storedVersion();
    expect(stale).toBeLessThan(await c.store.studies.dataVersion(study));
    const persona = await shown(struggler);
    expect(persona.frustrations.map((x: any) => x.text).join(' ')).toMatch(/invoice confusion \(100% vs 0% elsewhere\): "The invoice is unclear to me\."/);
    expect(await storedVersion()).toBe(await c.store.studies.dataVersion(study));
    expect((await c.store.segmentations.cards(segmentation)).cards).toEqual(await builtNow());
  });

  it('re-imported attributes show on the next page', async () => {
    const members = (await c.store.segmentations.members(segmentation, { segmentId: struggler })).map((m) => m.participant_id);
    await c.ok('import_participants', { study_id: study, csv: `participant_id,industry\n${members.map((id) => `${id},Aerospace`).join('\n')}\n` });
    expect(texts(await shown(struggler))).toContain('industry: Aerospace (100%)');
    expect((await c.store.segmentations.cards(segmentation)).cards).toEqual(await builtNow());
  });

  it('a deleted participant is cited by no card, stored or shown', async () => {
    const cited = (await shown(struggler)).context[0].participant_ids[0] as string;
    await c.ok('delete_participant', { study_id: study, participant_id: cited, confirm: true });
    const persona = await shown(struggler);
    expect(JSON.stringify(persona)).not.toContain(`"${cited}"`);
    const stored = await c.store.segmentations.cards(segmentation);
    expect(JSON.stringify([...stored.cards.values()])).not.toContain(`"${cited}"`);
    expect(stored.cards).toEqual(await builtNow());
    // Sizes and the members' total come from the rebuilt cards: one member fewer.
    const page = await c.ok('get_segmentation', { segmentation_id: segmentation, limit: 1 });
    expect(page.members.total).toBe(43);
    expect(page.segments.reduce((n: number, s: any) => n + s.size, 0)).toBe(43);
  });

  it('an answer recorded after the segmentation counts too', async () => {
    const before = await c.store.studies.dataVersion(study);
    const member = (await c.store.segmentations.members(segmentation, { segmentId: struggler }))[0]!.participant_id;
    await c.ok('record_interview', { study_id: study, participant_id: member, status: 'completed', themes: [{ code: 'wants_training', quote: 'A training day would help.' }] });
    expect(await c.store.studies.dataVersion(study)).toBeGreaterThan(before);
    await shown(struggler);
    expect((await c.store.segmentations.cards(segmentation)).cards).toEqual(await builtNow());
  });
});

/**
 * A large segmentation's stale cards are not rebuilt by the read (a build reads every member: 72 s at
 * 1M): the page shows the stored cards marked as built before the latest changes, with current sizes,
 * while a worker thread with its own connection rebuilds them. SEGLAB_CARDS_INLINE_MAX=0 makes this
 * small study "large"; the database is a file (or PostgreSQL) so that a worker can open it.
 */
describe('get_segmentation: a large segmentation\'s stale cards are rebuilt on a worker', () => {
  let c: Harness;
  let study: number;
  let segmentation: number;
  let struggler: number;
  const inlineMax = process.env.SEGLAB_CARDS_INLINE_MAX;
  beforeAll(async () => {
    process.env.SEGLAB_CARDS_INLINE_MAX = '0';
    c = await connect(testPostgresServer() ? {} : { dbPath: join(mkdtempSync(join(tmpdir(), 'seglab-cards-')), 'cards.db') });
    study = await seedSampleStudy(c);
    segmentation = (await c.ok('cluster_participants', { study_id: study, k: 4, bootstraps: 5 })).segmentation_id;
    struggler = (await c.store.segmentations.members(segmentation)).find((m) => sampleArchetypes[m.participant_id] === 'The Struggler')!.segment_id;
  }, 60_000);
  afterAll(async () => {
    await cardRefreshesSettled();
    await c.close();
    if (inlineMax === undefined) delete process.env.SEGLAB_CARDS_INLINE_MAX;
    else process.env.SEGLAB_CARDS_INLINE_MAX = inlineMax;
  });

  const builtNow = async () => {
    const loaded = await loadSegmentation(c.store, segmentation);
    const cards = await buildCards(c.store, loadedSources(loaded));
    return new Map(loaded.segments.map((s, g) => [s.segment_id, { size: s.size, card: cards[g]! }]));
  };
  const page = () => c.call('get_segmentation', { segmentation_id: segmentation, limit: 5 });
  const frustrations = (r: any) => r.structuredContent.segments.find((s: any) => s.segment_id === struggler).persona.frustrations.map((x: any) => x.text).join(' ');

  it('a page after a write shows the stored cards marked not current, then the rebuilt ones', async () => {
    const fresh = await page();
    expect(fresh.structuredContent.cards_current).toBe(true);
    const built = fresh.structuredContent.cards_data_version;
    expect(built).toBe(await c.store.studies.dataVersion(study));
    expect(fresh.content[0].text).not.toMatch(/being refreshed/);
    const before = await c.store.segmentations.cards(segmentation);

    const members = (await c.store.segmentations.members(segmentation, { segmentId: struggler })).map((m) => m.participant_id);
    await c.ok('code_themes', { study_id: study, codes: members.map((participant_id) => ({ participant_id, theme: 'invoice_confusion', quote: 'The invoice is unclear to me.' })) });
    const version = await c.store.studies.dataVersion(study);
    expect(version).toBeGreaterThan(built);

    // At once: the cards stored before the changes, marked so, with the sizes counted now.
    const stale = await page();
    expect(stale.structuredContent.cards_current).toBe(false);
    expect(stale.structuredContent.cards_data_version).toBe(built);
    expect(stale.content[0].text).toMatch(/persona cards are from before the latest data changes and are being refreshed/);
    expect(frustrations(stale)).not.toMatch(/invoice confusion/);
    const sizes = Object.fromEntries((await c.store.segmentations.segments(segmentation, true)).map((s) => [s.segment_id, s.size]));
    expect(Object.fromEntries(stale.structuredContent.segments.map((s: any) => [s.segment_id, s.size]))).toEqual(sizes);
    expect(stale.structuredContent.segments.reduce((n: number, s: any) => n + s.size, 0)).toBe(44);
    expect(stale.structuredContent.members.total).toBe(44);
    for (const s of stale.structuredContent.segments) expect(s.share).toBeCloseTo(s.size / 44, 12); // of the 44 clustered
    // Nothing was built by the read: the stored cards are those from before.
    expect((await c.store.segmentations.cards(segmentation)).version).toBe(before.version);

    // The worker's rebuild, awaited: stored at the version read before building, equal to a build from the data now.
    await cardRefreshesSettled();
    const after = await c.store.segmentations.cards(segmentation);
    expect(after.version).toBe(version);
    expect(after.cards).toEqual(await builtNow());
    const current = await page();
    expect(current.structuredContent.cards_current).toBe(true);
    expect(current.structuredContent.cards_data_version).toBe(version);
    expect(frustrations(current)).toMatch(/invoice confusion \(100% vs 0% elsewhere\)/);
  }, 60_000);

  it('after a deletion the page waits for the rebuild (the erased person\'s cards are gone), without holding other calls', async () => {
    const gone = (await c.store.segmentations.members(segmentation, { segmentId: struggler }))[2]!.participant_id;
    await c.ok('delete_participant', { study_id: study, participant_id: gone, confirm: true });
    const waiting = page();
    // Another session's call is answered while the rebuild runs on the worker.
    const other = await c.ok('list_studies', {});
    expect(other.studies.find((x: any) => x.study_id === study).participants).toBe(47);
    const r = await waiting;
    expect(r.structuredContent.cards_current).toBe(true);
    expect(r.structuredContent.cards_data_version).toBe(await c.store.studies.dataVersion(study));
    expect(JSON.stringify(r.structuredContent.segments.map((s: any) => s.persona))).not.toContain(`"${gone}"`);
    expect(r.structuredContent.members.total).toBe(43);
    expect((await c.store.segmentations.cards(segmentation)).cards).toEqual(await builtNow());
  }, 60_000);

  it('many pages during one change start one rebuild, and a later change another', async () => {
    const member = (await c.store.segmentations.members(segmentation, { segmentId: struggler }))[1]!.participant_id;
    await c.ok('record_interview', { study_id: study, participant_id: member, status: 'completed', themes: [{ code: 'wants_training', quote: 'A training day would help.' }] });
    const version = await c.store.studies.dataVersion(study);
    const pages = await Promise.all([page(), page(), page()]);
    for (const p of pages) expect(p.structuredContent.cards_current).toBe(false);
    await cardRefreshesSettled();
    expect((await c.store.segmentations.cards(segmentation)).version).toBe(version);
    expect((await c.store.segmentations.cards(segmentation)).cards).toEqual(await builtNow());
    expect((await page()).structuredContent.cards_current).toBe(true);
  }, 60_000);
});
