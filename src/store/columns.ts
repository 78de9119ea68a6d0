import type { Db } from './db.js';
import { prepared } from './statements.js';

/**
 * Reads a query's columns whole: `sql` returns one row of json_group_array(...) aggregates, one per
 * column, and each comes back as one JSON string. better-sqlite3 builds a JS array or object per
 * row (~0.6 µs each: 60 ms for 100,000 rows); one JSON.parse per column costs a fraction of that.
 * The aggregates consume the same rows in the same order, so the arrays line up index by index.
 * Numbers round-trip exactly (SQLite writes doubles in JSON with enough digits).
 */
export function readColumns<T extends unknown[]>(db: Db, sql: string, params: unknown[]): { [K in keyof T]: T[K][] } {
  const row = prepared(db, sql).raw().get(...params) as (string | null)[];
  return row.map((column) => (column === null ? [] : JSON.parse(column))) as { [K in keyof T]: T[K][] };
}

/** One question's answers as (participant ids, stored values), from the covering answers index; `filter` narrows by participant_id. */
export function answerColumns<V>(db: Db, questionId: number, filter: { sql: string; params: unknown[] } = { sql: '', params: [] }): [number[], V[]] {
  return readColumns<[number, V]>(db, `SELECT json_group_array(participant_id), json_group_array(value) FROM answers WHERE question_id = ?${filter.sql}`, [questionId, ...filter.params]);
}
