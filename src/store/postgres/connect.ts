/**
 * A PostgreSQL database for seglab: a connection pool, and the schema brought up to date under an
 * advisory lock, so replicas starting together migrate once and the others wait for it.
 */
import pg from 'pg';
import { latestSchemaVersion } from '../migrations.js';
import { latestPostgresSchemaVersion, postgresMigrations } from './migrations.js';
import { numberTypes } from './sql.js';

/** Every replica takes this advisory lock to migrate; the number is arbitrary but fixed. */
const MIGRATION_LOCK = 0x5e61ab;

export async function openPool(url: string, options: { max?: number } = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, application_name: 'seglab', types: numberTypes });
  // An idle client's error (the server restarting) must not end the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}

/** Applies every migration newer than the database's schema version, all in one transaction. */
export async function migratePostgres(pool: pg.Pool): Promise<{ from: number; to: number }> {
  if (latestPostgresSchemaVersion !== latestSchemaVersion) throw new Error(`The PostgreSQL schema (${latestPostgresSchemaVersion}) lags the SQLite schema (${latestSchemaVersion}): add the missing migration to store/postgres/migrations.ts.`);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS seglab_schema (version integer NOT NULL)');
    const row = (await client.query<{ version: number }>('SELECT version FROM seglab_schema')).rows[0];
    const from = row?.version ?? 0;
    if (from > latestPostgresSchemaVersion) {
      throw new Error(`This database was written by a newer seglab (schema ${from}; this version knows up to ${latestPostgresSchemaVersion}). Upgrade seglab.`);
    }
    for (const migration of postgresMigrations) {
      if (migration.version <= from) continue;
      await client.query(migration.sql);
    }
    if (!row) await client.query('INSERT INTO seglab_schema (version) VALUES ($1)', [latestPostgresSchemaVersion]);
    else await client.query('UPDATE seglab_schema SET version = $1', [latestPostgresSchemaVersion]);
    await client.query('COMMIT');
    return { from, to: latestPostgresSchemaVersion };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
