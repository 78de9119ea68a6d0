/**
 * What a tool passes to a long use case beside its request: the client's cancellation and a
 * progress reporter. One shape for every long call (imports, clustering, reports).
 */
import { CancelledError } from '../errors.js';

/** Reports progress and yields to the event loop; throws CancelledError once the caller cancelled. */
export type Progress = (done: number, total: number, message: string) => Promise<void>;

export interface CallOptions {
  /** Aborted when the client sends notifications/cancelled (or the server drains): the work stops and saves nothing. */
  signal?: AbortSignal | undefined;
  progress?: Progress | undefined;
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
