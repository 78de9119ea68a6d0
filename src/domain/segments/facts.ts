/**
 * What the segmentation code knows about participants, held by columns: one compact column per
 * attribute and per structured question (a kind byte per participant, numbers in a typed array,
 * strings and lists as codes into a dictionary of distinct values), a byte per participant and
 * theme, tags as codes. A participant is a small view onto a row of the table, so memory grows
 * with participants × columns in bytes, not with an object, a Map and a Set per participant.
 * Loaded by the store, read by pure code.
 */
import type { AttributeType, AttributeValue } from '../attributes.js';
import type { AnswerValue, Question } from '../questions.js';

export type InterviewStatus = 'completed' | 'partial' | 'not_interviewed';
const STATUSES: InterviewStatus[] = ['not_interviewed', 'completed', 'partial'];

const MISSING = 0;
const NUMBER = 1;
const CODED = 2;
const TRUE = 3;
const FALSE = 4;

/**
 * One value per row: missing, a number (Float64Array), true/false, or a code into the distinct
 * values (strings; lists shared and frozen). Typed arrays are made only for the kinds present.
 */
export class ValueColumn<V = unknown> {
  private readonly kinds: Uint8Array;
  private numbers: Float64Array | null = null;
  private codes: Int32Array | null = null;
  private readonly values: V[] = [];
  private index: Map<unknown, number> | null = new Map();

  constructor(readonly size: number) {
    this.kinds = new Uint8Array(size);
  }

  /** Sets a row's value; `key` identifies equal non-primitive values (e.g. a list's stored JSON), so they are kept once. */
  set(row: number, value: V | null | undefined, key: unknown = value): void {
    if (value === undefined || value === null) {
      this.kinds[row] = MISSING;
    } else if (typeof value === 'number') {
      (this.numbers ??= new Float64Array(this.size))[row] = value;
      this.kinds[row] = NUMBER;
    } else if (typeof value === 'boolean') {
      this.kinds[row] = value ? TRUE : FALSE;
    } else {
      const index = (this.index ??= new Map(this.values.map((v, i) => [v, i])));
      let code = index.get(key);
      if (code === undefined) {
        code = this.values.push(value) - 1;
        index.set(key, code);
      }
      (this.codes ??= new Int32Array(this.size))[row] = code;
      this.kinds[row] = CODED;
    }
  }

  get(row: number): V | undefined {
    switch (this.kinds[row]) {
      case NUMBER:
        return this.numbers![row] as V;
      case CODED:
        return this.values[this.codes![row]!];
      case TRUE:
        return true as V;
      case FALSE:
        return false as V;
      default:
        return undefined;
    }
  }

  /** Drops the lookup used while filling (the values stay). */
  seal(): this {
    this.index = null;
    return this;
  }
}

/** A participant as plain data, for building a table by hand (tests, small studies). */
export interface FactRecord {
  id: number;
  participant_id: string;
  email?: string | null;
  name?: string | null;
  attributes?: Record<string, AttributeValue>;
  answers?: Record<string, AnswerValue>;
  themes?: string[];
  tags?: string[];
  status?: InterviewStatus;
}

/** The participants' facts, column by column, in id order. */
export class FactTable {
  readonly size: number;
  /** Internal row ids, ascending. */
  readonly ids: Float64Array;
  readonly participantIds: string[];
  readonly emails: (string | null)[];
  readonly names: (string | null)[];
  readonly statuses: Uint8Array;
  readonly attributes = new Map<string, ValueColumn<AttributeValue>>();
  readonly answers = new Map<string, ValueColumn<AnswerValue>>();
  /** Per theme code, 1 for the participants coded with it. */
  readonly themes = new Map<string, Uint8Array>();
  private tagOffsets: Int32Array;
  private tagCodes: Int32Array = new Int32Array(0);
  private tagNames: string[] = [];
  private views: ParticipantFacts[] | null = null;
  private dense: Int32Array | null = null;

  /** `ids` ascending, with the participant columns index by index. */
  constructor(ids: ArrayLike<number>, participantIds: string[], emails: (string | null)[], names: (string | null)[]) {
    this.size = ids.length;
    this.ids = Float64Array.from(ids);
    for (let i = 1; i < this.size; i++) if (!(this.ids[i]! > this.ids[i - 1]!)) throw new Error('FactTable: ids must ascend');
    this.participantIds = participantIds;
    this.emails = emails;
    this.names = names;
    this.statuses = new Uint8Array(this.size);
    this.tagOffsets = new Int32Array(this.size + 1);
  }

  /** The row of an internal id, or -1. */
  rowOf(id: number): number {
    if (this.size === 0) return -1;
    const first = this.ids[0]!;
    const span = this.ids[this.size - 1]! - first + 1;
    // Ids of a study are mostly consecutive: a dense lookup when they are, else a binary search.
    if (this.dense === null && span <= 4 * this.size + 1024) {
      this.dense = new Int32Array(span).fill(-1);
      for (let i = 0; i < this.size; i++) this.dense[this.ids[i]! - first] = i;
    }
    if (this.dense !== null) {
      const at = id - first;
      return at >= 0 && at < this.dense.length ? this.dense[at]! : -1;
    }
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = this.ids[mid]!;
      if (x === id) return mid;
      if (x < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  setStatus(row: number, status: InterviewStatus): void {
    this.statuses[row] = STATUSES.indexOf(status);
  }

  attributeColumn(name: string): ValueColumn<AttributeValue> {
    let column = this.attributes.get(name);
    if (!column) this.attributes.set(name, (column = new ValueColumn(this.size)));
    return column;
  }

  answerColumn(key: string): ValueColumn<AnswerValue> {
    let column = this.answers.get(key);
    if (!column) this.answers.set(key, (column = new ValueColumn(this.size)));
    return column;
  }

  themeColumn(code: string): Uint8Array {
    let column = this.themes.get(code);
    if (!column) this.themes.set(code, (column = new Uint8Array(this.size)));
    return column;
  }

  /** Sets every row's tags from (row, tag) pairs; each row's tags in byte order (as SQLite's ORDER BY tag). */
  setTags(rows: ArrayLike<number>, tags: string[]): void {
    const names = new Map<string, number>();
    const offsets = new Int32Array(this.size + 1);
    for (let i = 0; i < rows.length; i++) offsets[rows[i]! + 1]!++;
    for (let r = 0; r < this.size; r++) offsets[r + 1]! += offsets[r]!;
    const fill = offsets.slice(0, this.size);
    const codes = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      let code = names.get(tags[i]!);
      if (code === undefined) names.set(tags[i]!, (code = names.size));
      codes[fill[rows[i]!]!++] = code;
    }
    const tagNames = [...names.keys()];
    for (let r = 0; r < this.size; r++) {
      if (offsets[r + 1]! - offsets[r]! > 1) codes.subarray(offsets[r]!, offsets[r + 1]!).sort((a, b) => (tagNames[a]! < tagNames[b]! ? -1 : tagNames[a]! > tagNames[b]! ? 1 : 0));
    }
    this.tagOffsets = offsets;
    this.tagCodes = codes;
    this.tagNames = tagNames;
  }

  tagsOf(row: number): string[] {
    const out: string[] = [];
    for (let i = this.tagOffsets[row]!; i < this.tagOffsets[row + 1]!; i++) out.push(this.tagNames[this.tagCodes[i]!]!);
    return out;
  }

  tagCount(row: number): number {
    return this.tagOffsets[row + 1]! - this.tagOffsets[row]!;
  }

  status(row: number): InterviewStatus {
    return STATUSES[this.statuses[row]!]!;
  }

  /** Every participant, in id order (one small view per row, made once). */
  rows(): ParticipantFacts[] {
    if (!this.views) {
      this.views = new Array<ParticipantFacts>(this.size);
      for (let i = 0; i < this.size; i++) this.views[i] = new ParticipantFacts(this, i);
    }
    return this.views;
  }

  /** Drops the lookups used while filling. */
  seal(): this {
    for (const column of this.attributes.values()) column.seal();
    for (const column of this.answers.values()) column.seal();
    return this;
  }
}

/** One participant: a view onto a row of a FactTable. */
export class ParticipantFacts {
  constructor(
    readonly table: FactTable,
    readonly row: number,
  ) {}

  /** Internal row id. */
  get id(): number {
    return this.table.ids[this.row]!;
  }
  get participant_id(): string {
    return this.table.participantIds[this.row]!;
  }
  get email(): string | null {
    return this.table.emails[this.row] ?? null;
  }
  get name(): string | null {
    return this.table.names[this.row] ?? null;
  }
  get status(): InterviewStatus {
    return this.table.status(this.row);
  }
  attribute(name: string): AttributeValue | undefined {
    return this.table.attributes.get(name)?.get(this.row);
  }
  /** The stored answer (yes_no as 1/0, lists for multiple_choice and ranking; frozen, shared). */
  answer(key: string): AnswerValue | undefined {
    return this.table.answers.get(key)?.get(this.row);
  }
  hasTheme(code: string): boolean {
    return this.table.themes.get(code)?.[this.row] === 1;
  }
  /** Tags in byte order (a new array each call). */
  get tags(): string[] {
    return this.table.tagsOf(this.row);
  }
  get tagCount(): number {
    return this.table.tagCount(this.row);
  }
}

/** A table from plain records (ids ascending after sorting), for tests and hand-made data. */
export function factTable(records: FactRecord[]): FactTable {
  const sorted = [...records].sort((a, b) => a.id - b.id);
  const table = new FactTable(
    sorted.map((r) => r.id),
    sorted.map((r) => r.participant_id),
    sorted.map((r) => r.email ?? null),
    sorted.map((r) => r.name ?? null),
  );
  const tagRows: number[] = [];
  const tags: string[] = [];
  sorted.forEach((r, row) => {
    table.setStatus(row, r.status ?? 'completed');
    for (const [name, value] of Object.entries(r.attributes ?? {})) table.attributeColumn(name).set(row, value);
    for (const [key, value] of Object.entries(r.answers ?? {})) table.answerColumn(key).set(row, Array.isArray(value) ? (Object.freeze([...value]) as AnswerValue) : value, Array.isArray(value) ? JSON.stringify(value) : value);
    for (const code of r.themes ?? []) table.themeColumn(code)[row] = 1;
    for (const tag of r.tags ?? []) {
      tagRows.push(row);
      tags.push(tag);
    }
  });
  table.setTags(tagRows, tags);
  return table.seal();
}

export interface StudyCatalog {
  questions: (Question & { id: number })[];
  attributes: { name: string; type: AttributeType }[];
  themes: string[];
}
