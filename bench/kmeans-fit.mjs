// One k-means fit in this process (for a clean peak-memory reading): k-means++ from a seed on
// `threads` threads, then Lloyd from the centres in init.bin (written by the first run, so every
// implementation starts from the same centres). Prints JSON.
// Usage: node bench/kmeans-fit.mjs data.bin n d k init.bin threads
import { closeSync, existsSync, openSync, readSync, writeFileSync, readFileSync } from 'node:fs';
import { allocateMatrix, CHUNK_ROWS as CHUNK, kmeansPlusPlusLoop, lloydLoop, workspaceFor } from '../dist/domain/clustering/kernel.js';
import { meanVariance } from '../dist/domain/clustering/kmeans.js';
import { closePool, runOnThreads } from '../dist/compute/kmeans-pool.js';
import { seededRandom } from '../dist/domain/random.js';

const [path, n, d, k, initPath, threads] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]), process.argv[6], Number(process.argv[7])];

// Read straight into the kernel's memory: no second copy of the data.
const data = allocateMatrix(n, d, k);
const bytes = new Uint8Array(data.data.buffer, data.data.byteOffset, n * d * 8);
const fd = openSync(path, 'r');
for (let offset = 0; offset < bytes.length; ) offset += readSync(fd, bytes, offset, Math.min(1 << 26, bytes.length - offset), offset);
closeSync(fd);

// A server's pool is persistent: start it (and compile the kernel) on a small job first, so the
// timings below are the fit's and not the one-off worker start-up (~50 ms).
const warm = allocateMatrix(CHUNK, d, k);
warm.data.set(data.data.subarray(0, CHUNK * d));
const warmWs = workspaceFor(warm, k);
await runOnThreads(warmWs, kmeansPlusPlusLoop(warmWs, k, seededRandom(1)), threads);

const ws = workspaceFor(data, k);
let t = performance.now();
const seeded = await runOnThreads(ws, kmeansPlusPlusLoop(ws, k, seededRandom(7)), threads);
const initMs = performance.now() - t;
if (!existsSync(initPath)) writeFileSync(initPath, Buffer.from(seeded.buffer));
const initBytes = readFileSync(initPath);
const initial = new Float64Array(initBytes.buffer.slice(initBytes.byteOffset, initBytes.byteOffset + initBytes.byteLength));

const tolerance = 1e-4 * meanVariance(data);
t = performance.now();
const fit = await runOnThreads(ws, lloydLoop(ws, initial, k, { maxIterations: 300, tolerance }), threads);
const fitMs = performance.now() - t;
await closePool();
process.stdout.write(JSON.stringify({ init_ms: initMs, fit_ms: fitMs, iterations: fit.iterations, inertia: fit.inertia, labels_hash: hash(fit.labels) }) + '\n');

function hash(labels) {
  let h = 2166136261;
  for (let i = 0; i < labels.length; i++) h = Math.imul(h ^ labels[i], 16777619);
  return h >>> 0;
}
