/** The worker pool gives the serial kernel's result bit for bit, whatever the thread count. */
import { afterAll, describe, expect, it } from 'vitest';
import { allocateMatrix, kmeansPlusPlusLoop, lloydLoop, workspaceFor } from '../../src/domain/clustering/kernel.js';
import { kmeans, kmeansPlusPlus, lloyd, meanVariance } from '../../src/domain/clustering/kmeans.js';
import { matrix, type Matrix } from '../../src/domain/matrix.js';
import { seededRandom } from '../../src/domain/random.js';
import { closePool, fitKmeans, runOnThreads } from '../../src/compute/kmeans-pool.js';

afterAll(() => closePool());

function blobs(n: number, d: number, seed: number, into: Matrix = matrix(n, d)) {
  const random = seededRandom(seed);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) into.data[i * d + j] = (i % 4) * 0.8 * ((j % 3) - 1) + (random() + random() + random() - 1.5);
  return into;
}

describe('k-means on worker threads', () => {
  it('k-means++ and Lloyd on 1, 2 and 3 threads agree exactly with the serial functions', async () => {
    const data = blobs(40_000, 7, 3); // 5 chunks of 8,192 rows, the last partial
    const init = kmeansPlusPlus(data, 4, seededRandom(11));
    const serial = lloyd(data, init);
    for (const threads of [1, 2, 3]) {
      const ws = workspaceFor(data, 4, { scratch: false });
      const centres = await runOnThreads(ws, kmeansPlusPlusLoop(ws, 4, seededRandom(11)), threads);
      expect(Array.from(centres), `${threads} threads`).toEqual(Array.from(init.data));
      const out = await runOnThreads(ws, lloydLoop(ws, centres, 4, { maxIterations: 300, tolerance: 1e-4 * meanVariance(data) }), threads);
      expect(out.iterations, `${threads} threads`).toBe(serial.iterations);
      expect(Array.from(out.labels)).toEqual(Array.from(serial.assignments));
      expect(Array.from(out.centres)).toEqual(Array.from(serial.centres.data));
      expect(out.inertia).toBe(serial.inertia);
    }
  });

  it('fitKmeans on the pool, with restarts, matches the in-thread kmeans; concurrent fits queue', async () => {
    const a = blobs(30_000, 5, 5);
    const b = blobs(20_000, 6, 8);
    const [fitA, fitB] = await Promise.all([fitKmeans(a, 3, { seed: 9, restarts: 4, parallelFrom: 0 }), fitKmeans(b, 5, { seed: 2, restarts: 2, parallelFrom: 0 })]);
    const refA = kmeans(a, 3, { seed: 9, restarts: 4 });
    const refB = kmeans(b, 5, { seed: 2, restarts: 2 });
    expect(fitA.inertia).toBe(refA.inertia);
    expect(Array.from(fitA.assignments)).toEqual(Array.from(refA.assignments));
    expect(fitB.inertia).toBe(refB.inertia);
    expect(Array.from(fitB.assignments)).toEqual(Array.from(refB.assignments));
  });

  it('a matrix allocated in its own memory is clustered where it lives', async () => {
    const data = blobs(25_000, 4, 1, allocateMatrix(25_000, 4, 3));
    const copy = matrix(25_000, 4, Float64Array.from(data.data));
    const fit = await fitKmeans(data, 3, { seed: 4, restarts: 2, parallelFrom: 0 });
    const ws = workspaceFor(data, 3);
    expect([ws.data.buffer === data.data.buffer, ws.data.byteOffset]).toEqual([true, 0]); // used in place, no copy
    const ref = kmeans(copy, 3, { seed: 4, restarts: 2 });
    expect(fit.inertia).toBe(ref.inertia);
    expect(Array.from(fit.centres.data)).toEqual(Array.from(ref.centres.data));
  });
});
