/** get_segmentation: a stored segmentation's segments with profiles and data-built personas, and a page of members. */
import { clipJson, countFitting, fitList, fitMessages, jsonChars, STRUCTURED_BUDGET } from '../domain/budget.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { segmentName } from '../domain/segments/labels.js';
import { CommonAnswers, outcomeQuestion, repeatedHashes, textHash, personaCard, type Claim } from '../domain/segments/persona.js';
import type { Store } from '../store/index.js';
import { definitionText, fitSegments, loadSegmentation, resolveSegment, type LoadedSegmentation } from './segmentations.js';

export interface SegmentationViewRequest {
  segmentationId: number;
  /** One segment (number or name); all when omitted. */
  segment?: number | string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The segments of a loaded segmentation as get_segmentation and the report describe them. */
export async function segmentViews(store: Store, loaded: LoadedSegmentation, focus: number | null = null) {
  const { segmentation } = loaded;
  const stability = segmentation.diagnostics?.stability ?? null;
  const masks = loaded.groups.map((rows) => {
    const mask = new Uint8Array(loaded.table.size);
    for (const row of rows) mask[row] = 1;
    return mask;
  });
  const evidence = await personaEvidence(store, loaded, masks);
  const answers = await outcomeAnswers(store, loaded, masks);
  return loaded.segments
    .map((s, g) => ({ s, g }))
    .filter(({ s }) => focus === null || s.segment_id === focus)
    .map(({ s, g }) => {
      const inSegment = masks[g]!;
      const stored = s.profile;
      return {
        segment_id: s.segment_id,
        name: s.name,
        description: s.description,
        size: s.size,
        share: s.size / loaded.population,
        stability: stability?.[g] ?? null,
        definition: definitionText(segmentation.method, s.definition),
        profile: stored.profile,
        distinguishing: stored.distinguishing,
        representatives: stored.representatives,
        quotes: stored.quotes,
        distinctive_words: stored.distinctive_words,
        playbook: s.playbook,
        persona: personaCard({
          name: segmentName(s),
          narrative: s.persona,
          members: loaded.groups[g]!.map((i) => loaded.facts[i]!),
          rest: loaded.facts.filter((_, i) => inSegment[i] === 0),
          catalog: loaded.catalog,
          distinguishing: stored.distinguishing,
          evidence,
          answers: answers[g]!,
          quote: stored.quotes[0] ?? null,
        }),
      };
    });
}

type SegmentView = Awaited<ReturnType<typeof segmentViews>>[number];

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

/** Members whose answers one read asks for (what a texts read still filters in SQL). */
const ANSWERS_READ = 1000;

/**
 * Per segment, the outcome question's answers its members gave most (personas quote these only),
 * read a few thousand members at a time, twice: first each answer's hash, to know which answers
 * were given once, then counted, keeping in full only the answers that may repeat (never every
 * member's answer at once, nor every distinct answer when all are distinct).
 */
async function outcomeAnswers(store: Store, loaded: LoadedSegmentation, masks: Uint8Array[]): Promise<Claim[][]> {
  const outcome = outcomeQuestion(loaded.catalog);
  if (!outcome) return masks.map(() => []);
  const { table } = loaded;
  const eachAnswer = async (visit: (row: number, text: string) => void) => {
    for (let start = 0; start < table.size; start += ANSWERS_READ) {
      const ids = Array.from(table.ids.subarray(start, start + ANSWERS_READ));
      // In participant order, as one read of them all would give them.
      const answers = (await store.facts.texts(loaded.segmentation.study_id, ids, { question: outcome.key })).sort((a, b) => a.participant - b.participant);
      for (const a of answers) {
        const row = table.rowOf(a.participant);
        if (row >= 0) visit(row, a.text);
      }
    }
  };
  const hashes: number[] = [];
  await eachAnswer((_, text) => hashes.push(textHash(text)));
  const repeated = repeatedHashes(hashes);
  const common = masks.map(() => new CommonAnswers((text) => !repeated.has(textHash(text))));
  await eachAnswer((row, text) => masks.forEach((mask, g) => mask[row] === 1 && common[g]!.add(text, table.participantIds[row]!)));
  return common.map((c) => c.claims());
}

/**
 * The theme evidence personas cite: for each segment and theme, the first non-empty evidence (in
 * recording order) of a member, read until each is found rather than every member's evidence.
 */
async function personaEvidence(store: Store, loaded: LoadedSegmentation, masks: Uint8Array[]): Promise<{ participant: number; code: string; evidence: string }[]> {
  const found = new Set<string>();
  const wanted = loaded.catalog.themes.length * masks.length;
  const out: { participant: number; code: string; evidence: string }[] = [];
  if (wanted === 0) return out;
  await store.facts.eachThemeEvidence(loaded.segmentation.study_id, (participant, code, evidence) => {
    const row = evidence.trim() === '' ? -1 : loaded.table.rowOf(participant);
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

export async function segmentationView(store: Store, request: SegmentationViewRequest) {
  const loaded = await loadSegmentation(store, request.segmentationId);
  const { segmentation } = loaded;
  const focus = request.segment === undefined ? null : resolveSegment(loaded.segments, request.segment);
  const views = await segmentViews(store, loaded, focus?.segment_id ?? null);
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
    segments,
    other_segments,
  };
  // Members: a page of at most `limit` rows, fewer when they would not fit what the segments leave.
  const after = request.cursor ? decodeCursor(request.cursor, 'member') : 0;
  const rows = await store.segmentations.members(request.segmentationId, { segmentId: focus?.segment_id, after: { participant: Math.floor(after / 100), segment: after % 100 }, limit: request.limit + 1 });
  const shown = rows.slice(0, request.limit).map((m) => ({
    id: m.id,
    row: { participant_id: m.participant_id, name: m.name === null ? null : clipJson(m.name, 200), email: m.email === null ? null : clipJson(m.email, 200), segment_id: m.segment_id, distance: m.distance, assigned_by: m.assigned_by },
  }));
  const fitting = countFitting(shown.map((m) => m.row), STRUCTURED_BUDGET - jsonChars(head) - 200, 1);
  const page = shown.slice(0, fitting);
  const last = page[page.length - 1];
  const more = rows.length > request.limit || fitting < shown.length;
  return {
    ...head,
    members: {
      total: await store.segmentations.memberCount(request.segmentationId, focus?.segment_id),
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
function compactParameters(parameters: LoadedSegmentation['segmentation']['parameters']): Record<string, unknown> {
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
