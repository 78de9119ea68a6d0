// k-means: our kernel (1 and 2 threads) against scikit-learn (1 and 2 threads) on the same data
// and the same initial centres. Prints a table row per implementation.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, hasPython, quick, row, run, workDir } from './lib.mjs';

const n = quick ? 200_000 : 1_000_000;
const d = 16;
const k = 5;
const data = join(workDir, `kmeans-${n}x${d}.bin`);
const init = join(workDir, `kmeans-${n}x${d}-init.bin`);
if (!existsSync(data)) run(process.execPath, ['bench/kmeans-data.mjs', String(n), String(d), data]);
rmSync(init, { force: true });

const rawMb = (n * d * 8) / 2 ** 20;
const ours = (threads) => {
  const r = run(process.execPath, ['bench/kmeans-fit.mjs', data, String(n), String(d), String(k), init, String(threads)]);
  return { ...JSON.parse(r.stdout), peak: r.peakMb };
};
const one = ours(1);
const two = ours(2);
const rows = [
  ['seglab WebAssembly SIMD kernel, 1 thread', one],
  ['seglab WebAssembly SIMD kernel, 2 threads', two],
];
let reference = null;
if (hasPython(['sklearn', 'threadpoolctl'])) {
  const sk = (threads) => {
    const r = run('/usr/bin/python3', ['bench/reference/kmeans.py', data, String(n), String(d), String(k), init, String(threads)]);
    return { ...JSON.parse(r.stdout), peak: r.peakMb };
  };
  reference = sk(2);
  rows.push(['scikit-learn lloyd, 1 thread', sk(1)], ['scikit-learn lloyd, 2 threads', reference]);
} else {
  console.log('scikit-learn is not installed (apt-get install python3-sklearn): our figures only.');
}

console.log(`\n### k-means fit: ${n.toLocaleString('en')} × ${d}, k = ${k}, same initial centres (raw data ${Math.round(rawMb)} MB)\n`);
console.log(row(['implementation', 'fit', 'per iteration', 'iterations', 'vs scikit-learn (2 threads)', 'peak memory', 'inertia']));
console.log(row(['---', '---', '---', '---', '---', '---', '---']));
for (const [name, r] of rows) {
  console.log(row([name, fmt.s(r.fit_ms), fmt.ms(r.fit_ms / r.iterations), String(r.iterations), reference ? fmt.ratio(r.fit_ms, reference.fit_ms) : '–', fmt.mb(r.peak), r.inertia.toPrecision(12)]));
}
const trials = 2 + Math.floor(Math.log(k));
const share = (r) => Math.round((r.init_ms / (r.init_ms + r.fit_ms)) * 100);
console.log(`\nk-means++ (greedy, ${trials} candidates per centre): ${fmt.ms(one.init_ms)} on 1 thread (${share(one)}% of init + fit), ${fmt.ms(two.init_ms)} on 2 threads (${share(two)}%).`);
if (reference) {
  const rel = Math.abs(two.inertia - reference.inertia) / reference.inertia;
  console.log(`Inertia relative difference to scikit-learn: ${rel.toExponential(2)}; same labels: ${two.labels_hash === reference.labels_hash ? 'yes' : 'no'}; 1 vs 2 threads identical: ${one.inertia === two.inertia && one.labels_hash === two.labels_hash ? 'yes' : 'no'}.`);
}
