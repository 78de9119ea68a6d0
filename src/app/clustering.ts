/** cluster_participants: k-means segments over answers, attributes and themes, k given or chosen, stored with their descriptions. */
import { clusteringJobs } from '../compute/kmeans-pool.js';
import { allocateMatrix } from '../domain/clustering/workspace.js';
import { DEFAULT_SEED } from '../domain/clustering/kmeans.js';
import { SILHOUETTE_SAMPLE } from '../domain/clustering/quality.js';
import { STABILITY_ROWS } from '../domain/clustering/stability.js';
import { pickRows, row, squaredDistance } from '../domain/matrix.js';
import { autoRange, clusterJobCount, clusterMatrix, sampleSizeWarnings } from '../domain/segments/cluster.js';
import { defaultFeatures, fitEncoding, missingFeatures } from '../domain/segments/encoding.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import { counted, population, overInterviews, populationRule } from '../domain/population.js';
import { fitSegmentSummaries, saveSegmentation, segmentSummary } from './segmentations.js';
import { capList } from '../domain/format.js';
import { throwIfCancelled, type CallOptions } from './call-options.js';
import { fitList, fitMessages } from '../domain/budget.js';
import { callOnWorker } from './worker-call.js';

/** Output budget shares of a clustering result's lists (the diagnostics table, at most 19 rows, takes ~5,000). */
const RESULT_CHARS = { segments: 5000, features: 1200, excluded: 600, warnings: 1000, notes: 800 } as const;

export interface ClusterRequest {
  studyId: number;
  /** answer.<key>, attr.<name> or theme (default: every structured question and numeric attribute). */
  features?: string[] | undefined;
  weights?: Record<string, number> | undefined;
  k: number | 'auto';
  kMin?: number | undefined;
  kMax?: number | undefined;
  seed?: number | undefined;
  restarts?: number | undefined;
  bootstraps?: number | undefined;
  /** The population rule: completed interviews, plus partial ones when true. */
  includePartial?: boolean | undefined;
}

/** From this many participants in the study, a clustering runs on a worker thread (cluster-worker.ts) unless the database is in memory. */
export const CLUSTER_WORKER_FROM = 5_000;

export interface ClusterOptions extends CallOptions {
  /** From this many participants on a worker thread (default CLUSTER_WORKER_FROM); Infinity keeps it on this thread. */
  workerFrom?: number | undefined;
}

export type ClusterResult = Awaited<ReturnType<typeof clusterInThisThread>>;

/**
 * Cancelling (options.signal) stops the work at the next job or phase; nothing is saved then.
 * A large study's clustering runs on a worker thread with its own connection (reading, encoding,
 * the diagnostics, describing and saving are seconds of work at 100,000 participants), so other
 * sessions of the process keep being answered; the result is the same.
 */
export async function clusterParticipants(store: Store, args: ClusterRequest, options: ClusterOptions = {}): Promise<ClusterResult> {
  const started = Date.now();
  const connection = store.connection();
  const workerFrom = options.workerFrom ?? CLUSTER_WORKER_FROM;
  // Counted only up to the threshold: a whole count of a million participants holds this thread ~0.4 s.
  if (connection !== null && (await store.facts.participantCount(args.studyId, Number.isFinite(workerFrom) ? workerFrom : 0)) >= workerFrom) {
    const result = await callOnWorker<ClusterRequest, ClusterResult>('cluster-worker', connection, args, store.writeTurns, options);
    return { ...result, elapsed_ms: Date.now() - started };
  }
  // The clustering awaited its jobs: a worker (an import) may hold the write lock now; wait for it
  // here rather than block this thread in busy_timeout.
  return clusterInThisThread(store, args, options, () => store.writeTurns.idle());
}

/** The clustering on this thread; `beforeSave` runs once the k-means jobs are over, before the segments are described and saved. */
export async function clusterInThisThread(store: Store, args: ClusterRequest, options: CallOptions, beforeSave: () => Promise<void>) {
  const { signal } = options;
  const progress = async (done: number, total: number, message: string) => {
    await options.progress?.(done, total, message);
    throwIfCancelled(signal);
  };
  const started = Date.now();
  await store.studies.get(args.studyId);
  if (args.kMin !== undefined && args.kMax !== undefined && args.kMin > args.kMax) throw new UserError(`k_min (${args.kMin}) is larger than k_max (${args.kMax}).`);
  const catalog = await store.facts.catalog(args.studyId);
  const fields = args.features ?? defaultFeatures(catalog);
  const rule = populationRule(args.includePartial, overInterviews(fields));
  const everyone = await store.facts.facts(args.studyId);
  const facts = everyone.filter((f) => counted(rule, f.status));
  if (facts.length < 4) throw new UserError(`The study has ${facts.length} participant(s) counted (${rule.rule}); clustering needs at least 4 (and ~20–30 per segment to be trusted).`);
  // The encoding (scales, categories, imputed values) is fit over every participant of the study,
  // the base the segments will be applied to; the segments are found among the counted ones.
  // Encoded straight into shared memory: the worker pool clusters it where it is, without a copy.
  const fitAll = fitEncoding(everyone, fields, catalog, args.weights ?? {}, { allocate: allocateMatrix });
  const keep = fitAll.included.flatMap((f, i) => (counted(rule, f.status) ? [i] : []));
  const included = keep.map((i) => fitAll.included[i]!);
  const countedIds = new Set(facts.map((f) => f.participant_id));
  const missing = included.map((f) => missingFeatures(fitAll.encoding, f));
  const fit = {
    ...fitAll,
    included,
    matrix: keep.length === fitAll.included.length ? fitAll.matrix : pickRows(fitAll.matrix, keep),
    excluded: fitAll.excluded.filter((e) => countedIds.has(e.participant_id)),
    imputed: fitAll.imputed.map((x) => ({ field: x.field, count: missing.filter((m) => m.includes(x.field)).length })),
  };
  const n = fit.included.length;
  if (args.k !== 'auto' && args.k >= n) throw new UserError(`k = ${args.k} needs more than ${args.k} participants with enough answers; ${n} have them.`);
  if (args.k === 'auto' && n < 6) throw new UserError(`Only ${n} participants have enough answers to cluster; "auto" needs at least 6. Give k explicitly or add participants.`);
  const [lo, hi] = autoRange(n, args.kMin, args.kMax);
  if (args.k === 'auto' && (args.kMin !== undefined || args.kMax !== undefined) && hi < lo) throw new UserError(`No k to try between k_min and k_max for ${n} participants.`);

  // Progress steps: participants read and encoded, each clustering job, then describing and saving
  // (each also a chance for other sessions to be answered and for a cancellation to stop the run).
  const restarts = args.restarts ?? 10;
  const bootstraps = args.bootstraps ?? 20;
  const total = clusterJobCount(args.k === 'auto' ? hi - lo + 1 : 1, restarts, bootstraps) + 2;
  await progress(1, total, `${n.toLocaleString('en')} participants read and encoded`);
  const run = await clusterMatrix(fit.matrix, { k: args.k, kMin: lo, kMax: hi, seed: args.seed ?? DEFAULT_SEED, restarts, bootstraps, onProgress: (done, _, message) => progress(done + 1, total, message), jobs: clusteringJobs });
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
  const parameters = { features: fields, weights: args.weights ?? {}, include_partial: rule.include_partial, k: args.k, k_min: lo, k_max: hi, seed: run.seed, restarts: run.restarts, bootstraps: run.bootstraps };
  const centres = run.fit.centres;
  await progress(total, total, `describing and saving ${run.k} segments`);
  await beforeSave();
  throwIfCancelled(signal);
  const { id, descriptions } = await saveSegmentation(store, {
    studyId: args.studyId,
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
  const features = fit.encoding.features.map((f) => ({ field: f.field, kind: f.kind, columns: f.columns.length, weight: f.weight, transform: f.transform, imputed: fit.imputed.find((x) => x.field === f.field)?.count ?? 0 }));
  return {
    segmentation_id: id,
    study_id: args.studyId,
    method: 'kmeans' as const,
    k: run.k,
    participants_clustered: n,
    population: population(rule, facts.length),
    excluded: { count: fit.excluded.length, participants: fitList(fit.excluded.slice(0, 20).map((e) => ({ participant_id: e.participant_id, missing: e.missing.slice(0, 5) })), RESULT_CHARS.excluded).items },
    features: fitList(features, RESULT_CHARS.features).items,
    features_total: features.length,
    ...fitSegmentSummaries(descriptions.map((d, g) => segmentSummary(d, { name: null, stability: run.stability[g]!, definition: null })), RESULT_CHARS.segments),
    diagnostics: run.diagnostics,
    recommendation: run.recommendation,
    warnings: fitMessages(warnings, RESULT_CHARS.warnings),
    notes: fitMessages(notes, RESULT_CHARS.notes),
    seed: run.seed,
    restarts: run.restarts,
    bootstraps: run.bootstraps,
    elapsed_ms: Date.now() - started,
  };
  }
