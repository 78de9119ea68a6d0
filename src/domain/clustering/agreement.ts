/**
 * How two partitions agree: adjusted Rand index (Hubert & Arabie 1985), Jaccard overlap of
 * clusters (as in Hennig's clusterboot), and the Hungarian assignment (Kuhn–Munkres) that
 * matches the clusters of one partition to those of another at least total cost.
 */

function choose2(x: number): number {
  return (x * (x - 1)) / 2;
}

/** Adjusted Rand index between two labelings of the same items; 1 = identical partitions. */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length) throw new Error('adjustedRandIndex: labelings differ in length');
  const table = new Map<string, number>();
  const rowsA = new Map<number, number>();
  const colsB = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]}:${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rowsA.set(a[i]!, (rowsA.get(a[i]!) ?? 0) + 1);
    colsB.set(b[i]!, (colsB.get(b[i]!) ?? 0) + 1);
  }
  let index = 0;
  for (const c of table.values()) index += choose2(c);
  let sumA = 0;
  for (const c of rowsA.values()) sumA += choose2(c);
  let sumB = 0;
  for (const c of colsB.values()) sumB += choose2(c);
  const expected = (sumA * sumB) / choose2(n);
  const max = (sumA + sumB) / 2;
  // Both partitions trivial (one cluster each, or all singletons): identical by convention.
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

/** |A ∩ B| / |A ∪ B| of two sets (1 for two empty sets). */
export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

/**
 * Minimum-cost assignment of rows to columns of a rectangular cost matrix (Kuhn–Munkres with
 * potentials, O(n²m)). Returns for each row its column, or -1 when there are more rows than columns.
 */
export function hungarian(cost: readonly (readonly number[])[]): number[] {
  const rows = cost.length;
  const cols = cost[0]?.length ?? 0;
  if (rows === 0) return [];
  const transpose = rows > cols;
  const c = transpose ? Array.from({ length: cols }, (_, j) => cost.map((r) => r[j]!)) : cost.map((r) => [...r]);
  const n = c.length;
  const m = c[0]!.length;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row matched to column j (1-based), 0 = free
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const current = c[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (current < minv[j]!) {
          minv[j] = current;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const assignment = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j]! > 0) assignment[p[j]! - 1] = j - 1;
  if (!transpose) return assignment;
  const result = new Array<number>(rows).fill(-1);
  assignment.forEach((row, col) => {
    if (row >= 0) result[row] = col;
  });
  return result;
}
