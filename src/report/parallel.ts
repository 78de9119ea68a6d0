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
import type { AnalysesSubset, ReportAnalyses } from './analyses.js';
import type { Omission, Report } from './model.js';
import type { SectionError } from './sections.js';

export type AnalysesRequest = { part: 'analyses'; studyId: number; segmentationId: number | undefined; interviewed: number; includePartial: boolean; only?: AnalysesSubset };
export type SegmentationRequest = { part: 'segmentation'; segmentationId: number; revenueAttribute: string | undefined };
export type ReportPart = AnalysesRequest | SegmentationRequest;

export interface SegmentationPart {
  segmentation: Report['segmentation'];
  /** What could not be built, as the worker's section recorder found it. */
  sections: { failures: SectionError[]; omitted: Omission[] };
}

export interface WorkerRequest {
  path: string;
  /** Built one after the other, on the one worker. */
  parts: ReportPart[];
}

export function analysesPart(studyId: number, segmentationId: number | undefined, interviewed: number, includePartial: boolean): AnalysesRequest {
  return { part: 'analyses', studyId, segmentationId, interviewed, includePartial };
}

export function segmentationPart(segmentationId: number, revenueAttribute: string | undefined): SegmentationRequest {
  return { part: 'segmentation', segmentationId, revenueAttribute };
}

export async function analysesOnWorker(path: string, part: AnalysesRequest, signal?: AbortSignal): Promise<ReportAnalyses> {
  const [analyses] = await onWorker<[ReportAnalyses]>(path, [part], signal);
  return analyses;
}

export async function segmentationOnWorker(path: string, part: SegmentationRequest, signal?: AbortSignal): Promise<SegmentationPart> {
  const [segmentation] = await onWorker<[SegmentationPart]>(path, [part], signal);
  return segmentation;
}

/**
 * The segmentation section, then the analyses, on one worker: the memory the first part used is
 * reused by the second. On two workers in turn, the first one's freed memory stayed with the
 * process (300 MB at 1,000,000 participants: the C allocator keeps it) under the second one's.
 */
export async function bothInTurnOnWorker(path: string, segmentation: SegmentationRequest, analyses: AnalysesRequest, signal?: AbortSignal, limits?: ResourceLimits, segmentationBuilt?: () => void): Promise<[SegmentationPart, ReportAnalyses]> {
  return await onWorker<[SegmentationPart, ReportAnalyses]>(path, [segmentation, analyses], signal, limits, segmentationBuilt);
}

/** @param firstBuilt called when the first of several parts is built (the worker says so before the next). */
function onWorker<T>(path: string, parts: ReportPart[], signal: AbortSignal | undefined, resourceLimits: ResourceLimits = {}, firstBuilt?: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const worker = new Worker(workerScript(import.meta.url, 'report-worker'), { workerData: { path, parts } satisfies WorkerRequest, resourceLimits });
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
    worker.on('message', (message: { result: T } | { error: string } | { built: number }) => {
      if ('built' in message) {
        if (message.built === 0) firstBuilt?.();
        return;
      }
      settle(() => ('result' in message ? resolve(message.result) : reject(new Error(`report ${parts.map((p) => p.part).join(' and ')}: ${message.error}`))));
    });
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`report ${parts.map((p) => p.part).join(' and ')}: the worker stopped (exit code ${code}) before answering`))));
  });
}
