/**
 * Worker side of import-job.ts: pass 1 (checks and types) over the file, then, when told to go,
 * pass 2's typed rows in batches through a MessagePort the importing thread reads synchronously
 * inside its write transaction. `signal` counts batches posted [0] and taken [1], so the worker
 * stays at most AHEAD batches in front (memory stays bounded).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { typedParticipants, type CsvOptions, type ImportContext, type OnDuplicate } from './csv.js';
import { encodeRow } from './row-codec.js';
import { scanFile } from './scan-file.js';
import type { AttributeType } from '../domain/attributes.js';

export interface ImportWorkerData {
  path: string;
  options: CsvOptions;
  catalogue: [string, AttributeType][];
  existingIds: Set<string>;
  onDuplicate: OnDuplicate;
  rows: MessagePort;
  signal: Int32Array;
}

export const BATCH_ROWS = 2000;
const AHEAD = 16;

const data = workerData as ImportWorkerData;
const context: ImportContext = { catalogue: new Map(data.catalogue), existingIds: data.existingIds, onDuplicate: data.onDuplicate };
const failure = (error: unknown) => ({ type: 'error', message: error instanceof Error ? error.message : String(error), user: error instanceof UserError });

try {
  const { source, scan, warning } = scanFile(data.path, data.options, context);
  parentPort!.postMessage({ type: 'scan', scan, warning });
  parentPort!.once('message', () => {
    const { rows, signal } = data;
    const post = (message: unknown) => {
      // Wait while the importing thread is AHEAD batches behind.
      while (Atomics.load(signal, 0) - Atomics.load(signal, 1) >= AHEAD) Atomics.wait(signal, 1, Atomics.load(signal, 1), 1000);
      rows.postMessage(message);
      Atomics.add(signal, 0, 1);
      Atomics.notify(signal, 0);
    };
    try {
      let batch = '';
      let count = 0;
      for (const row of typedParticipants(source, data.options, scan, context)) {
        batch += encodeRow(row);
        if (++count === BATCH_ROWS) {
          post({ type: 'rows', rows: batch });
          batch = '';
          count = 0;
        }
      }
      if (count > 0) post({ type: 'rows', rows: batch });
      post({ type: 'done' });
    } catch (error) {
      post(failure(error));
    }
    rows.close();
    parentPort!.close();
  });
} catch (error) {
  parentPort!.postMessage(failure(error));
  parentPort!.close();
}
