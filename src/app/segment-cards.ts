/**
 * Segment cards: the persona card each segment shows (get_segmentation, the report), built only from
 * its members' data. Building them reads every member (15–74 s at 1M members, with +0.7–1 GB), so they
 * are built when a segmentation is saved and stored with it, with the study's data version at that
 * moment. Every write that changes participants, what they said, the catalogue or memberships raises
 * the version (StudyStore.touch). A read that finds older cards rebuilds them first while the
 * segmentation is small (up to cardsInlineMax() members, a build well under 100 ms); a larger one's
 * read shows the stored cards marked as built at an older version, with current sizes, and starts one
 * rebuild on a worker thread with its own connection (cards-worker.ts), so no read holds the event
 * loop for a build. A segment's name and narrative are not part of the stored card: they are read
 * from the segment when shown, so naming a segment keeps its card.
 */
import { segmentName } from '../domain/segments/labels.js';
import { CommonAnswers, outcomeQuestion, personaCard, repeatedHashes, textHash, type Claim, type PersonaCard } from '../domain/segments/persona.js';
import type { ParticipantFacts, StudyCatalog } from '../domain/segments/facts.js';
import type { Store } from '../store/index.js';
import type { SegmentCard, SegmentProfile, StoredCard } from '../store/segmentation-json.js';
import type { SegmentationRow, SegmentRow } from '../store/segmentations.js';
import type { WriteTurns } from '../store/write-turns.js';
import { boundFromEnv, keepWhenIdle } from './kept.js';
import { loadSegmentation, type LoadedSegmentation } from './segmentations.js';
import { callOnWorker, sharedCall } from './worker-call.js';

/** What cards are built from: every member once and each segment's members, both in participant order. */
export interface CardSources {
  studyId: number;
  catalog: StudyCatalog;
  members: ParticipantFacts[];
  groups: ParticipantFacts[][];
  /** A participant's index in `members` (-1: not a member). */
  rowOf: (participant: number) => number;
  /** Each segment's stored description (its distinguishing features and first quote feed the card). */
  profiles: Pick<SegmentProfile, 'distinguishing' | 'quotes'>[];
}

/** A loaded segmentation as card sources. */
export function loadedSources(loaded: LoadedSegmentation): CardSources {
  return {
    studyId: loaded.segmentation.study_id,
    catalog: loaded.catalog,
    members: loaded.facts,
    groups: loaded.groups.map((rows) => rows.map((i) => loaded.facts[i]!)),
    rowOf: (participant) => loaded.table.rowOf(participant),
    profiles: loaded.segments.map((s) => s.profile),
  };
}

/** One card per segment (in segment order), built from the members' current data. */
export async function buildCards(store: Store, sources: CardSources): Promise<SegmentCard[]> {
  const masks = sources.groups.map((members) => {
    const mask = new Uint8Array(sources.members.length);
    for (const f of members) mask[sources.rowOf(f.id)] = 1;
    return mask;
  });
  const evidence = await personaEvidence(store, sources, masks);
  const answers = await outcomeAnswers(store, sources, masks);
  const cards: SegmentCard[] = [];
  for (const [g, members] of sources.groups.entries()) {
    // Other sessions' calls run between segments (one segment's card reads all members: ~0.3 s at 100k).
    if (g > 0) await new Promise((resolve) => setImmediate(resolve));
    const inSegment = masks[g]!;
    const { name: _name, narrative: _narrative, ...card } = personaCard({
      name: '',
      narrative: null,
      members,
      rest: sources.members.filter((_, i) => inSegment[i] === 0),
      catalog: sources.catalog,
      distinguishing: sources.profiles[g]!.distinguishing,
      evidence,
      answers: answers[g]!,
      quote: sources.profiles[g]!.quotes[0] ?? null,
    });
    cards.push(card);
  }
  return cards;
}

/** A stored card as the segment shows it: with the segment's current name and narrative. */
export function shownCard(segment: SegmentRow, card: SegmentCard): PersonaCard {
  return { name: segmentName(segment), role: card.role, context: card.context, goals: card.goals, frustrations: card.frustrations, behaviours: card.behaviours, quote: card.quote, narrative: segment.persona };
}

/** Builds a new segmentation's cards and stores them with it, at the data version read before building. */
export async function storeCards(store: Store, segmentationId: number, input: Omit<CardSources, 'catalog'> & { population: number; segmentIds: number[] }): Promise<void> {
  const version = await store.studies.dataVersion(input.studyId);
  const sources = { ...input, catalog: await store.facts.catalog(input.studyId) };
  const cards = await buildCards(store, sources);
  const stored = cards.map((card, g) => ({ segment_id: input.segmentIds[g]!, size: input.groups[g]!.length, card }));
  await store.transaction(async (tx) => await tx.segmentations.saveCards(segmentationId, version, input.population, stored));
}

/**
 * Up to this many members a read rebuilds stale cards itself (measured with the facts read: 21–48 ms
 * at 1,500 members, 58–129 ms at 5,000, 160–240 ms at 20,000, beside a 1M benchmark); larger
 * segmentations' cards are rebuilt on a worker. SEGLAB_CARDS_INLINE_MAX sets another bound (0: every
 * rebuild on a worker, where the database is not in memory).
 */
export const CARDS_INLINE_MAX = 1500;

export function cardsInlineMax(): number {
  return boundFromEnv('SEGLAB_CARDS_INLINE_MAX', CARDS_INLINE_MAX);
}

/** The cards a read shows: current (built at the study's data version) or the stored ones built at `version`. */
export interface ShownCards {
  /** Each segment's card, with its current size. */
  cards: Map<number, StoredCard>;
  population: number;
  current: boolean;
  /** The data version the cards were built at. */
  version: number;
}

/**
 * A segmentation's cards and sizes by segment id, with the population its shares are of: the stored
 * ones when they were built at the study's current data version (memberships too raise it); else,
 * for a small segmentation, rebuilt and stored; else the stored ones (not current, with sizes counted
 * now) while a worker rebuilds them. A large segmentation without stored cards waits for the worker.
 * @param segments the segmentation's segments (their sizes need not be counted)
 */
export async function currentCards(store: Store, segmentation: SegmentationRow, segments: SegmentRow[]): Promise<ShownCards> {
  const segmentationId = segmentation.id;
  // The version is read before the data: a write in between leaves the stored cards older than it, so they are rebuilt next time.
  const version = await store.studies.dataVersion(segmentation.study_id);
  const stored = await store.segmentations.cards(segmentationId);
  const complete = stored.version !== null && stored.population !== null && segments.every((s) => stored.cards.has(s.segment_id));
  if (complete && stored.version === version) return { cards: stored.cards, population: stored.population!, current: true, version };
  const connection = store.connection();
  // Counted through the members' index (~45 ms at 1M members): sizes stay right while cards are stale.
  const counted = connection === null ? [] : await store.segmentations.segments(segmentationId, true);
  const members = counted.reduce((sum, s) => sum + s.size, 0);
  if (connection === null || members <= cardsInlineMax()) return await rebuildCards(store, segmentationId, version, async (save) => await keepWhenIdle(store, save));
  const refresh = refreshOnWorker(connection, store.writeTurns, segmentationId);
  if (!complete) {
    // Nothing stored to show: this call waits for the worker (other sessions' calls go on meanwhile).
    await refresh;
    return await currentCards(store, segmentation, segments);
  }
  // A failed rebuild leaves the stored cards; the next read starts another.
  refresh.catch(() => undefined);
  const sizes = new Map(counted.map((s) => [s.segment_id, s.size]));
  const cards = new Map([...stored.cards].map(([id, c]) => [id, { ...c, size: sizes.get(id) ?? 0 }]));
  // Shares are of the clustered population; a segmentation without one counts its members (each in one segment unless overlapping).
  const population = segmentation.summary.participants_clustered ?? (segmentation.overlapping ? stored.population! : members);
  return { cards, population, current: false, version: stored.version! };
}

/**
 * Builds a segmentation's cards from the current data and stores them through `keep` at `version`
 * (the study's data version read before reading the data).
 */
export async function rebuildCards(store: Store, segmentationId: number, version: number, keep: (save: (store: Store) => Promise<void>) => Promise<void>): Promise<ShownCards> {
  const loaded = await loadSegmentation(store, segmentationId);
  const built = await buildCards(store, loadedSources(loaded));
  const cards = loaded.segments.map((s, g) => ({ segment_id: s.segment_id, size: s.size, card: built[g]! }));
  await keep(async (s) => await s.transaction(async (tx) => await tx.segmentations.saveCards(segmentationId, version, loaded.population, cards)));
  return { cards: new Map(cards.map(({ segment_id, ...c }) => [segment_id, c])), population: loaded.population, current: true, version };
}

/** What cards-worker.ts is asked: rebuild one segmentation's cards. */
export interface CardsRequest {
  segmentationId: number;
}

/** Card rebuilds on a worker under way or waiting, by database and segmentation. */
const refreshes = new Map<string, Promise<void>>();
/** The last rebuild asked for: each starts after it, so one runs at a time in this process. */
let lastRefresh: Promise<void> = Promise.resolve();

/** Starts a rebuild of a segmentation's cards on a worker, unless one is under way or waiting (that one is returned). */
function refreshOnWorker(connection: string, turns: WriteTurns, segmentationId: number): Promise<void> {
  const key = `${connection}\n${segmentationId}`;
  const known = refreshes.get(key);
  if (known) return known;
  const done = sharedCall(refreshes, key, async () => {
    await lastRefresh;
    await callOnWorker<CardsRequest, null>('cards-worker', connection, { segmentationId }, turns, {}, true);
  });
  lastRefresh = done.catch(() => undefined);
  return done;
}

/** Resolves once no card rebuild is under way or waiting in this process (for tests and benchmarks). */
export async function cardRefreshesSettled(): Promise<void> {
  while (refreshes.size > 0) await Promise.allSettled([...refreshes.values()]);
}

/** Members whose answers one read asks for (what a texts read still filters in SQL). */
const ANSWERS_READ = 1000;

/**
 * Per segment, the outcome question's answers its members gave most (personas quote these only),
 * read a few thousand members at a time, twice: first each answer's hash, to know which answers
 * were given once, then counted, keeping in full only the answers that may repeat (never every
 * member's answer at once, nor every distinct answer when all are distinct).
 */
async function outcomeAnswers(store: Store, sources: CardSources, masks: Uint8Array[]): Promise<Claim[][]> {
  const outcome = outcomeQuestion(sources.catalog);
  if (!outcome) return masks.map(() => []);
  const { members } = sources;
  const eachAnswer = async (visit: (row: number, text: string) => void) => {
    for (let start = 0; start < members.length; start += ANSWERS_READ) {
      const ids = members.slice(start, start + ANSWERS_READ).map((f) => f.id);
      // In participant order, as one read of them all would give them.
      const answers = (await store.facts.texts(sources.studyId, ids, { question: outcome.key })).sort((a, b) => a.participant - b.participant);
      for (const a of answers) {
        const row = sources.rowOf(a.participant);
        if (row >= 0) visit(row, a.text);
      }
    }
  };
  const hashes: number[] = [];
  await eachAnswer((_, text) => hashes.push(textHash(text)));
  const repeated = repeatedHashes(hashes);
  const common = masks.map(() => new CommonAnswers((text) => !repeated.has(textHash(text))));
  await eachAnswer((row, text) => masks.forEach((mask, g) => mask[row] === 1 && common[g]!.add(text, members[row]!.participant_id)));
  return common.map((c) => c.claims());
}

/**
 * The theme evidence personas cite: for each segment and theme, the first non-empty evidence (in
 * recording order) of a member, read until each is found rather than every member's evidence.
 */
async function personaEvidence(store: Store, sources: CardSources, masks: Uint8Array[]): Promise<{ participant: number; code: string; evidence: string }[]> {
  const found = new Set<string>();
  const wanted = sources.catalog.themes.length * masks.length;
  const out: { participant: number; code: string; evidence: string }[] = [];
  if (wanted === 0) return out;
  await store.facts.eachThemeEvidence(sources.studyId, (participant, code, evidence) => {
    const row = evidence.trim() === '' ? -1 : sources.rowOf(participant);
    if (row < 0) return true;
    let cited = false;
    masks.forEach((mask, g) => {
      const key = `${g}:${code}`;
      if (mask[row] === 1 && !found.has(key)) {
        found.add(key);
        cited = true;
      }
    });
    if (cited) out.push({ participant, code, evidence });
    return found.size < wanted;
  });
  return out;
}
