/** Worker entry for import-thread.ts: one import with its own connection to the database. */
import { parentPort, workerData } from 'node:worker_threads';
import { raised } from '../compute/cancel-flag.js';
import { CancelledError } from '../errors.js';
import { openDatabase } from '../store/db.js';
import { SqliteStore } from '../store/index.js';
import { importOpened } from './import-participants.js';
import type { ImportJob, ImportMessage } from './import-thread.js';

/** Progress messages at most this often. */
const PROGRESS_MS = 100;
/** How long the worker keeps trying to checkpoint its pages while other connections read. */
const CHECKPOINT_MS = 10_000;

/**
 * Copies the import's pages from the write-ahead log into the database file here, before the
 * turn to write is handed back: otherwise the next small write on the main thread would do it
 * (SQLite checkpoints when a commit leaves a large log) and block every session meanwhile. A
 * reader still on the snapshot before the import holds pages back, so it is tried again
 * until the log is copied (readers are short) or the time is up.
 */
function checkpoint(store: SqliteStore): void {
  const until = Date.now() + CHECKPOINT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const [state] = store.db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    if (!state || state.log <= state.checkpointed || Date.now() > until) return;
    Atomics.wait(pause, 0, 0, 10);
  }
}

const { database, request, fd, cancel, turn } = workerData as ImportJob;
const send = (message: ImportMessage) => parentPort!.postMessage(message);
let store: SqliteStore | null = null;
try {
  store = new SqliteStore(openDatabase(database));
  let lastProgress = 0;
  const result = importOpened(store, request, fd, {
    checkpoint(done, total) {
      if (raised(cancel)) throw new CancelledError();
      const now = Date.now();
      if (total > 0 && now - lastProgress >= PROGRESS_MS) {
        lastProgress = now;
        send({ kind: 'progress', done, total });
      }
    },
    beforeWrite() {
      send({ kind: 'write' });
      // Woken by the turn, or by a cancellation (which leaves the turn at 0).
      while (Atomics.load(turn, 0) === 0 && !raised(cancel)) Atomics.wait(turn, 0, 0, 1000);
      if (raised(cancel)) throw new CancelledError();
    },
  });
  if (result.written) checkpoint(store);
  send({ kind: 'done', result });
} catch (error) {
  send({ kind: 'failed', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) });
} finally {
  store?.close();
}
