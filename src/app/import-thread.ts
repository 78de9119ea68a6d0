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

/**
 * The import worker's young generation: its garbage is short-lived (a record's strings, a row's
 * values), and V8's default lets the heap grow by ~30 MB more, which at a million rows took the
 * process above its 300 MB budget once the rows were written on a second thread (import-writer.ts).
 * Measured at a million rows: default 320–325 MB; 16 MB 289–297 MB (one run at load 5: 314 MB);
 * 12 MB 291 MB but ~2 s more CPU in garbage collection.
 */
const IMPORT_LIMITS = { maxYoungGenerationSizeMb: 16 };

/** What the import worker is given. */
export interface ImportOnWorker {
  request: ImportRequest;
  /** The CSV file, opened and checked by the calling thread (descriptors are shared by the process). */
  fd: number | null;
}

export function importOnWorker(database: string, turns: WriteTurns, request: ImportRequest, fd: number | null, options: CallOptions): Promise<ImportResult> {
  return callOnWorker<ImportOnWorker, ImportResult>('import-worker', database, { request, fd }, turns, options, false, IMPORT_LIMITS);
}
