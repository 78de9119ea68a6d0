import { readable } from '../domain/format.js';
import * as z from 'zod';
import { prioritizeSegments } from '../app/prioritization.js';
import { segmentLabel } from '../domain/segments/labels.js';
import { FACTORS, type Factor } from '../domain/segments/prioritize.js';
import { defineTool } from './define.js';
import { segmentationId, segmentRef } from './segmentation-params.js';

const factorScores = Object.fromEntries(FACTORS.map((f) => [f, z.number().min(1).max(10).optional()])) as Record<Factor, z.ZodOptional<z.ZodNumber>>;
const scoreOut = z.object({ score: z.number(), source: z.string() });
/** An object keyed by factor names only; an unknown key is named with the allowed ones. */
const byFactor = <T extends z.ZodType>(value: T) =>
  z.strictObject(Object.fromEntries(FACTORS.map((f) => [f, value.optional()])) as Record<Factor, z.ZodOptional<T>>, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown factor ${issue.keys.map((k) => `"${k}"`).join(', ')}; factors: ${FACTORS.join(', ')}` : undefined),
  });

export const prioritizeSegmentsTool = defineTool({
  name: 'prioritize_segments',
  title: 'Prioritize segments',
  description: `Ranks segments with the weighted scoring matrix: market size 25%, revenue potential 25%, fit with product 20%, acquisition ease 15%, strategic value 15% by default (weights adjustable, rescaled to sum to 1). Each factor is scored 1–10 per segment, either given by you (scores) or derived from data (derive): market size from the segment's share (the default), revenue potential from the segment's total of a number attribute such as MRR (willingness to pay × volume), other factors from the segment mean of an attribute or scale answer; prefix a field with "-" when lower is better (e.g. "-attr.evaluation_days" for acquisition ease). Derived values are scaled so the lowest segment scores 1 and the highest 10.
Returns the ranked table, the beachhead candidate (the top segment: ties go to easier acquisition), and which factors still lack scores. The matrix is saved with the segmentation for reports.
Use this tool when you need to: decide which segment to serve first, or show the trade-offs between segments.`,
  input: z.object({
    segmentation_id: segmentationId,
    weights: byFactor(z.number().min(0).max(100)).optional().describe('Relative weights (fractions or percentages); missing factors keep their default.'),
    scores: z.array(z.strictObject({ segment: segmentRef, ...factorScores }, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}; give segment and any of ${FACTORS.join(', ')}` : undefined) })).max(50).optional().describe('Scores 1–10 you assign, per segment.'),
    derive: byFactor(z.string().min(1))
      .optional()
      .describe('Fields to derive factors from, e.g. {revenue_potential: "attr.mrr", fit: "answer.core_value_importance", acquisition_ease: "-attr.evaluation_days"}; market_size accepts "share" (default).'),
  }),
  output: z.object({
    segmentation_id: z.number(),
    weights: z.record(z.string(), z.number()),
    ranking: z.array(
      z.object({
        rank: z.number(),
        segment_id: z.number(),
        name: z.string().nullable(),
        size: z.number(),
        scores: z.record(z.string(), scoreOut),
        total: z.number(),
        unscored: z.array(z.string()),
      }),
    ),
    beachhead: z.object({ segment_id: z.number(), name: z.string().nullable(), reason: z.string() }),
    missing: z.array(z.string()).describe('Factors no segment has a score for.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run: (args, { store }) => prioritizeSegments(store, { segmentationId: args.segmentation_id, weights: args.weights, scores: args.scores, derive: args.derive }),
  render: (r) => {
    const lines = [`Prioritization of segmentation ${r.segmentation_id} (weights ${FACTORS.map((f) => `${f} ${Math.round(r.weights[f]! * 100)}%`).join(', ')}):`];
    lines.push(`rank | segment | ${FACTORS.join(' | ')} | total`);
    for (const row of r.ranking) lines.push(`${row.rank} | ${segmentLabel(row)} | ${FACTORS.map((f) => readable(row.scores[f]?.score)).join(' | ')} | ${readable(row.total)}`);
    lines.push(`Beachhead: ${segmentLabel(r.beachhead)} — ${r.beachhead.reason}`);
    return lines.join('\n');
  },
});
