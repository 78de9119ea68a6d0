// Other sessions during a long clustering (issue 12 item 6): cluster_participants (default features,
// k = auto) on the 100,000-participant benchmark study (20,000 with --quick), in a process of its
// own (bench/cluster-run.mjs --probe), while a second session of the same server calls list_studies
// every 20 ms (lib.mjs stallProbe). Prints list_studies' median, p99 and longest wait during the
// clustering next to its idle cost (it counts the study's participants: the floor of every figure),
// and the main thread's longest event-loop delay meanwhile (which includes the probe's own calls).
// `--ping`: the second session pings instead (costs nothing itself: the stall without list_studies' own
// work competing for the two cores). `--json` prints each run's figures as JSON (to compare with another build).
// Usage: node bench/cluster-stall.mjs [--quick] [--rounds N] [--ping] [--json]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, quick, rounds, row, run, workDir } from './lib.mjs';

const n = quick ? 20_000 : 100_000;
const db = join(workDir, `study-${n}.db`);
if (!existsSync(db)) run(process.execPath, ['bench/study-data.mjs', String(n), db]);
const runs = Array.from({ length: rounds(1) }, () => {
  const r = run(process.execPath, ['bench/cluster-run.mjs', db, process.argv.includes('--ping') ? '--ping' : '--probe'], { env: { ...process.env, SEGLAB_THREADS: process.env.SEGLAB_THREADS ?? '2' } });
  return { ...JSON.parse(r.stdout), peak_mb: r.peakMb };
});
if (process.argv.includes('--json')) {
  for (const r of runs) process.stdout.write(JSON.stringify({ participants: r.participants, ms: r.ms, peak_mb: r.peak_mb, event_loop_max_ms: r.event_loop_max_ms, probe: r.probe, [r.probe]: { calls: r.probes, idle_ms: r.probe_idle_ms, median_ms: r.probe_median_ms, p99_ms: r.probe_p99_ms, max_ms: r.probe_longest_ms } }) + '\n');
} else {
  console.log(`\n### Other sessions during cluster_participants (default features, k = auto), ${n.toLocaleString('en')} participants: ${runs[0].probe} every 20 ms\n`);
  console.log(row(['run', 'clustering', `${runs[0].probe} calls`, 'idle', 'median', 'p99', 'max', 'longest event-loop delay', 'target']));
  console.log(row(['---', '---', '---', '---', '---', '---', '---', '---', '---']));
  runs.forEach((r, i) => console.log(row([i + 1, fmt.s(r.ms), r.probes, fmt.ms(r.probe_idle_ms), fmt.ms(r.probe_median_ms), fmt.ms(r.probe_p99_ms), fmt.ms(r.probe_longest_ms), fmt.ms(r.event_loop_max_ms), 'max ≤ idle + ~200 ms'])));
}
