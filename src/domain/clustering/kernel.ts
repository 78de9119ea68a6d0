/**
 * The k-means loops over the WebAssembly kernel (kernel.wat), as plain generators of steps over a
 * workspace (workspace.ts: the memory, the compiled module and the regions).
 *
 * Work is cut into fixed chunks of rows; every step writes one partial result per chunk, and the
 * partials are reduced in chunk order. So a result is bit-for-bit the same whether the chunks run
 * on this thread (`runSerial`) or are split over several threads (src/compute/kmeans-pool.ts).
 * Lloyd follows scikit-learn's `_kmeans_single_lloyd`: stop when the labels no longer change, or
 * when the summed squared centre shift is at most tol × mean feature variance; after a non-strict
 * stop, one more assignment step so labels match the centres. k-means++ is scikit-learn's greedy
 * variant (2 + ⌊ln k⌋ candidates per centre, keep the one that lowers the potential most).
 */
import type { Random } from '../random.js';
import { CHUNK_ROWS, trialsFor, type Workspace } from './workspace.js';

/**
 * How an assignment step works (kernel.wat's `assign`): every distance (`nearest`), Lloyd's first
 * step (`first`: every distance, keeping bounds), its next steps (`bounded`: Hamerly's bounds skip
 * the distances that cannot change a label) and the closing step (`final`: bounds for the labels,
 * then each row's distance to its centre).
 */
export const ASSIGN = { nearest: 0, first: 1, bounded: 2, final: 3 } as const;

/** One pass over every chunk that a driver runs before resuming a loop. */
export type Step =
  /**
   * Nearest of the k centres in `centres`. In Lloyd's steps (`first`, `bounded`): per-chunk sums
   * and counts for new centres, and the number of labels that changed; otherwise the distances
   * to the nearest centre and their sum.
   */
  | { op: 'assign'; k: number; mode: keyof typeof ASSIGN }
  /** Potential per chunk for each of the m rows in `candidates`. */
  | { op: 'potentials'; m: number }
  /** `closest` lowered by data row `row` (set to it when `first`); per-chunk totals. */
  | { op: 'closer'; row: number; first: boolean };

/** Runs chunks [from, to) of a step with this thread's kernel: the body of every driver. */
export function runStep(ws: Workspace, step: Step, from: number, to: number): void {
  const { kernel, layout: l, partialValues } = ws;
  for (let chunk = from; chunk < to; chunk++) {
    const start = chunk * CHUNK_ROWS;
    const end = Math.min(l.rows, start + CHUNK_ROWS);
    const value = chunk * l.stride;
    if (step.op === 'assign') {
      const sums = l.partialSums + chunk * step.k * l.cols * 8;
      const counts = l.partialCounts + chunk * step.k * 8;
      partialValues[value] = kernel.assign(l.data, l.cols, l.centres, step.k, start, end, l.labels, l.closest, l.lower, l.moves, roundingOf(l.cols), ASSIGN[step.mode], sums, counts);
    } else if (step.op === 'potentials') {
      kernel.potentials(l.data, l.cols, l.candidates, step.m, start, end, l.closest, l.partialValues + value * 8);
    } else {
      partialValues[value] = kernel.closer(l.data, l.cols, l.data + step.row * l.cols * 8, start, end, l.closest, step.first ? 1 : 0);
    }
  }
}

/** Runs a loop's steps on this thread. */
export function runSerial<T>(ws: Workspace, loop: Generator<Step, T, void>): T {
  let next = loop.next();
  while (!next.done) {
    runStep(ws, next.value, 0, ws.layout.chunks);
    next = loop.next();
  }
  return next.value;
}

/** Σ over chunks, in chunk order, of partial value `slot`. */
function totalOf(ws: Workspace, slot: number): number {
  let sum = 0;
  for (let chunk = 0; chunk < ws.layout.chunks; chunk++) sum += ws.partialValues[chunk * ws.layout.stride + slot]!;
  return sum;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007, with scikit-learn's local trials) as a loop of
 * steps. Returns the k × cols initial centres.
 */
export function* kmeansPlusPlusLoop(ws: Workspace, k: number, random: Random): Generator<Step, Float64Array, void> {
  const { rows: n, cols } = ws.layout;
  const chosen: number[] = [Math.floor(random() * n)];
  yield { op: 'closer', row: chosen[0]!, first: true };
  let potential = totalOf(ws, 0);
  const trials = trialsFor(k);
  const picks: number[] = [];
  for (let c = 1; c < k; c++) {
    picks.length = 0;
    for (let t = 0; t < trials; t++) picks.push(potential > 0 ? sampleProportional(ws, potential, random()) : Math.floor(random() * n));
    picks.forEach((pick, t) => ws.candidates.set(ws.data.subarray(pick * cols, (pick + 1) * cols), t * cols));
    yield { op: 'potentials', m: trials };
    let best = 0;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      const candidatePotential = totalOf(ws, t);
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        best = t;
      }
    }
    chosen.push(picks[best]!);
    yield { op: 'closer', row: picks[best]!, first: false };
    potential = totalOf(ws, 0);
  }
  const centres = new Float64Array(k * cols);
  chosen.forEach((pick, c) => centres.set(ws.data.subarray(pick * cols, (pick + 1) * cols), c * cols));
  return centres;
}

/** A row drawn with probability proportional to `closest`, skipping whole chunks by their totals. */
function sampleProportional(ws: Workspace, total: number, u: number): number {
  const { chunks, stride, rows } = ws.layout;
  let target = u * total;
  for (let chunk = 0; chunk < chunks; chunk++) {
    const chunkTotal = ws.partialValues[chunk * stride]!;
    if (target >= chunkTotal && chunk < chunks - 1) {
      target -= chunkTotal;
      continue;
    }
    const end = Math.min(rows, (chunk + 1) * CHUNK_ROWS);
    for (let i = chunk * CHUNK_ROWS; i < end; i++) {
      target -= ws.closest[i]!;
      if (target < 0) return i;
    }
    break;
  }
  // Rounding left a sliver: take the last row with any weight.
  for (let i = rows - 1; i >= 0; i--) if (ws.closest[i]! > 0) return i;
  return rows - 1;
}

export interface LloydOutcome {
  centres: Float64Array;
  /** A view into the workspace: copy it before the workspace's next job. */
  labels: Int32Array;
  inertia: number;
  iterations: number;
  converged: boolean;
}

/**
 * Relative rounding error of a squared distance over `cols` columns, computed in any order: at
 * most γ = (cols + 3)u / (1 − (cols + 3)u) with u = 2⁻⁵³ (Higham, Accuracy and Stability of
 * Numerical Algorithms, §3.1); this is 2(cols + 4)u, with room to spare.
 */
export function roundingOf(cols: number): number {
  return (cols + 4) * 2 ** -52;
}

/**
 * For Hamerly's bounds (kernel.wat's `assign`): how far each centre moved from `from` to `to`,
 * half each centre's distance to its nearest other centre, and the largest and second-largest
 * move with whose it is; distances rounded outwards. Anything not finite turns the bounds off.
 */
export function writeMoves(ws: Workspace, from: Float64Array, to: Float64Array, k: number): void {
  const { cols } = ws.layout;
  const gamma = roundingOf(cols);
  const up = (squared: number) => Math.sqrt(squared) * (1 + gamma) * (1 + 2 ** -50);
  const down = (squared: number) => Math.sqrt(squared) * (1 - gamma) * (1 - 2 ** -50);
  const moves = ws.moves;
  let largest = 0;
  let second = 0;
  let whose = 0;
  let finite = true;
  for (let c = 0; c < k; c++) {
    let squared = 0;
    for (let j = 0; j < cols; j++) squared += (to[c * cols + j]! - from[c * cols + j]!) ** 2;
    const move = up(squared);
    moves[c] = move;
    finite &&= Number.isFinite(move);
    if (move > largest) [second, largest, whose] = [largest, move, c];
    else if (move > second) second = move;
    let nearest = Infinity;
    for (let o = 0; o < k; o++) {
      if (o === c) continue;
      let d = 0;
      for (let j = 0; j < cols; j++) d += (to[c * cols + j]! - to[o * cols + j]!) ** 2;
      nearest = Math.min(nearest, d);
    }
    moves[k + c] = 0.5 * down(nearest);
    finite &&= k === 1 || Number.isFinite(moves[k + c]!);
  }
  moves[2 * k] = largest;
  moves[2 * k + 1] = second;
  moves[2 * k + 2] = whose;
  if (!finite) for (let c = 0; c < k; c++) [moves[c], moves[k + c]] = [Infinity, 0];
}

/** Lloyd iterations from `initial` (k × cols) as a loop of steps. */
export function* lloydLoop(ws: Workspace, initial: Float64Array, k: number, options: { maxIterations: number; tolerance: number }): Generator<Step, LloydOutcome, void> {
  const { cols } = ws.layout;
  let centres = Float64Array.from(initial);
  let next = new Float64Array(centres.length);
  let converged = false;
  let iterations = 0;
  for (let it = 0; it < options.maxIterations; it++) {
    iterations = it + 1;
    ws.centres.set(centres);
    // From the second step on, `next` holds the centres the bounds were made with.
    if (it > 0) writeMoves(ws, next, centres, k);
    yield { op: 'assign', k, mode: it === 0 ? 'first' : 'bounded' };
    reduceCentres(ws, k, centres, next);
    [centres, next] = [next, centres];
    // The kernel counts labels that differ from the previous step's (the first step has none before it).
    if (it > 0 && totalOf(ws, 0) === 0) {
      converged = true;
      break;
    }
    let shift = 0;
    for (let x = 0; x < k * cols; x++) shift += (centres[x]! - next[x]!) ** 2;
    if (shift <= options.tolerance) {
      converged = true;
      break;
    }
  }
  // Labels and inertia for the final centres (scikit-learn's closing E-step), the bounds moved to them.
  ws.centres.set(centres);
  writeMoves(ws, next, centres, k);
  yield { op: 'assign', k, mode: 'final' };
  return { centres, labels: ws.labels, inertia: totalOf(ws, 0), iterations, converged };
}

/** Nearest of `k` centres for every row (labels and closest in the workspace); returns the inertia. */
export function* nearestLoop(ws: Workspace, centres: Float64Array<ArrayBufferLike>, k: number): Generator<Step, number, void> {
  ws.centres.set(centres);
  yield { op: 'assign', k, mode: 'nearest' };
  return totalOf(ws, 0);
}

function reduceCentres(ws: Workspace, k: number, previous: Float64Array, next: Float64Array): void {
  const { cols, chunks } = ws.layout;
  next.fill(0);
  const counts = new Float64Array(k);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const base = chunk * k * cols;
    for (let x = 0; x < k * cols; x++) next[x]! += ws.partialSums[base + x]!;
    for (let c = 0; c < k; c++) counts[c]! += ws.partialCounts[chunk * k + c]!;
  }
  for (let c = 0; c < k; c++) {
    // An empty cluster keeps its centre (scikit-learn relocates it; k-means++ starts make this rare).
    if (counts[c] === 0) for (let j = 0; j < cols; j++) next[c * cols + j] = previous[c * cols + j]!;
    else for (let j = 0; j < cols; j++) next[c * cols + j]! /= counts[c]!;
  }
}
