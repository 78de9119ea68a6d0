// One generate_report call on a segmented copy of a benchmark study, in a process of its own (for a
// clean peak-memory reading), through an in-process MCP client. A second session of the same
// server calls list_studies every 20 ms meanwhile (lib.mjs stallProbe): the longest of those
// calls, less its idle cost, is how long the report stalls other sessions.
// Usage: node bench/report-run.mjs segmented.db [report.json]  → JSON on stdout: time, CPU time (all
// threads, as the machine may be busy), peak RSS, longest list_studies call.
// Prepare: node bench/report-run.mjs --prepare study.db segmented.db  (k-means on six CRM features, k = 4).
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { createServer } from '../dist/server.js';
import { silentLogger } from '../dist/log.js';
import { openStore } from '../dist/store/index.js';
import { closePool } from '../dist/compute/kmeans-pool.js';
import { peakMb, stallProbe, workDir } from './lib.mjs';

const copy = (from, to) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(to + suffix, { force: true });
  copyFileSync(from, to);
};
const prepare = process.argv[2] === '--prepare';
const [source, out] = prepare ? process.argv.slice(3) : process.argv.slice(2);
const db = prepare ? out : `${source}.report-run`;
copy(source, db);
const store = openStore(db);
const files = { allowAnyPath: true, importRoot: null, outputDir: join(workDir, 'reports') };
const connect = async () => {
  const server = createServer({ store, log: silentLogger, files });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench', version: '1' });
  await Promise.all([server.connect(b), client.connect(a)]);
  return client;
};
const client = await connect();
const call = async (c, name, args) => {
  const r = await c.callTool({ name, arguments: args }, { timeout: 3_600_000 });
  if (r.isError) throw new Error(`${name}: ${r.content[0].text}`);
  return r.structuredContent;
};

if (prepare) {
  const features = ['attr.mrr', 'attr.seats', 'attr.logins_30d', 'attr.pricing_page_visits_7d', 'attr.support_tickets_90d', 'attr.orders_12m'];
  const r = await call(client, 'cluster_participants', { study_id: 1, features, k: 4, restarts: 3, bootstraps: 5 });
  process.stdout.write(JSON.stringify({ segmentation_id: r.segmentation_id, k: r.k }) + '\n');
} else {
  const other = await connect();
  const probe = await stallProbe(() => call(other, 'list_studies', {}));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const report = await call(client, 'generate_report', { study_id: 1, format: 'json' });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const stall = await probe.stop();
  if (out) {
    // The report (the JSON file written; too large to come inline) without its clock field, to compare reports across versions.
    const { generated_at, ...rest } = JSON.parse(readFileSync(report.files.json, 'utf8'));
    writeFileSync(out, JSON.stringify(rest, null, 1));
  }
  process.stdout.write(JSON.stringify({ ms, cpu_ms: (used.user + used.system) / 1000, peak: peakMb(), list_studies_idle_ms: stall.idle_ms, list_studies_longest_ms: stall.longest_ms, probes: stall.probes, failed_sections: report.failed_sections }) + '\n');
  await other.close();
}
await closePool();
await client.close();
await store.close();
for (const suffix of ['', '-wal', '-shm']) if (!prepare) rmSync(db + suffix, { force: true });
