// Pages of one paged read on a segmented benchmark study, in a process of its own: the first three
// pages of export_segments (json, limit 1000), get_segmentation (limit 500) or query_participants
// (limit 200; their largest), or three list_studies calls, through an in-process MCP client (issue 12
// item 4: each page < 200 ms and < 100 MB extra at 1M members).
// Mode after-write (issue 12, pages right after a data change; it WRITES: give it a copy of a database
// whose segmentation 1 has current cards, e.g. study-1000000-carded.db): record_interview on one member,
// then the first page of get_segmentation, export_segments and list_studies, then list_studies every
// 100 ms while the cards are rebuilt on the worker (the stall other sessions see), then get_segmentation again,
// then an import of one participant and the list_studies and export_segments that count again after it.
// Usage: node bench/pages-run.mjs segmented.db export|segmentation|query|studies|after-write  → JSON on stdout.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { createServer } from '../dist/server.js';
import { silentLogger } from '../dist/log.js';
import { openStore } from '../dist/store/index.js';
import { cardRefreshesSettled } from '../dist/app/segment-cards.js';
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

/** One call: its time, the peak memory it added, and its result. */
async function measured(name, args) {
  const before = rss();
  const startHwm = hwm();
  const t = performance.now();
  const r = await client.callTool({ name, arguments: args }, { timeout: 600_000 });
  const ms = performance.now() - t;
  if (r.isError) throw new Error(`${name}: ${r.content[0].text}`);
  return { ms, extra_mb: Math.max(0, hwm() - Math.max(before, startHwm)), result: r.structuredContent };
}

if (which === 'after-write') {
  const start = await measured('get_segmentation', { segmentation_id: 1, limit: 1 });
  const member = start.result.members.participants[0].participant_id;
  // The export's totals kept (at the version before the write), as after any earlier export.
  const warmExport = await measured('export_segments', { segmentation_id: 1, format: 'json', limit: 1000 });
  const write = await measured('record_interview', { study_id: 1, participant_id: member, status: 'completed', answers: [], themes: [{ code: 'bench_after_write', quote: 'Recorded by the benchmark.' }] });
  const segmentation = await measured('get_segmentation', { segmentation_id: 1, limit: 500 });
  const exported = await measured('export_segments', { segmentation_id: 1, format: 'json', limit: 1000 });
  const studies = await measured('list_studies', {});
  // Other sessions while the cards are rebuilt on the worker: a list_studies every 100 ms, and the event loop's delay.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const before = rss();
  const probes = [];
  /** Probes over 50 ms: [ms since the refresh started, ms]. */
  const slow = [];
  let settled = false;
  const t0 = performance.now();
  const refresh = cardRefreshesSettled().then(() => (settled = true));
  while (!settled) {
    const t = performance.now();
    await client.callTool({ name: 'list_studies', arguments: {} });
    probes.push(performance.now() - t);
    if (performance.now() - t > 50) slow.push([Math.round(t - t0), Math.round(performance.now() - t)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await refresh;
  loop.disable();
  const refreshMs = performance.now() - t0;
  const refreshPeak = hwm() - before;
  const after = await measured('get_segmentation', { segmentation_id: 1, limit: 500 });
  // An import (one new participant) leaves list_studies' counts and the export totals to be counted
  // again: on a worker at 1M; the event loop's delay meanwhile is what other sessions wait.
  const importLoop = monitorEventLoopDelay({ resolution: 10 });
  importLoop.enable();
  const imported = await measured('import_participants', { study_id: 1, csv: 'participant_id,email\nbench-after-write,bench@after.example\n' });
  importLoop.disable();
  const countLoop = monitorEventLoopDelay({ resolution: 10 });
  countLoop.enable();
  const studiesAfterImport = await measured('list_studies', {});
  const exportAfterImport = await measured('export_segments', { segmentation_id: 1, format: 'json', limit: 1000 });
  countLoop.disable();
  probes.sort((a, b) => a - b);
  const page = (m, extra = {}) => ({ ms: Math.round(m.ms * 10) / 10, extra_mb: Math.round(m.extra_mb), ...extra });
  process.stdout.write(
    JSON.stringify({
      which,
      cards_current_before_write: start.result.cards_current,
      get_segmentation_before_write: page(start),
      export_segments_before_write: page(warmExport),
      record_interview: page(write),
      get_segmentation_first_page: page(segmentation, { cards_current: segmentation.result.cards_current }),
      export_segments_first_page: page(exported),
      list_studies: page(studies),
      refresh: { ms: Math.round(refreshMs), process_peak_over_rss_mb: Math.round(refreshPeak), probes: probes.length, probe_p50_ms: probes[probes.length >> 1], probe_max_ms: probes[probes.length - 1], slow_probes: slow, event_loop_delay_max_ms: loop.max / 1e6 },
      get_segmentation_after_refresh: page(after, { cards_current: after.result.cards_current }),
      import_one: page(imported, { event_loop_delay_max_ms: importLoop.max / 1e6 }),
      list_studies_after_import: page(studiesAfterImport, { participants: studiesAfterImport.result.studies[0].participants }),
      export_segments_after_import: page(exportAfterImport, { total: exportAfterImport.result.total }),
      event_loop_delay_max_ms_while_counting: countLoop.max / 1e6,
    }) + '\n',
  );
  await client.close();
  await store.close();
  process.exit(0);
}
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
