/**
 * Runs the two heavy parts of a report on worker threads, each with its own read-only connection
 * (SQLite in WAL mode lets them read at once): the analyses (question summaries, crosstabs,
 * drivers, themes) and the segmentation section (personas, validation, the CRM model). The
 * calling thread only gathers, renders and writes, so other sessions of the process are answered
 * while a large report is built; a cancelled call ends the workers and nothing is written.
 */
import { Worker } from 'node:worker_threads';
import { CancelledError } from '../errors.js';
import { workerScript } from '../compute/worker-path.js';
import type { ReportAnalyses } from './analyses.js';
import type { Omission, Report } from './model.js';
import type { SectionError } from './sections.js';

/**
 * The segmentation worker's young generation (V8's default gives 16 MB semi-spaces): it reads
 * members' facts and answers in chunks whose short-lived values a small one promotes to the old
 * generation, where they wait for a full collection. At 1,000,000 participants 64 MB semi-spaces
 * took the part's peak from 1.03 GB to 0.87 GB in the same time. The analyses keep the default:
 * with it their driver columns (arrays of a million) peaked higher (1.1 GB against 0.84 GB).
 */
const YOUNG_GENERATION_MB: Partial<Record<ReportPart['part'], number>> = { segmentation: 192 };

export type ReportPart =
  | { part: 'analyses'; studyId: number; segmentationId: number | undefined; interviewed: number; includePartial: boolean }
  | { part: 'segmentation'; segmentationId: number; revenueAttribute: string | undefined };

export interface SegmentationPart {
  segmentation: Report['segmentation'];
  /** What could not be built, as the worker's section recorder found it. */
  sections: { failures: SectionError[]; omitted: Omission[] };
}

export interface WorkerRequest {
  path: string;
  request: ReportPart;
}

export function analysesOnWorker(path: string, studyId: number, segmentationId: number | undefined, interviewed: number, includePartial: boolean, signal?: AbortSignal): Promise<ReportAnalyses> {
  return onWorker(path, { part: 'analyses', studyId, segmentationId, interviewed, includePartial }, signal);
}

export function segmentationOnWorker(path: string, segmentationId: number, revenueAttribute: string | undefined, signal?: AbortSignal): Promise<SegmentationPart> {
  return onWorker(path, { part: 'segmentation', segmentationId, revenueAttribute }, signal);
}

function onWorker<T>(path: string, request: ReportPart, signal: AbortSignal | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const worker = new Worker(workerScript(import.meta.url, 'report-worker'), { workerData: { path, request } satisfies WorkerRequest, resourceLimits: YOUNG_GENERATION_MB[request.part] ? { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB[request.part] } : {} });
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', cancel);
      finish();
      void worker.terminate();
    };
    // The worker runs synchronously: ending it is the way to stop it (it only reads).
    const cancel = () => settle(() => reject(new CancelledError()));
    signal?.addEventListener('abort', cancel, { once: true });
    worker.once('message', (message: { result: T } | { error: string }) => settle(() => ('result' in message ? resolve(message.result) : reject(new Error(`report ${request.part}: ${message.error}`)))));
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`report ${request.part}: the worker stopped (exit code ${code}) before answering`))));
  });
}
