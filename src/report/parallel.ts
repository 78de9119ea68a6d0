/**
 * Runs a report's analyses (question summaries, crosstabs, drivers) on a worker thread with its
 * own read-only connection, while the calling thread builds the segmentation section. SQLite in
 * WAL mode lets the two connections read at once.
 */
import { Worker } from 'node:worker_threads';
import { workerScript } from '../compute/worker-path.js';
import type { ReportAnalyses } from './analyses.js';

export interface AnalysesRequest {
  path: string;
  studyId: number;
  segmentationId: number | undefined;
  interviewed: number;
  includePartial: boolean;
}

export function analysesOnWorker(path: string, studyId: number, segmentationId: number | undefined, interviewed: number, includePartial: boolean): Promise<ReportAnalyses> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript(import.meta.url, 'analyses-worker'), { workerData: { path, studyId, segmentationId, interviewed, includePartial } satisfies AnalysesRequest });
    let settled = false;
    worker.once('message', (message: { analyses: ReportAnalyses } | { error: string }) => {
      settled = true;
      if ('analyses' in message) resolve(message.analyses);
      else reject(new Error(`report analyses: ${message.error}`));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`report analyses: the worker stopped (exit code ${code}) before answering`));
    });
  });
}
