// The reads and analysis measured on a benchmark study (bench/study-data.mjs), through an
// in-process MCP client on a given store: summarize_questions, crosstab, query_participants (text
// search), cluster_participants (k = auto), generate_report. Shared by bench/queries.mjs (SQLite)
// and bench/postgres.mjs (both engines side by side).
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { createServer } from '../dist/server.js';
import { silentLogger } from '../dist/log.js';
import { median, run, workDir } from './lib.mjs';

/** A fresh copy of the benchmark study of n participants (built once by bench/study-data.mjs), to run the calls on. */
export function freshStudyDb(n) {
  const source = join(workDir, `study-${n}.db`);
  if (!existsSync(source)) run(process.execPath, ['bench/study-data.mjs', String(n), source]);
  const db = join(workDir, `study-${n}-run.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  copyFileSync(source, db);
  return db;
}

/** Each call's median time: [name, ms, target at 100k or null], plus what the report and clustering said. */
export async function measureStudyCalls(store, outputDir) {
  const server = createServer({ store, log: silentLogger, files: { allowAnyPath: true, importRoot: null, outputDir } });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench', version: '1' });
  await Promise.all([server.connect(b), client.connect(a)]);
  const call = async (name, args) => {
    const r = await client.callTool({ name, arguments: args });
    if (r.isError) throw new Error(`${name}: ${r.content[0].text}`);
    return r.structuredContent;
  };
  const time = async (name, args, times = 5) => {
    const ms = [];
    let result;
    for (let i = 0; i < times; i++) {
      const t = performance.now();
      result = await call(name, args);
      ms.push(performance.now() - t);
    }
    return { ms: median(ms), result };
  };

  const results = [];
  const summarize = await time('summarize_questions', { study_id: 1 });
  results.push(['summarize_questions, 10 questions', summarize.ms, 500]);
  results.push(['summarize_questions by tag', (await time('summarize_questions', { study_id: 1, by: 'tag' })).ms, null]);
  results.push(['crosstab attr.plan × answer.use_case', (await time('crosstab', { study_id: 1, rows: 'attr.plan', columns: 'answer.use_case' })).ms, 150]);
  const search = await time('query_participants', { study_id: 1, text: 'security', limit: 20 });
  results.push([`query_participants, text search "security" (${search.result.total.toLocaleString('en')} participants match)`, search.ms, 50]);
  const broad = await time('query_participants', { study_id: 1, text: 'price', limit: 20 });
  results.push([`query_participants, text search "price" (${broad.result.total.toLocaleString('en')} match)`, broad.ms, null]);
  results.push(['query_participants, two conditions', (await time('query_participants', { study_id: 1, where: [{ field: 'attr.plan', op: 'eq', value: 'Business' }, { field: 'answer.satisfaction', op: 'gte', value: 9 }], limit: 20 })).ms, null]);
  const updates = [];
  const t = performance.now();
  // Behavioural segmentation over the CRM base: the planted usage and revenue attributes, k = auto (2–8).
  const features = ['attr.mrr', 'attr.seats', 'attr.logins_30d', 'attr.pricing_page_visits_7d', 'attr.support_tickets_90d', 'attr.orders_12m'];
  const clustered = await client.callTool({ name: 'cluster_participants', arguments: { study_id: 1, features } }, { onprogress: (p) => updates.push(p.progress), timeout: 3_600_000, resetTimeoutOnProgress: true });
  const clusterMs = performance.now() - t;
  if (clustered.isError) throw new Error(clustered.content[0].text);
  const { diagnostics, k } = clustered.structuredContent;
  results.push([`cluster_participants, 6 CRM features, k = auto (${diagnostics[0].k}–${diagnostics.at(-1).k} → ${k}), 10 restarts, 20 bootstraps`, clusterMs, 30_000]);
  results.push(['crosstab segment × answer.use_case', (await time('crosstab', { study_id: 1, rows: 'segment', columns: 'answer.use_case' })).ms, 150]);
  const report = await time('generate_report', { study_id: 1, format: 'html' }, 3);
  results.push(['generate_report (all formats written)', report.ms, 5000]);
  await client.close();
  return { results, progressUpdates: updates.length, reportBytes: report.result.bytes };
}
