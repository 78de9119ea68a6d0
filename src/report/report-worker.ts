/** Worker entry for parallel.ts: opens the database read-only and builds parts of a report, one after the other. */
import { parentPort, workerData } from 'node:worker_threads';
import { collectGarbage } from '../compute/collect-garbage.js';
import { openDatabase } from '../store/db.js';
import { SqliteStore, sqliteEngine, type Store } from '../store/index.js';
import { reportAnalyses } from './analyses.js';
import type { ReportPart, SegmentationPart, WorkerRequest } from './parallel.js';
import { segmentationSection } from './segmentation-section.js';
import { SectionRecorder } from './sections.js';

const { path, parts } = workerData as WorkerRequest;

async function build(store: Store, request: ReportPart) {
  if (request.part === 'analyses') return await reportAnalyses(store, request.studyId, request.segmentationId, request.interviewed, request.includePartial, request.only);
  const sections = new SectionRecorder();
  const segmentation = await sections.attempt('segments', async () => await segmentationSection(store, request.segmentationId, sections, request.revenueAttribute));
  return { segmentation, sections: { failures: sections.failures, omitted: sections.omitted } } satisfies SegmentationPart;
}

let store: Store | null = null;
try {
  store = sqliteEngine(new SqliteStore(openDatabase(path, { readonly: true })));
  const results = [];
  for (const [i, request] of parts.entries()) {
    // What the first part held (a million members' facts) freed before the next allocates: the
    // next reuses this thread's memory instead of adding to it.
    if (i > 0) collectGarbage();
    results.push(await build(store, request));
    // Said before the next part: the caller may start work of its own that fits beside that one.
    if (i < parts.length - 1) parentPort!.postMessage({ built: i });
  }
  parentPort!.postMessage({ result: results });
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  await store?.close();
}
