/** Parameters and result pieces shared by the segmentation tools, and the segment summaries' text. */
import * as z from 'zod';
import type { SegmentSummary } from '../app/segmentations.js';
import { capList, decimal, pValue } from '../domain/format.js';
import { featureComparison } from '../store/segmentation-json.js';
import { condition } from './params.js';


export const segmentationId = z.number().int().positive().describe('Segmentation id (get_study lists them).');

export const segmentRef = z
  .union([z.number().int().positive(), z.string().min(1)])
  .describe('A segment: its segment_id or its name.');

/** One feature compared between two groups: the stored comparison, with q explained for the model. */
export const comparisonOut = featureComparison.extend({ q: z.number().nullable().describe('Benjamini–Hochberg adjusted p-value.') });

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

/** Segments whose full summary did not fit the output budget, in a line each. */
export const otherSegmentsOut = z.array(z.object({ segment_id: z.number(), name: z.string().nullable(), size: z.number(), share: z.number() })).describe('Segments not shown in full (get_segmentation with segment_id has each).');

/** q-values as people read them. */
export function formatQ(q: number | null): string {
  return pValue(q, 'q');
}

export function renderSegments(segments: SegmentSummary[], others: { segment_id: number; name: string | null; size: number }[] = []): string[] {
  const lines: string[] = [];
  if (others.length) lines.push(`(${others.length} more segment(s) in other_segments: ${capList(others.map((o) => `${o.segment_id}${o.name ? ` "${o.name}"` : ''} ${o.size}`), 6)})`);
  for (const s of segments) {
    const stability = s.stability ? `, ${s.stability.verdict} (Jaccard ${decimal(s.stability.jaccard, 3)})` : '';
    lines.push(`Segment ${s.segment_id}${s.name ? ` "${s.name}"` : ''}: ${s.size} (${Math.round(s.share * 100)}%)${stability}`);
    if (s.definition) lines.push(`  rule: ${s.definition}`);
    for (const d of s.distinguishing.slice(0, 3)) lines.push(`  • ${d.description} (${formatQ(d.q)})`);
    if (s.representatives.length) lines.push(`  nearest the centre: ${capList(s.representatives, 3)}`);
    if (s.quotes[0]) lines.push(`  "${s.quotes[0].text}" (${s.quotes[0].participant_id})`);
  }
  return lines;
}

const ruleOut = z.object({ segment_id: z.number(), name: z.string().nullable(), conditions: z.array(condition), text: z.string(), participants: z.number(), purity: z.number() });

/** The CRM typing model as assign_participants, validate_segmentation and the report show it. */
export const crmModelFields = {
  method: z.string(),
  trained_on: z.number().describe('Members the model was trained on.'),
  accuracy: z.number().describe('Share of members placed in their own segment (training data).'),
  cross_validated_accuracy: z.number().nullable().describe('Share placed correctly when held out (seeded 5-fold cross-validation); null below 20 members.'),
  majority_share: z.number().describe('Share of the largest segment: what always guessing it would score.'),
  verdict: z.enum(['distinguishes', 'weak', 'cannot_tell']).describe('cannot_tell: cross-validated accuracy within 0.1 of the majority share.'),
  statement: z.string(),
  per_segment: z.array(z.object({ segment_id: z.number(), name: z.string().nullable(), members: z.number(), precision: z.number(), recall: z.number(), cross_validated_accuracy: z.number().nullable() })),
  confusion: z.object({ segment_ids: z.array(z.number()), counts: z.array(z.array(z.number())), note: z.string() }).nullable().describe('counts[actual][predicted] over the held-out folds (left out above 12 segments).'),
  rules: z.array(ruleOut).describe('The tree\'s leaves as CRM conditions (attributes and tags only).'),
};

export const baseSizeOut = z.object({
  participants: z.number(),
  revenue_attribute: z.string().nullable(),
  segments: z.array(z.object({ segment_id: z.number(), name: z.string(), observed: z.number(), predicted: z.number(), count: z.number(), share: z.number(), revenue: z.number().nullable(), revenue_share: z.number().nullable() })),
});

export const crmModelOut = z.object({ ...crmModelFields, base: baseSizeOut.describe('Each segment across the whole base: members (observed) plus predicted others, count, share and share of the revenue attribute.') });

