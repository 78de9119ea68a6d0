/**
 * A file import on a worker thread. Pass 1 runs there while this thread stays free (a million
 * rows take seconds); pass 2's reading and typing then run there too, overlapping the inserts
 * this thread makes in its one write transaction. The rows cross by MessagePort and are taken
 * synchronously (receiveMessageOnPort + Atomics.wait), so the transaction never yields to the
 * event loop: no other request can write into it midway.
 */
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { CsvOptions, ImportContext, ParticipantScan, TypedParticipant } from './csv.js';
import type { ImportWorkerData } from './import-worker.js';
import { decodeRows } from './row-codec.js';

/** Files from this size are imported with the worker; smaller ones are over before it would start. */
export const WORKER_FROM_BYTES = 2 * 1024 * 1024;
/** With no batch for this long the worker is taken to have died. */
const STALL_MS = 120_000;

type WorkerMessage = { type: 'scan'; scan: ParticipantScan; warning?: string } | { type: 'rows'; rows: string } | { type: 'done' } | { type: 'error'; message: string; user: boolean };

function workerPath(): string {
  const here = fileURLToPath(import.meta.url);
  // Under the test runner this file is TypeScript in src/; the worker runs the compiled copy.
  return here.endsWith('.ts') ? here.replace(/[/\\]src[/\\]ingest[/\\]import-job\.ts$/, '/dist/ingest/import-worker.js') : here.replace(/import-job\.js$/, 'import-worker.js');
}

function failure(message: { message: string; user: boolean }): Error {
  return message.user ? new UserError(message.message) : new Error(`import worker: ${message.message}`);
}

export interface ImportJob {
  /** Pass 1's result. */
  scan: ParticipantScan;
  warning?: string;
  /** Pass 2's rows, in file order; read inside the write transaction. */
  rows(): Generator<TypedParticipant>;
  /** Stops the worker (after rows() or instead of it). */
  close(): Promise<void>;
}

export async function startImportJob(path: string, options: CsvOptions, context: ImportContext): Promise<ImportJob> {
  const channel = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const data: ImportWorkerData = { path, options, catalogue: [...context.catalogue], existingIds: new Set(context.existingIds), onDuplicate: context.onDuplicate, rows: channel.port2, signal };
  const worker = new Worker(workerPath(), { workerData: data, transferList: [channel.port2] });
  const close = async () => {
    channel.port1.close();
    await worker.terminate();
  };
  const first = await new Promise<WorkerMessage>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`import worker: stopped (exit code ${code}) before checking the file`)));
  }).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  worker.removeAllListeners('exit');
  worker.removeAllListeners('error');
  // A failure after pass 1 arrives through the row channel; this keeps a crash from being unhandled.
  worker.on('error', () => undefined);
  if (first.type === 'error') {
    await close();
    throw failure(first);
  }
  if (first.type !== 'scan') throw new Error('import worker: unexpected first message');

  function* rows(): Generator<TypedParticipant> {
    worker.postMessage('go');
    let waited = 0;
    for (;;) {
      const posted = Atomics.load(signal, 0);
      const received = receiveMessageOnPort(channel.port1);
      if (received === undefined) {
        if (Atomics.wait(signal, 0, posted, 1000) === 'timed-out' && (waited += 1000) >= STALL_MS) throw new Error(`import worker: no rows for ${STALL_MS / 1000} s`);
        continue;
      }
      waited = 0;
      Atomics.add(signal, 1, 1);
      Atomics.notify(signal, 1);
      const message = received.message as WorkerMessage;
      if (message.type === 'done') return;
      if (message.type === 'error') throw failure(message);
      if (message.type === 'rows') yield* decodeRows(message.rows);
    }
  }
  return { scan: first.scan, ...(first.warning ? { warning: first.warning } : {}), rows, close };
}
