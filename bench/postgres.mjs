// PostgreSQL next to SQLite. Starts its own PostgreSQL (test/helpers/postgres.ts: Debian's server
// binaries, a throwaway cluster on a free port of 127.0.0.1, fsync off as in the tests), then:
//  1. the 1M-row CSV import through import_participants on PostgreSQL (COPY, two passes) against
//     `psql \copy` of the same file into a plain table of text columns, alternated round by round;
//  2. the reads and analysis of bench/queries.mjs on the 100k study (bench/study-data.mjs), once
//     on SQLite and once on PostgreSQL holding the same rows.
// Usage: node bench/postgres.mjs [--quick] [--rounds N] [--import-only] [--rows N]   (npm run build first)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { connectStore, openStore } from '../dist/store/index.js';
import { closePool } from '../dist/compute/kmeans-pool.js';
import { fmt, median, quick, rounds, row, run, workDir } from './lib.mjs';
import { freshStudyDb, measureStudyCalls } from './study-calls.mjs';

/** test/helpers/postgres.ts compiled by tsc (with whatever it imports) into node_modules/.cache, and loaded. */
async function postgresHelper() {
  const out = join('node_modules', '.cache', 'seglab-bench-helpers');
  rmSync(out, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--outDir', out, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', 'test/helpers/postgres.ts'], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`compiling test/helpers/postgres.ts failed:\n${tsc.stdout}${tsc.stderr}`);
  const find = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? find(join(dir, e.name)) : e.name === 'postgres.js' && dir.endsWith('helpers') ? [join(dir, e.name)] : []));
  return import(pathToFileURL(join(process.cwd(), find(out)[0])).href);
}

/** The study's tables from the SQLite benchmark database into PostgreSQL, ids kept (the said tables follow by trigger). */
async function copyStudy(sqlitePath, url) {
  const sqlite = new Database(sqlitePath, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const tables = ['studies', 'questions', 'study_attributes', 'participants', 'participant_tags', 'interviews', 'answers', 'quotes', 'themes', 'theme_evidence'];
  const csvField = (v) => (v === null || v === undefined ? '' : `"${String(v).replaceAll('"', '""')}"`);
  for (const table of tables) {
    const pgColumns = new Set((await client.query("SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND is_generated = 'NEVER'", [table])).rows.map((r) => r.column_name));
    const columns = sqlite.pragma(`table_info(${table})`).map((c) => c.name).filter((c) => pgColumns.has(c));
    // JSONB blobs (attributes) as their JSON text; answers as the JSON value PostgreSQL keeps (SQLite
    // keeps a scalar answer as it is and a list as JSON text: store/interviews.ts toStored).
    const expression = (c) =>
      table === 'answers' && c === 'value'
        ? `CASE WHEN (SELECT type FROM questions q WHERE q.id = question_id) IN ('multiple_choice', 'ranking') THEN value ELSE json_quote(value) END`
        : `CASE WHEN typeof("${c}") = 'blob' THEN json("${c}") ELSE "${c}" END`;
    const select = columns.map(expression).join(', ');
    const lines = function* () {
      for (const r of sqlite.prepare(`SELECT ${select} FROM ${table}`).raw().iterate()) yield `${r.map(csvField).join(',')}\n`;
    };
    await pipeline(Readable.from(lines()), client.query(copyStreams.from(`COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN (FORMAT csv)`)));
    if (columns.includes('id')) await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
  }
  await client.query('ANALYZE');
  await client.end();
  sqlite.close();
}

const { startPostgres } = await postgresHelper();
const server = await startPostgres();
const out = [];
try {
  // 1. Import.
  const rowsAt = process.argv.indexOf('--rows');
  const n = rowsAt >= 0 ? Number(process.argv[rowsAt + 1]) : quick ? 100_000 : 1_000_000;
  const csv = join(workDir, `crm-${n}.csv`);
  if (!existsSync(csv)) run(process.execPath, ['bench/crm-data.mjs', String(n), csv]);
  const header = readFileSync(csv, 'utf8').slice(0, 4096).split('\n')[0].split(',');
  const runs = { ours: [], psql: [] };
  for (let r = 0; r < rounds(3); r++) {
    const ours = run(process.execPath, ['bench/import-run.mjs', csv, server.createDatabase(`import_${r}`)]);
    const result = JSON.parse(ours.stdout);
    if (result.inserted !== n) throw new Error(`imported ${result.inserted} of ${n}`);
    runs.ours.push({ ms: result.ms, cpu: ours.cpuMs, peak: ours.peakMb });
    const plain = server.createDatabase(`plain_${r}`);
    run('psql', [plain, '-q', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE TABLE participants (${header.map((h) => `"${h}" text`).join(', ')})`]);
    const t = performance.now();
    const ref = run('psql', [plain, '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy participants FROM '${csv}' (FORMAT csv, HEADER true)`]);
    runs.psql.push({ ms: performance.now() - t, cpu: ref.cpuMs, peak: ref.peakMb });
  }
  const summary = (xs) => ({ ms: median(xs.map((x) => x.ms)), cpu: median(xs.map((x) => x.cpu)), peak: Math.max(...xs.map((x) => x.peak)) });
  const ours = summary(runs.ours);
  const ref = summary(runs.psql);
  const mb = statSync(csv).size / 2 ** 20;
  out.push(`\n### CSV import on PostgreSQL: ${n.toLocaleString('en')} rows × ${header.length} columns (${Math.round(mb)} MB), median of ${runs.ours.length} alternating rounds\n`);
  out.push(row(['implementation', 'time', 'client CPU time', 'rows/s', 'time vs psql \\copy', 'client peak memory']));
  out.push(row(['---', '---', '---', '---', '---', '---']));
  const line = (name, s) => row([name, fmt.s(s.ms), fmt.s(s.cpu), Math.round((n / s.ms) * 1000).toLocaleString('en'), fmt.ratio(s.ms, ref.ms), fmt.mb(s.peak)]);
  out.push(line('import_participants (typed, tags, atomic: two passes, COPY, merge)', ours));
  out.push(line('psql \\copy (all text, no index)', ref));
  out.push('\n(CPU time and memory are the client process\'s: seglab, or psql; the server\'s work is in the wall time.)');
  console.log(out.join('\n'));
  if (!process.argv.includes('--import-only')) {

  // 2. Reads and analysis at 100k on both engines.
  const m = quick ? 20_000 : 100_000;
  const db = freshStudyDb(m);
  const reports = join(workDir, 'reports');
  mkdirSync(reports, { recursive: true });
  const sqliteStore = openStore(db);
  const onSqlite = await measureStudyCalls(sqliteStore, reports);
  await sqliteStore.close();
  const url = server.createDatabase('study');
  const loading = performance.now();
  const empty = await connectStore(url); // migrates the new database
  await empty.close();
  await copyStudy(db, url);
  const loadMs = performance.now() - loading;
  const pgStore = await connectStore(url);
  const onPostgres = await measureStudyCalls(pgStore, reports);
  await pgStore.close();
  await closePool();
  const table = [`\n### Reads and analysis on both engines: ${m.toLocaleString('en')} participants × 10 questions (median of 5; report of 3; clustering once)\n`];
  table.push(row(['call', 'SQLite', 'PostgreSQL', 'PostgreSQL ÷ SQLite', 'target']));
  table.push(row(['---', '---', '---', '---', '---']));
  onSqlite.results.forEach(([name, ms, target], i) => {
    const [pgName, pgMs] = onPostgres.results[i];
    table.push(row([name === pgName ? name : `${name} (PostgreSQL: ${pgName})`, fmt.ms(ms), fmt.ms(pgMs), fmt.ratio(pgMs, ms), target ? `< ${fmt.ms(target)}` : '–']));
  });
  table.push(`\n(The study copied into PostgreSQL with its ids in ${fmt.s(loadMs)}, full-text rows made by the triggers.)`);
  console.log(table.join('\n'));
  }
} finally {
  server.stop();
}
