/** Worker entry for import-thread.ts: one import with its own connection to the database. */
import { fstatSync } from 'node:fs';
import { checkpointWal, openDatabase } from '../store/db.js';
import { SqliteStore } from '../store/index.js';
import { importOpened, type ImportRequest, type ImportResult } from './import-participants.js';
import type { ImportOnWorker } from './import-thread.js';
import { writeParticipantsBeside } from './import-writer.js';
import { workerSide } from './worker-call.js';

/** From this size (bytes of a file, characters inline) the rows are written on a second thread. */
const WRITER_MIN_SIZE = 1 << 20;

const inputSize = (request: ImportRequest, fd: number | null): number => (fd !== null ? fstatSync(fd).size : (request.csv?.length ?? 0));

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
    // SQLite writes on a second thread while this one reads the next rows (both cores), unless the
    // CSV is small: then a thread and a connection would cost more than they save.
    ...(inputSize(request, fd) >= WRITER_MIN_SIZE ? { write: (studyId, names, rows, attributes) => writeParticipantsBeside(database, studyId, names, rows, attributes) } : {}),
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
