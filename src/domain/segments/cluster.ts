/**
 * The clustering pipeline, pure: candidate k values, restarts, internal indices, bootstrap
 * stability, the recommended k under a stated rule, and the sample-size guard.
 */
import { kmeansByJobs, serialJobs, type JobsFactory, type KmeansJobs } from '../clustering/jobs.js';
import { canonicalOrder, DEFAULT_SEED, iterationsFor, type KmeansResult } from '../clustering/kmeans.js';
import { calinskiHarabasz, daviesBouldin, silhouette } from '../clustering/quality.js';
import { BOOTSTRAP_RESTARTS, combineRounds, DISSOLVED, labelsOf, stabilityRows, stabilityVerdict, type StabilityVerdict } from '../clustering/stability.js';
import type { Matrix } from '../matrix.js';
import { decimal } from '../format.js';

export interface ClusterOptions {
  k: number | 'auto';
  kMin?: number | undefined;
  kMax?: number | undefined;
  seed?: number | undefined;
  restarts?: number | undefined;
  bootstraps?: number | undefined;
  onProgress?: ((done: number, total: number, message: string) => void | Promise<void>) | undefined;
  /** Where the k-means jobs run (default: this thread, in turn); the tool passes the worker pool's. */
  jobs?: JobsFactory | undefined;
}

export interface Diagnostic {
  k: number;
  inertia: number;
  silhouette: number | null;
  silhouette_exact: boolean;
  calinski_harabasz: number | null;
  davies_bouldin: number | null;
  /** Mean adjusted Rand index between the fit and bootstrap re-fits. */
  stability: number;
  /** Smallest per-segment mean bootstrap Jaccard. */
  min_jaccard: number;
  smallest_segment: number;
}

export interface ClusterRun {
  k: number;
  fit: KmeansResult;
  diagnostics: Diagnostic[];
  recommendation: { k: number; rule: string; reason: string };
  /** Per segment of the chosen k (canonical order): mean Jaccard and verdict. */
  stability: { jaccard: number; verdict: StabilityVerdict }[];
  seed: number;
  restarts: number;
  bootstraps: number;
}

/** Silhouettes closer than this to the best count as tied: at interview-study sizes such gaps are resampling noise. */
export const SILHOUETTE_TIE = 0.03;

export const RECOMMENDATION_RULE =
  'Among the k whose every segment survives resampling (bootstrap Jaccard ≥ 0.6) and holds at least 5% of participants (and 3 people): the highest mean silhouette, where silhouettes within 0.03 of the best count as tied and the most stable of the tied k (highest bootstrap ARI) wins, then the smaller k. If no k qualifies, the same rule over all k.';

/** The auto range: 2 to min(8, n/10), at least 2. */
export function autoRange(n: number, kMin?: number, kMax?: number): [number, number] {
  const lo = Math.max(2, kMin ?? 2);
  const hi = Math.max(lo, Math.min(kMax ?? Math.min(8, Math.floor(n / 10)), n - 1));
  return [lo, hi];
}

/** Progress steps of a clustering: one per restart and bootstrap round of each candidate k. */
export function clusterJobCount(candidates: number, restarts: number, bootstraps: number): number {
  return candidates * (restarts + bootstraps);
}

export async function clusterMatrix(data: Matrix, options: ClusterOptions): Promise<ClusterRun> {
  const n = data.rows;
  const seed = options.seed ?? DEFAULT_SEED;
  const restarts = options.restarts ?? 10;
  const bootstraps = options.bootstraps ?? 20;
  const candidates =
    options.k === 'auto'
      ? (() => {
          const [lo, hi] = autoRange(n, options.kMin, options.kMax);
          return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
        })()
      : [options.k];
  // Every restart and bootstrap round is a job of its own; all k are asked for at once, so a
  // pool of threads stays busy until the last one. Results are put together in a fixed order.
  const total = clusterJobCount(candidates.length, restarts, bootstraps);
  let done = 0;
  const tick = async (message: string) => options.onProgress?.(++done, total, message);
  const stability = stabilityRows(data, seed);
  const jobs = await (options.jobs ?? serialJobs)(data, candidates[candidates.length - 1]!, stability.data);
  const iterations = iterationsFor(data);
  const runFor = async (k: number) => {
    const onRestart = (r: number) => tick(`k = ${k}: restart ${r + 1} of ${restarts}`);
    const fit = canonicalOrder(await kmeansByJobs(jobs, data, k, { seed, restarts, iterations, onRestart }));
    const sampleLabels = labelsOf(fit.assignments, stability.picked);
    const rounds = await Promise.all(
      Array.from({ length: bootstraps }, async (_, b) => {
        const outcome = await jobs.run({ kind: 'bootstrap', k, labels: sampleLabels, round: b, seed, restarts: BOOTSTRAP_RESTARTS });
        await tick(`k = ${k}: bootstrap ${b + 1} of ${bootstraps}`);
        return outcome;
      }),
    );
    const stable = combineRounds(rounds, k, stability.data.rows);
    const sizes = new Array<number>(k).fill(0);
    for (const a of fit.assignments) sizes[a]!++;
    const s = silhouette(data, fit.assignments, k, seed);
    const diagnostic: Diagnostic = {
      k,
      inertia: fit.inertia,
      silhouette: s.value,
      silhouette_exact: s.exact,
      calinski_harabasz: calinskiHarabasz(data, fit.assignments, k),
      davies_bouldin: daviesBouldin(data, fit.assignments, k),
      stability: stable.ari,
      min_jaccard: Math.min(...stable.jaccard),
      smallest_segment: Math.min(...sizes),
    };
    return { k, fit, diagnostic, jaccard: stable.jaccard };
  };
  let runs: Awaited<ReturnType<typeof runFor>>[];
  try {
    runs = await Promise.all(candidates.map(runFor));
  } finally {
    await close(jobs);
  }

  const minSize = Math.max(3, Math.ceil(0.05 * n));
  const qualifies = runs.filter((r) => r.diagnostic.min_jaccard >= DISSOLVED && r.diagnostic.smallest_segment >= minSize && r.diagnostic.silhouette !== null);
  const pool = qualifies.length > 0 ? qualifies : runs;
  const bestSilhouette = Math.max(...pool.map((r) => r.diagnostic.silhouette ?? -Infinity));
  const tied = pool.filter((r) => (r.diagnostic.silhouette ?? -Infinity) >= bestSilhouette - SILHOUETTE_TIE);
  const mostStable = tied.reduce((best, r) => (r.diagnostic.stability > best.diagnostic.stability ? r : best));
  const chosen = options.k === 'auto' ? mostStable : runs[0]!;
  const reason =
    options.k !== 'auto'
      ? `k = ${chosen.k} was given.`
      : qualifies.length === 0
        ? `No k in ${candidates[0]}–${candidates[candidates.length - 1]} has every segment stable and large enough; k = ${chosen.k} has the highest silhouette (${decimal(chosen.diagnostic.silhouette, 3)}). Treat the segments as tentative.`
        : `k = ${chosen.k}: silhouette ${decimal(chosen.diagnostic.silhouette, 3)}${tied.length > 1 ? ` (tied within ${SILHOUETTE_TIE} with k = ${tied.filter((r) => r !== chosen).map((r) => r.k).join(', ')}; most stable, ARI ${decimal(chosen.diagnostic.stability, 3)})` : ''}, every segment's bootstrap Jaccard ≥ ${decimal(chosen.diagnostic.min_jaccard, 3)}, smallest segment ${chosen.diagnostic.smallest_segment}${qualifies.length < runs.length ? `; k = ${runs.filter((r) => !qualifies.includes(r)).map((r) => r.k).join(', ')} did not qualify` : ''}.`;
  return {
    k: chosen.k,
    fit: chosen.fit,
    diagnostics: runs.map((r) => r.diagnostic),
    recommendation: { k: chosen.k, rule: RECOMMENDATION_RULE, reason },
    stability: chosen.jaccard.map((j) => ({ jaccard: j, verdict: stabilityVerdict(j) })),
    seed,
    restarts,
    bootstraps,
  };
}

/** Closes a job runner; a failure to close never hides the run's own outcome. */
async function close(jobs: KmeansJobs): Promise<void> {
  await jobs.close().catch(() => undefined);
}

/** The sample-size guard: warnings a researcher should read before trusting the segments. */
export function sampleSizeWarnings(participants: number, features: number, sizes: number[]): string[] {
  const warnings: string[] = [];
  if (participants < 10 * features) {
    warnings.push(
      `Only ${decimal(participants / features, 1)} participants per feature (${participants} participants, ${features} features); ~10 per feature is the usual minimum. Cluster on fewer features (the questions that matter most to the decision) or add participants.`,
    );
  }
  const small = sizes.map((s, i) => ({ s, id: i + 1 })).filter((x) => x.s < 20);
  if (small.length > 0) {
    warnings.push(
      `Segment${small.length > 1 ? 's' : ''} ${small.map((x) => `${x.id} (${x.s})`).join(', ')} hold${small.length > 1 ? '' : 's'} fewer than ~20–30 participants: read ${small.length > 1 ? 'their' : 'its'} profile as directional, interview more people in ${small.length > 1 ? 'them' : 'it'}, or ask for fewer segments.`,
    );
  }
  if (sizes.length > 5) warnings.push(`${sizes.length} segments: more than teams can build distinct playbooks for (3–5 is the usual advice). Consider a smaller k.`);
  return warnings;
}
