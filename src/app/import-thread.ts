/**
 * A large import on a worker thread with its own connection (worker-call.ts), so that the calling
 * thread keeps answering every other session. The worker checks the file and decides the types
 * without the lock, then waits for its write turn, writes in one transaction, and stops between
 * records when the call is cancelled (the transaction is rolled back: nothing saved).
 */
import type { WriteTurns } from '../store/write-turns.js';
import type { CallOptions } from './call-options.js';
import type { ImportRequest, ImportResult } from './import-participants.js';
import { callOnWorker } from './worker-call.js';

/** What the import worker is given. */
export interface ImportOnWorker {
  request: ImportRequest;
  /** The CSV file, opened and checked by the calling thread (descriptors are shared by the process). */
  fd: number | null;
}

export function importOnWorker(database: string, turns: WriteTurns, request: ImportRequest, fd: number | null, options: CallOptions): Promise<ImportResult> {
  return callOnWorker<ImportOnWorker, ImportResult>('import-worker', database, { request, fd }, turns, options);
}
