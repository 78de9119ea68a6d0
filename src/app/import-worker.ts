/** Worker entry for import-thread.ts: one import with its own connection to the database. */
import { checkpointWal, openDatabase } from '../store/db.js';
import { SqliteStore } from '../store/index.js';
import { importOpened, type ImportResult } from './import-participants.js';
import type { ImportOnWorker } from './import-thread.js';
import { writeParticipantsBeside } from './import-writer.js';
import { workerSide } from './worker-call.js';

const side = workerSide<ImportOnWorker, ImportResult>();
const { database, request: { request, fd } } = side.job;
let store: SqliteStore | null = null;
try {
  store = new SqliteStore(openDatabase(database));
  const result = importOpened(store, request, fd, {
    checkpoint: (done, total) => {
      side.throwIfCancelled();
      if (total > 0) side.progress(done, total, 'writing participants');
    },
    beforeWrite: () => side.waitForTurn(),
    // SQLite writes on a second thread while this one reads the next rows (both cores).
    write: (studyId, names, rows, attributes) => writeParticipantsBeside(database, studyId, names, rows, attributes),
  });
  // Answered once committed (the log is synced): the copy into the database file follows, off the
  // caller's path but before the turn to write is handed back.
  side.done(result);
  if (result.written) checkpointWal(store.db);
} catch (error) {
  side.failed(error);
} finally {
  store?.close();
}
