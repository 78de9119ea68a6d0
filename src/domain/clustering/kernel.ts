/**
 * The Lloyd kernel over one flat Float64Array (row-major), written for V8: no allocation in the
 * hot loop, the distance loop unrolled by four. Work is cut into fixed chunks of rows whose
 * partial sums are reduced in chunk order, so the result is bit-for-bit the same whether the
 * chunks run on one thread or several (see src/compute/kmeans-pool.ts).
 * Iteration and convergence follow scikit-learn's `_kmeans_single_lloyd`: stop when the labels
 * no longer change, or when the summed squared centre shift is at most tol × mean feature
 * variance; after a non-strict stop, one more assignment step so labels match the centres.
 */
export const CHUNK_ROWS = 8192;

/** Squared distance between row i of `data` and centre c, unrolled by four. */
function distance(data: Float64Array, rowOffset: number, centres: Float64Array, centreOffset: number, cols: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < cols; j += 4) {
    const d0 = data[rowOffset + j]! - centres[centreOffset + j]!;
    const d1 = data[rowOffset + j + 1]! - centres[centreOffset + j + 1]!;
    const d2 = data[rowOffset + j + 2]! - centres[centreOffset + j + 2]!;
    const d3 = data[rowOffset + j + 3]! - centres[centreOffset + j + 3]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; j < cols; j++) {
    const d = data[rowOffset + j]! - centres[centreOffset + j]!;
    s0 += d * d;
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * Assigns rows [start, end) to their nearest centre; when `sums` is given, also accumulates the
 * chunk's per-centre sums (k × cols) and counts (k). Returns the chunk's inertia.
 */
export function assignChunk(
  data: Float64Array,
  cols: number,
  centres: Float64Array,
  k: number,
  start: number,
  end: number,
  labels: Int32Array,
  sums: Float64Array | null,
  counts: Float64Array | null,
): number {
  let inertia = 0;
  if (sums) sums.fill(0);
  if (counts) counts.fill(0);
  for (let i = start; i < end; i++) {
    const offset = i * cols;
    let best = 0;
    let bestDistance = distance(data, offset, centres, 0, cols);
    for (let c = 1; c < k; c++) {
      const d = distance(data, offset, centres, c * cols, cols);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    labels[i] = best;
    inertia += bestDistance;
    if (sums && counts) {
      const target = best * cols;
      for (let j = 0; j < cols; j++) sums[target + j]! += data[offset + j]!;
      counts[best]!++;
    }
  }
  return inertia;
}

export interface LloydState {
  rows: number;
  cols: number;
  k: number;
  chunks: number;
  labels: Int32Array;
  /** chunks × k × cols partial sums, chunks × k counts, chunks inertias. */
  partialSums: Float64Array;
  partialCounts: Float64Array;
  partialInertia: Float64Array;
}

export function lloydState(rows: number, cols: number, k: number, buffer: (bytes: number) => ArrayBufferLike = (b) => new ArrayBuffer(b)): LloydState {
  const chunks = Math.max(1, Math.ceil(rows / CHUNK_ROWS));
  return {
    rows,
    cols,
    k,
    chunks,
    labels: new Int32Array(buffer(rows * 4)),
    partialSums: new Float64Array(buffer(chunks * k * cols * 8)),
    partialCounts: new Float64Array(buffer(chunks * k * 8)),
    partialInertia: new Float64Array(buffer(chunks * 8)),
  };
}

/** Runs chunks [from, to) of a step on this thread (the worker body, and the serial runner). */
export function runChunks(data: Float64Array, state: LloydState, centres: Float64Array, withSums: boolean, from: number, to: number): void {
  const { cols, k, rows } = state;
  for (let chunk = from; chunk < to; chunk++) {
    const start = chunk * CHUNK_ROWS;
    const end = Math.min(rows, start + CHUNK_ROWS);
    const sums = withSums ? state.partialSums.subarray(chunk * k * cols, (chunk + 1) * k * cols) : null;
    const counts = withSums ? state.partialCounts.subarray(chunk * k, (chunk + 1) * k) : null;
    state.partialInertia[chunk] = assignChunk(data, cols, centres, k, start, end, state.labels, sums, counts);
  }
}

function reduceCentres(state: LloydState, previous: Float64Array, next: Float64Array): void {
  const { k, cols, chunks } = state;
  next.fill(0);
  const counts = new Float64Array(k);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const base = chunk * k * cols;
    for (let x = 0; x < k * cols; x++) next[x]! += state.partialSums[base + x]!;
    for (let c = 0; c < k; c++) counts[c]! += state.partialCounts[chunk * k + c]!;
  }
  for (let c = 0; c < k; c++) {
    // An empty cluster keeps its centre (scikit-learn relocates it; k-means++ starts make this rare).
    if (counts[c] === 0) for (let j = 0; j < cols; j++) next[c * cols + j] = previous[c * cols + j]!;
    else for (let j = 0; j < cols; j++) next[c * cols + j]! /= counts[c]!;
  }
}

function totalInertia(state: LloydState): number {
  let sum = 0;
  for (let chunk = 0; chunk < state.chunks; chunk++) sum += state.partialInertia[chunk]!;
  return sum;
}

export interface LloydOutcome {
  centres: Float64Array;
  labels: Int32Array;
  inertia: number;
  iterations: number;
  converged: boolean;
}

/** One assignment step the driver must run over every chunk before resuming the loop. */
export interface StepRequest {
  centres: Float64Array;
  withSums: boolean;
}

/**
 * The Lloyd loop as a generator: it yields each assignment step and resumes once the driver has
 * run it (on this thread or on workers), so both drivers share one loop and one arithmetic.
 */
export function* lloydLoop(state: LloydState, initial: Float64Array, options: { maxIterations: number; tolerance: number }): Generator<StepRequest, LloydOutcome, void> {
  let centres = Float64Array.from(initial);
  let next = new Float64Array(centres.length);
  const previousLabels = new Int32Array(state.rows).fill(-1);
  let converged = false;
  let iterations = 0;
  for (let it = 0; it < options.maxIterations; it++) {
    iterations = it + 1;
    yield { centres, withSums: true };
    reduceCentres(state, centres, next);
    [centres, next] = [next, centres];
    if (arraysEqual(state.labels, previousLabels)) {
      converged = true;
      break;
    }
    let shift = 0;
    for (let x = 0; x < centres.length; x++) shift += (centres[x]! - next[x]!) ** 2;
    if (shift <= options.tolerance) {
      converged = true;
      break;
    }
    previousLabels.set(state.labels);
  }
  // Labels and inertia for the final centres (scikit-learn's closing E-step).
  yield { centres, withSums: false };
  return { centres, labels: state.labels, inertia: totalInertia(state), iterations, converged };
}

function arraysEqual(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lloyd on this thread, synchronously. */
export function lloydSerial(data: Float64Array, state: LloydState, initial: Float64Array, options: { maxIterations: number; tolerance: number }): LloydOutcome {
  const loop = lloydLoop(state, initial, options);
  let step = loop.next();
  while (!step.done) {
    runChunks(data, state, step.value.centres, step.value.withSums, 0, state.chunks);
    step = loop.next();
  }
  return step.value;
}
