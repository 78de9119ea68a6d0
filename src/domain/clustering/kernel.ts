/**
 * The k-means kernel: WebAssembly SIMD arithmetic (kernel.wat) over one shared memory holding
 * the data and a job's working regions, driven by plain generators.
 *
 * Work is cut into fixed chunks of rows; every step writes one partial result per chunk, and the
 * partials are reduced in chunk order. So a result is bit-for-bit the same whether the chunks run
 * on this thread (`runSerial`) or on several workers (src/compute/kmeans-pool.ts).
 * Lloyd follows scikit-learn's `_kmeans_single_lloyd`: stop when the labels no longer change, or
 * when the summed squared centre shift is at most tol × mean feature variance; after a non-strict
 * stop, one more assignment step so labels match the centres. k-means++ is scikit-learn's greedy
 * variant (2 + ⌊ln k⌋ candidates per centre, keep the one that lowers the potential most).
 */
import type { Matrix } from '../matrix.js';
import type { Random } from '../random.js';
import { KERNEL_WASM_BASE64 } from './kernel-wasm.js';

export const CHUNK_ROWS = 8192;
const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB: WebAssembly's 32-bit address space.

interface KernelExports {
  assign(data: number, cols: number, centres: number, k: number, start: number, end: number, labels: number, closest: number, withSums: number, sums: number, counts: number): number;
  potentials(data: number, cols: number, candidates: number, m: number, start: number, end: number, closest: number, out: number): void;
  closer(data: number, cols: number, centre: number, start: number, end: number, closest: number, first: number): number;
}

let compiled: WebAssembly.Module | null = null;

/** The kernel bound to a memory (compiled once per thread, instantiated per memory). */
export function instantiate(memory: WebAssembly.Memory): KernelExports {
  compiled ??= new WebAssembly.Module(Buffer.from(KERNEL_WASM_BASE64, 'base64'));
  return new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as KernelExports;
}

/** k-means++ candidates per new centre (scikit-learn's n_local_trials). */
export function trialsFor(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/** Byte offsets of a job's regions in its memory: the data first, then 16-byte aligned regions. */
export interface Layout {
  rows: number;
  cols: number;
  /** Most centres the regions can hold. */
  k: number;
  chunks: number;
  /** Partial values per chunk: max(k-means++ candidates, 1). */
  stride: number;
  data: number;
  labels: number;
  closest: number;
  partialSums: number;
  partialCounts: number;
  partialValues: number;
  centres: number;
  candidates: number;
  bytes: number;
}

export function layout(rows: number, cols: number, k: number): Layout {
  const chunks = Math.max(1, Math.ceil(rows / CHUNK_ROWS));
  const stride = Math.max(1, trialsFor(k));
  let at = 0;
  const take = (bytes: number) => {
    const offset = at;
    at += Math.ceil(bytes / 16) * 16;
    return offset;
  };
  const data = take(rows * cols * 8);
  const labels = take(rows * 4);
  const closest = take(rows * 8);
  const partialSums = take(chunks * k * cols * 8);
  const partialCounts = take(chunks * k * 8);
  const partialValues = take(chunks * stride * 8);
  const centres = take(k * cols * 8);
  const candidates = take(stride * cols * 8);
  if (at > MAX_PAGES * PAGE) throw new Error(`k-means: ${rows} × ${cols} does not fit WebAssembly's 4 GiB memory`);
  return { rows, cols, k, chunks, stride, data, labels, closest, partialSums, partialCounts, partialValues, centres, candidates, bytes: at };
}

/** A memory with the kernel bound to it, views on its regions, and the layout of the current job. */
export class Workspace {
  readonly kernel: KernelExports;
  data!: Float64Array;
  labels!: Int32Array;
  closest!: Float64Array;
  partialSums!: Float64Array;
  partialCounts!: Float64Array;
  partialValues!: Float64Array;
  centres!: Float64Array;
  candidates!: Float64Array;

  constructor(
    readonly memory: WebAssembly.Memory,
    public layout: Layout,
  ) {
    this.kernel = instantiate(memory);
    this.refresh();
  }

  /** Points the views at `next`'s regions, growing the memory when needed. */
  use(next: Layout): void {
    const have = this.memory.buffer.byteLength;
    if (next.bytes > have) this.memory.grow(Math.ceil((next.bytes - have) / PAGE));
    this.layout = next;
    this.refresh();
  }

  private refresh(): void {
    const { buffer } = this.memory;
    const l = this.layout;
    this.data = new Float64Array(buffer, l.data, l.rows * l.cols);
    this.labels = new Int32Array(buffer, l.labels, l.rows);
    this.closest = new Float64Array(buffer, l.closest, l.rows);
    this.partialSums = new Float64Array(buffer, l.partialSums, l.chunks * l.k * l.cols);
    this.partialCounts = new Float64Array(buffer, l.partialCounts, l.chunks * l.k);
    this.partialValues = new Float64Array(buffer, l.partialValues, l.chunks * l.stride);
    this.centres = new Float64Array(buffer, l.centres, l.k * l.cols);
    this.candidates = new Float64Array(buffer, l.candidates, l.stride * l.cols);
  }

  /** The data as a Matrix (a view: valid while this workspace holds this job). */
  matrix(): Matrix {
    return { rows: this.layout.rows, cols: this.layout.cols, data: this.data };
  }
}

function sharedMemory(bytes: number, maximumPages = Math.ceil(bytes / PAGE)): WebAssembly.Memory {
  const initial = Math.max(1, Math.ceil(bytes / PAGE));
  return new WebAssembly.Memory({ initial, maximum: Math.max(initial, maximumPages), shared: true });
}

const owners = new WeakMap<ArrayBufferLike, Workspace>();

/** A matrix that lives in a workspace of its own (fill `.data`; up to `k` centres without a copy). */
export function allocateMatrix(rows: number, cols: number, k: number): Matrix {
  const l = layout(rows, cols, k);
  const ws = new Workspace(sharedMemory(l.bytes), l);
  owners.set(ws.memory.buffer, ws);
  return ws.matrix();
}

let scratch: Workspace | null = null;
const SCRATCH_KEEP_BYTES = 64 * 2 ** 20;

/**
 * A workspace holding `data`, laid out for up to k centres. A matrix from `allocateMatrix` is used
 * where it lives; small jobs share this thread's reusable scratch memory (restarts and bootstraps
 * make thousands of them), large ones (and `scratch: false`, for jobs that outlive a synchronous
 * call) get a memory of their own. A scratch workspace is only valid until the next call on this
 * thread: callers copy results out.
 */
export function workspaceFor(data: Matrix, k: number, options: { scratch?: boolean } = {}): Workspace {
  const l = layout(data.rows, data.cols, k);
  const owner = owners.get(data.data.buffer);
  if (owner && owner.data.byteOffset === data.data.byteOffset && owner.data.length === data.data.length && l.bytes <= owner.memory.buffer.byteLength) {
    owner.use(l);
    return owner;
  }
  let ws: Workspace;
  if (l.bytes > SCRATCH_KEEP_BYTES || options.scratch === false) ws = new Workspace(sharedMemory(l.bytes), l);
  else {
    scratch ??= new Workspace(sharedMemory(PAGE, SCRATCH_KEEP_BYTES / PAGE), layout(0, 0, 1));
    scratch.use(l);
    ws = scratch;
  }
  ws.data.set(data.data);
  return ws;
}

/** One pass over every chunk that a driver runs before resuming a loop. */
export type Step =
  /** Nearest of the k centres in `centres`; with sums, per-chunk sums and counts for new centres. */
  | { op: 'assign'; k: number; withSums: boolean }
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
      partialValues[value] = kernel.assign(l.data, l.cols, l.centres, step.k, start, end, l.labels, l.closest, step.withSums ? 1 : 0, sums, counts);
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

/** Lloyd iterations from `initial` (k × cols) as a loop of steps. */
export function* lloydLoop(ws: Workspace, initial: Float64Array, k: number, options: { maxIterations: number; tolerance: number }): Generator<Step, LloydOutcome, void> {
  const { rows, cols } = ws.layout;
  let centres = Float64Array.from(initial);
  let next = new Float64Array(centres.length);
  const previousLabels = new Int32Array(rows).fill(-1);
  let converged = false;
  let iterations = 0;
  for (let it = 0; it < options.maxIterations; it++) {
    iterations = it + 1;
    ws.centres.set(centres);
    yield { op: 'assign', k, withSums: true };
    reduceCentres(ws, k, centres, next);
    [centres, next] = [next, centres];
    if (arraysEqual(ws.labels, previousLabels)) {
      converged = true;
      break;
    }
    let shift = 0;
    for (let x = 0; x < k * cols; x++) shift += (centres[x]! - next[x]!) ** 2;
    if (shift <= options.tolerance) {
      converged = true;
      break;
    }
    previousLabels.set(ws.labels);
  }
  // Labels and inertia for the final centres (scikit-learn's closing E-step).
  const inertia = yield* nearestLoop(ws, centres, k);
  return { centres, labels: ws.labels, inertia, iterations, converged };
}

/** Nearest of `k` centres for every row (labels and closest in the workspace); returns the inertia. */
export function* nearestLoop(ws: Workspace, centres: Float64Array<ArrayBufferLike>, k: number): Generator<Step, number, void> {
  ws.centres.set(centres);
  yield { op: 'assign', k, withSums: false };
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

function arraysEqual(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
