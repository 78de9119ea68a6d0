/** openDatabase on a real file: WAL, foreign keys, busy timeout, the schema, and the covering index. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { latestSchemaVersion } from '../../src/store/migrations.js';
import { tempDir } from '../helpers/stores.js';

describe('openDatabase', () => {
  it('creates the file and its folders, in WAL mode with foreign keys and a busy timeout', () => {
    const db = openDatabase(join(tempDir(), 'nested', 'deeper', 'seglab.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    db.close();
  });

  it('a read-only connection needs an existing file and cannot write', () => {
    const path = join(tempDir(), 'seglab.db');
    expect(() => openDatabase(path, { readonly: true })).toThrow();
    openDatabase(path).close();
    const reader = openDatabase(path, { readonly: true });
    expect(() => reader.exec("INSERT INTO studies (name, mode, probing_depth, created_at, updated_at) VALUES ('x', 'hybrid', 2, 'x', 'x')")).toThrow(/readonly/);
    reader.close();
  });

  it('per-question aggregates read the covering index only', () => {
    const db = openDatabase(':memory:');
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT value, COUNT(*) FROM answers WHERE question_id = ? GROUP BY value').all(1) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/COVERING INDEX answers_by_question/);
  });
});
