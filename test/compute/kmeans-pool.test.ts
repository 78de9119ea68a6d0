/** The worker pool gives the serial kernel's result bit for bit, whatever the thread count. */
import { afterAll, describe, expect, it } from 'vitest';
import { allocateMatrix, homeOf, workspaceFor } from '../../src/domain/clustering/workspace.js';
import { kmeans, kmeansPlusPlus, lloyd, meanVariance } from '../../src/domain/clustering/kmeans.js';
import { matrix, type Matrix } from '../../src/domain/matrix.js';
import { seededRandom } from '../../src/domain/random.js';
import { closePool, fitKmeans, runLoop } from '../../src/compute/kmeans-pool.js';

afterAll(() => closePool());

function blobs(n: number, d: number, seed: number, into: Matrix = matrix(n, d)) {
  const random = seededRandom(seed);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) into.data[i * d + j] = (i % 4) * 0.8 * ((j % 3) - 1) + (random() + random() + random() - 1.5);
  return into;
}

describe('k-means on worker threads', () => {
  it('k-means++ and Lloyd split over 1, 2 and 3 threads agree exactly with the serial functions', async () => {
    const data = blobs(40_000, 7, 3); // 5 chunks of 8,192 rows, the last partial
    const init = kmeansPlusPlus(data, 4, seededRandom(11));
    const serial = lloyd(data, init);
    for (const threads of [1, 2, 3]) {
      const centres = await runLoop(data, { loop: 'kmeans++', k: 4, seed: 11 }, threads);
      expect(Array.from(centres), `${threads} threads`).toEqual(Array.from(init.data));
      const out = await runLoop(data, { loop: 'lloyd', k: 4, initial: centres, iterations: { maxIterations: 300, tolerance: 1e-4 * meanVariance(data) } }, threads);
      expect(out.iterations, `${threads} threads`).toBe(serial.iterations);
      expect(Array.from(out.labels)).toEqual(Array.from(serial.assignments));
      expect(Array.from(out.centres)).toEqual(Array.from(serial.centres.data));
      expect(out.inertia).toBe(serial.inertia);
    }
  });

  it('fitKmeans on the pool, restarts as jobs or one restart split, matches the in-thread kmeans; concurrent fits share the pool', async () => {
    const a = blobs(30_000, 5, 5);
    const b = blobs(20_000, 6, 8);
    const [fitA, fitB, fitC] = await Promise.all([
      fitKmeans(a, 3, { seed: 9, restarts: 4, parallelFrom: 0 }),
      fitKmeans(b, 5, { seed: 2, restarts: 2, parallelFrom: 0 }),
      fitKmeans(b, 4, { seed: 3, restarts: 1, parallelFrom: 0 }),
    ]);
    for (const [fit, ref] of [
      [fitA, kmeans(a, 3, { seed: 9, restarts: 4 })],
      [fitB, kmeans(b, 5, { seed: 2, restarts: 2 })],
      [fitC, kmeans(b, 4, { seed: 3, restarts: 1 })],
    ] as const) {
      expect(fit.inertia).toBe(ref.inertia);
      expect(fit.iterations).toBe(ref.iterations);
      expect(Array.from(fit.assignments)).toEqual(Array.from(ref.assignments));
      expect(Array.from(fit.centres.data)).toEqual(Array.from(ref.centres.data));
    }
  });

  it('a matrix allocated in its own memory is clustered where it lives', async () => {
    const data = blobs(25_000, 4, 1, allocateMatrix(25_000, 4));
    const copy = matrix(25_000, 4, Float64Array.from(data.data));
    const fit = await fitKmeans(data, 3, { seed: 4, restarts: 2, parallelFrom: 0 });
    const ws = workspaceFor(data, 3);
    expect([ws.memory === homeOf(data), ws.data.byteOffset]).toEqual([true, 0]); // used in place, no copy
    const ref = kmeans(copy, 3, { seed: 4, restarts: 2 });
    expect(fit.inertia).toBe(ref.inertia);
    expect(Array.from(fit.centres.data)).toEqual(Array.from(ref.centres.data));
  });
});
