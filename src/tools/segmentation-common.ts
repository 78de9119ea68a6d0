/**
 * Pieces shared by the segmentation tools: the id parameters, the segment summary schema and
 * its text, and `saveSegmentation`, which describes groups of participants (k-means or rules)
 * and stores them in one transaction.
 */
import * as z from 'zod';
import { describeSegments, type SegmentDescription } from '../domain/segments/describe.js';
import type { Encoding } from '../domain/segments/encoding.js';
import type { ParticipantFacts, StudyCatalog } from '../domain/segments/facts.js';
import { UserError } from '../errors.js';
import type { Matrix } from '../domain/matrix.js';
import type { Store } from '../store/index.js';
import type { NewSegmentation, SegmentationMethod, SegmentationRow, SegmentRow } from '../store/segments.js';
import { capList } from './params.js';

export const segmentationId = z.number().int().positive().describe('A segmentation id returned by cluster_participants or segment_by_rules (get_study lists them).');

export const segmentRef = z
  .union([z.number().int().positive(), z.string().min(1)])
  .describe('A segment: its number (segment_id, 1 = largest for k-means) or its name.');

export const comparisonOut = z.object({
  column: z.string(),
  field: z.string(),
  option: z.string().nullable(),
  measure: z.enum(['mean', 'share', 'rank_points']),
  a: z.number().nullable(),
  b: z.number().nullable(),
  n_a: z.number(),
  n_b: z.number(),
  difference: z.number().nullable(),
  effect_size: z.number().nullable(),
  effect_measure: z.enum(['cohen_d', 'cohen_h']),
  test: z.enum(['welch_t', 'chi_square', 'fisher_exact']).nullable(),
  p: z.number().nullable(),
  q: z.number().nullable().describe('Benjamini–Hochberg adjusted p-value.'),
  significant: z.boolean(),
  description: z.string(),
});

export const segmentSummaryOut = z.object({
  segment_id: z.number(),
  name: z.string().nullable(),
  size: z.number(),
  share: z.number().describe('Share of the participants segmented (0–1).'),
  stability: z.object({ jaccard: z.number(), verdict: z.enum(['stable', 'doubtful', 'dissolved']) }).nullable().describe('Bootstrap Jaccard (k-means only): ≥ 0.75 stable, 0.6–0.75 doubtful, < 0.6 dissolved.'),
  definition: z.string().nullable().describe('The rule that defines the segment (rules and RFM).'),
  distinguishing: z.array(comparisonOut.pick({ description: true, effect_size: true, effect_measure: true, q: true })).describe('Strongest significant differences from the rest (q < 0.05).'),
  representatives: z.array(z.string()).describe('Participants nearest the segment centre.'),
  quotes: z.array(z.object({ participant_id: z.string(), text: z.string() })),
});

export type SegmentSummary = z.infer<typeof segmentSummaryOut>;

export function summarize(d: SegmentDescription, extra: { name: string | null; stability: SegmentSummary['stability']; definition: string | null }): z.input<typeof segmentSummaryOut> {
  return {
    segment_id: d.segment_id,
    name: extra.name,
    size: d.size,
    share: d.share,
    stability: extra.stability,
    definition: extra.definition,
    distinguishing: d.distinguishing.slice(0, 5).map((c) => ({ description: c.description, effect_size: c.effect_size, effect_measure: c.effect_measure, q: c.q })),
    representatives: d.representatives.map((r) => r.participant_id),
    quotes: d.quotes.slice(0, 2),
  };
}

/** q-values as people read them. */
export function formatQ(q: number | null): string {
  return q === null ? 'untested' : q < 0.001 ? 'q < 0.001' : `q = ${q.toFixed(3)}`;
}

export function renderSegments(segments: SegmentSummary[]): string[] {
  const lines: string[] = [];
  for (const s of segments) {
    const stability = s.stability ? `, ${s.stability.verdict} (Jaccard ${s.stability.jaccard})` : '';
    lines.push(`Segment ${s.segment_id}${s.name ? ` "${s.name}"` : ''}: ${s.size} (${Math.round(s.share * 100)}%)${stability}`);
    if (s.definition) lines.push(`  rule: ${s.definition}`);
    for (const d of s.distinguishing.slice(0, 3)) lines.push(`  • ${d.description} (${formatQ(d.q)})`);
    if (s.representatives.length) lines.push(`  nearest the centre: ${capList(s.representatives, 3)}`);
    if (s.quotes[0]) lines.push(`  "${s.quotes[0].text}" (${s.quotes[0].participant_id})`);
  }
  return lines;
}

export interface SegmentationInput {
  studyId: number;
  method: SegmentationMethod;
  overlapping: boolean;
  parameters: unknown;
  encoding: Encoding;
  diagnostics: unknown;
  summary: Record<string, unknown>;
  /** The participants described (rows of `data`). */
  facts: ParticipantFacts[];
  data: Matrix;
  /** Row indices per segment, in segment order. */
  groups: number[][];
  names: (string | null)[];
  descriptions: (string | null)[];
  definitions: unknown[];
  /** Distance to the centre and detail per row, when the method has them. */
  distance?: (row: number) => number | null;
  detail?: (row: number) => unknown;
  population: number;
}

/** Describes the groups and stores the segmentation atomically; returns its id and descriptions. */
export function saveSegmentation(store: Store, input: SegmentationInput): { id: number; descriptions: SegmentDescription[] } {
  const members = [...new Set(input.groups.flat())].map((i) => input.facts[i]!.id);
  const texts = store.segments.texts(input.studyId, members);
  const descriptions = describeSegments(input.encoding, input.facts, input.data, input.groups, texts, input.population);
  const segmentation: NewSegmentation = {
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
      definition: input.definitions[g] ?? null,
      profile: { profile: d.profile, distinguishing: d.distinguishing, representatives: d.representatives, quotes: d.quotes, distinctive_words: d.distinctive_words },
    })),
    members: input.groups.flatMap((rows, g) => rows.map((i) => ({ participant: input.facts[i]!.id, segment_id: g + 1, distance: input.distance?.(i) ?? null, detail: input.detail?.(i) ?? null }))),
  };
  const id = store.transaction(() => store.segments.create(segmentation));
  return { id, descriptions };
}

export interface SegmentationContext {
  segmentation: SegmentationRow;
  segments: SegmentRow[];
  catalog: StudyCatalog;
  /** Every member once, in participant order. */
  facts: ParticipantFacts[];
  /** Row indices into `facts` per segment, in segment order. */
  groups: number[][];
  encoding: Encoding;
}

/** Loads a segmentation with its members' current data, for the tools that analyse it. */
export function loadSegmentation(store: Store, segmentationId: number): SegmentationContext {
  const segmentation = store.segments.get(segmentationId);
  const segments = store.segments.segments(segmentationId);
  const members = store.segments.memberships(segmentationId);
  const facts = store.segments.facts(segmentation.study_id, [...new Set(members.map((m) => m.id))]);
  const index = new Map(facts.map((f, i) => [f.id, i]));
  const groups = segments.map((s) => members.filter((m) => m.segment_id === s.segment_id).map((m) => index.get(m.id)!));
  return { segmentation, segments, catalog: store.segments.catalog(segmentation.study_id), facts, groups, encoding: segmentation.encoding as Encoding };
}

/** A segment by number or (case-insensitive) name. */
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

/** A rule's conditions as one readable line. */
export function conditionText(conditions: { field: string; op: string; value?: unknown }[]): string {
  if (conditions.length === 0) return 'everyone else';
  const ops: Record<string, string> = { eq: '=', neq: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤', in: 'in', contains: 'contains', exists: 'exists' };
  return conditions.map((c) => `${c.field} ${ops[c.op] ?? c.op}${c.value === undefined ? '' : ` ${Array.isArray(c.value) ? `[${c.value.join(', ')}]` : String(c.value)}`}`).join(' AND ');
}

export function segmentLabel(s: { segment_id: number; name: string | null }): string {
  return s.name ? `${s.segment_id} "${s.name}"` : `Segment ${s.segment_id}`;
}
