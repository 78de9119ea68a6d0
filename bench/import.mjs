// CSV import: import_participants against `sqlite3 .import` of the same file.
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, hasCommand, quick, row, run, workDir } from './lib.mjs';

const n = quick ? 100_000 : 1_000_000;
const csv = join(workDir, `crm-${n}.csv`);
if (!existsSync(csv)) run(process.execPath, ['bench/crm-data.mjs', String(n), csv]);
const mb = statSync(csv).size / 2 ** 20;

const db = join(workDir, 'import.db');
rmSync(db, { force: true });
const ours = run(process.execPath, ['bench/import-run.mjs', csv, db]);
const r = JSON.parse(ours.stdout);
let reference = null;
if (hasCommand('sqlite3')) {
  const refDb = join(workDir, 'import-ref.db');
  rmSync(refDb, { force: true });
  const t = performance.now();
  const ref = run('sqlite3', [refDb, '.mode csv', `.import ${csv} participants`]);
  reference = { ms: performance.now() - t, peak: ref.peakMb };
} else console.log('sqlite3 is not installed (apt-get install sqlite3): our figures only.');

console.log(`\n### CSV import: ${n.toLocaleString('en')} rows × 21 columns (${Math.round(mb)} MB)\n`);
console.log(row(['implementation', 'time', 'rows/s', 'vs sqlite3 .import', 'peak memory']));
console.log(row(['---', '---', '---', '---', '---']));
console.log(row(['import_participants (typed, tags, atomic)', fmt.s(r.ms), Math.round((n / r.ms) * 1000).toLocaleString('en'), reference ? fmt.ratio(r.ms, reference.ms) : '–', fmt.mb(ours.peakMb)]));
if (reference) console.log(row(['sqlite3 .import (all text)', fmt.s(reference.ms), Math.round((n / reference.ms) * 1000).toLocaleString('en'), '1.00×', fmt.mb(reference.peak)]));
