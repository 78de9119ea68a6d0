// Other sessions during a long import (issue 12, item 6): one session imports the CRM CSV of
// bench/import.mjs (1,000,000 rows; 100,000 with --quick) into a database file while a second
// session of the same process calls list_studies back to back (10 ms apart) and record_interview
// every 500 ms. Prints each probe's latency (median, p99, max) and the import's own time. list_studies counts every study's participants and tags, which at a
// million participants is itself slow: calls answered before the import committed (the study
// still empty) are shown apart, and the same call after the import, alone, is the reference.
// `--json` prints the figures as JSON (to compare with another build).
// Usage: node bench/import-stall.mjs [--quick] [--json]
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { createServer } from '../dist/server.js';
import { silentLogger } from '../dist/log.js';
import { openStore } from '../dist/store/index.js';
import { fmt, quick, row, run, workDir } from './lib.mjs';

const n = quick ? 100_000 : 1_000_000;
const csv = join(workDir, `crm-${n}.csv`);
if (!existsSync(csv)) run(process.execPath, ['bench/crm-data.mjs', String(n), csv]);
const db = join(workDir, 'import-stall.db');
for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });

const store = openStore(db);
const files = { allowAnyPath: true, importRoot: null, outputDir: join(workDir, 'reports') };
/** A session: its own server over the shared store, as each HTTP session has. */
async function session() {
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench', version: '1' });
  await Promise.all([createServer({ store, log: silentLogger, files }).connect(b), client.connect(a)]);
  return async (name, args) => {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError) throw new Error(`${name}: ${result.content[0].text}`);
    return result.structuredContent;
  };
}
const importer = await session();
const other = await session();
const { study_id } = await importer('create_study', { name: 'Import' });
const { study_id: interviews } = await other('create_study', { name: 'Interviews' });
await other('add_questions', { study_id: interviews, questions: [{ key: 'importance', type: 'scale', text: 'How important is X?', scale_min: 1, scale_max: 5 }] });
await other('import_participants', { study_id: interviews, csv: 'id\n' + Array.from({ length: 500 }, (_, i) => `p${i}`).join('\n') });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const lists = [];
/** list_studies calls answered while the import's rows were not committed yet. */
const listsUncommitted = [];
const records = [];
let importing = true;
const t0 = performance.now();
const done = importer('import_participants', { study_id, path: csv }).finally(() => (importing = false));
const listProbe = (async () => {
  while (importing) {
    const t = performance.now();
    const listed = await other('list_studies', {});
    lists.push(performance.now() - t);
    if (listed.studies.find((s) => s.study_id === study_id).participants === 0) listsUncommitted.push(performance.now() - t);
    await sleep(10);
  }
})();
const recordProbe = (async () => {
  for (let i = 0; importing; i++) {
    const t = performance.now();
    await other('record_interview', { study_id: interviews, participant_id: `p${i % 500}`, status: 'completed', interviewed_at: '2026-11-30T10:00:00Z', answers: [{ question: 'importance', value: String(1 + (i % 5)) }] });
    records.push(performance.now() - t);
    await sleep(500);
  }
})();
const result = await done;
const importMs = performance.now() - t0;
await Promise.all([listProbe, recordProbe]);
if (result.inserted !== n) throw new Error(`imported ${result.inserted} of ${n}`);
const alone = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  await other('list_studies', {});
  alone.push(performance.now() - t);
}
await store.close();

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : null;
};
const maxOf = (xs) => (xs.length ? Math.max(...xs) : null);
const figures = {
  rows: n,
  import_ms: importMs,
  list_studies: { calls: lists.length, median_ms: pct(lists, 0.5), p99_ms: pct(lists, 0.99), max_ms: maxOf(lists) },
  list_studies_uncommitted: { calls: listsUncommitted.length, median_ms: pct(listsUncommitted, 0.5), p99_ms: pct(listsUncommitted, 0.99), max_ms: maxOf(listsUncommitted) },
  list_studies_after: { calls: alone.length, median_ms: pct(alone, 0.5), p99_ms: pct(alone, 0.99), max_ms: maxOf(alone) },
  record_interview: { calls: records.length, median_ms: pct(records, 0.5), p99_ms: pct(records, 0.99), max_ms: maxOf(records) },
};
if (process.argv.includes('--json')) {
  process.stdout.write(JSON.stringify(figures) + '\n');
} else {
  console.log(`\n### Other sessions during a ${n.toLocaleString('en')}-row import (same process; import ${fmt.s(importMs)})\n`);
  console.log(row(['probe (second session)', 'calls', 'median', 'p99', 'max', 'target']));
  console.log(row(['---', '---', '---', '---', '---', '---']));
  const ms = (x) => (x === null ? '–' : fmt.ms(x));
  const line = (name, p, target) => row([name, p.calls, ms(p.median_ms), ms(p.p99_ms), ms(p.max_ms), target]);
  console.log(line('list_studies, back to back, every call during the import', figures.list_studies, '–'));
  console.log(line('… of which answered before the import committed', figures.list_studies_uncommitted, 'max ≤ ~200 ms'));
  console.log(line(`list_studies alone after the import (its own cost at ${n.toLocaleString('en')} participants)`, figures.list_studies_after, '–'));
  console.log(line('record_interview, every 500 ms (waits for the import to commit)', figures.record_interview, '–'));
}
