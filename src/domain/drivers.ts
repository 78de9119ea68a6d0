/**
 * Key-driver statistics: Pearson and Spearman correlations with their p-values, and Johnson's
 * (2000) relative weights — each driver's share of R², computed through the orthogonal
 * counterpart of the drivers so correlated drivers split the credit instead of fighting for it.
 */
import { createRequire } from 'node:module';
import type { IdNumbers } from './id-numbers.js';
import { tTwoSidedP } from './significance.js';

// ml-matrix loads on first use: it is only needed for relative weights, and start-up counts.
type MlMatrix = typeof import('ml-matrix');
let mlMatrix: MlMatrix | null = null;
function linearAlgebra(): MlMatrix {
  mlMatrix ??= createRequire(import.meta.url)('ml-matrix') as MlMatrix;
  return mlMatrix;
}

export interface Correlation {
  r: number | null;
  p: number | null;
  n: number;
}

/** Pearson's r of paired values, with the two-sided p of t = r√((n−2)/(1−r²)) (as scipy.stats.pearsonr). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): Correlation {
  const n = x.length;
  if (n < 3) return { r: null, p: null, n };
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return { r: null, p: null, n };
  const r = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  if (Math.abs(r) === 1) return { r, p: 0, n };
  const t = r * Math.sqrt((n - 2) / (1 - r * r));
  return { r, p: tTwoSidedP(t, n - 2), n };
}

/** Ranks with ties given their average rank (1-based). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  // A typed-array sort (native, no comparator), each run of ties' average rank kept at the run's
  // first position, then each value's run found by one binary search: no objects and no map of
  // distinct values (tens of MB per driver at a million participants with as many distinct values).
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  // Positions start … end − 1 hold ranks start + 1 … end, whose average is (start + end + 1) / 2.
  const runRank = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && sorted[end] === sorted[start]) end++;
    runRank[start] = (start + end + 1) / 2;
    start = end;
  }
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // NaNs sort last and never equal each other: each is a run of its own, the last rank.
    if (Number.isNaN(v)) {
      ranks[i] = n;
      continue;
    }
    let start = 0;
    for (let hi = n; start < hi; ) {
      const mid = (start + hi) >>> 1;
      if (sorted[mid]! < v) start = mid + 1;
      else hi = mid;
    }
    ranks[i] = runRank[start]!;
  }
  return ranks;
}

/** Spearman's ρ: Pearson's r of average ranks, same p-value approximation as scipy.stats.spearmanr. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): Correlation {
  return pearson(averageRanks(x), averageRanks(y));
}

function correlationMatrix(columns: readonly ArrayLike<number>[]): number[][] {
  const k = columns.length;
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let a = 0; a < k; a++) {
    m[a]![a] = 1;
    for (let b = a + 1; b < k; b++) {
      const r = pearson(columns[a]!, columns[b]!).r ?? 0;
      m[a]![b] = r;
      m[b]![a] = r;
    }
  }
  return m;
}

export interface RelativeWeights {
  r_squared: number;
  /** Raw weights (sum to R²) and their shares of R² (sum to 1), in driver order. */
  weights: number[];
  shares: number[];
}

/**
 * Johnson's relative weights over complete cases. `drivers[j][i]` is driver j of case i.
 * Returns null when a driver is constant or the drivers are perfectly collinear.
 */
export function relativeWeights(drivers: readonly ArrayLike<number>[], outcome: ArrayLike<number>): RelativeWeights | null {
  const k = drivers.length;
  if (k === 0 || outcome.length < k + 2) return null;
  const rxx = correlationMatrix(drivers);
  const rxy = drivers.map((d) => pearson(d, outcome).r);
  if (rxy.some((r) => r === null)) return null;
  const { EigenvalueDecomposition, Matrix, solve } = linearAlgebra();
  const eigen = new EigenvalueDecomposition(new Matrix(rxx), { assumeSymmetric: true });
  const values = eigen.realEigenvalues;
  if (values.some((v) => v <= 1e-10)) return null;
  const vectors = eigen.eigenvectorMatrix;
  // Λ = V·diag(√λ)·Vᵀ: correlations between the drivers and their orthogonal counterparts Z.
  const lambda = vectors.mmul(Matrix.diag(values.map(Math.sqrt))).mmul(vectors.transpose());
  // Regressing the outcome on Z (orthonormal): β = Λ⁻¹ rxy.
  const beta = solve(lambda, Matrix.columnVector(rxy as number[])).to1DArray();
  const weights = Array.from({ length: k }, (_, j) => {
    let w = 0;
    for (let c = 0; c < k; c++) w += lambda.get(j, c) ** 2 * beta[c]! ** 2;
    return w;
  });
  const r2 = weights.reduce((s, w) => s + w, 0);
  return { r_squared: r2, weights, shares: weights.map((w) => (r2 > 0 ? w / r2 : 0)) };
}

export interface DriverInput {
  name: string;
  field: string;
  values: IdNumbers;
}

export interface DriverRow {
  driver: string;
  field: string;
  n: number;
  pearson: Correlation;
  spearman: Correlation;
  /** Johnson's raw weight (sums to R² over drivers) and its share of R². */
  relative_weight: number | null;
  share_of_r_squared: number | null;
}

export interface DriverResult {
  n_outcome: number;
  complete_cases: number;
  r_squared: number | null;
  drivers: DriverRow[];
  dropped: { driver: string; reason: string }[];
  warnings: string[];
}

/** Correlations per driver (pairwise complete) and relative weights (listwise complete), optionally within a group. */
export function analyzeDrivers(outcome: IdNumbers, inputs: DriverInput[], members: Set<number> | null = null): DriverResult {
  // Typed columns throughout: at a million participants a number[] is tens of MB, each.
  const ids = members === null ? outcome.ids : outcome.ids.filter((id) => members.has(id));
  const y = members === null ? outcome.values : Float64Array.from(ids, (id) => outcome.get(id)!);
  const dropped: DriverResult['dropped'] = [];
  const warnings: string[] = [];
  const rows: DriverRow[] = [];
  // Each usable driver aligned with `ids` (NaN where missing): one lookup per participant and driver.
  const usable: { aligned: Float64Array }[] = [];
  // Participants missing any usable driver (out of the relative weights' complete cases).
  const incomplete = new Uint8Array(ids.length);
  let outcomeRanks: Float64Array | undefined;
  for (const d of inputs) {
    const aligned = new Float64Array(ids.length);
    let missing = 0;
    for (let i = 0; i < ids.length; i++) {
      const v = d.values.get(ids[i]!) ?? NaN;
      aligned[i] = v;
      if (Number.isNaN(v)) missing++;
    }
    const everyone = missing === 0;
    let x = aligned;
    let yPaired = y;
    if (!everyone) {
      x = new Float64Array(ids.length - missing);
      yPaired = new Float64Array(x.length);
      for (let i = 0, j = 0; i < ids.length; i++) {
        if (Number.isNaN(aligned[i]!)) continue;
        x[j] = aligned[i]!;
        yPaired[j++] = y[i]!;
      }
    }
    if (!x.some((v) => v !== x[0]!)) {
      dropped.push({ driver: d.name, reason: x.length < 3 ? `only ${x.length} participant(s) with both values` : 'the same value for everyone' });
      continue;
    }
    const p = pearson(x, yPaired);
    // Drivers known for everyone share the outcome's ranks: computed once.
    const s = everyone ? pearson(averageRanks(x), (outcomeRanks ??= averageRanks(y))) : spearman(x, yPaired);
    rows.push({ driver: d.name, field: d.field, n: x.length, pearson: p, spearman: s, relative_weight: null, share_of_r_squared: null });
    usable.push({ aligned });
    if (!everyone) for (let i = 0; i < ids.length; i++) if (Number.isNaN(aligned[i]!)) incomplete[i] = 1;
  }
  const complete: number[] = [];
  for (let i = 0; i < ids.length; i++) if (incomplete[i] === 0) complete.push(i);
  let r2: number | null = null;
  if (usable.length > 0 && complete.length >= usable.length + 10) {
    // When every participant has every driver, the aligned columns are the complete cases: no copies.
    const all = complete.length === ids.length;
    const rw = relativeWeights(usable.map((d) => (all ? d.aligned : Float64Array.from(complete, (i) => d.aligned[i]!))), all ? y : Float64Array.from(complete, (i) => y[i]!));
    if (rw) {
      r2 = rw.r_squared;
      rw.weights.forEach((w, j) => {
        rows[j]!.relative_weight = w;
        rows[j]!.share_of_r_squared = rw.shares[j]!;
      });
    } else warnings.push('Relative weights skipped: some drivers are perfectly collinear (e.g. one is a sum of others); drop one of them.');
  } else if (usable.length > 0) {
    warnings.push(`Relative weights need at least ${usable.length + 10} participants with every driver answered (${complete.length} have): use fewer drivers.`);
  }
  if (ids.length < 30) warnings.push(`Only ${ids.length} participants with the outcome: correlations below |0.36| are not distinguishable from zero at this size.`);
  rows.sort((a, b) => (b.relative_weight ?? -1) - (a.relative_weight ?? -1) || Math.abs(b.pearson.r ?? 0) - Math.abs(a.pearson.r ?? 0));
  return { n_outcome: ids.length, complete_cases: complete.length, r_squared: r2, drivers: rows, dropped, warnings };
}
