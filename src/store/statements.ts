import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

/**
 * Statements prepared once per connection: SQLite compiles a statement in ~10–50 µs, more than
 * many of the reads themselves. Statements whose text depends on the call (IN lists of a given
 * length, compiled conditions) are cached too, up to a bound, oldest out first.
 */
const MAX_CACHED = 400;
const caches = new WeakMap<Db, Map<string, Statement>>();

export function prepared(db: Db, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (statement) {
    // A cached statement keeps the mode an earlier caller set; every caller starts from rows as objects.
    if (statement.reader) statement.raw(false).pluck(false);
    return statement;
  }
  statement = db.prepare(sql);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(sql, statement);
  return statement;
}
