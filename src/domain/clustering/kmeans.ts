/**
 * k-means behind one small function: a matrix in, assignments and centres out.
 * Initialisation is greedy k-means++ (as scikit-learn does: 2 + ln k candidate centres per step,
 * keeping the one that lowers the potential most), seeded; both it and the Lloyd iterations run in
 * the WebAssembly kernel of kernel.ts (ml-kmeans, the first kernel, stays as the cross-check in the tests).
 * Convergence follows scikit-learn: labels unchanged, or summed squared centre shift ≤ tol × mean variance.
 */
import { matrix, row, type Matrix } from '../matrix.js';
import { childSeed, seededRandom, type Random } from '../random.js';
import { kmeansPlusPlusLoop, lloydLoop, nearestLoop, runSerial, type LloydOutcome, type Step } from './kernel.js';
import { workspaceFor, type Workspace } from './workspace.js';

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
  const ws = workspaceFor(data, k);
  return matrix(k, data.cols, runSerial(ws, kmeansPlusPlusLoop(ws, k, random)));
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
  const ws = workspaceFor(data, centres.rows);
  const inertia = runSerial(ws, nearestLoop(ws, centres.data, centres.rows));
  return { assignments: ws.labels.slice(), distances: ws.closest.slice(), inertia };
}

/** Lloyd iterations from given centres, on this thread. */
export function lloyd(data: Matrix, initial: Matrix, options: { maxIterations?: number; tolerance?: number } = {}): KmeansResult {
  const ws = workspaceFor(data, initial.rows);
  return resultOf(runSerial(ws, lloydLoop(ws, Float64Array.from(initial.data), initial.rows, iterationsFor(data, options))), initial.rows, data.cols);
}

function resultOf(out: LloydOutcome, k: number, cols: number): KmeansResult {
  return { k, assignments: out.labels.slice(), centres: matrix(k, cols, out.centres), inertia: out.inertia, iterations: out.iterations, converged: out.converged };
}

/** Lloyd's limits for a fit: `tolerance` is already scaled by the data's mean variance. */
export interface Iterations {
  maxIterations: number;
  tolerance: number;
}

export function iterationsFor(data: Matrix, options: KmeansOptions = {}): Iterations {
  return { maxIterations: options.maxIterations ?? 300, tolerance: (options.tolerance ?? 1e-4) * meanVariance(data) };
}

/** Seed of restart `r`: each restart has its own reproducible stream, wherever it runs. */
export function restartSeed(seed: number, r: number): number {
  return childSeed(seed, r);
}

/** One restart's outcome without its labels (they stay in the workspace, or come from `nearestCentres`). */
export type RestartOutcome = Omit<LloydOutcome, 'labels'>;

/** One k-means++ start and its Lloyd iterations, on this thread. */
export function kmeansRestart(ws: Workspace, k: number, seed: number, iterations: Iterations): RestartOutcome {
  checkK(ws.layout.rows, k);
  const initial = runSerial(ws, kmeansPlusPlusLoop(ws, k, seededRandom(seed)));
  const { labels: _inWorkspace, ...outcome } = runSerial(ws, lloydLoop(ws, initial, k, iterations));
  return outcome;
}

/** Whether a restart beats the best so far: lower inertia beyond rounding, so ties keep the earlier restart. */
export function improves(inertia: number, best: number | null): boolean {
  return best === null || inertia < best - 1e-12 * Math.max(1, best);
}

function checkK(rows: number, k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`kmeans: k must be a positive integer, got ${k}`);
  if (rows < k) throw new Error(`kmeans: ${rows} rows cannot make ${k} clusters`);
}

/**
 * k-means with seeded k-means++ restarts, keeping the lowest inertia, as a loop of kernel steps:
 * for one fit split over threads (src/compute/kmeans-pool.ts).
 */
export function* kmeansLoop(ws: Workspace, k: number, options: KmeansOptions = {}): Generator<Step, KmeansResult, void> {
  const { rows, cols } = ws.layout;
  checkK(rows, k);
  const seed = options.seed ?? DEFAULT_SEED;
  const iterations = iterationsFor(ws.matrix(), options);
  let best: KmeansResult | null = null;
  for (let r = 0; r < Math.max(1, options.restarts ?? 10); r++) {
    const initial = yield* kmeansPlusPlusLoop(ws, k, seededRandom(restartSeed(seed, r)));
    const out = yield* lloydLoop(ws, initial, k, iterations);
    if (improves(out.inertia, best?.inertia ?? null)) best = resultOf(out, k, cols);
  }
  return best!;
}

/** k-means on this thread. Same seed, same result. */
export function kmeans(data: Matrix, k: number, options: KmeansOptions = {}): KmeansResult {
  const ws = workspaceFor(data, k);
  return runSerial(ws, kmeansLoop(ws, k, options));
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
