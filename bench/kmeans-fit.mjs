// One k-means fit in this process (for a clean peak-memory reading): k-means++ from a seed on
// `threads` threads, then Lloyd from the centres in init.bin (written by the first run, so every
// implementation starts from the same centres). Prints JSON.
// Usage: node bench/kmeans-fit.mjs data.bin n d k init.bin threads
import { closeSync, existsSync, openSync, readSync, writeFileSync, readFileSync } from 'node:fs';
import { allocateMatrix, CHUNK_ROWS as CHUNK } from '../dist/domain/clustering/workspace.js';
import { iterationsFor } from '../dist/domain/clustering/kmeans.js';
import { closePool, runLoop } from '../dist/compute/kmeans-pool.js';

const [path, n, d, k, initPath, threads] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]), process.argv[6], Number(process.argv[7])];

// Read straight into the kernel's memory: no second copy of the data.
const data = allocateMatrix(n, d);
const bytes = new Uint8Array(data.data.buffer, data.data.byteOffset, n * d * 8);
const fd = openSync(path, 'r');
for (let offset = 0; offset < bytes.length; ) offset += readSync(fd, bytes, offset, Math.min(1 << 26, bytes.length - offset), offset);
closeSync(fd);

// A server's pool is persistent: start it (and compile the kernel) on a small job first, so the
// timings below are the fit's and not the one-off worker start-up (~50 ms).
const warm = allocateMatrix(CHUNK, d);
warm.data.set(data.data.subarray(0, CHUNK * d));
await runLoop(warm, { loop: 'kmeans++', k, seed: 1 }, threads);

let t = performance.now();
const seeded = await runLoop(data, { loop: 'kmeans++', k, seed: 7 }, threads);
const initMs = performance.now() - t;
if (!existsSync(initPath)) writeFileSync(initPath, Buffer.from(seeded.buffer));
const initBytes = readFileSync(initPath);
const initial = new Float64Array(initBytes.buffer.slice(initBytes.byteOffset, initBytes.byteOffset + initBytes.byteLength));

const iterations = iterationsFor(data);
t = performance.now();
const fit = await runLoop(data, { loop: 'lloyd', k, initial, iterations }, threads);
const fitMs = performance.now() - t;
await closePool();
process.stdout.write(JSON.stringify({ init_ms: initMs, fit_ms: fitMs, iterations: fit.iterations, inertia: fit.inertia, labels_hash: hash(fit.labels) }) + '\n');

function hash(labels) {
  let h = 2166136261;
  for (let i = 0; i < labels.length; i++) h = Math.imul(h ^ labels[i], 16777619);
  return h >>> 0;
}
