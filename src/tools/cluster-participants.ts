import { readable } from '../domain/format.js';
import * as z from 'zod';
import { clusterParticipants } from '../app/clustering.js';
import { DEFAULT_SEED } from '../domain/clustering/kmeans.js';
import { SILHOUETTE_EXACT_LIMIT, SILHOUETTE_SAMPLE } from '../domain/clustering/quality.js';
import { defineTool } from './define.js';
import { includePartial, populationOut, populationText, studyId } from './params.js';
import { otherSegmentsOut, renderSegments, segmentSummaryOut } from './segmentation-params.js';
import { takeLines } from '../domain/budget.js';

const diagnosticOut = z.object({
  k: z.number(),
  inertia: z.number(),
  silhouette: z.number().nullable(),
  silhouette_exact: z.boolean().describe(`false: estimated on a seeded sample of ${SILHOUETTE_SAMPLE} participants (above ${SILHOUETTE_EXACT_LIMIT}).`),
  calinski_harabasz: z.number().nullable(),
  davies_bouldin: z.number().nullable(),
  stability: z.number().describe('Mean adjusted Rand index between this fit and bootstrap re-fits (1 = identical).'),
  min_jaccard: z.number().describe('Smallest per-segment bootstrap Jaccard.'),
  smallest_segment: z.number(),
});

export const clusterParticipantsTool = defineTool({
  name: 'cluster_participants',
  title: 'Cluster participants into segments',
  description: `Finds segments with seeded k-means over answers, attributes and themes; k a number or "auto" (diagnostics and a stated rule). Stores the segmentation; returns sizes, stability, distinguishing features and quotes; sends progress.
Use this tool when you need to: discover segments (then get_segmentation, update_segment, validate_segmentation).`,
  input: z.object({
    study_id: studyId,
    features: z.array(z.string().min(1)).max(100).optional().describe('answer.<key>, attr.<name> or theme; default: every structured question and number attribute.'),
    weights: z.record(z.string(), z.number().min(0).max(100)).optional().describe('Weight per feature (default 1), e.g. {"answer.buying_factors": 2}.'),
    k: z
      .union([z.number().int().min(2).max(20), z.literal('auto')], { error: 'k must be a whole number from 2 to 20, or "auto"' })
      .default('auto')
      .describe('Number of segments, or "auto" to compare a range.'),
    k_min: z.number().int().min(2).max(20).optional().describe('Smallest k tried by "auto" (default 2).'),
    k_max: z.number().int().min(2).max(20).optional().describe('Largest k tried by "auto" (default min(8, participants / 10)).'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(DEFAULT_SEED).describe(`Random seed (default ${DEFAULT_SEED}): same seed, same segments.`),
    restarts: z.number().int().min(1).max(100).default(10).describe('k-means++ restarts per k.'),
    bootstraps: z.number().int().min(2).max(200).default(20).describe('Bootstrap resamples for stability (default 20).'),
    include_partial: includePartial,
  }),
  output: z.object({
    segmentation_id: z.number(),
    study_id: z.number(),
    method: z.literal('kmeans'),
    k: z.number(),
    participants_clustered: z.number(),
    population: populationOut,
    excluded: z.object({ count: z.number(), participants: z.array(z.object({ participant_id: z.string(), missing: z.array(z.string()) })) }).describe('Left out for missing more than half the features (first 20 listed).'),
    features: z.array(z.object({ field: z.string(), kind: z.string(), columns: z.number(), weight: z.number(), transform: z.string(), imputed: z.number() })),
    features_total: z.number(),
    segments: z.array(segmentSummaryOut),
    other_segments: otherSegmentsOut,
    diagnostics: z.array(diagnosticOut),
    recommendation: z.object({ k: z.number(), rule: z.string(), reason: z.string() }),
    warnings: z.array(z.string()),
    notes: z.array(z.string()),
    seed: z.number(),
    restarts: z.number(),
    bootstraps: z.number(),
    elapsed_ms: z.number(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  run: (args, { store, progress, signal }) =>
    clusterParticipants(
      store,
      { studyId: args.study_id, features: args.features, weights: args.weights, k: args.k, kMin: args.k_min, kMax: args.k_max, seed: args.seed, restarts: args.restarts, bootstraps: args.bootstraps, includePartial: args.include_partial },
      { signal, progress },
    ),
  render: (r) => {
    const lines = [`Segmentation ${r.segmentation_id}: k-means, k = ${r.k}, ${r.participants_clustered} participants, ${r.features_total} features (seed ${r.seed}, ${r.restarts} restarts).`, populationText(r.population)];
    if (r.diagnostics.length > 1) {
      lines.push('k | inertia | silhouette | CH | DB | stability (ARI) | min Jaccard | smallest');
      for (const d of r.diagnostics) lines.push(`${d.k === r.k ? '*' : ' '}${d.k} | ${readable(d.inertia)} | ${readable(d.silhouette)}${d.silhouette_exact ? '' : ' (sampled)'} | ${readable(d.calinski_harabasz)} | ${readable(d.davies_bouldin)} | ${readable(d.stability)} | ${readable(d.min_jaccard)} | ${d.smallest_segment}`);
      lines.push(`Recommended: ${r.recommendation.reason}`);
    }
    lines.push(...renderSegments(r.segments, r.other_segments));
    for (const w of r.warnings) lines.push(`Warning: ${w}`);
    lines.push(`Next: get_segmentation ${r.segmentation_id} for profiles and personas; update_segment to name the segments.`);
    return takeLines(lines);
  },
});
