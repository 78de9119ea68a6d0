/**
 * Internal validity indices of a partition, with scikit-learn's definitions:
 * silhouette (Rousseeuw 1987), Calinski–Harabasz (1974) and Davies–Bouldin (1979).
 */
import { squaredDistance, type Matrix } from '../matrix.js';
import { sampleIndices, seededRandom } from '../random.js';

/** Above this many rows the silhouette is estimated on a seeded sample of this size. */
export const SILHOUETTE_EXACT_LIMIT = 4000;
export const SILHOUETTE_SAMPLE = 2000;

export interface Silhouette {
  value: number | null;
  exact: boolean;
  sampled_rows: number;
}

/** Mean silhouette over rows (or a sample); singletons score 0, as in scikit-learn. */
export function silhouette(data: Matrix, labels: ArrayLike<number>, k: number, seed = 0): Silhouette {
  const n = data.rows;
  if (k < 2 || k >= n) return { value: null, exact: true, sampled_rows: n };
  const exact = n <= SILHOUETTE_EXACT_LIMIT;
  const rows = exact ? Array.from({ length: n }, (_, i) => i) : Array.from(sampleIndices(n, SILHOUETTE_SAMPLE, seededRandom(seed)));
  // Silhouette of the sample is computed within the sample (scikit-learn's sample_size semantics).
  const m = rows.length;
  const sizes = new Float64Array(k);
  for (const i of rows) sizes[labels[i]!]!++;
  const sums = new Float64Array(m * k);
  const cols = data.cols;
  for (let a = 0; a < m; a++) {
    const i = rows[a]!;
    for (let b = a + 1; b < m; b++) {
      const j = rows[b]!;
      const d = Math.sqrt(squaredDistance(data.data, i * cols, data.data, j * cols, cols));
      sums[a * k + labels[j]!]! += d;
      sums[b * k + labels[i]!]! += d;
    }
  }
  let total = 0;
  for (let a = 0; a < m; a++) {
    const own = labels[rows[a]!]!;
    if (sizes[own]! <= 1) continue;
    const intra = sums[a * k + own]! / (sizes[own]! - 1);
    let nearest = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) nearest = Math.min(nearest, sums[a * k + c]! / sizes[c]!);
    const s = Math.max(intra, nearest) > 0 ? (nearest - intra) / Math.max(intra, nearest) : 0;
    total += s;
  }
  return { value: total / m, exact, sampled_rows: m };
}

function centroidsOf(data: Matrix, labels: ArrayLike<number>, k: number): { centres: Float64Array; sizes: Float64Array; mean: Float64Array } {
  const { rows: n, cols } = data;
  const centres = new Float64Array(k * cols);
  const sizes = new Float64Array(k);
  const mean = new Float64Array(cols);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    sizes[c]!++;
    for (let j = 0; j < cols; j++) {
      centres[c * cols + j]! += data.data[i * cols + j]!;
      mean[j]! += data.data[i * cols + j]!;
    }
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < cols; j++) if (sizes[c]! > 0) centres[c * cols + j]! /= sizes[c]!;
  for (let j = 0; j < cols; j++) mean[j]! /= n;
  return { centres, sizes, mean };
}

/** Ratio of between- to within-cluster dispersion, scaled by degrees of freedom. Higher is better. */
export function calinskiHarabasz(data: Matrix, labels: ArrayLike<number>, k: number): number | null {
  const { rows: n, cols } = data;
  if (k < 2 || n <= k) return null;
  const { centres, sizes, mean } = centroidsOf(data, labels, k);
  let between = 0;
  for (let c = 0; c < k; c++) between += sizes[c]! * squaredDistance(centres, c * cols, mean, 0, cols);
  let within = 0;
  for (let i = 0; i < n; i++) within += squaredDistance(data.data, i * cols, centres, labels[i]! * cols, cols);
  if (within === 0) return null;
  return (between * (n - k)) / (within * (k - 1));
}

/** Mean over clusters of the worst (scatter_i + scatter_j) / centre distance. Lower is better. */
export function daviesBouldin(data: Matrix, labels: ArrayLike<number>, k: number): number | null {
  const { rows: n, cols } = data;
  if (k < 2) return null;
  const { centres, sizes } = centroidsOf(data, labels, k);
  const scatter = new Float64Array(k);
  for (let i = 0; i < n; i++) scatter[labels[i]!]! += Math.sqrt(squaredDistance(data.data, i * cols, centres, labels[i]! * cols, cols));
  for (let c = 0; c < k; c++) if (sizes[c]! > 0) scatter[c]! /= sizes[c]!;
  let total = 0;
  for (let a = 0; a < k; a++) {
    let worst = 0;
    for (let b = 0; b < k; b++) {
      if (a === b) continue;
      const d = Math.sqrt(squaredDistance(centres, a * cols, centres, b * cols, cols));
      worst = Math.max(worst, d === 0 ? 0 : (scatter[a]! + scatter[b]!) / d);
    }
    total += worst;
  }
  return total / k;
}
