// CSV import: import_participants against `sqlite3 .import` of the same file (and DuckDB's typed
// read_csv when @duckdb/node-api is installed), alternated round by round in fresh processes.
// Wall time and CPU time (user + system) are both reported: on a shared machine CPU time is
// the steadier measure. Usage: node bench/import.mjs [--quick] [--rounds N]
import { existsSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fmt, hasCommand, median, quick, rounds, row, run, workDir } from './lib.mjs';

const n = quick ? 100_000 : 1_000_000;
const csv = join(workDir, `crm-${n}.csv`);
if (!existsSync(csv)) run(process.execPath, ['bench/crm-data.mjs', String(n), csv]);
const mb = statSync(csv).size / 2 ** 20;
const fresh = (name) => {
  const db = join(workDir, name);
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  return db;
};
let duckdb = true;
try {
  createRequire(import.meta.url).resolve('@duckdb/node-api');
} catch {
  duckdb = false;
}
const sqlite3 = hasCommand('sqlite3');
if (!sqlite3) console.log('sqlite3 is not installed (apt-get install sqlite3): no reference.');

const runs = { ours: [], sqlite3: [], duckdb1: [], duckdb2: [] };
for (let r = 0; r < rounds(3); r++) {
  const ours = run(process.execPath, ['bench/import-run.mjs', csv, fresh('import.db')]);
  const result = JSON.parse(ours.stdout);
  if (result.inserted !== n) throw new Error(`imported ${result.inserted} of ${n}`);
  runs.ours.push({ ms: result.ms, cpu: ours.cpuMs, peak: ours.peakMb });
  if (sqlite3) {
    const t = performance.now();
    const ref = run('sqlite3', [fresh('import-ref.db'), '.mode csv', `.import ${csv} participants`]);
    runs.sqlite3.push({ ms: performance.now() - t, cpu: ref.cpuMs, peak: ref.peakMb });
  }
  if (duckdb) {
    for (const threads of [1, 2]) {
      const ref = run(process.execPath, ['bench/duckdb-import.mjs', csv, fresh(`import-duck-${threads}.duckdb`), String(threads)]);
      runs[`duckdb${threads}`].push({ ms: JSON.parse(ref.stdout).ms, cpu: ref.cpuMs, peak: ref.peakMb });
    }
  }
}
const summary = (xs) => ({ ms: median(xs.map((x) => x.ms)), cpu: xs.some((x) => x.cpu === null) ? null : median(xs.map((x) => x.cpu)), peak: Math.max(...xs.map((x) => x.peak)) });
const ours = summary(runs.ours);
const ref = runs.sqlite3.length ? summary(runs.sqlite3) : null;

console.log(`\n### CSV import: ${n.toLocaleString('en')} rows × 21 columns (${Math.round(mb)} MB), median of ${runs.ours.length} alternating rounds\n`);
console.log(row(['implementation', 'time', 'CPU time', 'rows/s', 'time vs sqlite3 .import', 'CPU vs sqlite3 .import', 'peak memory']));
console.log(row(['---', '---', '---', '---', '---', '---', '---']));
const line = (name, s) =>
  row([name, fmt.s(s.ms), s.cpu === null ? '–' : fmt.s(s.cpu), Math.round((n / s.ms) * 1000).toLocaleString('en'), ref ? fmt.ratio(s.ms, ref.ms) : '–', ref && s.cpu !== null && ref.cpu ? fmt.ratio(s.cpu, ref.cpu) : '–', fmt.mb(s.peak)]);
console.log(line('import_participants (typed, tags, atomic; target ≤ 3.00×, ≤ 300 MB)', ours));
if (ref) console.log(line('sqlite3 .import (all text, no index)', ref));
if (runs.duckdb1.length) {
  console.log(line('DuckDB read_csv (typed), 1 thread', summary(runs.duckdb1)));
  console.log(line('DuckDB read_csv (typed), 2 threads', summary(runs.duckdb2)));
} else console.log('(@duckdb/node-api is not installed: no DuckDB reference)');
