// k-means: our kernel (1 and 2 threads) against scikit-learn (1 and 2 threads) on the same data
// and the same initial centres, alternating implementations round by round (the machine is
// shared: medians of the rounds). The ratio is against scikit-learn's best setting (its faster
// thread count in this run). Prints a table row per implementation.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, hasPython, median, quick, rounds, row, run, workDir } from './lib.mjs';

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
const sklearn = (threads) => {
  const r = run('/usr/bin/python3', ['bench/reference/kmeans.py', data, String(n), String(d), String(k), init, String(threads)]);
  return { ...JSON.parse(r.stdout), peak: r.peakMb };
};
const withReference = hasPython(['sklearn', 'threadpoolctl']);
if (!withReference) console.log('scikit-learn is not installed (apt-get install python3-sklearn): our figures only.');

// The first run writes the shared initial centres (k-means++ on our side).
const configs = [
  ['seglab WebAssembly kernel, 1 thread', () => ours(1)],
  ['seglab WebAssembly kernel, 2 threads', () => ours(2)],
  ...(withReference ? [['scikit-learn lloyd, 1 thread', () => sklearn(1)], ['scikit-learn lloyd, 2 threads', () => sklearn(2)]] : []),
];
const results = configs.map(() => []);
for (let round = 0; round < rounds(3); round++) configs.forEach(([, measure], i) => results[i].push(measure()));
const summary = results.map((runs) => ({ ...runs[0], fit_ms: median(runs.map((r) => r.fit_ms)), init_ms: median(runs.map((r) => r.init_ms ?? NaN)), peak: Math.max(...runs.map((r) => r.peak)), runs: runs.map((r) => r.fit_ms) }));
const [one, two, sk1, sk2] = summary;
const best = withReference ? (sk1.fit_ms <= sk2.fit_ms ? sk1 : sk2) : null;

console.log(`\n### k-means fit: ${n.toLocaleString('en')} × ${d}, k = ${k}, same initial centres (raw data ${Math.round(rawMb)} MB; median of ${results[0].length} alternating rounds)\n`);
console.log(row(['implementation', 'fit', 'per iteration', 'iterations', `vs scikit-learn's best (${best ? (best === sk1 ? '1 thread' : '2 threads') : '–'})`, 'peak memory', 'memory / data', 'inertia']));
console.log(row(['---', '---', '---', '---', '---', '---', '---', '---']));
configs.forEach(([name], i) => {
  const r = summary[i];
  console.log(row([name, fmt.s(r.fit_ms), fmt.ms(r.fit_ms / r.iterations), String(r.iterations), best ? fmt.ratio(r.fit_ms, best.fit_ms) : '–', fmt.mb(r.peak), `${(r.peak / rawMb).toFixed(1)}×`, r.inertia.toPrecision(12)]));
});
const trials = 2 + Math.floor(Math.log(k));
const share = (r) => Math.round((r.init_ms / (r.init_ms + r.fit_ms)) * 100);
console.log(`\nTarget: fit ≤ 0.80× scikit-learn's best setting, memory ≤ 2× the data. Fits per round: ${summary.map((r) => r.runs.map((ms) => fmt.ms(ms)).join(' / ')).join('; ')}.`);
console.log(`k-means++ (greedy, ${trials} candidates per centre): ${fmt.ms(one.init_ms)} on 1 thread (${share(one)}% of init + fit), ${fmt.ms(two.init_ms)} on 2 threads (${share(two)}%).`);
if (best) {
  const rel = Math.abs(two.inertia - best.inertia) / best.inertia;
  console.log(`Inertia relative difference to scikit-learn: ${rel.toExponential(2)}; same labels: ${two.labels_hash === best.labels_hash ? 'yes' : 'no'}; 1 vs 2 threads identical: ${one.inertia === two.inertia && one.labels_hash === two.labels_hash ? 'yes' : 'no'}.`);
}
