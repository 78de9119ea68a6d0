/**
 * A long use case on a worker thread with its own connection to the database file (a large
 * import, a large clustering), so that the calling thread keeps answering every other session:
 * reads go on (WAL), and this thread's writers wait for their turn (WriteTurns) instead of
 * blocking the event loop on the database lock. The worker does its reading and computing
 * without the lock, then asks for its write turn, writes in one transaction, and stops at its
 * next check once the call is cancelled (nothing saved).
 *
 * Both sides are here: `callOnWorker` for the calling thread, `workerSide` for the worker.
 */
import { parentPort, Worker, workerData, type ResourceLimits } from 'node:worker_threads';
import { cancelFlag, raised } from '../compute/cancel-flag.js';
import { workerScript } from '../compute/worker-path.js';
import { CancelledError, NotFoundError, UserError } from '../errors.js';
import type { WriteTurns } from '../store/write-turns.js';
import type { CallOptions } from './call-options.js';

/** What a worker is given: the database file, its request, and two shared flags. */
export interface WorkerJob<Request> {
  /** The database file, or what else connectStore opens (worker-call.ts callers pass Store.connection() or file()). */
  database: string;
  request: Request;
  /** 1 once the call is cancelled. */
  cancel: Int32Array;
  /** 1 once the worker may write. */
  turn: Int32Array;
}

/** What a worker says. */
export type WorkerMessage<Result> =
  | { kind: 'progress'; done: number; total: number; message: string }
  | { kind: 'write' }
  | { kind: 'done'; result: Result }
  | { kind: 'failed'; name: string; message: string };

/** Errors the assistant should read as they are; anything else stays an internal error. */
function errorFrom(worker: string, message: { name: string; message: string }): Error {
  if (message.name === 'CancelledError') return new CancelledError();
  if (message.name === 'NotFoundError') return new NotFoundError(message.message);
  if (message.name === 'UserError' || message.name === 'ValidationError') return new UserError(message.message);
  return new Error(`${worker}: ${message.message}`);
}

/**
 * Runs the worker script `name` (beside this module) on `request` over `database`. Its progress
 * goes to options.progress (a reporter that fails, e.g. a client gone, stops the worker as a
 * cancellation does and the call fails with its error); its write turn is taken in `turns` and
 * held until the worker has closed its connection. A `background` worker (a rebuild no call waits
 * for) does not keep the process alive: a server that stops leaves it unsaved. `resourceLimits`
 * bounds the worker's heap.
 */
export function callOnWorker<Request, Result>(name: string, database: string, request: Request, turns: WriteTurns, options: CallOptions, background = false, resourceLimits: ResourceLimits = {}): Promise<Result> {
  const cancel = cancelFlag(options.signal);
  const turn = new Int32Array(new SharedArrayBuffer(4));
  const stop = () => {
    Atomics.store(cancel, 0, 1);
    // Also wakes a worker waiting for its turn.
    Atomics.notify(turn, 0);
  };
  const job: WorkerJob<Request> = { database, request, cancel, turn };
  return new Promise<Result>((resolve, reject) => {
    const worker = new Worker(workerScript(import.meta.url, name), { workerData: job, resourceLimits });
    if (background) worker.unref();
    let releaseTurn: (() => void) | null = null;
    let outcome: { error: Error } | { result: Result } | null = null;
    let reporterError: Error | null = null;
    worker.on('message', (message: WorkerMessage<Result>) => {
      if (message.kind === 'progress') {
        options.progress?.(message.done, message.total, message.message).catch((error: unknown) => {
          reporterError ??= error instanceof Error ? error : new Error(String(error));
          stop();
        });
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
      } else if (message.kind === 'done') {
        // Its writes are committed: the caller has the answer now; the worker may still be
        // copying the log into the database file, and keeps its turn to write until it exits.
        outcome = { result: message.result };
        resolve(message.result);
      } else outcome = { error: reporterError ?? errorFrom(`${name}`, message) };
    });
    worker.once('error', (error) => (outcome ??= { error }));
    // A failure is settled once the worker has closed its connection (its transaction rolled
    // back): only then is the turn to write over.
    worker.once('exit', (code) => {
      releaseTurn?.();
      outcome ??= { error: new Error(`${name}: stopped (exit code ${code}) before answering`) };
      if ('error' in outcome) reject(outcome.error);
    });
    options.signal?.addEventListener('abort', stop, { once: true });
  });
}

/** Progress messages at most this often. */
export const PROGRESS_MS = 100;

/** The worker's end: its job, and how it reports, checks for a cancellation, waits for its turn and answers. */
export function workerSide<Request, Result>() {
  const job = workerData as WorkerJob<Request>;
  const send = (message: WorkerMessage<Result>) => parentPort!.postMessage(message);
  let lastProgress = 0;
  const throwIfCancelled = () => {
    if (raised(job.cancel)) throw new CancelledError();
  };
  return {
    job,
    throwIfCancelled,
    /** Reports progress (at most every PROGRESS_MS unless `always`); throws CancelledError once the call is cancelled. */
    progress(done: number, total: number, message: string, always = false): void {
      throwIfCancelled();
      const now = Date.now();
      if (always || now - lastProgress >= PROGRESS_MS) {
        lastProgress = now;
        send({ kind: 'progress', done, total, message });
      }
    },
    /** Blocks until the calling thread gives the turn to write; throws CancelledError when cancelled meanwhile. */
    waitForTurn(): void {
      send({ kind: 'write' });
      // Woken by the turn, or by a cancellation (which leaves the turn at 0).
      while (Atomics.load(job.turn, 0) === 0 && !raised(job.cancel)) Atomics.wait(job.turn, 0, 0, 1000);
      throwIfCancelled();
    },
    done(result: Result): void {
      send({ kind: 'done', result });
    },
    failed(error: unknown): void {
      send({ kind: 'failed', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) });
    },
  };
}

/**
 * The call under way for `key` in `pending`, else the one `start` begins, kept there until it
 * settles: concurrent callers asking the same (a count, a rebuild) share one worker.
 */
export function sharedCall<T>(pending: Map<string, Promise<T>>, key: string, start: () => Promise<T>): Promise<T> {
  const known = pending.get(key);
  if (known) return known;
  const started = start().finally(() => pending.delete(key));
  pending.set(key, started);
  return started;
}
