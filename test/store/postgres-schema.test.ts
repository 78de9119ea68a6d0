/** The PostgreSQL schema on a real server the test starts: migrations, replicas starting together, full-text triggers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { latestSchemaVersion } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/db.js';
import { isPostgresUrl } from '../../src/store/index.js';
import { openPool } from '../../src/store/postgres/connect.js';
import { toTsQuery } from '../../src/store/postgres/text-query.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.stop());

describe('PostgreSQL schema', () => {
  it('tells a PostgreSQL URL from a SQLite path', () => {
    expect(isPostgresUrl('postgres://seglab@db/seglab')).toBe(true);
    expect(isPostgresUrl('postgresql://db/seglab')).toBe(true);
    expect(isPostgresUrl('/data/postgres://x.db')).toBe(false);
    expect(isPostgresUrl('seglab.db')).toBe(false);
  });

  it('two replicas starting at once migrate the database once, to the same version as SQLite', async () => {
    const url = server.createDatabase('replicas');
    const [a, b] = await Promise.all([openPool(url), openPool(url)]);
    try {
      expect((await a.query('SELECT version FROM seglab_schema')).rows).toEqual([{ version: latestSchemaVersion }]);
      expect((await b.query('SELECT count(*)::int AS n FROM database_info')).rows).toEqual([{ n: 1 }]);
      expect((await a.query('SELECT id FROM database_info')).rows[0].id).toMatch(/^[0-9a-f]{12}$/);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('an older server refuses a newer schema and leaves it as it is', async () => {
    const url = server.createDatabase('newer');
    const pool = await openPool(url);
    await pool.query('UPDATE seglab_schema SET version = $1', [latestSchemaVersion + 1]);
    await pool.end();
    await expect(openPool(url)).rejects.toThrow(`This database was written by a newer seglab (schema ${latestSchemaVersion + 1}; this version knows up to ${latestSchemaVersion}). Upgrade seglab.`);
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    expect((await raw.query('SELECT version FROM seglab_schema')).rows).toEqual([{ version: latestSchemaVersion + 1 }]);
    await raw.end();
  });

  it('indexes what participants said, stemmed, and forgets it when the source row goes', async () => {
    const pool = await openPool(server.createDatabase('said'));
    try {
      const at = '2026-11-30T10:00:00.000Z';
      const study = (await pool.query(`INSERT INTO studies (name, mode, probing_depth, created_at, updated_at) VALUES ('S', 'hybrid', 2, $1, $1) RETURNING id`, [at])).rows[0].id;
      const person = (await pool.query(`INSERT INTO participants (study_id, external_id, created_at, updated_at) VALUES ($1, 'p1', $2, $2) RETURNING id`, [study, at])).rows[0].id;
      const why = (await pool.query(`INSERT INTO questions (study_id, key, type, text, position, created_at) VALUES ($1, 'why', 'open_ended', 'Why?', 0, $2) RETURNING id`, [study, at])).rows[0].id;
      const scale = (await pool.query(`INSERT INTO questions (study_id, key, type, text, position, created_at) VALUES ($1, 'nps', 'scale', 'NPS', 1, $2) RETURNING id`, [study, at])).rows[0].id;
      await pool.query(`INSERT INTO interviews (participant_id, status, interviewed_at, transcript, notes, created_at, updated_at) VALUES ($1, 'completed', $2, 'The pricing page confused us', NULL, $2, $2)`, [person, at]);
      await pool.query(`INSERT INTO answers (participant_id, question_id, value, answered_at) VALUES ($1, $2, to_jsonb('Onboarding took weeks'::text), $3), ($1, $4, '9', $3)`, [person, why, at, scale]);
      const found = async (query: string) => (await pool.query(`SELECT kind FROM said WHERE document @@ to_tsquery('seglab', $1) ORDER BY kind`, [toTsQuery(query)])).rows.map((r) => r.kind);
      expect(await found('priced')).toEqual(['transcript']);
      expect(await found('onboarded OR confusing')).toEqual(['answer', 'transcript']);
      expect(await found('onboard* weeks')).toEqual(['answer']);
      expect(await found('the pricing NOT page')).toEqual([]);
      expect(await found('"pricing page"')).toEqual(['transcript']);
      // A scale answer is not text to search.
      expect((await pool.query('SELECT count(*)::int AS n FROM said')).rows[0].n).toBe(2);
      await pool.query(`UPDATE interviews SET transcript = NULL, notes = 'Asked about seats' WHERE participant_id = $1`, [person]);
      expect(await found('pricing')).toEqual([]);
      expect(await found('seat')).toEqual(['notes']);
      await pool.query('DELETE FROM participants WHERE id = $1', [person]);
      expect((await pool.query('SELECT count(*)::int AS n FROM said')).rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('cuts long texts into the same snippet windows as SQLite (schema 7) and keeps them in step with the text', async () => {
    // Words of every length, accents, a 3,000-character run without a space (a window starting
    // inside it cannot move to a word boundary), and a phrase across the first window's end.
    const words = ['pricing', 'Zürich', 'onboarding', 'a', 'seats', 'naïve', 'API-limits', 'renewal'];
    const parts: string[] = [];
    for (let i = 0; parts.join(' ').length < 1990; i++) parts.push(words[i % words.length]!);
    const long = `${parts.join(' ')} the pricing page ${'x'.repeat(3000)} ${Array.from({ length: 900 }, (_, i) => words[(i * 7) % words.length]).join(' ')}`;
    const texts = { transcript: long, notes: 'short notes about pricing' };
    const at = '2026-11-30T10:00:00.000Z';
    const sqlite = openDatabase(':memory:');
    const pool = await openPool(server.createDatabase('windows'));
    try {
      const insert = `INSERT INTO interviews (participant_id, status, interviewed_at, transcript, notes, created_at, updated_at) VALUES (1, 'completed', '${at}', $1, $2, '${at}', '${at}')`;
      sqlite.exec(`INSERT INTO studies (id, name, mode, probing_depth, created_at, updated_at) VALUES (1, 'S', 'hybrid', 2, '${at}', '${at}');
                   INSERT INTO participants (id, study_id, external_id, created_at, updated_at) VALUES (1, 1, 'p1', '${at}', '${at}')`);
      sqlite.prepare(insert.replace('$1', '?').replace('$2', '?')).run(texts.transcript, texts.notes);
      await pool.query(`INSERT INTO studies (id, name, mode, probing_depth, created_at, updated_at) VALUES (1, 'S', 'hybrid', 2, $1, $1)`, [at]);
      await pool.query(`INSERT INTO participants (id, study_id, external_id, created_at, updated_at) VALUES (1, 1, 'p1', $1, $1)`, [at]);
      await pool.query(insert, [texts.transcript, texts.notes]);
      const sqliteWindows = sqlite.prepare('SELECT rowid AS id, text FROM said_chunks ORDER BY rowid').all() as { id: number; text: string }[];
      const windows = async () => (await pool.query('SELECT id, text FROM said_chunks ORDER BY id')).rows as { id: number; text: string }[];
      expect(sqliteWindows.length).toBe(Math.floor((long.length - 1) / 2000) + 1);
      expect(await windows()).toEqual(sqliteWindows);
      // The window after the run without spaces starts where SQLite's does, inside the run.
      expect(sqliteWindows.some((w) => w.text.startsWith('xxx'))).toBe(true);
      // Notes of 25 characters have no windows (a snippet reads them whole).
      expect(sqliteWindows.every((w) => Math.floor(w.id / 1024) % 4 === 0)).toBe(true);
      // A new transcript replaces the windows; a short one leaves none; the participant's removal takes them all.
      await pool.query(`UPDATE interviews SET transcript = $1`, [long.slice(2500)]);
      expect((await windows()).map((w) => w.text)).toEqual(sqliteWindowsOf(sqlite, long.slice(2500)));
      await pool.query(`UPDATE interviews SET transcript = 'fine'`);
      expect(await windows()).toEqual([]);
      await pool.query(`UPDATE interviews SET notes = $1`, [long]);
      expect((await windows()).length).toBe(sqliteWindows.length);
      await pool.query('DELETE FROM participants WHERE id = 1');
      expect(await windows()).toEqual([]);
    } finally {
      sqlite.close();
      await pool.end();
    }
  });
});

/** The windows SQLite cuts `text` into, as a transcript recorded now. */
function sqliteWindowsOf(sqlite: ReturnType<typeof openDatabase>, text: string): string[] {
  sqlite.prepare('UPDATE interviews SET transcript = ?').run(text);
  return (sqlite.prepare('SELECT text FROM said_chunks WHERE (rowid / 1024) % 4 = 0 ORDER BY rowid').all() as { text: string }[]).map((w) => w.text);
}
