/** Worker entry for parallel.ts: opens the database read-only and computes one report's analyses. */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/db.js';
import { Store } from '../store/index.js';
import { reportAnalyses } from './analyses.js';
import type { AnalysesRequest } from './parallel.js';

const { path, studyId, segmentationId, interviewed, includePartial } = workerData as AnalysesRequest;
let store: Store | null = null;
try {
  store = new Store(openDatabase(path, { readonly: true }));
  parentPort!.postMessage({ analyses: reportAnalyses(store, studyId, segmentationId, interviewed, includePartial) });
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  store?.close();
}
