/** Worker entry for parallel.ts: opens the database read-only and builds one part of a report. */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/db.js';
import { SqliteStore, sqliteEngine, type Store } from '../store/index.js';
import { reportAnalyses } from './analyses.js';
import type { SegmentationPart, WorkerRequest } from './parallel.js';
import { segmentationSection } from './segmentation-section.js';
import { SectionRecorder } from './sections.js';

const { path, request } = workerData as WorkerRequest;
let store: Store | null = null;
try {
  store = sqliteEngine(new SqliteStore(openDatabase(path, { readonly: true })));
  const open = store;
  if (request.part === 'analyses') {
    parentPort!.postMessage({ result: await reportAnalyses(open, request.studyId, request.segmentationId, request.interviewed, request.includePartial) });
  } else {
    const sections = new SectionRecorder();
    const segmentation = await sections.attempt('segments', async () => await segmentationSection(open, request.segmentationId, sections, request.revenueAttribute));
    parentPort!.postMessage({ result: { segmentation, sections: { failures: sections.failures, omitted: sections.omitted } } satisfies SegmentationPart });
  }
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  await store?.close();
}
