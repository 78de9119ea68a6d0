/** A dense row-major matrix of doubles: the one shape the analytics pass around. */
export interface Matrix {
  rows: number;
  cols: number;
  /** May live in a SharedArrayBuffer, so worker threads can read it without a copy. */
  data: Float64Array<ArrayBufferLike>;
}

export function matrix(rows: number, cols: number, data: Float64Array<ArrayBufferLike> = new Float64Array(rows * cols)): Matrix {
  if (data.length !== rows * cols) throw new Error(`matrix: ${data.length} values do not make ${rows}×${cols}`);
  return { rows, cols, data };
}

export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const m = matrix(rows.length, cols);
  rows.forEach((row, i) => m.data.set(row, i * cols));
  return m;
}

export function row(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Rows picked by index (repeats allowed: bootstrap samples). */
export function pickRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = matrix(indices.length, m.cols);
  for (let i = 0; i < indices.length; i++) out.data.set(row(m, indices[i]!), i * m.cols);
  return out;
}

export function squaredDistance(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number, cols: number): number {
  let sum = 0;
  for (let j = 0; j < cols; j++) {
    const d = a[aOffset + j]! - b[bOffset + j]!;
    sum += d * d;
  }
  return sum;
}
