/**
 * Lloyd iterations over worker threads, for large data. A small persistent pool (one worker per
 * core, started on first use, not keeping the process alive) runs contiguous ranges of chunks;
 * the data and the partial sums live in SharedArrayBuffers, so nothing is copied per iteration.
 * Below PARALLEL_ROWS the serial kernel is used: thread hand-offs cost more than they save.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { lloydLoop, lloydSerial, lloydState, type LloydOutcome, type LloydState } from '../domain/clustering/kernel.js';
import { DEFAULT_SEED, kmeans, kmeansPlusPlus, meanVariance, type KmeansResult } from '../domain/clustering/kmeans.js';
import { matrix, type Matrix } from '../domain/matrix.js';
import { childSeed, seededRandom } from '../domain/random.js';

export const PARALLEL_ROWS = 100_000;

function workerPath(): string {
  const here = fileURLToPath(import.meta.url);
  // Under the test runner this file is TypeScript in src/; the worker runs the compiled copy.
  return here.endsWith('.ts') ? here.replace(/[/\\]src[/\\]compute[/\\]kmeans-pool\.ts$/, '/dist/compute/kmeans-worker.js') : here.replace(/kmeans-pool\.js$/, 'kmeans-worker.js');
}

class Pool {
  private workers: Worker[] = [];

  constructor(readonly size: number) {}

  private ensure(): Worker[] {
    while (this.workers.length < this.size) {
      const worker = new Worker(workerPath());
      worker.unref();
      this.workers.push(worker);
    }
    return this.workers;
  }

  private static request(worker: Worker, message: unknown): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = () => {
        worker.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(message);
    });
  }

  async lloyd(data: Matrix, initial: Float64Array, k: number, options: { maxIterations: number; tolerance: number }): Promise<LloydOutcome> {
    const shared = data.data.buffer instanceof SharedArrayBuffer ? data.data : shareCopy(data.data);
    const state = lloydState(data.rows, data.cols, k, (bytes) => new SharedArrayBuffer(bytes));
    const workers = this.ensure();
    const setup = {
      type: 'setup',
      data: shared.buffer,
      rows: data.rows,
      cols: data.cols,
      k,
      chunks: state.chunks,
      labels: state.labels.buffer,
      partialSums: state.partialSums.buffer,
      partialCounts: state.partialCounts.buffer,
      partialInertia: state.partialInertia.buffer,
    };
    await Promise.all(workers.map((w) => Pool.request(w, setup)));
    const ranges = splitChunks(state, workers.length);
    const loop = lloydLoop(state, initial, options);
    let step = loop.next();
    while (!step.done) {
      const { centres, withSums } = step.value;
      await Promise.all(workers.map((w, i) => Pool.request(w, { type: 'step', centres, withSums, from: ranges[i]![0], to: ranges[i]![1] })));
      step = loop.next();
    }
    return step.value;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}

function splitChunks(state: LloydState, parts: number): [number, number][] {
  const per = Math.ceil(state.chunks / parts);
  return Array.from({ length: parts }, (_, i) => [Math.min(state.chunks, i * per), Math.min(state.chunks, (i + 1) * per)] as [number, number]);
}

/** The data in a SharedArrayBuffer (one copy), for matrices built in ordinary memory. */
export function shareCopy(data: Float64Array<ArrayBufferLike>): Float64Array<SharedArrayBuffer> {
  const shared = new Float64Array(new SharedArrayBuffer(data.length * 8));
  shared.set(data);
  return shared;
}

let pool: Pool | null = null;

export function threadCount(): number {
  const fromEnv = Number(process.env.SEGLAB_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.max(1, availableParallelism());
}

/**
 * Lloyd from `initial`, on the worker pool for large data (or when `threads` asks for it),
 * serially otherwise. Same result either way, bit for bit.
 */
export async function lloydAuto(data: Matrix, initial: Float64Array, k: number, options: { maxIterations: number; tolerance: number; threads?: number }): Promise<LloydOutcome> {
  const threads = options.threads ?? (data.rows >= PARALLEL_ROWS ? threadCount() : 1);
  if (threads <= 1) return lloydSerial(data.data, lloydState(data.rows, data.cols, k), initial, options);
  if (!pool || pool.size !== threads) {
    await pool?.close();
    pool = new Pool(threads);
  }
  return pool.lloyd(data, initial, k, options);
}

export async function closePool(): Promise<void> {
  await pool?.close();
  pool = null;
}

/**
 * k-means with seeded k-means++ restarts like domain/clustering/kmeans.ts's `kmeans`, with the
 * Lloyd iterations on the worker pool for large data. Same seed, same result, any thread count.
 */
export async function fitKmeans(data: Matrix, k: number, options: { seed?: number; restarts?: number; parallelFrom?: number } = {}): Promise<KmeansResult> {
  const seed = options.seed ?? DEFAULT_SEED;
  const restarts = Math.max(1, options.restarts ?? 10);
  const parallel = data.rows >= (options.parallelFrom ?? PARALLEL_ROWS) && threadCount() > 1;
  if (!parallel) return kmeans(data, k, { seed, restarts });
  const shared: Matrix = data.data.buffer instanceof SharedArrayBuffer ? data : { ...data, data: shareCopy(data.data) };
  const tolerance = 1e-4 * meanVariance(shared);
  let best: KmeansResult | null = null;
  for (let r = 0; r < restarts; r++) {
    const initial = kmeansPlusPlus(shared, k, seededRandom(childSeed(seed, r)));
    const out = await lloydAuto(shared, initial.data as Float64Array, k, { maxIterations: 300, tolerance, threads: threadCount() });
    if (!best || out.inertia < best.inertia - 1e-12 * Math.max(1, best.inertia)) {
      best = { k, assignments: Int32Array.from(out.labels), centres: matrix(k, data.cols, Float64Array.from(out.centres)), inertia: out.inertia, iterations: out.iterations, converged: out.converged };
    }
  }
  return best!;
}
