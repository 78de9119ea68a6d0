/**
 * k-means over worker threads, for large data. A small persistent pool (one worker per core,
 * started on first use, not keeping the process alive) runs contiguous ranges of chunks of each
 * kernel step; the data and the working regions live in one shared WebAssembly memory, so
 * nothing is copied per step. One job at a time: concurrent callers queue.
 * Below PARALLEL_ROWS the job runs on the calling thread: hand-offs cost more than they save.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerScript } from './worker-path.js';
import { runSerial, workspaceFor, type Step, type Workspace } from '../domain/clustering/kernel.js';
import { kmeans, kmeansLoop, type KmeansOptions, type KmeansResult } from '../domain/clustering/kmeans.js';
import type { Matrix } from '../domain/matrix.js';

export const PARALLEL_ROWS = 100_000;

class Pool {
  private workers: Worker[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly size: number) {}

  /** Runs a loop with each step split over the workers, after any job already running. */
  run<T>(ws: Workspace, loop: Generator<Step, T, void>): Promise<T> {
    const job = this.queue.then(() => this.drive(ws, loop));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async drive<T>(ws: Workspace, loop: Generator<Step, T, void>): Promise<T> {
    const workers = this.ensure();
    await Promise.all(workers.map((w) => Pool.request(w, { type: 'setup', memory: ws.memory, layout: ws.layout })));
    try {
      const per = Math.ceil(ws.layout.chunks / workers.length);
      let next = loop.next();
      while (!next.done) {
        const step = next.value;
        await Promise.all(workers.map((w, i) => Pool.request(w, { type: 'step', step, from: Math.min(ws.layout.chunks, i * per), to: Math.min(ws.layout.chunks, (i + 1) * per) })));
        next = loop.next();
      }
      return next.value;
    } finally {
      // Workers drop their view so a large memory can be freed once the caller is done with it.
      for (const w of workers) w.postMessage({ type: 'release' });
    }
  }

  private ensure(): Worker[] {
    while (this.workers.length < this.size) {
      const worker = new Worker(workerScript(import.meta.url, 'kmeans-worker'));
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

  async close(): Promise<void> {
    await this.queue;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}

let pool: Pool | null = null;

export function threadCount(): number {
  const fromEnv = Number(process.env.SEGLAB_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.max(1, availableParallelism());
}

/** Runs a kernel loop on `threads` threads (this one when 1). Same result, bit for bit, either way. */
export async function runOnThreads<T>(ws: Workspace, loop: Generator<Step, T, void>, threads: number): Promise<T> {
  if (threads <= 1) return runSerial(ws, loop);
  if (!pool || pool.size !== threads) {
    await pool?.close();
    pool = new Pool(threads);
  }
  return pool.run(ws, loop);
}

export async function closePool(): Promise<void> {
  await pool?.close();
  pool = null;
}

/**
 * k-means with seeded k-means++ restarts (domain/clustering/kmeans.ts's `kmeansLoop`), on the
 * worker pool from `parallelFrom` rows (PARALLEL_ROWS by default). Same seed, same result,
 * whatever the thread count.
 */
export async function fitKmeans(data: Matrix, k: number, options: KmeansOptions & { parallelFrom?: number } = {}): Promise<KmeansResult> {
  const threads = threadCount();
  if (data.rows < (options.parallelFrom ?? PARALLEL_ROWS) || threads <= 1) return kmeans(data, k, options);
  const ws = workspaceFor(data, k, { scratch: false }); // the job awaits: other calls may use the scratch meanwhile
  return runOnThreads(ws, kmeansLoop(ws, k, options), threads);
}
