/** get_segmentation: a stored segmentation's segments with profiles and data-built personas, and a page of members. */
import { clipJson, countFitting, fitList, fitMessages, jsonChars, STRUCTURED_BUDGET } from '../domain/budget.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import type { Store } from '../store/index.js';
import type { SegmentCard } from '../store/segmentation-json.js';
import type { SegmentationRow, SegmentRow } from '../store/segmentations.js';
import { buildCards, currentCards, loadedSources, shownCard } from './segment-cards.js';
import { definitionText, fitSegments, resolveSegment, type LoadedSegmentation } from './segmentations.js';

export interface SegmentationViewRequest {
  segmentationId: number;
  /** One segment (number or name); all when omitted. */
  segment?: number | string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The segments of a segmentation as get_segmentation and the report describe them, each with its persona card. */
export function segmentViews(segmentation: SegmentationRow, segments: SegmentRow[], cards: Map<number, SegmentCard>, population: number, focus: number | null = null) {
  const stability = segmentation.diagnostics?.stability ?? null;
  return segments
    .map((s, g) => ({ s, g }))
    .filter(({ s }) => focus === null || s.segment_id === focus)
    .map(({ s, g }) => {
      const stored = s.profile;
      return {
        segment_id: s.segment_id,
        name: s.name,
        description: s.description,
        size: s.size,
        share: s.size / population,
        stability: stability?.[g] ?? null,
        definition: definitionText(segmentation.method, s.definition),
        profile: stored.profile,
        distinguishing: stored.distinguishing,
        representatives: stored.representatives,
        quotes: stored.quotes,
        distinctive_words: stored.distinctive_words,
        playbook: s.playbook,
        persona: shownCard(s, cards.get(s.segment_id)!),
      };
    });
}

/**
 * The segment views of a loaded segmentation (the report's): the stored cards when they were built at
 * the study's current data version, else cards built from the loaded data (not stored: a report reads).
 */
export async function loadedSegmentViews(store: Store, loaded: LoadedSegmentation) {
  const { segmentation, segments } = loaded;
  const version = await store.studies.dataVersion(segmentation.study_id);
  const stored = await store.segmentations.cards(segmentation.id);
  const current = stored.version === version && segments.every((s) => stored.cards.has(s.segment_id));
  const cards = current ? new Map([...stored.cards].map(([id, c]) => [id, c.card])) : await builtCards(store, loaded);
  return segmentViews(segmentation, segments, cards, loaded.population);
}

async function builtCards(store: Store, loaded: LoadedSegmentation): Promise<Map<number, SegmentCard>> {
  const built = await buildCards(store, loadedSources(loaded));
  return new Map(loaded.segments.map((s, g) => [s.segment_id, built[g]!]));
}

type SegmentView = ReturnType<typeof segmentViews>[number];

/**
 * How much of a segment view get_segmentation shows: all segments share the budget (their longest
 * parts cut harder), one segment (segment_id) gets more room. Every cut names its field in `shortened`.
 */
interface ViewLimits {
  profile: number;
  distinguishing: number;
  words: number;
  text: number;
  playbook: number;
  narrative: number;
  cited: number;
  /** Claims per persona list (context, goals, frustrations, behaviours). */
  claims: number;
}
/** One segment (segment_id) in detail, all segments less so: each at the first level that fits SEGMENTS_CHARS. */
const ONE_SEGMENT: ViewLimits = { profile: 4000, distinguishing: 10, words: 6, text: 1000, playbook: 1200, narrative: 2000, cited: 6, claims: 5 };
const ALL_SEGMENTS: ViewLimits[] = [
  { profile: 1200, distinguishing: 4, words: 6, text: 300, playbook: 300, narrative: 300, cited: 3, claims: 4 },
  { profile: 600, distinguishing: 3, words: 4, text: 160, playbook: 160, narrative: 160, cited: 2, claims: 3 },
  { profile: 300, distinguishing: 2, words: 3, text: 100, playbook: 100, narrative: 100, cited: 1, claims: 2 },
  { profile: 200, distinguishing: 1, words: 3, text: 80, playbook: 80, narrative: 80, cited: 1, claims: 1 },
];
const SEGMENTS_CHARS = 11_500;

function compactView(view: SegmentView, limits: ViewLimits) {
  const shortened: string[] = [];
  const note = <T>(field: string, before: T, after: T): T => {
    if (jsonChars(before) !== jsonChars(after)) shortened.push(field);
    return after;
  };
  const text = (field: string, value: string | null, max: number) => (value === null ? null : note(field, value, clipJson(value, max)));
  const claim = (c: { text: string; participant_ids: string[] }) => ({ text: clipJson(c.text, limits.text), participant_ids: c.participant_ids.slice(0, limits.cited) });
  const persona = view.persona;
  return {
    ...view,
    description: text('description', view.description, limits.text),
    definition: text('definition', view.definition, limits.text),
    profile: note('profile', view.profile, fitList(view.profile, limits.profile).items),
    distinguishing: note('distinguishing', view.distinguishing, view.distinguishing.slice(0, limits.distinguishing).map((d) => ({ ...d, description: clipJson(d.description, limits.text) }))),
    distinctive_words: note('distinctive_words', view.distinctive_words, view.distinctive_words.slice(0, limits.words)),
    quotes: note('quotes', view.quotes, view.quotes.slice(0, 2).map((q) => ({ ...q, text: clipJson(q.text, limits.text) }))),
    playbook: view.playbook === null ? null : note('playbook', view.playbook, Object.fromEntries(Object.entries(view.playbook).map(([k, v]) => [k, typeof v === 'string' ? clipJson(v, limits.playbook) : v]))),
    persona: note('persona', persona, {
      ...persona,
      role: persona.role ? claim(persona.role) : null,
      context: persona.context.slice(0, limits.claims).map(claim),
      goals: persona.goals.slice(0, limits.claims).map(claim),
      frustrations: persona.frustrations.slice(0, limits.claims).map(claim),
      behaviours: persona.behaviours.slice(0, limits.claims).map(claim),
      quote: persona.quote ? { ...persona.quote, text: clipJson(persona.quote.text, limits.text) } : null,
      narrative: persona.narrative === null ? null : clipJson(persona.narrative, limits.narrative),
    }),
    shortened,
  };
}

export async function segmentationView(store: Store, request: SegmentationViewRequest) {
  const segmentation = await store.segmentations.get(request.segmentationId);
  const unsized = await store.segmentations.segments(request.segmentationId, false);
  const focus = request.segment === undefined ? null : resolveSegment(unsized, request.segment);
  // Cards and sizes stored with the segmentation (a large one's being rebuilt on a worker when the data changed since): a page reads no member's data.
  const { cards, population, current, version } = await currentCards(store, segmentation, unsized);
  const rows = unsized.map((s) => ({ ...s, size: cards.get(s.segment_id)!.size }));
  const views = segmentViews(segmentation, rows, new Map([...cards].map(([id, c]) => [id, c.card])), population, focus?.segment_id ?? null);
  // The first level of detail at which every segment fits; at the last, the largest fit and the rest are headlines.
  const levels = focus ? [ONE_SEGMENT, ...ALL_SEGMENTS] : ALL_SEGMENTS;
  let compacted = views.map((v) => compactView(v, levels[0]!));
  for (const limits of levels.slice(1)) {
    if (jsonChars(compacted) <= SEGMENTS_CHARS) break;
    compacted = views.map((v) => compactView(v, limits));
  }
  const { segments, other_segments } = fitSegments(compacted, SEGMENTS_CHARS);
  const head = {
    segmentation_id: request.segmentationId,
    study_id: segmentation.study_id,
    method: segmentation.method,
    k: segmentation.k,
    overlapping: segmentation.overlapping,
    created_at: segmentation.created_at,
    parameters: compactParameters(segmentation.parameters),
    warnings: fitMessages(segmentation.summary.warnings, 1000),
    cards_current: current,
    cards_data_version: version,
    segments,
    other_segments,
  };
  // Members: a page of at most `limit` rows, fewer when they would not fit what the segments leave.
  const after = request.cursor ? decodeCursor(request.cursor, 'member') : 0;
  const members = await store.segmentations.members(request.segmentationId, { segmentId: focus?.segment_id, after: { participant: Math.floor(after / 100), segment: after % 100 }, limit: request.limit + 1 });
  const shown = members.slice(0, request.limit).map((m) => ({
    id: m.id,
    row: { participant_id: m.participant_id, name: m.name === null ? null : clipJson(m.name, 200), email: m.email === null ? null : clipJson(m.email, 200), segment_id: m.segment_id, distance: m.distance, assigned_by: m.assigned_by },
  }));
  const fitting = countFitting(shown.map((m) => m.row), STRUCTURED_BUDGET - jsonChars(head) - 200, 1);
  const page = shown.slice(0, fitting);
  const last = page[page.length - 1];
  const more = members.length > request.limit || fitting < shown.length;
  return {
    ...head,
    members: {
      total: rows.filter((s) => focus === null || s.segment_id === focus.segment_id).reduce((sum, s) => sum + s.size, 0),
      participants: page.map((m) => m.row),
      next_cursor: more && last ? encodeCursor('member', last.id * 100 + last.row.segment_id) : null,
      size_limited: fitting < shown.length,
    },
  };
}

/**
 * The parameters a segmentation was made with, within the budget: the rules' long texts become their
 * number (each segment shows its rule), long lists (a hundred features) their first items and total.
 */
function compactParameters(parameters: SegmentationRow['parameters']): Record<string, unknown> {
  const { segments, ...rest } = parameters as Record<string, unknown> & { segments?: unknown[] };
  const out: Record<string, unknown> = segments ? { ...rest, rules: segments.length } : { ...rest };
  for (const [key, value] of Object.entries(out)) {
    if (Array.isArray(value) && jsonChars(value) > PARAMETER_LIST_CHARS) {
      out[key] = fitList(value, PARAMETER_LIST_CHARS).items;
      out[`${key}_total`] = value.length;
    } else if (value !== null && typeof value === 'object' && jsonChars(value) > PARAMETER_LIST_CHARS) {
      out[key] = Object.fromEntries(fitList(Object.entries(value), PARAMETER_LIST_CHARS).items);
      out[`${key}_total`] = Object.keys(value).length;
    }
  }
  return out;
}

/** The most a list in a segmentation's parameters shows (e.g. its features). */
const PARAMETER_LIST_CHARS = 1000;
