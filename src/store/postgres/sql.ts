/** What every PostgreSQL sub-store runs its statements on: the pool, or one transaction's client. */
import pg from 'pg';

export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Rows as arrays of column values (columns may share a name). */
  arrays(text: string, values?: unknown[]): Promise<unknown[][]>;
  /**
   * Runs `fn` on one client as one unit: a transaction of its own from the pool, or a savepoint
   * inside the transaction this Sql belongs to. For statements that must share a session (COPY
   * into a temporary table, then merge it).
   */
  atomically<T>(fn: (client: pg.ClientBase) => Promise<T>): Promise<T>;
  /** Whether this is an open transaction's client (writes wait for its commit). */
  readonly inTransaction: boolean;
}

let savepoints = 0;

/** Runs `fn` inside a savepoint of the transaction open on `client`. */
export async function inSavepoint<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  const name = `seglab_${++savepoints}`;
  await client.query(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await client.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw error;
  }
}

/** Runs `fn` in a transaction on a client of its own from `pool`. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export const poolSql = (pool: pg.Pool): Sql => ({
  query: (text, values) => pool.query(text, values),
  arrays: async (text, values) => (await pool.query({ text, values, rowMode: 'array' })).rows,
  atomically: (fn) => inTransaction(pool, fn),
  inTransaction: false,
});

export const clientSql = (client: pg.ClientBase): Sql => ({
  query: (text, values) => client.query(text, values),
  arrays: async (text, values) => (await client.query({ text, values, rowMode: 'array' })).rows,
  atomically: (fn) => inSavepoint(client, () => fn(client)),
  inTransaction: true,
});

/** All rows of a statement. */
export async function rows<R extends pg.QueryResultRow>(sql: Pick<Sql, 'query'>, text: string, values: unknown[] = []): Promise<R[]> {
  return (await sql.query<R>(text, values)).rows;
}

/** The first row of a statement, or undefined. */
export async function first<R extends pg.QueryResultRow>(sql: Pick<Sql, 'query'>, text: string, values: unknown[] = []): Promise<R | undefined> {
  return (await sql.query<R>(text, values)).rows[0];
}

/**
 * Numbers as JavaScript numbers, as better-sqlite3 returns them: ids and counts are bigint
 * (int8) and sums numeric in PostgreSQL, which pg would return as strings. Ids stay below 2^53.
 */
export const numberTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * Advisory locks of one study, held until the transaction ends, so writers on every replica take
 * turns: `imports` (one import of the study at a time), `themes` (one transaction at a time creates
 * themes: two creating new themes in opposite orders would each wait for the other's).
 */
const STUDY_LOCKS = { imports: 0x5e61ab, themes: 0x5e61ac } as const;

export async function lockStudy(sql: { query(text: string, values: unknown[]): Promise<unknown> }, turn: keyof typeof STUDY_LOCKS, studyId: number): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock($1, $2)', [STUDY_LOCKS[turn], studyId]);
}

/** PostgreSQL's unique_violation. */
export const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';
