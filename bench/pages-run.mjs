// Pages of one paged read on a segmented benchmark study, in a process of its own: the first three
// pages of export_segments (json, limit 1000), get_segmentation (limit 500) or query_participants
// (limit 200; their largest), or three list_studies calls, through an in-process MCP client (issue 12
// item 4: each page < 200 ms and < 100 MB extra at 1M members).
// Usage: node bench/pages-run.mjs segmented.db export|segmentation|query|studies  → JSON on stdout.
import { readFileSync } from 'node:fs';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { createServer } from '../dist/server.js';
import { silentLogger } from '../dist/log.js';
import { openStore } from '../dist/store/index.js';
import { workDir } from './lib.mjs';

const [db, which] = process.argv.slice(2);
const store = openStore(db);
const server = createServer({ store, log: silentLogger, files: { allowAnyPath: true, importRoot: null, outputDir: `${workDir}/reports` } });
const [a, b] = InMemoryTransport.createLinkedPair();
const client = new Client({ name: 'bench', version: '1' });
await Promise.all([server.connect(b), client.connect(a)]);
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
await client.callTool({ name: 'list_studies', arguments: {} });
const args = {
  export: { segmentation_id: 1, format: 'json', limit: 1000 },
  segmentation: { segmentation_id: 1, limit: 500 },
  query: { study_id: 1, where: [{ field: 'attr.plan', op: 'eq', value: 'Business' }], limit: 200 },
  studies: {},
}[which];
const tool = { export: 'export_segments', segmentation: 'get_segmentation', query: 'query_participants', studies: 'list_studies' }[which];
const pages = [];
let cursor;
for (let page = 0; page < 3; page++) {
  // The peak a page adds: VmHWM cannot be reset, so it is read against the RSS before the call.
  const before = rss();
  const startHwm = hwm();
  const t = performance.now();
  const r = await client.callTool({ name: tool, arguments: { ...args, ...(cursor ? { cursor } : {}) } }, { timeout: 600_000 });
  const ms = performance.now() - t;
  if (r.isError) throw new Error(r.content[0].text);
  const s = r.structuredContent;
  const rows = s.rows ?? s.members?.participants ?? s.participants ?? s.studies ?? [];
  cursor = which === 'studies' ? null : (s.next_cursor ?? s.members?.next_cursor ?? null);
  pages.push({ ms, extra_mb: Math.max(0, hwm() - Math.max(before, startHwm)), peak_minus_before_mb: hwm() - before, rows: rows.length, chars: JSON.stringify(s).length });
  if (!cursor && which !== 'studies') break;
}
process.stdout.write(JSON.stringify({ which, pages }) + '\n');
await client.close();
await store.close();
