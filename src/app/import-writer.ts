/**
 * A large import's rows written by a second thread while this one reads and types the next ones:
 * the two halves of an import (reading, checking, typing and encoding the file; SQLite's inserts,
 * index and tag writes) take about as long each, so on two cores the import takes about the time
 * of the longer half instead of their sum. The writer (import-writer-worker.ts) opens its own
 * connection and writes everything in ONE transaction, as writeParticipants does in the calling
 * thread: all or nothing, committed only once this thread has read the whole file and asked for
 * the commit; any failure on either side rolls it back.
 *
 * This side stays synchronous (the import runs in a loop on the import worker): rows go out in
 * batches over a MessageChannel, at most MAX_IN_FLIGHT batches ahead of the writer (memory stays
 * bounded), and the writer's answer is taken with receiveMessageOnPort once a shared flag says it
 * has finished.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { workerScript } from '../compute/worker-path.js';
import type { TypedParticipant } from '../ingest/csv.js';
import { UserError } from '../errors.js';
import { JsonbObjects } from '../store/jsonb.js';
import { ChangedUnderneath, type CatalogueEntries } from '../store/participants.js';

/** Rows per message, at most: few messages, and a batch is small next to the writer's page cache. */
const BATCH_ROWS = 1000;
/** Characters of a message's strings, at most (long names or many tags make smaller batches): the writer's heap is capped. */
const BATCH_CHARS = 1 << 20;
/** Batches sent and not yet taken by the writer before this side waits. */
const MAX_IN_FLIGHT = 3;

/**
 * The writer's young generation: it holds at most MAX_IN_FLIGHT batches (BATCH_CHARS each) and the
 * tag ids of the rows since the last tag write (bounded in writeEncodedParticipants), and a small
 * young generation keeps the import nearer its memory budget (~300 MB at a million rows: with V8's
 * defaults the process peaked at 360 MB, with this at 297–307 MB). The old generation is NOT capped,
 * though a 32 MB cap gave 281–293 MB: one cell can be any size, and a writer that ran out of heap
 * would die without answering while the reading thread waits for it, holding the turn to write. The
 * writer collects its garbage every 100 batches instead (import-writer-worker.ts COLLECT_EVERY).
 */
const WRITER_LIMITS = { maxYoungGenerationSizeMb: 4 };

/** Shared counters (Int32Array indexes). */
export const SENT = 0;
export const TAKEN = 1;
/** 1 once the writer has committed or rolled back and closed its connection (its answer is on the port). */
export const FINISHED = 2;

/**
 * Rows of one message. Their strings travel as ONE string (cloning one flat string is a copy;
 * cloning arrays of short strings cost ~0.6 s at a million rows), cut by `lengths`: per row the
 * lengths of its id, e-mail, name and stored id (-1 for none), its number of tags, then each tag's.
 * The JSONB blobs travel in one transferred buffer, row i's ending at ends[i].
 */
export interface RowBatch {
  kind: 'rows';
  rows: number;
  text: string;
  lengths: Int32Array;
  rekey: Uint8Array;
  blobs: Uint8Array;
  ends: Uint32Array;
}

export type WriterMessage = RowBatch | { kind: 'commit'; attributes: CatalogueEntries } | { kind: 'rollback' };
export type WriterAnswer = { kind: 'committed'; inserted: number; updated: number } | { kind: 'failed'; name: string; message: string } | { kind: 'rolled back' };

export interface WriterJob {
  database: string;
  studyId: number;
  state: Int32Array;
}

/** One batch being filled. */
class BatchBuilder {
  private rows = 0;
  private chars = 0;
  private strings: string[] = [];
  private lengths = new Int32Array(BATCH_ROWS * 8);
  private used = 0;
  private rekey = new Uint8Array(BATCH_ROWS);
  private blobs = new Uint8Array(BATCH_ROWS * 512);
  private blobEnd = 0;
  private ends = new Uint32Array(BATCH_ROWS);

  private string(value: string | null): void {
    if (this.used === this.lengths.length) {
      const bigger = new Int32Array(this.lengths.length * 2);
      bigger.set(this.lengths);
      this.lengths = bigger;
    }
    if (value === null) this.lengths[this.used++] = -1;
    else {
      this.lengths[this.used++] = value.length;
      this.chars += value.length;
      this.strings.push(value);
    }
  }

  /** Adds a row; true when the batch is full. */
  add(row: TypedParticipant, attributes: Uint8Array): boolean {
    const i = this.rows++;
    this.string(row.external_id);
    this.string(row.email);
    this.string(row.name);
    this.string(row.exists ? row.key : null);
    this.string(null);
    this.lengths[this.used - 1] = row.tags.length;
    for (const tag of row.tags) this.string(tag);
    this.rekey[i] = row.rekey ? 1 : 0;
    if (this.blobEnd + attributes.length > this.blobs.length) {
      const bigger = new Uint8Array(Math.max(this.blobs.length * 2, this.blobEnd + attributes.length));
      bigger.set(this.blobs.subarray(0, this.blobEnd));
      this.blobs = bigger;
    }
    this.blobs.set(attributes, this.blobEnd);
    this.blobEnd += attributes.length;
    this.ends[i] = this.blobEnd;
    return this.rows === BATCH_ROWS || this.chars >= BATCH_CHARS;
  }

  get empty(): boolean {
    return this.rows === 0;
  }

  /** The batch to send (its buffers transferred), and this builder emptied for the next. */
  take(): RowBatch {
    const batch: RowBatch = {
      kind: 'rows',
      rows: this.rows,
      text: this.strings.join(''),
      lengths: this.lengths.slice(0, this.used),
      rekey: this.rekey.slice(0, this.rows),
      blobs: this.blobs.slice(0, this.blobEnd),
      ends: this.ends.slice(0, this.rows),
    };
    this.rows = 0;
    this.chars = 0;
    this.used = 0;
    this.blobEnd = 0;
    this.strings = [];
    return batch;
  }
}

/** The writer's failure as the error the calling thread would have thrown itself. */
function writerError(answer: { name: string; message: string }): Error {
  if (answer.name === 'ChangedUnderneath') return new ChangedUnderneath(answer.message);
  if (answer.name === 'UserError') return new UserError(answer.message);
  return new Error(`import writer: ${answer.message}`);
}

/**
 * ParticipantStore.writeParticipants on a second thread over `database` (the caller holds the
 * turn to write): same rows, same transaction, same result and errors.
 */
export function writeParticipantsBeside(
  database: string,
  studyId: number,
  names: readonly string[],
  rows: Iterable<TypedParticipant>,
  attributes: () => CatalogueEntries,
): { inserted: number; updated: number } {
  const state = new Int32Array(new SharedArrayBuffer(3 * 4));
  const { port1, port2 } = new MessageChannel();
  const job: WriterJob = { database, studyId, state };
  const writer = new Worker(workerScript(import.meta.url, 'import-writer-worker'), { workerData: { ...job, port: port2 }, transferList: [port2], resourceLimits: WRITER_LIMITS });
  // Nothing on this thread waits for the writer's exit: it has answered (FINISHED) by then.
  writer.unref();
  const encoder = new JsonbObjects(names);
  const batch = new BatchBuilder();
  const send = (message: WriterMessage) => {
    const transfer = message.kind === 'rows' ? [message.lengths.buffer, message.rekey.buffer, message.blobs.buffer, message.ends.buffer] : [];
    port1.postMessage(message, transfer as ArrayBuffer[]);
    Atomics.add(state, SENT, 1);
    Atomics.notify(state, SENT);
  };
  /** The writer's answer, once it has finished. */
  const answer = (): WriterAnswer => {
    while (Atomics.load(state, FINISHED) === 0) Atomics.wait(state, FINISHED, 0, 1000);
    const received = receiveMessageOnPort(port1);
    port1.close();
    if (!received) throw new Error('import writer: stopped without answering');
    return received.message as WriterAnswer;
  };
  const throwIfFailed = () => {
    if (Atomics.load(state, FINISHED) === 0) return;
    const failed = answer();
    throw failed.kind === 'failed' ? writerError(failed) : new Error('import writer: stopped before the commit');
  };
  let committing = false;
  try {
    for (const row of rows) {
      if (!batch.add(row, encoder.encode(row.values))) continue;
      send(batch.take());
      // At most MAX_IN_FLIGHT batches ahead of the writer; a writer that failed stops the reading.
      for (;;) {
        throwIfFailed();
        const taken = Atomics.load(state, TAKEN);
        if (Atomics.load(state, SENT) - taken < MAX_IN_FLIGHT) break;
        Atomics.wait(state, TAKEN, taken, 1000);
      }
    }
    if (!batch.empty) send(batch.take());
    const catalogue = attributes();
    committing = true;
    send({ kind: 'commit', attributes: catalogue });
    const result = answer();
    if (result.kind === 'failed') throw writerError(result);
    if (result.kind !== 'committed') throw new Error('import writer: rolled back instead of committing');
    return { inserted: result.inserted, updated: result.updated };
  } catch (error) {
    if (!committing && Atomics.load(state, FINISHED) === 0) {
      // This side failed (a cancellation, a changed file, rows to be typed again): nothing is kept.
      send({ kind: 'rollback' });
      answer();
    }
    throw error;
  }
}
