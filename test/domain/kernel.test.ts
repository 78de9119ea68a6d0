/** The WebAssembly kernel: built from its source, and exact against plain arithmetic on every code path. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNEL_WASM_BASE64 } from '../../src/domain/clustering/kernel-wasm.js';
import { kmeansPlusPlus, lloyd, meanVariance, nearestCentres } from '../../src/domain/clustering/kmeans.js';
import { CHUNK_ROWS } from '../../src/domain/clustering/workspace.js';
import { matrix, row, squaredDistance } from '../../src/domain/matrix.js';
import { seededRandom } from '../../src/domain/random.js';
// @ts-expect-error: a plain ES module script without type declarations
import { compileKernel, kernelModuleSource } from '../../scripts/build-kernel.mjs';

const root = new URL('../../', import.meta.url);

function randomMatrix(rows: number, cols: number, seed: number) {
  const random = seededRandom(seed);
  const m = matrix(rows, cols);
  for (let x = 0; x < m.data.length; x++) m.data[x] = random() * 10 - 5;
  return m;
}

/** The nearest centre of every row by a given distance, ties to the lower index, and the summed distance. */
function nearestBy(distance: (row: number, centre: number) => number, rows: number, k: number) {
  const labels: number[] = [];
  const distances: number[] = [];
  let inertia = 0;
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      const d = distance(i, c);
      if (d < bestDistance) [best, bestDistance] = [c, d];
    }
    labels.push(best);
    distances.push(bestDistance);
    inertia += bestDistance;
  }
  return { labels, distances, inertia };
}

describe('WebAssembly k-means kernel', () => {
  it('kernel-wasm.ts is kernel.wat compiled (run `npm run kernel` after editing the .wat)', async () => {
    const bytes: Buffer = await compileKernel(new URL('src/domain/clustering/kernel.wat', root).pathname);
    expect(bytes.toString('base64')).toBe(KERNEL_WASM_BASE64);
    expect(readFileSync(new URL('src/domain/clustering/kernel-wasm.ts', root), 'utf8')).toBe(kernelModuleSource(bytes));
  });

  it('nearest centres and distances match plain arithmetic for odd and even columns and centre counts', () => {
    for (const cols of [1, 2, 3, 4, 5, 7, 8, 16, 17]) {
      for (const k of [1, 2, 3, 6]) {
        const data = randomMatrix(300, cols, cols * 10 + k);
        const centres = randomMatrix(k, cols, 999 + cols);
        const out = nearestCentres(data, centres);
        const expected = nearestBy((i, c) => squaredDistance(data.data, i * cols, centres.data, c * cols, cols), data.rows, k);
        expect(Array.from(out.assignments), `cols ${cols}, k ${k}`).toEqual(expected.labels);
        out.distances.forEach((d, i) => expect(Math.abs(d - expected.distances[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, expected.distances[i]!)));
        expect(Math.abs(out.inertia - expected.inertia) / expected.inertia).toBeLessThan(1e-12);
      }
    }
  });

  it('near-ties and overflowing rows get the exact distances\' labels and distances, bit for bit', () => {
    // The kernel's exact distance, in its summation order (lanes of two accumulators, then the odd column).
    const exact = (x: Float64Array, c: Float64Array) => {
      const cols = x.length;
      const vec = cols & ~1;
      const s = [0, 0, 0, 0];
      let j = 0;
      for (; j + 4 <= vec; j += 4) for (let q = 0; q < 4; q++) s[q]! += (x[j + q]! - c[j + q]!) ** 2;
      if (j < vec) for (let q = 0; q < 2; q++) s[q]! += (x[j + q]! - c[j + q]!) ** 2;
      let t = s[0]! + s[2]! + (s[1]! + s[3]!);
      if (cols & 1) t += (x[vec]! - c[vec]!) ** 2;
      return t;
    };
    for (const cols of [3, 8, 33]) {
      const k = 7;
      const centres = randomMatrix(k, cols, cols);
      const random = seededRandom(cols + 1);
      const data = matrix(3000, cols);
      for (let i = 0; i < data.rows; i++) {
        // Halfway between two centres, nudged by a few units in the last place, or far out of range.
        const a = i % k;
        const b = (i * 3 + 1) % k;
        for (let j = 0; j < cols; j++) data.data[i * cols + j] = i % 50 === 0 ? 1e200 : (centres.data[a * cols + j]! + centres.data[b * cols + j]!) / 2 + (random() - 0.5) * 1e-14;
      }
      const out = nearestCentres(data, centres);
      const expected = nearestBy((i, c) => exact(row(data, i), row(centres, c)), data.rows, k);
      expect(Array.from(out.assignments), `cols ${cols}`).toEqual(expected.labels);
      expect(Array.from(out.distances)).toEqual(expected.distances);
      expect(out.inertia).toBe(expected.inertia); // one chunk: summed in row order
    }
  });

  it("Lloyd with Hamerly's bounds gives every-distance Lloyd's labels, centres, inertia and iterations, bit for bit", () => {
    // The reference: every distance by nearestCentres, sums per chunk in row order, chunks added in order.
    const reference = (data: ReturnType<typeof matrix>, initial: Float64Array, k: number) => {
      const { rows, cols } = data;
      const tolerance = 1e-4 * meanVariance(data);
      let centres = Float64Array.from(initial);
      let previous: Int32Array | null = null;
      let iterations = 0;
      for (let it = 0; it < 300; it++) {
        iterations = it + 1;
        const { assignments } = nearestCentres(data, matrix(k, cols, centres));
        const next = new Float64Array(k * cols);
        const counts = new Float64Array(k);
        for (let start = 0; start < rows; start += CHUNK_ROWS) {
          const sums = new Float64Array(k * cols);
          const chunkCounts = new Float64Array(k);
          for (let i = start; i < Math.min(rows, start + CHUNK_ROWS); i++) {
            for (let j = 0; j < cols; j++) sums[assignments[i]! * cols + j]! += data.data[i * cols + j]!;
            chunkCounts[assignments[i]!]!++;
          }
          for (let x = 0; x < k * cols; x++) next[x]! += sums[x]!;
          for (let c = 0; c < k; c++) counts[c]! += chunkCounts[c]!;
        }
        for (let c = 0; c < k; c++) for (let j = 0; j < cols; j++) next[c * cols + j] = counts[c] === 0 ? centres[c * cols + j]! : next[c * cols + j]! / counts[c]!;
        let shift = 0;
        for (let x = 0; x < k * cols; x++) shift += (next[x]! - centres[x]!) ** 2;
        const same = previous !== null && previous.every((a, i) => a === assignments[i]);
        centres = next;
        if (same || shift <= tolerance) break;
        previous = assignments;
      }
      const last = nearestCentres(data, matrix(k, cols, centres));
      return { centres, labels: last.assignments, inertia: last.inertia, iterations };
    };
    for (const [rows, cols, k] of [[20_000, 5, 6], [9_000, 33, 8], [3_000, 2, 3], [500, 7, 1]] as const) {
      const random = seededRandom(rows + cols);
      const data = matrix(rows, cols);
      // Overlapping blobs, some rows duplicated (exact ties between bounds and distances).
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data.data[i * cols + j] = i % 97 === 1 ? data.data[(i - 1) * cols + j]! : (i % 4) * 0.7 * Math.sin(j + (i % 4)) + random() + random() - 1;
      const initial = kmeansPlusPlus(data, k, seededRandom(cols));
      const expected = reference(data, initial.data, k);
      const fit = lloyd(data, initial);
      expect(fit.iterations, `${rows} × ${cols}, k ${k}`).toBe(expected.iterations);
      expect(Array.from(fit.assignments)).toEqual(Array.from(expected.labels));
      expect(Array.from(fit.centres.data)).toEqual(Array.from(expected.centres));
      expect(fit.inertia).toBe(expected.inertia);
    }
  });

  it('ties go to the lower centre index, as in scikit-learn', () => {
    const data = matrix(3, 3, Float64Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2]));
    const centres = matrix(4, 3, Float64Array.from([5, 5, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
    expect(Array.from(nearestCentres(data, centres).assignments)).toEqual([1, 1, 1]);
  });

  it('k-means++ picks data rows, one per well-separated blob, and is reproducible', () => {
    const random = seededRandom(3);
    const data = matrix(400, 5);
    for (let i = 0; i < 400; i++) for (let j = 0; j < 5; j++) data.data[i * 5 + j] = (i % 4) * 100 + random();
    const centres = kmeansPlusPlus(data, 4, seededRandom(8));
    const blobs = new Set<number>();
    for (let c = 0; c < 4; c++) {
      const centre = Array.from(row(centres, c));
      const source = Array.from({ length: 400 }, (_, i) => i).find((i) => Array.from(row(data, i)).every((v, j) => v === centre[j]));
      expect(source, `centre ${c} is a data row`).toBeDefined();
      blobs.add(source! % 4);
    }
    expect(blobs.size).toBe(4);
    expect(Array.from(kmeansPlusPlus(data, 4, seededRandom(8)).data)).toEqual(Array.from(centres.data));
  });
});
