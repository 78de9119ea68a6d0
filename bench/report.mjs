// generate_report at 100,000 and 1,000,000 participants (issue 15: linear from 100k, ≤ 12× its
// time, ≤ 1 GB at 1M), each in a process of its own (bench/report-run.mjs) on a study segmented
// once (k-means on six CRM features, k = 4), with the stall of a second session's list_studies
// meanwhile (issue 12 item 6: ≤ ~200 ms; the same during cluster_participants: bench/cluster-stall.mjs).
// Usage: node bench/report.mjs [--quick] [--rounds N]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median, quick, rounds, row, run, workDir } from './lib.mjs';

const sizes = quick ? [20_000] : [100_000, 1_000_000];
const roundCount = rounds(3);
const segmented = (n) => {
  const db = join(workDir, `study-${n}.db`);
  if (!existsSync(db)) run(process.execPath, ['bench/study-data.mjs', String(n), db]);
  const out = join(workDir, `study-${n}-segmented.db`);
  if (!existsSync(out)) run(process.execPath, ['bench/report-run.mjs', '--prepare', db, out]);
  return out;
};
const results = new Map();
for (const n of sizes) {
  const db = segmented(n);
  // One round at 1M (a minute or more each).
  const runs = Array.from({ length: n >= 1_000_000 ? Math.min(roundCount, 1) : roundCount }, () => {
    const r = run(process.execPath, ['bench/report-run.mjs', db]);
    return { ...JSON.parse(r.stdout), peak: r.peakMb };
  });
  results.set(n, { ms: median(runs.map((r) => r.ms)), cpu: median(runs.map((r) => r.cpu_ms)), peak: Math.max(...runs.map((r) => r.peak)), stall: Math.max(...runs.map((r) => r.list_studies_longest_ms)), idle: median(runs.map((r) => r.list_studies_idle_ms)), runs });
}
console.log(`\n### generate_report (all three formats written), median of ${roundCount} at 100k, 1 run at 1M\n`);
console.log(row(['participants', 'time', 'CPU (all threads)', 'peak memory', 'list_studies meanwhile (idle)', 'time vs 100k', 'CPU vs 100k']));
console.log(row(['---', '---', '---', '---', '---', '---', '---']));
const base = results.get(sizes[0]);
for (const [n, r] of results) console.log(row([n.toLocaleString('en'), fmt.s(r.ms), fmt.s(r.cpu), fmt.mb(r.peak), `${fmt.ms(r.stall)} (${fmt.ms(r.idle)})`, fmt.ratio(r.ms, base.ms), fmt.ratio(r.cpu, base.cpu)]));
if (!quick) console.log('\nTarget at 1M: ≤ 12× the 100k time, ≤ 1 GB.');

const n = sizes[0];
console.log(`\n### Other sessions during long calls: list_studies from a second session every 20 ms, ${n.toLocaleString('en')} participants\n`);
console.log(row(['during', 'list_studies idle', 'longest list_studies during', 'target']));
console.log(row(['---', '---', '---', '---']));
console.log(row(['generate_report', fmt.ms(results.get(n).idle), fmt.ms(results.get(n).stall), 'idle + ~200 ms']));
