/**
 * A number per participant id, kept as two typed arrays in the order the values were read (which
 * sums and correlations then follow), with a lookup by id: what a Map<number, number> does for
 * these reads in a fraction of its memory (16 bytes a participant instead of a Map entry and a
 * boxed number; at 1,000,000 participants and a dozen columns that is hundreds of MB).
 */
type Lookup = { dense: Int32Array; first: number } | { sorted: Int32Array };

/** Lookups by ids array: columns read in one pass share their ids array, and so one lookup. */
const lookups = new WeakMap<Float64Array, Lookup>();

export class IdNumbers {
  readonly ids: Float64Array;
  readonly values: Float64Array;
  private lookup: Lookup | null = null;

  /**
   * `ids` distinct, with their values index by index (a null value, as SQL may give, is kept as NaN:
   * missing). Float64Arrays are kept as given, not copied (the caller hands them over): several
   * columns may then share one ids array, 8 MB a column at a million participants.
   */
  constructor(ids: ArrayLike<number>, values: ArrayLike<number | null>) {
    if (ids.length !== values.length) throw new Error('IdNumbers: ids and values differ in length');
    this.ids = ids instanceof Float64Array ? ids : Float64Array.from(ids);
    if (values instanceof Float64Array) this.values = values;
    else {
      this.values = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) this.values[i] = values[i] ?? NaN;
    }
  }

  get size(): number {
    return this.ids.length;
  }

  /** The value of an id, or undefined. */
  get(id: number): number | undefined {
    const at = this.indexOf(id);
    return at < 0 ? undefined : this.values[at];
  }

  has(id: number): boolean {
    return this.indexOf(id) >= 0;
  }

  /** The ids for which `keep` holds, in the same order. */
  filter(keep: (id: number) => boolean): IdNumbers {
    const ids: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      if (!keep(this.ids[i]!)) continue;
      ids.push(this.ids[i]!);
      values.push(this.values[i]!);
    }
    return new IdNumbers(ids, values);
  }

  private indexOf(id: number): number {
    const lookup = (this.lookup ??= lookups.get(this.ids) ?? this.makeLookup());
    if ('dense' in lookup) {
      const at = id - lookup.first;
      return at >= 0 && at < lookup.dense.length ? lookup.dense[at]! : -1;
    }
    const order = lookup.sorted;
    let lo = 0;
    let hi = order.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = this.ids[order[mid]!]!;
      if (x === id) return order[mid]!;
      if (x < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  // Participant ids of a study are mostly consecutive: an index over their span when it is small, else a binary search.
  private makeLookup(): Lookup {
    const lookup = this.buildLookup();
    lookups.set(this.ids, lookup);
    return lookup;
  }

  private buildLookup(): Lookup {
    let first = Infinity;
    let last = -Infinity;
    for (const id of this.ids) {
      if (id < first) first = id;
      if (id > last) last = id;
    }
    const span = this.ids.length ? last - first + 1 : 0;
    if (Number.isInteger(first) && span <= 4 * this.ids.length + 1024) {
      const dense = new Int32Array(span).fill(-1);
      this.ids.forEach((id, i) => (dense[id - first] = i));
      return { dense, first };
    }
    const sorted = Int32Array.from(this.ids, (_, i) => i).sort((a, b) => this.ids[a]! - this.ids[b]!);
    return { sorted };
  }
}
