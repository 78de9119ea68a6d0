/** Worker entry for import-thread.ts: one import with its own connection to the database. */
import { parentPort, workerData } from 'node:worker_threads';
import { raised } from '../compute/cancel-flag.js';
import { CancelledError } from '../errors.js';
import { openDatabase } from '../store/db.js';
import { Store } from '../store/index.js';
import { importOpened } from './import-participants.js';
import type { ImportJob, ImportMessage } from './import-thread.js';

/** Progress messages at most this often. */
const PROGRESS_MS = 100;

const { database, request, fd, cancel, turn } = workerData as ImportJob;
const send = (message: ImportMessage) => parentPort!.postMessage(message);
let store: Store | null = null;
try {
  store = new Store(openDatabase(database));
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
  send({ kind: 'done', result });
} catch (error) {
  send({ kind: 'failed', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) });
} finally {
  store?.close();
}
