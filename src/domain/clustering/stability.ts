/**
 * Stability by bootstrap (Hennig 2007, "Cluster-wise assessment of cluster stability"):
 * re-cluster resamples of the rows; for each original cluster, its best Jaccard overlap with a
 * cluster of the resample (over the rows drawn), averaged over resamples. Also the mean
 * adjusted Rand index between the original labels and each resample's labels.
 */
import { pickRows, type Matrix } from '../matrix.js';
import { childSeed, sampleIndices, seededRandom } from '../random.js';
import { adjustedRandIndex, jaccard } from './agreement.js';
import { kmeans, nearestCentres, type KmeansResult } from './kmeans.js';

export const STABLE = 0.75;
export const DISSOLVED = 0.6;

export type StabilityVerdict = 'stable' | 'doubtful' | 'dissolved';

export function stabilityVerdict(jaccardMean: number): StabilityVerdict {
  return jaccardMean >= STABLE ? 'stable' : jaccardMean >= DISSOLVED ? 'doubtful' : 'dissolved';
}

export interface Stability {
  /** Mean Jaccard per cluster (index = cluster label). */
  jaccard: number[];
  /** Mean adjusted Rand index between the original and the bootstrap partitions. */
  ari: number;
  bootstraps: number;
  /** Rows the resampling drew from: all of them, or a seeded subsample above STABILITY_ROWS. */
  rows: number;
}

/**
 * Above this many rows, stability is assessed on a seeded subsample of this size (with the full
 * fit's labels): re-clustering a million rows 20 times would cost minutes, and at this size the
 * bootstrap already says whether a segment reproduces.
 */
export const STABILITY_ROWS = 10_000;

export async function bootstrapStability(
  data: Matrix,
  labels: Int32Array,
  k: number,
  options: {
    bootstraps?: number;
    seed?: number;
    restarts?: number;
    onRound?: () => void | Promise<void>;
    /** The k-means to re-fit with (default: the in-thread `kmeans`). */
    fit?: (data: Matrix, k: number, options: { seed: number; restarts: number }) => KmeansResult | Promise<KmeansResult>;
  } = {},
): Promise<Stability> {
  const bootstraps = options.bootstraps ?? 20;
  const seed = options.seed ?? 0;
  if (data.rows > STABILITY_ROWS) {
    const picked = sampleIndices(data.rows, STABILITY_ROWS, seededRandom(childSeed(seed, 999)));
    data = pickRows(data, picked);
    labels = Int32Array.from(picked, (i) => labels[i]!);
  }
  const n = data.rows;
  const jaccardSums = new Float64Array(k);
  let ariSum = 0;
  for (let b = 0; b < bootstraps; b++) {
    const random = seededRandom(childSeed(seed, 1000 + b));
    const drawn = new Int32Array(n);
    for (let i = 0; i < n; i++) drawn[i] = Math.floor(random() * n);
    const sample = pickRows(data, drawn);
    const refit = options.fit ?? ((m: Matrix, kk: number, o: { seed: number; restarts: number }) => kmeans(m, kk, o));
    const fit = await refit(sample, k, { seed: childSeed(seed, 2000 + b), restarts: options.restarts ?? 3 });
    // Clusters compared over the distinct rows drawn, each row labeled by the resample's centres.
    const distinct = [...new Set(drawn)].sort((x, y) => x - y);
    const { assignments: resampled } = nearestCentres(pickRows(data, distinct), fit.centres);
    const original = distinct.map((i) => labels[i]!);
    ariSum += adjustedRandIndex(original, resampled);
    const originalSets = Array.from({ length: k }, () => new Set<number>());
    const resampledSets = Array.from({ length: k }, () => new Set<number>());
    distinct.forEach((_, idx) => {
      originalSets[original[idx]!]!.add(idx);
      resampledSets[resampled[idx]!]!.add(idx);
    });
    for (let c = 0; c < k; c++) {
      // A cluster absent from the resample counts as dissolved (Jaccard 0) this round.
      if (originalSets[c]!.size === 0) continue;
      let best = 0;
      for (const other of resampledSets) best = Math.max(best, jaccard(originalSets[c]!, other));
      jaccardSums[c]! += best;
    }
    await options.onRound?.();
  }
  return { jaccard: Array.from(jaccardSums, (s) => s / bootstraps), ari: ariSum / bootstraps, bootstraps, rows: n };
}
