/**
 * A k-means worker: binds the kernel to the shared memories it is sent and runs whole jobs in its
 * own slot, or its share of a loop split over the pool (meeting the other workers at a barrier
 * before and after each step). The arithmetic is the domain's, so results do not depend on the thread.
 */
import { parentPort } from 'node:worker_threads';
import { loopOf, runJob, type KmeansJob, type LoopSpec } from '../domain/clustering/jobs.js';
import { runStep, type Step } from '../domain/clustering/kernel.js';
import { slotWorkspace, type Workspace } from '../domain/clustering/workspace.js';
import { abortBarrier, arriveAndWait } from './barrier.js';
import type { Matrix } from '../domain/matrix.js';

export type WorkerRequest =
  | { type: 'open'; id: number; memory: WebAssembly.Memory; rows: number; cols: number; maxK: number; slot: number; sample: Matrix }
  | { type: 'forget'; id: number }
  | { type: 'job'; set: number; job: KmeansJob }
  | { type: 'loop'; memory: WebAssembly.Memory; rows: number; cols: number; k: number; spec: LoopSpec; index: number; count: number; control: Int32Array };

export type WorkerReply = { type: 'result'; result: unknown } | { type: 'error'; message: string };

/**
 * Worker `index` of `count`: every worker runs the same loop (the same decisions from the same
 * partial results) and its contiguous share of each step's chunks. The first barrier keeps a step
 * from starting while another worker still reads the previous step's results; the second lets
 * everyone read this step's.
 */
function runShare<T>(ws: Workspace, loop: Generator<Step, T, void>, index: number, count: number, control: Int32Array): T {
  const { chunks } = ws.layout;
  const per = Math.ceil(chunks / count);
  const from = Math.min(chunks, index * per);
  const to = Math.min(chunks, from + per);
  let next = loop.next();
  while (!next.done) {
    arriveAndWait(control, count);
    runStep(ws, next.value, from, to);
    arriveAndWait(control, count);
    next = loop.next();
  }
  return next.value;
}

const sets = new Map<number, { ws: Workspace; sample: Matrix }>();

parentPort!.on('message', (request: WorkerRequest) => {
  if (request.type === 'open') {
    sets.set(request.id, { ws: slotWorkspace(request.memory, request.rows, request.cols, request.maxK, request.slot), sample: request.sample });
    return;
  }
  if (request.type === 'forget') {
    sets.delete(request.id);
    return;
  }
  try {
    if (request.type === 'job') {
      const set = sets.get(request.set)!;
      const result = runJob(set.ws, set.sample, request.job);
      // Labels travel back without a copy.
      const transfer = request.job.kind === 'nearest' ? [(result as { labels: Int32Array }).labels.buffer as ArrayBuffer] : [];
      parentPort!.postMessage({ type: 'result', result } satisfies WorkerReply, transfer);
    } else {
      const ws = slotWorkspace(request.memory, request.rows, request.cols, request.k, 0);
      try {
        const result = runShare(ws, loopOf(ws, request.spec), request.index, request.count, request.control);
        parentPort!.postMessage({ type: 'result', result } satisfies WorkerReply);
      } catch (error) {
        abortBarrier(request.control);
        throw error;
      }
    }
  } catch (error) {
    parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
  }
});
