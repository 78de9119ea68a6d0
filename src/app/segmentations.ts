/**
 * What every segmentation use case shares: storing a new segmentation with its descriptions
 * (k-means, rules or RFM), loading one with its members' current data, finding a segment by
 * number or name, and a segment's one-line summary.
 */
import { describeSegments, type SegmentDescription } from '../domain/segments/describe.js';
import type { Encoding } from '../domain/segments/encoding.js';
import type { FactTable, ParticipantFacts, StudyCatalog } from '../domain/segments/facts.js';
import { describeConditions } from '../domain/segments/labels.js';
import type { Matrix } from '../domain/matrix.js';
import { clipJson, countFitting, fitList, jsonChars } from '../domain/budget.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import { storeCards } from './segment-cards.js';
import type { MemberDetail, NewSegmentationSummary, SegmentationDiagnostics, SegmentationParameters, SegmentDefinition } from '../store/segmentation-json.js';
import type { SegmentationMethod, SegmentationRow, SegmentRow } from '../store/segmentations.js';

export type Stability = { jaccard: number; verdict: 'stable' | 'doubtful' | 'dissolved' };

/** A segment as cluster_participants and segment_by_rules report it. */
export interface SegmentSummary {
  segment_id: number;
  name: string | null;
  size: number;
  share: number;
  stability: Stability | null;
  definition: string | null;
  distinguishing: { description: string; effect_size: number | null; effect_measure: 'cohen_d' | 'cohen_h'; q: number | null }[];
  representatives: string[];
  quotes: { participant_id: string; text: string }[];
}

/** In a segment summary: a rule, a distinguishing feature's description and a quote at most this long. */
const SUMMARY_TEXT_CHARS = { definition: 400, description: 200, quote: 300 } as const;

export function segmentSummary(d: SegmentDescription, extra: { name: string | null; stability: Stability | null; definition: string | null }): SegmentSummary {
  return {
    segment_id: d.segment_id,
    name: extra.name,
    size: d.size,
    share: d.share,
    stability: extra.stability,
    definition: extra.definition === null ? null : clipJson(extra.definition, SUMMARY_TEXT_CHARS.definition),
    distinguishing: d.distinguishing.slice(0, 5).map((c) => ({ description: clipJson(c.description, SUMMARY_TEXT_CHARS.description), effect_size: c.effect_size, effect_measure: c.effect_measure, q: c.q })),
    representatives: d.representatives.map((r) => r.participant_id),
    quotes: d.quotes.slice(0, 2).map((q) => ({ participant_id: q.participant_id, text: clipJson(q.text, SUMMARY_TEXT_CHARS.quote) })),
  };
}

/** Ever shorter segment summaries: a segmentation's segments keep showing with less detail before any becomes a headline. */
const SUMMARY_LEVELS = [
  { distinguishing: 5, quotes: 2, representatives: 3 },
  { distinguishing: 3, quotes: 1, representatives: 3 },
  { distinguishing: 2, quotes: 0, representatives: 1 },
] as const;

/**
 * Segment summaries within `maxChars`: all of them at the first level of detail where they fit,
 * else at the least detail with the largest in full and the rest as headlines (fitSegments).
 */
export function fitSegmentSummaries(summaries: SegmentSummary[], maxChars: number): { segments: SegmentSummary[]; other_segments: SegmentHeadline[] } {
  let shown = summaries;
  for (const level of SUMMARY_LEVELS) {
    shown = summaries.map((s) => ({ ...s, distinguishing: s.distinguishing.slice(0, level.distinguishing), quotes: s.quotes.slice(0, level.quotes), representatives: s.representatives.slice(0, level.representatives) }));
    if (jsonChars(shown) <= maxChars) break;
  }
  return fitSegments(shown, maxChars);
}

/** A segment in a line: what a result lists for segments whose full description does not fit. */
export interface SegmentHeadline {
  segment_id: number;
  name: string | null;
  size: number;
  share: number;
}

/**
 * Segments in full as far as they fit in `maxChars` (at least `atLeast`), the others as headlines
 * (as far as those fit in `headlineChars`): a segmentation of fifty segments stays within the budget.
 */
export function fitSegments<S extends SegmentHeadline>(segments: S[], maxChars: number, headlineChars = 3000, atLeast = 1): { segments: S[]; other_segments: SegmentHeadline[] } {
  const n = countFitting(segments, maxChars, atLeast);
  const rest = segments.slice(n).map(({ segment_id, name, size, share }) => ({ segment_id, name, size, share }));
  return { segments: segments.slice(0, n), other_segments: fitList(rest, headlineChars).items };
}

/** The rule a segment stands for, in words: RFM cells, rule conditions, or null for a k-means centre. */
export function definitionText(method: SegmentationMethod, definition: SegmentDefinition): string | null {
  if (method === 'kmeans') return null;
  if (method === 'rfm' && definition.label !== undefined) return definition.label;
  return describeConditions(definition.conditions ?? []);
}

export interface NewSegmentationInput {
  studyId: number;
  method: SegmentationMethod;
  overlapping: boolean;
  parameters: SegmentationParameters;
  encoding: Encoding;
  diagnostics: SegmentationDiagnostics | null;
  summary: NewSegmentationSummary;
  /** The participants described (rows of `data`). */
  facts: ParticipantFacts[];
  data: Matrix;
  /** Row indices per segment, in segment order. */
  groups: number[][];
  names: (string | null)[];
  descriptions: (string | null)[];
  definitions: SegmentDefinition[];
  /** Distance to the centre and detail per row, when the method has them. */
  distance?: (row: number) => number | null;
  detail?: (row: number) => MemberDetail | null;
  population: number;
}

/** What a segment keeps of its description (read back by get_segmentation and the report). */
export function storedProfile(d: SegmentDescription) {
  return { profile: d.profile, distinguishing: d.distinguishing, representatives: d.representatives, quotes: d.quotes, distinctive_words: d.distinctive_words };
}

/** Describes the groups and stores the segmentation atomically; returns its id and descriptions. */
export async function saveSegmentation(store: Store, input: NewSegmentationInput): Promise<{ id: number; descriptions: SegmentDescription[] }> {
  const descriptions = await describeSegments(input.encoding, input.facts, input.data, input.groups, (ids) => store.facts.texts(input.studyId, ids), input.population);
  const id = await store.transaction(async (tx) =>
    await tx.segmentations.create({
      studyId: input.studyId,
      method: input.method,
      k: input.groups.length,
      overlapping: input.overlapping,
      parameters: input.parameters,
      encoding: input.encoding,
      diagnostics: input.diagnostics,
      summary: input.summary,
      segments: descriptions.map((d, g) => ({
        segment_id: d.segment_id,
        name: input.names[g] ?? null,
        description: input.descriptions[g] ?? null,
        definition: input.definitions[g] ?? {},
        profile: storedProfile(d),
      })),
      members: input.groups.flatMap((rows, g) => rows.map((i) => ({ participant: input.facts[i]!.id, segment_id: g + 1, distance: input.distance?.(i) ?? null, detail: input.detail?.(i) ?? null }))),
    }),
  );
  await storeCards(store, id, { ...cardSources(input, descriptions), segmentIds: descriptions.map((d) => d.segment_id) });
  return { id, descriptions };
}

/** A new segmentation's members as its cards are built from them once stored: each once, in participant order. */
function cardSources(input: NewSegmentationInput, descriptions: SegmentDescription[]) {
  const byId = (a: ParticipantFacts, b: ParticipantFacts) => a.id - b.id;
  const groups = input.groups.map((rows) => rows.map((i) => input.facts[i]!).sort(byId));
  const members = [...new Set(groups.flat())].sort(byId);
  const rowOf = new Map(members.map((f, i) => [f.id, i]));
  return {
    studyId: input.studyId,
    members,
    groups,
    rowOf: (participant: number) => rowOf.get(participant) ?? -1,
    profiles: descriptions.map(storedProfile),
    population: input.summary.participants_clustered ?? members.length,
  };
}

/** A stored segmentation with its members' current data, as the analyses of it read it. */
export interface LoadedSegmentation {
  segmentation: SegmentationRow;
  segments: SegmentRow[];
  catalog: StudyCatalog;
  /** Every member once, in participant order. */
  facts: ParticipantFacts[];
  /** The same members as columns (facts are its rows). */
  table: FactTable;
  /** Row indices into `facts` per segment, in segment order. */
  groups: number[][];
  /** Participants the segment shares are taken of (those clustered, or the study's participants for rules). */
  population: number;
}

export async function loadSegmentation(store: Store, segmentationId: number): Promise<LoadedSegmentation> {
  const segmentation = await store.segmentations.get(segmentationId);
  const segments = await store.segmentations.segments(segmentationId);
  // Members in participant order: a participant in several (overlapping) segments comes once.
  const members = await store.segmentations.membershipColumns(segmentationId);
  const table = await store.facts.table(segmentation.study_id, members.ids.filter((id, i) => i === 0 || id !== members.ids[i - 1]));
  const facts = table.rows();
  const slot = new Map(segments.map((s, g) => [s.segment_id, g]));
  const groups = segments.map((): number[] => []);
  members.ids.forEach((id, i) => {
    const g = slot.get(members.segments[i]!);
    const row = table.rowOf(id);
    if (g !== undefined && row >= 0) groups[g]!.push(row);
  });
  return { segmentation, segments, catalog: await store.facts.catalog(segmentation.study_id), facts, table, groups, population: segmentation.summary.participants_clustered ?? facts.length };
}

/** A segment by number or (case-insensitive) name; `field` names the argument in the error. */
export function resolveSegment(segments: SegmentRow[], ref: number | string, field = 'segment_id'): SegmentRow {
  const found =
    typeof ref === 'number' || /^\d+$/.test(ref)
      ? segments.find((s) => s.segment_id === Number(ref))
      : segments.find((s) => s.name !== null && s.name.toLowerCase() === ref.trim().toLowerCase());
  if (!found) {
    const known = segments.map((s) => (s.name ? `${s.segment_id} "${s.name}"` : String(s.segment_id)));
    throw new UserError(`${field}: no segment ${JSON.stringify(ref)} in this segmentation; segments: ${known.join(', ')}.`);
  }
  return found;
}
