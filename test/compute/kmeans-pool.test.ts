/** The worker-pool Lloyd gives the serial kernel's result bit for bit, whatever the thread count. */
import { afterAll, describe, expect, it } from 'vitest';
import { kmeansPlusPlus, lloyd } from '../../src/domain/clustering/kmeans.js';
import { matrix } from '../../src/domain/matrix.js';
import { seededRandom } from '../../src/domain/random.js';
import { closePool, fitKmeans, lloydAuto } from '../../src/compute/kmeans-pool.js';

afterAll(() => closePool());

function blobs(n: number, d: number, seed: number) {
  const random = seededRandom(seed);
  const m = matrix(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) m.data[i * d + j] = (i % 4) * 0.8 * ((j % 3) - 1) + (random() + random() + random() - 1.5);
  return m;
}

describe('k-means on worker threads', () => {
  it('1, 2 and 3 threads agree exactly with the serial kernel', async () => {
    const data = blobs(40_000, 7, 3); // 5 chunks of 8,192 rows, the last partial
    const init = kmeansPlusPlus(data, 4, seededRandom(11));
    const serial = lloyd(data, init);
    for (const threads of [1, 2, 3]) {
      const { meanVariance } = await import('../../src/domain/clustering/kmeans.js');
      const out = await lloydAuto(data, init.data as Float64Array, 4, { maxIterations: 300, tolerance: 1e-4 * meanVariance(data), threads });
      expect(out.iterations, `${threads} threads`).toBe(serial.iterations);
      expect(Array.from(out.labels)).toEqual(Array.from(serial.assignments));
      expect(Array.from(out.centres)).toEqual(Array.from(serial.centres.data));
      expect(out.inertia).toBe(serial.inertia);
    }
  });

  it('fitKmeans on the pool, with restarts, matches the in-thread kmeans', async () => {
    const data = blobs(30_000, 5, 5);
    const a = await fitKmeans(data, 3, { seed: 9, restarts: 4, parallelFrom: 0 });
    const { kmeans } = await import('../../src/domain/clustering/kmeans.js');
    const b = kmeans(data, 3, { seed: 9, restarts: 4 });
    expect(a.inertia).toBe(b.inertia);
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
  });
});
