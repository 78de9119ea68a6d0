/**
 * A k-means worker: holds shared views of the data and the per-chunk partials, and runs the
 * chunks it is sent. The arithmetic is kernel.ts's, so results do not depend on the thread.
 */
import { parentPort } from 'node:worker_threads';
import { runChunks, type LloydState } from '../domain/clustering/kernel.js';

interface Setup {
  type: 'setup';
  data: SharedArrayBuffer;
  rows: number;
  cols: number;
  k: number;
  chunks: number;
  labels: SharedArrayBuffer;
  partialSums: SharedArrayBuffer;
  partialCounts: SharedArrayBuffer;
  partialInertia: SharedArrayBuffer;
}

interface Step {
  type: 'step';
  centres: Float64Array;
  withSums: boolean;
  from: number;
  to: number;
}

let data: Float64Array | null = null;
let state: LloydState | null = null;

parentPort!.on('message', (message: Setup | Step) => {
  if (message.type === 'setup') {
    data = new Float64Array(message.data);
    state = {
      rows: message.rows,
      cols: message.cols,
      k: message.k,
      chunks: message.chunks,
      labels: new Int32Array(message.labels),
      partialSums: new Float64Array(message.partialSums),
      partialCounts: new Float64Array(message.partialCounts),
      partialInertia: new Float64Array(message.partialInertia),
    };
    parentPort!.postMessage('ready');
    return;
  }
  runChunks(data!, state!, message.centres, message.withSums, message.from, message.to);
  parentPort!.postMessage('done');
});
