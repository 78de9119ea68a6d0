/**
 * Stability by bootstrap (Hennig 2007, "Cluster-wise assessment of cluster stability"):
 * re-cluster resamples of the rows; for each original cluster, its best Jaccard overlap with a
 * cluster of the resample (over the rows drawn), averaged over resamples. Also the mean
 * adjusted Rand index between the original labels and each resample's labels.
 */
import { pickRows, type Matrix } from '../matrix.js';
import { childSeed, sampleIndices, seededRandom } from '../random.js';
import { adjustedRandIndex, jaccard } from './agreement.js';
import { kmeans, nearestCentres } from './kmeans.js';

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

/** k-means++ starts of each bootstrap re-fit. */
export const BOOTSTRAP_RESTARTS = 3;

/** The rows stability is assessed on: all of them, or a seeded subsample above STABILITY_ROWS. */
export function stabilityRows(data: Matrix, seed: number): { data: Matrix; picked: Int32Array | null } {
  if (data.rows <= STABILITY_ROWS) return { data, picked: null };
  const picked = sampleIndices(data.rows, STABILITY_ROWS, seededRandom(childSeed(seed, 999)));
  return { data: pickRows(data, picked), picked };
}

/** The labels of the rows `stabilityRows` picked. */
export function labelsOf(labels: Int32Array, picked: Int32Array | null): Int32Array {
  return picked ? Int32Array.from(picked, (i) => labels[i]!) : labels;
}

/** One bootstrap round's agreement with the original labels. */
export interface BootstrapRound {
  ari: number;
  /** Per original cluster, its best Jaccard with a re-fit cluster (0 when absent from the resample). */
  jaccard: Float64Array;
}

/**
 * Round `round` of the bootstrap, on this thread: draw n rows with replacement, re-cluster them
 * (`restarts` k-means++ starts), label the distinct drawn rows by the re-fit's nearest centre, and
 * compare with the original labels. Each round has its own seeds, so rounds can run anywhere.
 */
export function bootstrapRound(data: Matrix, labels: Int32Array, k: number, round: number, seed: number, restarts: number): BootstrapRound {
  const n = data.rows;
  const random = seededRandom(childSeed(seed, 1000 + round));
  const drawn = new Int32Array(n);
  for (let i = 0; i < n; i++) drawn[i] = Math.floor(random() * n);
  const fit = kmeans(pickRows(data, drawn), k, { seed: childSeed(seed, 2000 + round), restarts });
  // Clusters compared over the distinct rows drawn, each row labeled by the resample's centres.
  const distinct = [...new Set(drawn)].sort((x, y) => x - y);
  const { assignments: resampled } = nearestCentres(pickRows(data, distinct), fit.centres);
  const original = distinct.map((i) => labels[i]!);
  const originalSets = Array.from({ length: k }, () => new Set<number>());
  const resampledSets = Array.from({ length: k }, () => new Set<number>());
  distinct.forEach((_, idx) => {
    originalSets[original[idx]!]!.add(idx);
    resampledSets[resampled[idx]!]!.add(idx);
  });
  const best = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    // A cluster absent from the resample counts as dissolved (Jaccard 0) this round.
    if (originalSets[c]!.size === 0) continue;
    for (const other of resampledSets) best[c] = Math.max(best[c]!, jaccard(originalSets[c]!, other));
  }
  return { ari: adjustedRandIndex(original, resampled), jaccard: best };
}

/** The rounds' mean ARI and per-cluster mean Jaccard, summed in round order (the same whichever thread ran them). */
export function combineRounds(rounds: readonly BootstrapRound[], k: number, rows: number): Stability {
  const jaccardSums = new Float64Array(k);
  let ariSum = 0;
  for (const round of rounds) {
    ariSum += round.ari;
    for (let c = 0; c < k; c++) jaccardSums[c]! += round.jaccard[c]!;
  }
  return { jaccard: Array.from(jaccardSums, (s) => s / rounds.length), ari: ariSum / rounds.length, bootstraps: rounds.length, rows };
}

/** Bootstrap stability on this thread (rounds in order). */
export async function bootstrapStability(
  data: Matrix,
  labels: Int32Array,
  k: number,
  options: { bootstraps?: number; seed?: number; restarts?: number; onRound?: () => void | Promise<void> } = {},
): Promise<Stability> {
  const seed = options.seed ?? 0;
  const rows = stabilityRows(data, seed);
  const sampleLabels = labelsOf(labels, rows.picked);
  const rounds: BootstrapRound[] = [];
  for (let b = 0; b < (options.bootstraps ?? 20); b++) {
    rounds.push(bootstrapRound(rows.data, sampleLabels, k, b, seed, options.restarts ?? BOOTSTRAP_RESTARTS));
    await options.onRound?.();
  }
  return combineRounds(rounds, k, rows.data.rows);
}
