// Writes the k-means benchmark matrix: n rows × d columns of float64 (little-endian), five planted
// Gaussian clusters with unequal sizes and spreads, seeded. Usage: node bench/kmeans-data.mjs n d path
import { writeFileSync } from 'node:fs';
import { normal, random } from './lib.mjs';

const [n, d, path] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const rnd = random(20261123);
const k = 5;
// Centres close enough that the clusters overlap: Lloyd needs tens of iterations, as on real data.
const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => normal(rnd) * 0.9));
const weights = [0.35, 0.25, 0.2, 0.12, 0.08];
const spread = [1, 0.8, 1.3, 0.6, 1.1];
const data = new Float64Array(n * d);
for (let i = 0; i < n; i++) {
  let u = rnd();
  let c = 0;
  while (c < k - 1 && u > weights[c]) u -= weights[c++];
  for (let j = 0; j < d; j++) data[i * d + j] = centres[c][j] + normal(rnd) * spread[c];
}
writeFileSync(path, Buffer.from(data.buffer));
