// npm run bench [-- --quick]: every benchmark in turn, each printing its figures next to the
// reference measured in the same run. Builds first so dist/ is current.
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, totalmem } from 'node:os';

// Not from lib.mjs: it imports dist/, which this script builds first.
const quick = process.argv.includes('--quick');
const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
console.log(`# seglab benchmarks${quick ? ' (--quick)' : ''}`);
console.log(`Node ${process.version}; ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}); ${Math.round(totalmem() / 2 ** 30)} GiB; ${new Date().toISOString().slice(0, 10)}`);
const started = performance.now();
for (const script of ['startup', 'kmeans', 'cluster', 'import', 'import-stall', 'cluster-stall', 'queries', 'search', 'report']) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [`bench/${script}.mjs`, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench/${script}.mjs failed`);
    process.exit(r.status ?? 1);
  }
  console.log(`\n(bench/${script}.mjs: ${Math.round((performance.now() - t) / 1000)} s)`);
}
console.log(`\nAll benchmarks: ${((performance.now() - started) / 60_000).toFixed(1)} minutes.`);
