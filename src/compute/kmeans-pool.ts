/**
 * k-means on worker threads. A small persistent pool (one worker per core, started on first use,
 * not keeping the process alive) shares the data through shared WebAssembly memory, so nothing
 * large is copied, and runs it two ways:
 * - jobs (domain/clustering/jobs.ts): a whole restart, the labels for chosen centres or a bootstrap
 *   round per message, each worker in its own working regions (a slot of the data's memory); a
 *   worker takes the next job as soon as it is free, whatever data set it belongs to;
 * - one loop split over all workers (`runLoop`): every worker runs the same loop and its share of
 *   the chunks of each step, meeting the others at a barrier (Atomics) before and after each step;
 *   one message each way per loop.
 * Either way the arithmetic is the kernel's, reduced in a fixed order: the same result on any
 * number of threads.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerScript } from './worker-path.js';
import { dataWorkspace, kmeansByJobs, loopOf, serialJobs, type JobResult, type JobsFactory, type KmeansJob, type KmeansJobs, type LoopResult, type LoopSpec } from '../domain/clustering/jobs.js';
import { runSerial } from '../domain/clustering/kernel.js';
import { kmeans, type KmeansOptions, type KmeansResult } from '../domain/clustering/kmeans.js';
import { homeFor } from '../domain/clustering/workspace.js';
import { matrix, type Matrix } from '../domain/matrix.js';
import { abortBarrier, newBarrier } from './barrier.js';
import type { WorkerReply, WorkerRequest } from './kmeans-worker.js';

/** From this many rows a single fit is split over the pool (below, hand-offs cost more than they save). */
export const PARALLEL_ROWS = 100_000;
/** From this many rows clustering jobs (restarts, bootstrap rounds) go to the pool. */
export const JOB_ROWS = 5_000;

/** A data set the workers know: the matrix's memory (workers use slots 1…size) and the stability rows. */
interface DataSet {
  id: number;
  memory: WebAssembly.Memory;
  rows: number;
  cols: number;
  maxK: number;
  sample: Matrix;
  closed: boolean;
}

interface Task {
  request: (worker: number) => WorkerRequest;
  /** Needs every worker at once (a split loop). */
  all: boolean;
  /** Called when a worker fails: releases the others from a split loop's barrier. */
  abort?: () => void;
  set: DataSet | null;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

class Pool {
  private workers: { worker: Worker; busy: boolean; sets: Set<number> }[] = [];
  private queue: Task[] = [];
  private nextSet = 1;

  constructor(readonly size: number) {}

  open(data: Matrix, maxK: number, sample: Matrix): DataSet {
    const shared = matrix(sample.rows, sample.cols, new Float64Array(new SharedArrayBuffer(sample.data.byteLength)));
    shared.data.set(sample.data);
    return { id: this.nextSet++, memory: homeFor(data), rows: data.rows, cols: data.cols, maxK, sample: shared, closed: false };
  }

  /** Drops the set's waiting jobs; workers forget it once their current job is done. */
  release(set: DataSet): void {
    set.closed = true;
    const dropped = this.queue.filter((t) => t.set === set);
    this.queue = this.queue.filter((t) => t.set !== set);
    for (const t of dropped) t.reject(new Error('k-means jobs closed'));
    for (const w of this.workers) {
      if (w.sets.delete(set.id)) w.worker.postMessage({ type: 'forget', id: set.id } satisfies WorkerRequest);
    }
  }

  job<J extends KmeansJob>(set: DataSet, job: J): Promise<JobResult<J>> {
    if (set.closed) return Promise.reject(new Error('k-means jobs closed'));
    return this.submit({ all: false, set, request: () => ({ type: 'job', set: set.id, job }) });
  }

  loop<S extends LoopSpec>(memory: WebAssembly.Memory, rows: number, cols: number, k: number, spec: S): Promise<LoopResult<S>> {
    const control = newBarrier();
    return this.submit({ all: true, set: null, abort: () => abortBarrier(control), request: (index) => ({ type: 'loop', memory, rows, cols, k, spec, index, count: this.size, control }) });
  }

  private submit<T>(task: Omit<Task, 'resolve' | 'reject'>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ ...task, resolve: resolve as (value: unknown) => void, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    this.ensure();
    while (this.queue.length > 0) {
      const task = this.queue[0]!;
      if (task.all) {
        // A split loop waits for every worker, and nothing overtakes it.
        if (this.workers.some((w) => w.busy)) return;
        this.queue.shift();
        this.runOnAll(task);
        continue;
      }
      const free = this.workers.find((w) => !w.busy);
      if (!free) return;
      this.queue.shift();
      this.runOn(free, task);
    }
  }

  private runOn(w: Pool['workers'][number], task: Task): void {
    const set = task.set!;
    if (!w.sets.has(set.id)) {
      w.sets.add(set.id);
      const slot = this.workers.indexOf(w) + 1;
      w.worker.postMessage({ type: 'open', id: set.id, memory: set.memory, rows: set.rows, cols: set.cols, maxK: set.maxK, slot, sample: set.sample } satisfies WorkerRequest);
    }
    this.send(w, task.request(0)).then(task.resolve, task.reject);
  }

  private runOnAll(task: Task): void {
    const replies = this.workers.map((w, index) => this.send(w, task.request(index)).catch((error: unknown) => {
      task.abort?.();
      throw error;
    }));
    // Every worker returns the same result; the first is kept once all are done.
    Promise.all(replies).then((results) => task.resolve(results[0]), task.reject);
  }

  private send(w: Pool['workers'][number], request: WorkerRequest): Promise<unknown> {
    w.busy = true;
    return new Promise((resolve, reject) => {
      const finish = () => {
        w.worker.off('message', onMessage);
        w.worker.off('error', onError);
        w.busy = false;
        // Settle first, then hand out the next task (from a microtask: no deep recursion).
        queueMicrotask(() => this.dispatch());
      };
      const onMessage = (reply: WorkerReply) => {
        finish();
        if (reply.type === 'error') reject(new Error(reply.message));
        else resolve(reply.result);
      };
      const onError = (error: Error) => {
        finish();
        this.replace(w);
        reject(error);
      };
      w.worker.on('message', onMessage);
      w.worker.once('error', onError);
      w.worker.postMessage(request);
    });
  }

  private ensure(): void {
    while (this.workers.length < this.size) this.workers.push(Pool.start());
  }

  private replace(w: Pool['workers'][number]): void {
    const index = this.workers.indexOf(w);
    if (index >= 0) this.workers[index] = Pool.start();
    void w.worker.terminate();
  }

  private static start() {
    const worker = new Worker(workerScript(import.meta.url, 'kmeans-worker'));
    worker.unref();
    return { worker, busy: false, sets: new Set<number>() };
  }

  async close(): Promise<void> {
    for (const t of this.queue.splice(0)) t.reject(new Error('k-means pool closed'));
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers = [];
  }
}

let pool: Pool | null = null;

export function threadCount(): number {
  const fromEnv = Number(process.env.SEGLAB_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.max(1, availableParallelism());
}

function poolOf(threads: number): Pool {
  if (!pool || pool.size !== threads) {
    void pool?.close();
    pool = new Pool(threads);
  }
  return pool;
}

export async function closePool(): Promise<void> {
  await pool?.close();
  pool = null;
}

/** Clustering jobs on the worker pool from JOB_ROWS rows (and with more than one thread), else on this thread between event-loop turns. */
export const clusteringJobs: JobsFactory = (data, maxK, sample) => {
  const threads = threadCount();
  if (data.rows < JOB_ROWS || threads <= 1) return serialJobs(data, maxK, sample, () => new Promise((resolve) => setImmediate(resolve)));
  return jobsOn(poolOf(threads), data, maxK, sample);
};

/** A kernel loop on `threads` threads (this one when 1), each running its share of every step. Same result either way. */
export async function runLoop<S extends LoopSpec>(data: Matrix, spec: S, threads: number): Promise<LoopResult<S>> {
  if (threads <= 1) {
    const ws = dataWorkspace(data, spec.k);
    return runSerial(ws, loopOf(ws, spec));
  }
  return poolOf(threads).loop(homeFor(data), data.rows, data.cols, spec.k, spec);
}

/**
 * k-means with seeded k-means++ restarts, from `parallelFrom` rows (PARALLEL_ROWS by default) on
 * the worker pool: restarts side by side as jobs, or a single restart split over the workers.
 * Same seed, same result, whatever the thread count.
 */
export async function fitKmeans(data: Matrix, k: number, options: KmeansOptions & { parallelFrom?: number } = {}): Promise<KmeansResult> {
  const threads = threadCount();
  if (data.rows < (options.parallelFrom ?? PARALLEL_ROWS) || threads <= 1) return kmeans(data, k, options);
  const restarts = Math.max(1, options.restarts ?? 10);
  if (restarts === 1) return runLoop(data, { loop: 'kmeans', k, options }, threads);
  const jobs = jobsOn(poolOf(threads), data, k, matrix(0, data.cols));
  try {
    return await kmeansByJobs(jobs, data, k, options);
  } finally {
    await jobs.close();
  }
}

function jobsOn(p: Pool, data: Matrix, maxK: number, sample: Matrix): KmeansJobs {
  const set = p.open(data, maxK, sample);
  return { run: (job) => p.job(set, job), close: async () => p.release(set) };
}
