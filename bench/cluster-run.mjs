// One cluster_participants call with the default features and k = auto on a copy of a benchmark
// study, through an in-process MCP client, in a process of its own (for a clean peak-memory reading).
// Usage: node bench/cluster-run.mjs study.db  → JSON on stdout: time, k, participants, progress.
import { copyFileSync, rmSync } from 'node:fs';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { createServer } from '../dist/server.js';
import { silentLogger } from '../dist/log.js';
import { openStore } from '../dist/store/index.js';
import { closePool } from '../dist/compute/kmeans-pool.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { stallProbe } from './lib.mjs';

const [source] = process.argv.slice(2);
// --probe: a second session calls list_studies every 20 ms during the clustering (lib.mjs stallProbe);
// --ping: the second session pings instead (an answer that costs nothing: how long the thread was held).
const pinging = process.argv.includes('--ping');
const probing = pinging || process.argv.includes('--probe');
const db = `${source}.cluster-run`;
for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
copyFileSync(source, db);
const store = openStore(db);
const server = createServer({ store, log: silentLogger, files: { allowAnyPath: true, importRoot: null, outputDir: '/tmp' } });
const [a, b] = InMemoryTransport.createLinkedPair();
const client = new Client({ name: 'bench', version: '1' });
await Promise.all([server.connect(b), client.connect(a)]);
let probe = null;
if (probing) {
  const [c, d] = InMemoryTransport.createLinkedPair();
  const other = new Client({ name: 'bench-probe', version: '1' });
  await Promise.all([createServer({ store, log: silentLogger, files: { allowAnyPath: true, importRoot: null, outputDir: '/tmp' } }).connect(d), other.connect(c)]);
  probe = await stallProbe(() => (pinging ? other.ping() : other.callTool({ name: 'list_studies', arguments: {} })));
}
const progress = [];
// The event loop's longest delay during the call: how long this thread was kept from answering anybody.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const started = performance.now();
const result = await client.callTool(
  { name: 'cluster_participants', arguments: { study_id: 1 } },
  { onprogress: () => progress.push(performance.now() - started), timeout: 3_600_000, resetTimeoutOnProgress: true },
);
const ms = performance.now() - started;
loop.disable();
const stall = probe ? await probe.stop() : null;
if (result.isError) throw new Error(result.content[0].text);
const r = result.structuredContent;
// The longest wait between two signs of life: start → first notification → … → the answer.
const marks = [0, ...progress, ms];
const longestGap = Math.max(...marks.slice(1).map((t, i) => t - marks[i]));
process.stdout.write(
  JSON.stringify({
    ms,
    k: r.k,
    k_range: [r.diagnostics[0].k, r.diagnostics.at(-1).k],
    participants: r.participants_clustered,
    features: r.features.length,
    columns: r.features.reduce((s, f) => s + f.columns, 0),
    restarts: r.restarts,
    bootstraps: r.bootstraps,
    sizes: r.segments.map((s) => s.size),
    diagnostics: r.diagnostics,
    progress: progress.length,
    longest_gap_ms: longestGap,
    gaps: process.env.SEGLAB_BENCH_GAPS ? marks.slice(1).map((t, i) => Math.round(t - marks[i])) : undefined,
    event_loop_max_ms: loop.max / 1e6,
    ...(stall ? { probe: pinging ? 'ping' : 'list_studies', probe_idle_ms: stall.idle_ms, probe_longest_ms: stall.longest_ms, probe_p99_ms: stall.p99_ms, probe_median_ms: stall.median_ms, probes: stall.probes } : {}),
  }) + '\n',
);
await closePool();
await client.close();
await store.close();
for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
