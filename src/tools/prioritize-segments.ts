import { readable } from '../domain/format.js';
import * as z from 'zod';
import { clip } from '../domain/budget.js';
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
  description: `Ranks segments by a weighted matrix (market size, revenue potential, fit, acquisition ease, strategic value) from given scores or data, and names the beachhead.
Use this tool when you need to: choose which segment to pursue first.`,
  input: z.object({
    segmentation_id: segmentationId,
    weights: byFactor(z.number().min(0).max(100)).optional().describe('Relative weights; missing factors keep their default.'),
    scores: z.array(z.strictObject({ segment: segmentRef, ...factorScores }, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}; give segment and any of ${FACTORS.join(', ')}` : undefined) })).max(50).optional().describe('Scores 1–10 you assign, per segment.'),
    derive: byFactor(z.string().min(1))
      .optional()
      .describe('A field per factor, e.g. {revenue_potential: "attr.mrr", acquisition_ease: "-attr.evaluation_days"} ("-": lower is better); market_size defaults to "share".'),
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
    ranking_total: z.number().describe('Segments ranked; the best are listed as far as they fit.'),
    beachhead: z.object({ segment_id: z.number(), name: z.string().nullable(), reason: z.string() }),
    missing: z.array(z.string()).describe('Factors no segment has a score for.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run: (args, { store }) => prioritizeSegments(store, { segmentationId: args.segmentation_id, weights: args.weights, scores: args.scores, derive: args.derive }),
  render: (r) => {
    const lines = [`Prioritization of segmentation ${r.segmentation_id} (weights ${FACTORS.map((f) => `${f} ${Math.round(r.weights[f]! * 100)}%`).join(', ')}):`];
    lines.push(`rank | segment | ${FACTORS.join(' | ')} | total`);
    for (const row of r.ranking.slice(0, 12)) lines.push(`${row.rank} | ${clip(segmentLabel(row), 60)} | ${FACTORS.map((f) => readable(row.scores[f]?.score)).join(' | ')} | ${readable(row.total)}`);
    if (r.ranking_total > 12) lines.push(`… ${r.ranking_total - 12} more ranked`);
    lines.push(clip(`Beachhead: ${segmentLabel(r.beachhead)} — ${r.beachhead.reason}`, 700));
    return lines.join('\n');
  },
});
