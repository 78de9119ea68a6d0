/** The per-connection statement cache: one statement per text, modes reset for each caller, bounded. */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { prepared } from '../../src/store/statements.js';

describe('prepared', () => {
  it('gives the same statement for the same text on one connection, another on a second connection', () => {
    const a = openDatabase(':memory:');
    const b = openDatabase(':memory:');
    expect(prepared(a, 'SELECT 1 AS one')).toBe(prepared(a, 'SELECT 1 AS one'));
    expect(prepared(b, 'SELECT 1 AS one')).not.toBe(prepared(a, 'SELECT 1 AS one'));
  });

  it('a caller gets rows as objects even after an earlier caller switched the statement to raw or pluck', () => {
    const db = openDatabase(':memory:');
    const sql = 'SELECT 1 AS one, 2 AS two';
    expect(prepared(db, sql).raw().get()).toEqual([1, 2]);
    expect(prepared(db, sql).get()).toEqual({ one: 1, two: 2 });
    expect(prepared(db, sql).pluck().get()).toBe(1);
    expect(prepared(db, sql).all()).toEqual([{ one: 1, two: 2 }]);
    // Writes are not readers: they are cached as they are.
    const insert = prepared(db, "INSERT INTO studies (name, mode, probing_depth, created_at, updated_at) VALUES (?, 'hybrid', 2, 'x', 'x')");
    expect(prepared(db, "INSERT INTO studies (name, mode, probing_depth, created_at, updated_at) VALUES (?, 'hybrid', 2, 'x', 'x')")).toBe(insert);
    expect(insert.run('A').changes).toBe(1);
  });

  it('holds at most 400 statements, dropping the oldest first', () => {
    const db = openDatabase(':memory:');
    const first = prepared(db, 'SELECT 0');
    for (let i = 1; i < 400; i++) prepared(db, `SELECT ${i}`);
    expect(prepared(db, 'SELECT 0')).toBe(first); // 400 cached: still there
    prepared(db, 'SELECT 400'); // the 401st pushes out the oldest ("SELECT 0" was not moved up by its reuse)
    expect(prepared(db, 'SELECT 0')).not.toBe(first);
    expect(prepared(db, 'SELECT 0').pluck().get()).toBe(0);
  });
});
