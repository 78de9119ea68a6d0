/**
 * k-means behind one small function: a matrix in, assignments and centres out.
 * Initialisation is greedy k-means++ (as scikit-learn does: 2 + ln k candidate centres per step,
 * keeping the one that lowers the potential most), seeded; Lloyd iterations run in the typed-array
 * kernel of kernel.ts (ml-kmeans, the first kernel, stays as the cross-check in the tests).
 * Convergence follows scikit-learn: labels unchanged, or summed squared centre shift ≤ tol × mean variance.
 */
import { matrix, row, squaredDistance, type Matrix } from '../matrix.js';
import { childSeed, seededRandom, type Random } from '../random.js';
import { lloydSerial, lloydState } from './kernel.js';

export interface KmeansOptions {
  seed?: number;
  /** Independent k-means++ starts; the lowest inertia wins. */
  restarts?: number;
  maxIterations?: number;
  /** Relative tolerance, scaled by the mean feature variance (scikit-learn's `tol`). */
  tolerance?: number;
}

export interface KmeansResult {
  k: number;
  /** Cluster index per row, 0-based. */
  assignments: Int32Array;
  /** k × cols centres. */
  centres: Matrix;
  /** Sum of squared distances of rows to their centre. */
  inertia: number;
  iterations: number;
  converged: boolean;
}

export const DEFAULT_SEED = 42;

/** Greedy k-means++ seeding (Arthur & Vassilvitskii 2007; scikit-learn's variant with local trials). */
export function kmeansPlusPlus(data: Matrix, k: number, random: Random): Matrix {
  const { rows: n, cols } = data;
  const centres = matrix(k, cols);
  const trials = 2 + Math.floor(Math.log(k));
  const first = Math.floor(random() * n);
  centres.data.set(row(data, first), 0);
  const closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = squaredDistance(data.data, i * cols, centres.data, 0, cols);
    potential += closest[i]!;
  }
  const candidateDistances = new Float64Array(n);
  const bestDistances = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let bestCandidate = -1;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      const candidate = potential > 0 ? sampleProportional(closest, potential, random()) : Math.floor(random() * n);
      let candidatePotential = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.min(closest[i]!, squaredDistance(data.data, i * cols, data.data, candidate * cols, cols));
        candidateDistances[i] = d;
        candidatePotential += d;
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        bestCandidate = candidate;
        bestDistances.set(candidateDistances);
      }
    }
    centres.data.set(row(data, bestCandidate), c * cols);
    closest.set(bestDistances);
    potential = bestPotential;
  }
  return centres;
}

function sampleProportional(weights: Float64Array, total: number, u: number): number {
  let target = u * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i]!;
    if (target < 0) return i;
  }
  // Rounding left a sliver: take the last row with any weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return weights.length - 1;
}

/** Mean of the per-column variances: scales the convergence tolerance as scikit-learn does. */
export function meanVariance(data: Matrix): number {
  const { rows: n, cols } = data;
  if (n === 0 || cols === 0) return 0;
  let total = 0;
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data.data[i * cols + j]!;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (data.data[i * cols + j]! - mean) ** 2;
    total += ss / n;
  }
  return total / cols;
}

/** Nearest centre per row and the resulting inertia (the final E-step, also used to score new rows). */
export function nearestCentres(data: Matrix, centres: Matrix): { assignments: Int32Array; distances: Float64Array; inertia: number } {
  const { rows: n, cols } = data;
  const assignments = new Int32Array(n);
  const distances = new Float64Array(n);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < centres.rows; c++) {
      const d = squaredDistance(data.data, i * cols, centres.data, c * cols, cols);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    assignments[i] = best;
    distances[i] = bestDistance;
    inertia += bestDistance;
  }
  return { assignments, distances, inertia };
}

/** Lloyd iterations from given centres: the typed-array kernel (kernel.ts), on this thread. */
export function lloyd(data: Matrix, initial: Matrix, options: { maxIterations?: number; tolerance?: number } = {}): KmeansResult {
  const k = initial.rows;
  const state = lloydState(data.rows, data.cols, k);
  const tolerance = (options.tolerance ?? 1e-4) * meanVariance(data);
  const out = lloydSerial(data.data, state, initial.data, { maxIterations: options.maxIterations ?? 300, tolerance });
  return { k, assignments: out.labels, centres: matrix(k, data.cols, out.centres), inertia: out.inertia, iterations: out.iterations, converged: out.converged };
}

/** k-means with seeded k-means++ restarts, keeping the lowest inertia. Same seed, same result. */
export function kmeans(data: Matrix, k: number, options: KmeansOptions = {}): KmeansResult {
  if (!Number.isInteger(k) || k < 1) throw new Error(`kmeans: k must be a positive integer, got ${k}`);
  if (data.rows < k) throw new Error(`kmeans: ${data.rows} rows cannot make ${k} clusters`);
  const seed = options.seed ?? DEFAULT_SEED;
  const restarts = Math.max(1, options.restarts ?? 10);
  let best: KmeansResult | null = null;
  for (let r = 0; r < restarts; r++) {
    const initial = kmeansPlusPlus(data, k, seededRandom(childSeed(seed, r)));
    const fit = lloyd(data, initial, options);
    if (!best || fit.inertia < best.inertia - 1e-12 * Math.max(1, best.inertia)) best = fit;
  }
  return best!;
}

/**
 * Relabels clusters in a canonical order — largest first, ties by the centre's coordinates —
 * so a re-run with the same data never shuffles segment numbers.
 */
export function canonicalOrder(fit: KmeansResult): KmeansResult {
  const sizes = new Array<number>(fit.k).fill(0);
  for (const a of fit.assignments) sizes[a]!++;
  const cols = fit.centres.cols;
  const order = Array.from({ length: fit.k }, (_, c) => c).sort((a, b) => {
    if (sizes[b]! !== sizes[a]!) return sizes[b]! - sizes[a]!;
    for (let j = 0; j < cols; j++) {
      const d = fit.centres.data[a * cols + j]! - fit.centres.data[b * cols + j]!;
      if (d !== 0) return d;
    }
    return a - b;
  });
  const newIndex = new Int32Array(fit.k);
  order.forEach((old, i) => (newIndex[old] = i));
  const centres = matrix(fit.k, cols);
  order.forEach((old, i) => centres.data.set(row(fit.centres, old), i * cols));
  return { ...fit, assignments: fit.assignments.map((a) => newIndex[a]!), centres };
}
