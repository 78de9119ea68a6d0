// cluster_participants with the default features (every structured question and number
// attribute; k = auto, 10 restarts, 20 bootstraps) against the same pipeline in scikit-learn
// (bench/reference/cluster_pipeline.py), at 100,000 and 1,000,000 participants, each on 1 and 2
// threads, alternating implementations round by round; medians of the rounds, peak RSS of each process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, hasPython, median, quick, rounds, row, run, workDir } from './lib.mjs';

const sizes = quick ? [[20_000, 1]] : [[100_000, rounds(3)], [1_000_000, rounds(1)]];
const targets = { 100_000: '≤ 1.00× scikit-learn (1 thread), ≤ 500 MB', 1_000_000: '≤ 1.00× scikit-learn (1 thread), ≤ 2 GB, progress throughout' };
const withReference = hasPython(['sklearn', 'threadpoolctl', 'scipy']);
if (!withReference) console.log('scikit-learn is not installed (apt-get install python3-sklearn): our figures only.');

for (const [n, roundCount] of sizes) {
  const db = join(workDir, `study-${n}.db`);
  const csv = join(workDir, `crm-${n}.csv`);
  if (!existsSync(db)) run(process.execPath, ['bench/study-data.mjs', String(n), db]);
  const ours = (threads) => () => {
    const r = run(process.execPath, ['bench/cluster-run.mjs', db], { env: { ...process.env, SEGLAB_THREADS: String(threads) } });
    return { ...JSON.parse(r.stdout), peak: r.peakMb };
  };
  const sklearn = (threads) => () => {
    const r = run('/usr/bin/python3', ['bench/reference/cluster_pipeline.py', db, csv, String(threads)]);
    return { ...JSON.parse(r.stdout), peak: r.peakMb };
  };
  const configs = [
    ['cluster_participants, 1 thread', ours(1)],
    ['cluster_participants, 2 threads', ours(2)],
    ...(withReference ? [['scikit-learn pipeline, 1 thread', sklearn(1)], ['scikit-learn pipeline, 2 threads', sklearn(2)]] : []),
  ];
  const results = configs.map(() => []);
  for (let round = 0; round < roundCount; round++) configs.forEach(([, measure], i) => results[i].push(measure()));
  const summary = results.map((runs) => ({ ...runs[0], ms: median(runs.map((r) => r.ms)), peak: Math.max(...runs.map((r) => r.peak)), runs: runs.map((r) => r.ms) }));
  const sk1 = withReference ? summary[2] : null;
  const best = withReference ? (summary[2].ms <= summary[3].ms ? summary[2] : summary[3]) : null;
  const first = summary[0];
  console.log(`\n### cluster_participants, default features (${first.features} features → ${first.columns} columns), k = auto, ${first.restarts} restarts, ${first.bootstraps} bootstraps: ${n.toLocaleString('en')} participants (median of ${roundCount} alternating round${roundCount > 1 ? 's' : ''})\n`);
  console.log(row(['implementation', 'time', 'vs scikit-learn, 1 thread', `vs scikit-learn's best (${best ? (best === sk1 ? '1 thread' : '2 threads') : '–'})`, 'peak memory', 'k (range)', 'longest wait for progress']));
  console.log(row(['---', '---', '---', '---', '---', '---', '---']));
  configs.forEach(([name], i) => {
    const r = summary[i];
    const gap = r.longest_gap_ms === undefined ? '–' : `${fmt.s(r.longest_gap_ms)} (${r.progress} notifications)`;
    console.log(row([name, fmt.s(r.ms), sk1 ? fmt.ratio(r.ms, sk1.ms) : '–', best ? fmt.ratio(r.ms, best.ms) : '–', fmt.mb(r.peak), `${r.k} (${r.k_range ? r.k_range.join('–') : `${r.diagnostics[0].k}–${r.diagnostics.at(-1).k}`})`, gap]));
  });
  console.log(`\nTarget: ${targets[n] ?? '–'}. Times per round: ${summary.map((r) => r.runs.map((ms) => fmt.s(ms)).join(' / ')).join('; ')}.`);
}
