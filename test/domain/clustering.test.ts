/**
 * k-means and partition metrics against scikit-learn 1.2.1 on Fisher's iris data (public, UCI).
 * Reference values: test/reference/clustering.py → test/fixtures/reference/clustering.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { adjustedRandIndex, hungarian, jaccard } from '../../src/domain/clustering/agreement.js';
import { canonicalOrder, kmeans, lloyd } from '../../src/domain/clustering/kmeans.js';
import { calinskiHarabasz, daviesBouldin, silhouette } from '../../src/domain/clustering/quality.js';
import { bootstrapStability, STABILITY_ROWS, stabilityVerdict } from '../../src/domain/clustering/stability.js';
import { fromRows, pickRows } from '../../src/domain/matrix.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/clustering.json', import.meta.url), 'utf8'));
const iris = fromRows(ref.iris as number[][]);
const standardized = (() => {
  const m = fromRows(ref.iris as number[][]);
  for (let j = 0; j < m.cols; j++) {
    let mean = 0;
    for (let i = 0; i < m.rows; i++) mean += m.data[i * m.cols + j]!;
    mean /= m.rows;
    let ss = 0;
    for (let i = 0; i < m.rows; i++) ss += (m.data[i * m.cols + j]! - mean) ** 2;
    const sd = Math.sqrt(ss / m.rows);
    for (let i = 0; i < m.rows; i++) m.data[i * m.cols + j] = (m.data[i * m.cols + j]! - mean) / sd;
  }
  return m;
})();

describe('k-means against scikit-learn (iris, same initial centres)', () => {
  for (const [name, data] of [['raw', iris], ['standardized', standardized]] as const) {
    it(`${name}: same inertia and labels as sklearn KMeans(init=rows 0, 50, 100)`, () => {
      const fit = lloyd(data, pickRows(data, [0, 50, 100]));
      expect(fit.inertia).toBeCloseTo(ref[name].inertia, 9);
      expect(Array.from(fit.assignments)).toEqual(ref[name].labels);
    });
    it(`${name}: silhouette, Calinski–Harabasz, Davies–Bouldin and ARI match sklearn.metrics`, () => {
      const labels = Int32Array.from(ref[name].labels as number[]);
      expect(silhouette(data, labels, 3).value).toBeCloseTo(ref[name].silhouette, 12);
      expect(calinskiHarabasz(data, labels, 3)).toBeCloseTo(ref[name].calinski_harabasz, 8);
      expect(daviesBouldin(data, labels, 3)).toBeCloseTo(ref[name].davies_bouldin, 12);
      expect(adjustedRandIndex(ref.species, labels)).toBeCloseTo(ref[name].ari_vs_species, 12);
    });
  }

  it('restarts with the default seed reach the best inertia sklearn finds with 10 k-means++ starts', () => {
    expect(kmeans(standardized, 3).inertia).toBeCloseTo(ref.standardized.best_inertia_10_restarts, 8);
    // Other seeds may settle in the neighbouring local optimum (139.825), never below the best.
    for (const seed of [1, 2, 3]) expect(kmeans(standardized, 3, { seed }).inertia).toBeGreaterThanOrEqual(ref.standardized.best_inertia_10_restarts - 1e-9);
  });

  it('agrees with ml-kmeans run alone from the same centres (the cross-check for a future kernel)', () => {
    const init = [0, 50, 100].map((i) => ref.iris[i] as number[]);
    const alone = mlKmeans(ref.iris, 3, { initialization: init, maxIterations: 300, tolerance: 1e-12 });
    const ours = lloyd(iris, pickRows(iris, [0, 50, 100]));
    expect(adjustedRandIndex(alone.clusters, ours.assignments)).toBe(1);
  });

  it('same seed gives the same result; canonical order puts the largest cluster first', () => {
    const a = canonicalOrder(kmeans(standardized, 4, { seed: 9 }));
    const b = canonicalOrder(kmeans(standardized, 4, { seed: 9 }));
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    const sizes = [0, 1, 2, 3].map((c) => a.assignments.filter((x) => x === c).length);
    expect([...sizes].sort((x, y) => y - x)).toEqual(sizes);
  });

  it('refuses more clusters than rows', () => {
    expect(() => kmeans(fromRows([[1], [2]]), 3)).toThrow(/cannot make 3/);
  });
});

describe('partition agreement', () => {
  it('adjusted Rand index matches sklearn.metrics.adjusted_rand_score', () => {
    for (const example of ref.ari_examples) expect(adjustedRandIndex(example.a, example.b)).toBeCloseTo(example.ari, 12);
  });

  it('Hungarian assignment reaches scipy.optimize.linear_sum_assignment\'s optimum, square and rectangular', () => {
    const total = (cost: number[][], assignment: number[]) => assignment.reduce((s, c, r) => s + (c >= 0 ? cost[r]![c]! : 0), 0);
    const square = hungarian(ref.hungarian.square);
    expect(total(ref.hungarian.square, square)).toBe(ref.hungarian.square_cost);
    expect(square).toEqual(ref.hungarian.square_assignment);
    expect(total(ref.hungarian.rect, hungarian(ref.hungarian.rect))).toBe(ref.hungarian.rect_cost);
    const tall = (ref.hungarian.rect as number[][])[0]!.map((_, j) => (ref.hungarian.rect as number[][]).map((r) => r[j]!));
    const tallAssignment = hungarian(tall);
    expect(tallAssignment.filter((c) => c === -1)).toHaveLength(2);
    expect(total(tall, tallAssignment)).toBe(ref.hungarian.rect_t_cost);
  });

  it('Jaccard of sets', () => {
    expect(jaccard(new Set([1, 2, 3]), new Set([2, 3, 4]))).toBe(0.5);
    expect(jaccard(new Set(), new Set())).toBe(1);
  });
});

describe('bootstrap stability', () => {
  it('well-separated clusters are stable; an arbitrary split of one blob is not', async () => {
    const rows: number[][] = [];
    for (let i = 0; i < 60; i++) rows.push([(i % 3) * 10 + Math.sin(i) * 0.5, Math.cos(i * 7) * 0.5]);
    const separated = fromRows(rows);
    const fit = canonicalOrder(kmeans(separated, 3, { seed: 1 }));
    const stable = await bootstrapStability(separated, fit.assignments, 3, { seed: 1, bootstraps: 15 });
    expect(Math.min(...stable.jaccard)).toBeGreaterThan(0.95);
    expect(stable.ari).toBeGreaterThan(0.95);

    const blob: number[][] = [];
    for (let i = 0; i < 60; i++) blob.push([Math.sin(i * 12.9898) * 43758.5453 % 1, Math.sin(i * 78.233) * 12345.678 % 1]);
    const uniform = fromRows(blob);
    const split = canonicalOrder(kmeans(uniform, 5, { seed: 1 }));
    const shaky = await bootstrapStability(uniform, split.assignments, 5, { seed: 1, bootstraps: 15 });
    expect(Math.min(...shaky.jaccard)).toBeLessThan(0.75);
    expect(stable.rows).toBe(60);
    expect(stabilityVerdict(0.8)).toBe('stable');
    expect(stabilityVerdict(0.7)).toBe('doubtful');
    expect(stabilityVerdict(0.5)).toBe('dissolved');
  });
});

describe('stability on large data', () => {
  it('resamples a seeded subsample of STABILITY_ROWS rows, keeping the full fit\'s labels', async () => {
    const rows: number[][] = [];
    for (let i = 0; i < 12_000; i++) rows.push([(i % 3) * 10 + Math.sin(i) * 0.5, Math.cos(i * 7) * 0.5]);
    const data = fromRows(rows);
    const fit = canonicalOrder(kmeans(data, 3, { seed: 1, restarts: 2 }));
    const result = await bootstrapStability(data, fit.assignments, 3, { seed: 1, bootstraps: 3, restarts: 1 });
    expect(result.rows).toBe(STABILITY_ROWS);
    expect(Math.min(...result.jaccard)).toBeGreaterThan(0.95);
  });
});
