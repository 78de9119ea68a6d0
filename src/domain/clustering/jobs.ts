/**
 * Clustering work cut into jobs that are each a whole unit — one restart, the labels for chosen
 * centres, one bootstrap round — so a pool of threads can run them side by side with one message
 * each way (src/compute/kmeans-pool.ts), or this thread can run them in turn (`serialJobs`).
 * A job's result depends only on its inputs (each carries its own seeds), never on where it ran.
 */
import type { Matrix } from '../matrix.js';
import { matrix } from '../matrix.js';
import { DEFAULT_SEED, improves, iterationsFor, kmeansLoop, kmeansRestart, restartSeed, type Iterations, type KmeansOptions, type KmeansResult, type RestartOutcome } from './kmeans.js';
import { kmeansPlusPlusLoop, lloydLoop, nearestLoop, runSerial, type LloydOutcome, type Step } from './kernel.js';
import { seededRandom } from '../random.js';
import { bootstrapRound, type BootstrapRound } from './stability.js';
import { homeOf, slotWorkspace, workspaceFor, type Workspace } from './workspace.js';

export type KmeansJob =
  /** One k-means++ start and its Lloyd iterations on the data. */
  | { kind: 'restart'; k: number; seed: number; iterations: Iterations }
  /** The nearest of the given centres (k × cols) for every row of the data, and the inertia. */
  | { kind: 'nearest'; k: number; centres: Float64Array }
  /** One bootstrap round on the stability sample, against its labels. */
  | { kind: 'bootstrap'; k: number; labels: Int32Array; round: number; seed: number; restarts: number };

export interface Nearest {
  labels: Int32Array;
  inertia: number;
}

export type JobResult<J extends KmeansJob> = J extends { kind: 'restart' } ? RestartOutcome : J extends { kind: 'nearest' } ? Nearest : BootstrapRound;

/** Runs jobs on one data set: a matrix (restarts, labels) and the rows stability is measured on. */
export interface KmeansJobs {
  run<J extends KmeansJob>(job: J): Promise<JobResult<J>>;
  close(): Promise<void>;
}

/** Opens a job runner on `data` (at most `maxK` centres) and `sample`. */
export type JobsFactory = (data: Matrix, maxK: number, sample: Matrix) => KmeansJobs | Promise<KmeansJobs>;

/** A job on this thread: `ws` is a workspace on the data that no other job uses meanwhile. */
export function runJob<J extends KmeansJob>(ws: Workspace, sample: Matrix, job: J): JobResult<J> {
  if (job.kind === 'restart') return kmeansRestart(ws, job.k, job.seed, job.iterations) as JobResult<J>;
  if (job.kind === 'nearest') {
    const inertia = runSerial(ws, nearestLoop(ws, job.centres, job.k));
    return { labels: ws.labels.slice(), inertia } as JobResult<J>;
  }
  return bootstrapRound(sample, job.labels, job.k, job.round, job.seed, job.restarts) as JobResult<J>;
}

/** The data's own workspace (slot 0 of its memory; a copy in a memory of its own when it has none). */
export function dataWorkspace(data: Matrix, maxK: number): Workspace {
  const home = homeOf(data);
  // Not the thread's scratch memory: bootstrap rounds use that between these jobs.
  return home ? slotWorkspace(home, data.rows, data.cols, maxK, 0) : workspaceFor(data, maxK, { scratch: false });
}

/**
 * k-means with seeded k-means++ restarts as jobs: every restart at once, the lowest inertia kept
 * (ties to the earlier restart), then one job for its labels. The same result as `kmeans`.
 */
export async function kmeansByJobs(
  jobs: KmeansJobs,
  data: Matrix,
  k: number,
  options: KmeansOptions & { iterations?: Iterations; onRestart?: (restart: number) => void | Promise<void> } = {},
): Promise<KmeansResult> {
  const seed = options.seed ?? DEFAULT_SEED;
  const iterations = options.iterations ?? iterationsFor(data, options);
  const outcomes = await Promise.all(
    Array.from({ length: Math.max(1, options.restarts ?? 10) }, async (_, r) => {
      const outcome = await jobs.run({ kind: 'restart', k, seed: restartSeed(seed, r), iterations });
      await options.onRestart?.(r);
      return outcome;
    }),
  );
  const best = outcomes.reduce<RestartOutcome | null>((b, o) => (improves(o.inertia, b?.inertia ?? null) ? o : b), null)!;
  const { labels } = await jobs.run({ kind: 'nearest', k, centres: best.centres });
  return { k, assignments: labels, centres: matrix(k, data.cols, best.centres), inertia: best.inertia, iterations: best.iterations, converged: best.converged };
}

/**
 * Jobs on this thread, one at a time in the order they were asked for, awaiting `pause` between
 * two (a host's way to let other work in: progress notifications, cancellation).
 */
export function serialJobs(data: Matrix, maxK: number, sample: Matrix, pause: () => Promise<void> = () => Promise.resolve()): KmeansJobs {
  const ws = dataWorkspace(data, maxK);
  let queue = Promise.resolve();
  let closed = false;
  return {
    run<J extends KmeansJob>(job: J): Promise<JobResult<J>> {
      const result = queue.then(() => {
        if (closed) throw new Error('k-means jobs closed');
        return runJob(ws, sample, job);
      });
      queue = result.then(pause, pause);
      return result;
    },
    close: () => {
      // Jobs not started yet are dropped (a cancelled run); the one running finishes.
      closed = true;
      return queue;
    },
  };
}

/**
 * A kernel loop described as data, so each thread of a pool can build the same loop and run its
 * share of every step (one fit split over threads).
 */
export type LoopSpec =
  | { loop: 'kmeans'; k: number; options: KmeansOptions }
  | { loop: 'kmeans++'; k: number; seed: number }
  | { loop: 'lloyd'; k: number; initial: Float64Array; iterations: Iterations }
  | { loop: 'nearest'; k: number; centres: Float64Array };

export type LoopResult<S extends LoopSpec> = S extends { loop: 'kmeans' } ? KmeansResult : S extends { loop: 'kmeans++' } ? Float64Array : S extends { loop: 'lloyd' } ? LloydOutcome : number;

export function loopOf<S extends LoopSpec>(ws: Workspace, spec: S): Generator<Step, LoopResult<S>, void> {
  const loop =
    spec.loop === 'kmeans'
      ? kmeansLoop(ws, spec.k, spec.options)
      : spec.loop === 'kmeans++'
        ? kmeansPlusPlusLoop(ws, spec.k, seededRandom(spec.seed))
        : spec.loop === 'lloyd'
          ? lloydLoop(ws, spec.initial, spec.k, spec.iterations)
          : nearestLoop(ws, spec.centres, spec.k);
  return loop as Generator<Step, LoopResult<S>, void>;
}
