import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDatabasePath, reportsDirectory } from '../src/config.js';
import { migrate, openDatabase } from '../src/store/db.js';
import { latestSchemaVersion } from '../src/store/migrations.js';
import { Store } from '../src/store/index.js';

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'seglab-store-')), 'nested', 'seglab.db');

describe('openDatabase', () => {
  it('creates the file and folders, in WAL mode with foreign keys and a busy timeout', () => {
    const path = tempDb();
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    db.close();
  });

  it('upgrades an older file in place and keeps its data', () => {
    const path = tempDb();
    openDatabase(path).close();
    // Simulate a file written before the latest migration: an older user_version with data in it.
    const raw = new Database(path);
    raw.prepare("INSERT INTO studies (name, mode, probing_depth, created_at, updated_at) VALUES ('Old', 'hybrid', 2, 'x', 'x')").run();
    raw.close();
    const db = openDatabase(path);
    expect(migrate(db)).toEqual({ from: latestSchemaVersion, to: latestSchemaVersion });
    expect(db.prepare('SELECT name FROM studies').all()).toEqual([{ name: 'Old' }]);
    db.close();
    // A fresh file goes from 0 to the latest version.
    const fresh = new Database(':memory:');
    expect(migrate(fresh)).toEqual({ from: 0, to: latestSchemaVersion });
  });

  it('moves attributes written as JSON text (schema 2) to JSONB and reads them back unchanged', () => {
    const path = tempDb();
    openDatabase(path).close();
    const raw = new Database(path);
    raw.prepare("INSERT INTO studies (id, name, mode, probing_depth, created_at, updated_at) VALUES (1, 'Old', 'hybrid', 2, 'x', 'x')").run();
    const attributes = { plan: 'Team', mrr: 49.5, active: true, note: 'say "hi"', since: '2024-01-31' };
    raw.prepare("INSERT INTO participants (study_id, external_id, attributes, created_at, updated_at) VALUES (1, 'p1', ?, 'x', 'x')").run(JSON.stringify(attributes));
    raw.pragma('user_version = 2');
    raw.close();
    const store = new Store(openDatabase(path));
    expect(store.db.prepare('SELECT typeof(attributes) AS t FROM participants').get()).toEqual({ t: 'blob' });
    expect(store.participants.get(1, 'p1').attributes).toEqual(attributes);
    expect(store.db.prepare(`SELECT json_extract(attributes, '$.mrr') AS v FROM participants`).get()).toEqual({ v: 49.5 });
    store.close();
  });

  it('refuses a file from a newer seglab instead of damaging it', () => {
    const path = tempDb();
    openDatabase(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${latestSchemaVersion + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(/written by a newer seglab.*Upgrade seglab/);
  });

  it('uses the covering index for per-question aggregates', () => {
    const db = openDatabase(':memory:');
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT value, COUNT(*) FROM answers WHERE question_id = ? GROUP BY value').all(1) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/COVERING INDEX answers_by_question/);
  });
});

describe('defaultDatabasePath', () => {
  it('prefers SEGLAB_DB, then a per-user data folder', () => {
    expect(defaultDatabasePath({ SEGLAB_DB: '/tmp/x.db' }, 'linux')).toBe('/tmp/x.db');
    expect(defaultDatabasePath({ XDG_DATA_HOME: '/data' }, 'linux')).toBe('/data/seglab/seglab.db');
    expect(defaultDatabasePath({}, 'linux')).toMatch(/\.local\/share\/seglab\/seglab\.db$/);
    expect(defaultDatabasePath({}, 'darwin')).toMatch(/Library\/Application Support\/seglab\/seglab\.db$/);
  });

  it('ignores a ${...} template a host left unfilled (an MCP bundle setting nobody set)', () => {
    expect(defaultDatabasePath({ SEGLAB_DB: '${user_config.data_folder}/seglab.db', XDG_DATA_HOME: '/data' }, 'linux')).toBe('/data/seglab/seglab.db');
    expect(reportsDirectory('/data/seglab/seglab.db', { SEGLAB_REPORTS: '${DOCUMENTS}/seglab/reports' })).toBe('/data/seglab/reports');
    expect(reportsDirectory('/data/seglab/seglab.db', { SEGLAB_REPORTS: '/srv/reports' })).toBe('/srv/reports');
  });
});
