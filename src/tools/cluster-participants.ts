import * as z from 'zod';
import { UserError } from '../errors.js';
import { autoRange, clusterMatrix, sampleSizeWarnings } from '../domain/segments/cluster.js';
import { defaultFeatures, fitEncoding } from '../domain/segments/encoding.js';
import { row, squaredDistance } from '../domain/matrix.js';
import { SILHOUETTE_EXACT_LIMIT, SILHOUETTE_SAMPLE } from '../domain/clustering/quality.js';
import { STABILITY_ROWS } from '../domain/clustering/stability.js';
import { DEFAULT_SEED } from '../domain/clustering/kmeans.js';
import { fitKmeans } from '../compute/kmeans-pool.js';
import { defineTool } from './define.js';
import { capList, studyId } from './params.js';
import { renderSegments, saveSegmentation, segmentSummaryOut, summarize } from './segmentation-common.js';

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

export const clusterParticipants = defineTool({
  name: 'cluster_participants',
  title: 'Cluster participants into segments',
  description: `Finds segments with k-means over the study's participants and stores the result as a segmentation.
Features: by default every structured question plus numeric CRM attributes; or name them (answer.<key>, attr.<name>, theme) with optional weights. Encoding: scale → number; single_choice → one-hot; multiple_choice → multi-hot; ranking → points per option; yes/no → 0/1; numbers (log for heavy tails) and categories; themes → 0/1; all standardized. Missing values are imputed and reported; participants missing most features are left out and listed.
k: a number, or "auto" (default) which tries 2 to min(8, n/10) and reports for each k the inertia, silhouette, Calinski–Harabasz, Davies–Bouldin and bootstrap stability, recommending one by a stated rule (the table lets you argue for another k). k-means++ with restarts and a fixed seed: the same call gives the same segments, numbered largest first.
Returns each segment's size, share, stability, distinguishing features (effect sizes, Benjamini–Hochberg q-values), the participants nearest its centre and telling quotes, plus sample-size warnings. Sends progress notifications.
Use this tool when you need to: discover segments in interview answers and CRM data. Next: get_segmentation (profiles, personas), update_segment (names, playbooks), validate_segmentation, prioritize_segments.`,
  input: z.object({
    study_id: studyId,
    features: z.array(z.string().min(1)).max(100).optional().describe('Features to cluster on: answer.<key>, attr.<name> or theme. Default: every structured question and numeric attribute.'),
    weights: z.record(z.string(), z.number().min(0).max(100)).optional().describe('Relative weight per feature (default 1), e.g. {"answer.buying_factors": 2}.'),
    k: z
      .union([z.number().int().min(2).max(20), z.literal('auto')], { error: 'k must be a whole number from 2 to 20, or "auto"' })
      .default('auto')
      .describe('Number of segments, or "auto" to compare a range.'),
    k_min: z.number().int().min(2).max(20).optional().describe('Smallest k tried by "auto" (default 2).'),
    k_max: z.number().int().min(2).max(20).optional().describe('Largest k tried by "auto" (default min(8, participants / 10)).'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(DEFAULT_SEED).describe(`Random seed (default ${DEFAULT_SEED}): same seed, same segments.`),
    restarts: z.number().int().min(1).max(100).default(10).describe('k-means++ restarts per k; the lowest inertia wins (default 10).'),
    bootstraps: z.number().int().min(2).max(200).default(20).describe('Bootstrap resamples for stability (default 20).'),
  }),
  output: z.object({
    segmentation_id: z.number(),
    study_id: z.number(),
    method: z.literal('kmeans'),
    k: z.number(),
    participants_clustered: z.number(),
    excluded: z.object({ count: z.number(), participants: z.array(z.object({ participant_id: z.string(), missing: z.array(z.string()) })) }).describe('Left out for missing more than half the features (first 20 listed).'),
    features: z.array(z.object({ field: z.string(), kind: z.string(), columns: z.number(), weight: z.number(), transform: z.string(), imputed: z.number() })),
    segments: z.array(segmentSummaryOut),
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
  async run(args, { store, progress }) {
    const started = Date.now();
    store.studies.get(args.study_id);
    if (args.k_min !== undefined && args.k_max !== undefined && args.k_min > args.k_max) throw new UserError(`k_min (${args.k_min}) is larger than k_max (${args.k_max}).`);
    const catalog = store.segments.catalog(args.study_id);
    const facts = store.segments.facts(args.study_id);
    if (facts.length < 4) throw new UserError(`The study has ${facts.length} participant(s); clustering needs at least 4 (and ~20–30 per segment to be trusted).`);
    const fields = args.features ?? defaultFeatures(catalog);
    const fit = fitEncoding(facts, fields, catalog, args.weights ?? {});
    const n = fit.included.length;
    if (args.k !== 'auto' && args.k >= n) throw new UserError(`k = ${args.k} needs more than ${args.k} participants with enough answers; ${n} have them.`);
    if (args.k === 'auto' && n < 6) throw new UserError(`Only ${n} participants have enough answers to cluster; "auto" needs at least 6. Give k explicitly or add participants.`);
    const [lo, hi] = autoRange(n, args.k_min, args.k_max);
    if (args.k === 'auto' && (args.k_min !== undefined || args.k_max !== undefined) && hi < lo) throw new UserError(`No k to try between k_min and k_max for ${n} participants.`);

    const run = await clusterMatrix(fit.matrix, { k: args.k, kMin: lo, kMax: hi, seed: args.seed, restarts: args.restarts, bootstraps: args.bootstraps, onProgress: progress, fit: fitKmeans });
    const groups: number[][] = Array.from({ length: run.k }, () => []);
    run.fit.assignments.forEach((c, i) => groups[c]!.push(i));
    const sizes = groups.map((g) => g.length);
    const featureCount = fit.encoding.features.length;
    const warnings = [
      ...sampleSizeWarnings(n, featureCount, sizes),
      ...run.stability.flatMap((s, i) => (s.verdict === 'stable' ? [] : [`Segment ${i + 1} is ${s.verdict} under resampling (Jaccard ${s.jaccard}): ${s.verdict === 'dissolved' ? 'it does not reproduce; do not act on it alone' : 'check it against interviews before acting'}.`])),
      ...(fit.excluded.length ? [`${fit.excluded.length} participant(s) left out for missing more than half the features: ${capList(fit.excluded.map((e) => e.participant_id), 10)}.`] : []),
    ];
    const notes = [
      ...fit.notes.map((x) => `${x.field}: ${x.note}`),
      ...fit.imputed.filter((x) => x.count > 0).map((x) => `${x.field}: ${x.count} missing value(s) imputed (median for numbers, mean share for 0/1 columns)`),
      'Each feature weighs the same whatever its number of columns (columns scaled by 1/√columns), times its weight.',
      ...(n > STABILITY_ROWS ? [`Stability was measured on a seeded sample of ${STABILITY_ROWS.toLocaleString('en')} of the ${n.toLocaleString('en')} participants (with the full fit's segments); silhouette on ${SILHOUETTE_SAMPLE.toLocaleString('en')}.`] : []),
    ];
    const summary = { warnings, notes, excluded: fit.excluded, imputed: fit.imputed, participants_clustered: n, recommendation: run.recommendation };
    const parameters = { features: fields, weights: args.weights ?? {}, k: args.k, k_min: lo, k_max: hi, seed: run.seed, restarts: run.restarts, bootstraps: run.bootstraps };
    const centres = run.fit.centres;
    const { id, descriptions } = saveSegmentation(store, {
      studyId: args.study_id,
      method: 'kmeans',
      overlapping: false,
      parameters,
      encoding: fit.encoding,
      diagnostics: { table: run.diagnostics, recommendation: run.recommendation, stability: run.stability },
      summary,
      facts: fit.included,
      data: fit.matrix,
      groups,
      names: [],
      descriptions: [],
      definitions: groups.map((_, g) => ({ centre: Array.from(row(centres, g)) })),
      distance: (i) => Math.sqrt(squaredDistance(fit.matrix.data, i * fit.matrix.cols, centres.data, run.fit.assignments[i]! * centres.cols, centres.cols)),
      population: n,
    });
    return {
      segmentation_id: id,
      study_id: args.study_id,
      method: 'kmeans' as const,
      k: run.k,
      participants_clustered: n,
      excluded: { count: fit.excluded.length, participants: fit.excluded.slice(0, 20) },
      features: fit.encoding.features.map((f) => ({ field: f.field, kind: f.kind, columns: f.columns.length, weight: f.weight, transform: f.transform, imputed: fit.imputed.find((x) => x.field === f.field)?.count ?? 0 })),
      segments: descriptions.map((d, g) => summarize(d, { name: null, stability: run.stability[g]!, definition: null })),
      diagnostics: run.diagnostics,
      recommendation: run.recommendation,
      warnings,
      notes,
      seed: run.seed,
      restarts: run.restarts,
      bootstraps: run.bootstraps,
      elapsed_ms: Date.now() - started,
    };
  },
  render: (r) => {
    const lines = [`Segmentation ${r.segmentation_id}: k-means, k = ${r.k}, ${r.participants_clustered} participants, ${r.features.length} features (seed ${r.seed}, ${r.restarts} restarts).`];
    if (r.diagnostics.length > 1) {
      lines.push('k | inertia | silhouette | CH | DB | stability (ARI) | min Jaccard | smallest');
      for (const d of r.diagnostics) lines.push(`${d.k === r.k ? '*' : ' '}${d.k} | ${d.inertia} | ${d.silhouette}${d.silhouette_exact ? '' : ' (sampled)'} | ${d.calinski_harabasz} | ${d.davies_bouldin} | ${d.stability} | ${d.min_jaccard} | ${d.smallest_segment}`);
      lines.push(`Recommended: ${r.recommendation.reason}`);
    }
    lines.push(...renderSegments(r.segments));
    for (const w of r.warnings) lines.push(`Warning: ${w}`);
    lines.push(`Next: get_segmentation ${r.segmentation_id} for profiles and personas; update_segment to name the segments.`);
    return lines.join('\n');
  },
});
