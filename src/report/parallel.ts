/**
 * Runs the two heavy parts of a report on worker threads, each with its own read-only connection
 * (SQLite in WAL mode lets them read at once): the analyses (question summaries, crosstabs,
 * drivers, themes) and the segmentation section (personas, validation, the CRM model). The
 * calling thread only gathers, renders and writes, so other sessions of the process are answered
 * while a large report is built; a cancelled call ends the workers and nothing is written.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { CancelledError } from '../errors.js';
import { workerScript } from '../compute/worker-path.js';
import type { ReportAnalyses } from './analyses.js';
import type { Omission, Report } from './model.js';
import type { SectionError } from './sections.js';

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

export function segmentationOnWorker(path: string, segmentationId: number, revenueAttribute: string | undefined, signal?: AbortSignal, limits?: ResourceLimits): Promise<SegmentationPart> {
  return onWorker(path, { part: 'segmentation', segmentationId, revenueAttribute }, signal, limits);
}

function onWorker<T>(path: string, request: ReportPart, signal: AbortSignal | undefined, resourceLimits: ResourceLimits = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const worker = new Worker(workerScript(import.meta.url, 'report-worker'), { workerData: { path, request } satisfies WorkerRequest, resourceLimits });
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
