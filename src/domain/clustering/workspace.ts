/**
 * Where the k-means kernel works: WebAssembly memories holding a matrix and the working regions
 * of its jobs, the compiled module bound to them, and typed views on the regions.
 *
 * A memory holds the data first and then one set of working regions per slot (labels, nearest
 * distances, per-chunk partial results, centres): threads that share the memory each take a slot,
 * so several jobs on the same data run at once without copying it. Memories are shared (they can
 * be posted to workers) and grow as slots are added.
 */
import type { Matrix } from '../matrix.js';
import { KERNEL_WASM_BASE64 } from './kernel-wasm.js';

export const CHUNK_ROWS = 8192;
const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB: WebAssembly's 32-bit address space.

export interface KernelExports {
  assign(data: number, cols: number, centres: number, k: number, start: number, end: number, labels: number, closest: number, lower: number, moves: number, gamma: number, mode: number, sums: number, counts: number): number;
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

/** Byte offsets of one slot's regions in a memory: the data first, then 16-byte aligned slots. */
export interface Layout {
  rows: number;
  cols: number;
  /** Most centres the regions can hold. */
  k: number;
  chunks: number;
  /** Partial values per chunk: max(k-means++ candidates, 1). */
  stride: number;
  slot: number;
  data: number;
  labels: number;
  /** Per row: the squared distance to the nearest centre, or during Lloyd an upper bound on the distance. */
  closest: number;
  /** Per row, during Lloyd: a lower bound on the distance to every other centre. */
  lower: number;
  partialSums: number;
  partialCounts: number;
  partialValues: number;
  /** How far each centre moved, half its distance to the nearest other centre, and the two largest moves. */
  moves: number;
  centres: number;
  candidates: number;
  /** End of this slot's regions. */
  bytes: number;
}

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

export function layout(rows: number, cols: number, k: number, slot = 0): Layout {
  const chunks = Math.max(1, Math.ceil(rows / CHUNK_ROWS));
  const stride = Math.max(1, trialsFor(k));
  const sizes = {
    labels: rows * 4,
    closest: rows * 8,
    lower: rows * 8,
    partialSums: chunks * k * cols * 8,
    partialCounts: chunks * k * 8,
    partialValues: chunks * stride * 8,
    moves: (2 * k + 3) * 8,
    centres: k * cols * 8,
    candidates: stride * cols * 8,
  };
  const slotBytes = Object.values(sizes).reduce((s, b) => s + align(b), 0);
  let at = align(rows * cols * 8) + slot * slotBytes;
  const offsets = {} as Record<keyof typeof sizes, number>;
  for (const [name, bytes] of Object.entries(sizes) as [keyof typeof sizes, number][]) {
    offsets[name] = at;
    at += align(bytes);
  }
  if (at > MAX_PAGES * PAGE) throw new Error(`k-means: ${rows} × ${cols} does not fit WebAssembly's 4 GiB memory`);
  return { rows, cols, k, chunks, stride, slot, data: 0, ...offsets, bytes: at };
}

/** A memory with the kernel bound to it, views on one slot's regions, and that slot's layout. */
export class Workspace {
  readonly kernel: KernelExports;
  data!: Float64Array;
  labels!: Int32Array;
  closest!: Float64Array;
  moves!: Float64Array;
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
    this.use(layout);
  }

  /** Points the views at `next`'s regions, growing the memory when needed. */
  use(next: Layout): void {
    grow(this.memory, next.bytes);
    this.layout = next;
    const { buffer } = this.memory;
    const l = next;
    this.data = new Float64Array(buffer, l.data, l.rows * l.cols);
    this.labels = new Int32Array(buffer, l.labels, l.rows);
    this.closest = new Float64Array(buffer, l.closest, l.rows);
    this.moves = new Float64Array(buffer, l.moves, 2 * l.k + 3);
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

function grow(memory: WebAssembly.Memory, bytes: number): void {
  const before = memory.buffer;
  if (bytes <= before.byteLength) return;
  memory.grow(Math.ceil((bytes - before.byteLength) / PAGE));
  // Growing gives the memory a new buffer object over the same bytes: a home stays a home.
  if (homes.has(before)) homes.set(memory.buffer, memory);
}

/** A shared memory of at least `bytes`, able to grow to `maximumBytes` (reserved, not committed). */
function sharedMemory(bytes: number, maximumBytes = MAX_PAGES * PAGE): WebAssembly.Memory {
  const initial = Math.max(1, Math.ceil(bytes / PAGE));
  return new WebAssembly.Memory({ initial, maximum: Math.max(initial, Math.ceil(maximumBytes / PAGE)), shared: true });
}

/** Memories that hold a matrix at offset 0, by their buffer: such a matrix is used where it lives. */
const homes = new WeakMap<ArrayBufferLike, WebAssembly.Memory>();

/** The shared memory a matrix lives in (from `allocateMatrix`), or null. */
export function homeOf(data: Matrix): WebAssembly.Memory | null {
  const memory = homes.get(data.data.buffer);
  return memory && data.data.byteOffset === 0 && data.data.length === data.rows * data.cols ? memory : null;
}

/**
 * A matrix that lives in a shared memory of its own, at offset 0 (fill `.data`): k-means and the
 * worker pool use it in place, adding their working regions after it.
 */
export function allocateMatrix(rows: number, cols: number): Matrix {
  const memory = sharedMemory(rows * cols * 8);
  homes.set(memory.buffer, memory);
  return { rows, cols, data: new Float64Array(memory.buffer, 0, rows * cols) };
}

/** The shared memory `data` lives in, or one it is copied into. */
export function homeFor(data: Matrix): WebAssembly.Memory {
  const home = homeOf(data);
  if (home) return home;
  const copy = allocateMatrix(data.rows, data.cols);
  copy.data.set(data.data);
  return homeOf(copy)!;
}

/** The workspace of slot `slot` on a matrix that lives in `memory` (grown to hold the slot). */
export function slotWorkspace(memory: WebAssembly.Memory, rows: number, cols: number, k: number, slot: number): Workspace {
  return new Workspace(memory, layout(rows, cols, k, slot));
}

let scratch: Workspace | null = null;
const SCRATCH_KEEP_BYTES = 64 * 2 ** 20;

/**
 * A workspace holding `data`, laid out for up to k centres. A matrix from `allocateMatrix` is used
 * where it lives (slot 0); small jobs share this thread's reusable scratch memory (restarts and
 * bootstraps make thousands of them), large ones (and `scratch: false`, for jobs that outlive a
 * synchronous call) get a memory of their own. A scratch workspace is only valid until the next
 * call on this thread: callers copy results out.
 */
export function workspaceFor(data: Matrix, k: number, options: { scratch?: boolean } = {}): Workspace {
  const home = homeOf(data);
  if (home) return slotWorkspace(home, data.rows, data.cols, k, 0);
  const l = layout(data.rows, data.cols, k);
  let ws: Workspace;
  if (l.bytes > SCRATCH_KEEP_BYTES || options.scratch === false) {
    const memory = sharedMemory(l.bytes);
    homes.set(memory.buffer, memory);
    ws = new Workspace(memory, l);
  } else {
    scratch ??= new Workspace(sharedMemory(PAGE, SCRATCH_KEEP_BYTES), layout(0, 0, 1));
    scratch.use(l);
    ws = scratch;
  }
  ws.data.set(data.data);
  return ws;
}
