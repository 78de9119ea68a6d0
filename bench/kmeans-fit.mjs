// One k-means fit in this process (for a clean peak-memory reading): k-means++ from a seed, or
// centres from a file, then Lloyd on `threads` threads. Prints JSON.
// Usage: node bench/kmeans-fit.mjs data.bin n d k init.bin threads
import { closeSync, existsSync, openSync, readSync, writeFileSync, readFileSync } from 'node:fs';
import { kmeansPlusPlus, meanVariance } from '../dist/domain/clustering/kmeans.js';
import { lloydAuto, closePool } from '../dist/compute/kmeans-pool.js';
import { seededRandom } from '../dist/domain/random.js';

const [path, n, d, k, initPath, threads] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]), process.argv[6], Number(process.argv[7])];

// Read straight into shared memory: no second copy of the data.
const shared = new SharedArrayBuffer(n * d * 8);
const bytes = new Uint8Array(shared);
const fd = openSync(path, 'r');
for (let offset = 0; offset < bytes.length; ) offset += readSync(fd, bytes, offset, Math.min(1 << 26, bytes.length - offset), offset);
closeSync(fd);
const data = { rows: n, cols: d, data: new Float64Array(shared) };

let t = performance.now();
const seeded = kmeansPlusPlus(data, k, seededRandom(7));
const initMs = performance.now() - t;
if (!existsSync(initPath)) writeFileSync(initPath, Buffer.from(seeded.data.buffer));
const initBytes = readFileSync(initPath);
const initial = new Float64Array(initBytes.buffer.slice(initBytes.byteOffset, initBytes.byteOffset + initBytes.byteLength));

const tolerance = 1e-4 * meanVariance(data);
t = performance.now();
const fit = await lloydAuto(data, initial, k, { maxIterations: 300, tolerance, threads });
const fitMs = performance.now() - t;
await closePool();
process.stdout.write(JSON.stringify({ init_ms: initMs, fit_ms: fitMs, iterations: fit.iterations, inertia: fit.inertia, labels_hash: hash(fit.labels) }) + '\n');

function hash(labels) {
  let h = 2166136261;
  for (let i = 0; i < labels.length; i++) h = Math.imul(h ^ labels[i], 16777619);
  return h >>> 0;
}
