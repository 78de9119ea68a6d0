/**
 * Worker entry for import-writer.ts: writes the rows it is sent in one transaction on its own
 * connection, commits when told (or rolls back), answers on its port, then sets FINISHED.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { collectGarbage } from '../compute/collect-garbage.js';
import { durableCommitsWithoutCheckpoint, openDatabase } from '../store/db.js';
import { SqliteStore } from '../store/index.js';
import { writeEncodedParticipants, type CatalogueEntries, type EncodedParticipant } from '../store/participants.js';
import { FINISHED, SENT, TAKEN, type RowBatch, type WriterAnswer, type WriterJob, type WriterMessage } from './import-writer.js';

const { database, studyId, state, port } = workerData as WriterJob & { port: MessagePort };

/** Asked to roll back: thrown out of the transaction. */
class RollBack extends Error {}

/** The next message, waiting for it without an event loop (this thread runs one synchronous transaction). */
function next(): WriterMessage {
  for (;;) {
    const received = receiveMessageOnPort(port);
    if (received) {
      Atomics.add(state, TAKEN, 1);
      Atomics.notify(state, TAKEN);
      return received.message as WriterMessage;
    }
    // Nothing queued: wait until the reading side has sent more than was taken.
    Atomics.wait(state, SENT, Atomics.load(state, TAKEN), 1000);
  }
}

let catalogue: CatalogueEntries | null = null;

/**
 * A full collection every this many batches (100,000 rows): left to V8's heuristics the writer's
 * heap fills with the batches it has written before collecting them, which took a million-row
 * import past its 300 MB budget (303–308 MB; 281–287 MB with this, same loaded minutes). A cap on the
 * writer's heap did as well, but a cell larger than the cap would end the writer while the reading
 * side waits for it.
 */
const COLLECT_EVERY = 100;

function* rows(): Generator<EncodedParticipant> {
  const row: EncodedParticipant = { external_id: '', email: null, name: null, tags: [], attributes: new Uint8Array(), exists: false, key: '', rekey: false };
  for (let batches = 1; ; batches++) {
    if (batches % COLLECT_EVERY === 0) collectGarbage();
    const message = next();
    if (message.kind === 'rollback') throw new RollBack();
    if (message.kind === 'commit') {
      catalogue = message.attributes;
      return;
    }
    yield* batchRows(message, row);
  }
}

function* batchRows(batch: RowBatch, row: EncodedParticipant): Generator<EncodedParticipant> {
  const { text, lengths } = batch;
  let at = 0;
  let l = 0;
  const cut = (): string | null => {
    const length = lengths[l++]!;
    if (length < 0) return null;
    at += length;
    return text.slice(at - length, at);
  };
  let blobStart = 0;
  for (let i = 0; i < batch.rows; i++) {
    row.external_id = cut()!;
    row.email = cut();
    row.name = cut();
    const key = cut();
    row.exists = key !== null;
    row.key = key ?? row.external_id;
    const tags: string[] = [];
    for (let t = lengths[l++]!; t > 0; t--) tags.push(cut()!);
    row.tags = tags;
    row.rekey = batch.rekey[i] === 1;
    row.attributes = batch.blobs.subarray(blobStart, batch.ends[i]);
    blobStart = batch.ends[i]!;
    yield row;
  }
}

let answer: WriterAnswer;
let store: SqliteStore | null = null;
try {
  store = new SqliteStore(openDatabase(database));
  durableCommitsWithoutCheckpoint(store.db);
  const counts = writeEncodedParticipants(store.db, store.studies, studyId, rows(), () => catalogue!);
  answer = { kind: 'committed', ...counts };
} catch (error) {
  answer = error instanceof RollBack ? { kind: 'rolled back' } : { kind: 'failed', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) };
} finally {
  store?.close();
}
port.postMessage(answer!);
Atomics.store(state, FINISHED, 1);
Atomics.notify(state, FINISHED);
