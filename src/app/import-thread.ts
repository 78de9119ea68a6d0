/**
 * A large import on a worker thread with its own connection, so that the calling thread keeps
 * answering every other session: reads go on (WAL), and this thread's writers wait for their
 * turn (WriteTurns) instead of blocking the event loop on the database lock. The worker checks
 * the file and decides the types without the lock, then waits for its write turn, writes in one
 * transaction, and stops between records when the call is cancelled (the transaction is rolled
 * back: nothing saved).
 */
import { Worker } from 'node:worker_threads';
import { cancelFlag } from '../compute/cancel-flag.js';
import { workerScript } from '../compute/worker-path.js';
import { CancelledError, NotFoundError, UserError } from '../errors.js';
import type { WriteTurns } from '../store/write-turns.js';
import type { CallOptions } from './call-options.js';
import type { ImportRequest, ImportResult } from './import-participants.js';

/** What the worker is given. */
export interface ImportJob {
  database: string;
  request: ImportRequest;
  /** The CSV file, opened and checked by the calling thread (descriptors are shared by the process). */
  fd: number | null;
  /** 1 once the call is cancelled. */
  cancel: Int32Array;
  /** 1 once the worker may write. */
  turn: Int32Array;
}

/** What the worker says. */
export type ImportMessage =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'write' }
  | { kind: 'done'; result: ImportResult }
  | { kind: 'failed'; name: string; message: string };

/** Errors the assistant should read as they are; anything else stays an internal error. */
function errorFrom(message: { name: string; message: string }): Error {
  if (message.name === 'CancelledError') return new CancelledError();
  if (message.name === 'NotFoundError') return new NotFoundError(message.message);
  if (message.name === 'UserError' || message.name === 'ValidationError') return new UserError(message.message);
  return new Error(`import worker: ${message.message}`);
}

export function importOnWorker(database: string, turns: WriteTurns, request: ImportRequest, fd: number | null, options: CallOptions): Promise<ImportResult> {
  const cancel = cancelFlag(options.signal);
  const turn = new Int32Array(new SharedArrayBuffer(4));
  const job: ImportJob = { database, request, fd, cancel, turn };
  return new Promise<ImportResult>((resolve, reject) => {
    const worker = new Worker(workerScript(import.meta.url, 'import-worker'), { workerData: job });
    let releaseTurn: (() => void) | null = null;
    let outcome: { error: Error } | { result: ImportResult } | null = null;
    worker.on('message', (message: ImportMessage) => {
      if (message.kind === 'progress') {
        // Best effort: the worker goes on whether or not the client hears.
        options.progress?.(message.done, message.total, 'writing participants').catch(() => undefined);
      } else if (message.kind === 'write') {
        void turns.take(
          () =>
            new Promise<void>((release) => {
              releaseTurn = release;
              if (outcome) return release();
              Atomics.store(turn, 0, 1);
              Atomics.notify(turn, 0);
            }),
        );
      } else if (message.kind === 'done') outcome = { result: message.result };
      else outcome = { error: errorFrom(message) };
    });
    worker.once('error', (error) => (outcome ??= { error }));
    // Settled once the worker has closed its connection: only then is the turn to write over.
    worker.once('exit', (code) => {
      releaseTurn?.();
      outcome ??= { error: new Error(`import worker: stopped (exit code ${code}) before answering`) };
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.result);
    });
    // A cancellation also wakes a worker waiting for its turn.
    options.signal?.addEventListener('abort', () => Atomics.notify(turn, 0), { once: true });
  });
}
