/** What every PostgreSQL sub-store runs its statements on: the pool, or one transaction's client. */
import pg from 'pg';

export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** All rows of a statement. */
export async function rows<R extends pg.QueryResultRow>(sql: Sql, text: string, values: unknown[] = []): Promise<R[]> {
  return (await sql.query<R>(text, values)).rows;
}

/** The first row of a statement, or undefined. */
export async function first<R extends pg.QueryResultRow>(sql: Sql, text: string, values: unknown[] = []): Promise<R | undefined> {
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

/** PostgreSQL's unique_violation. */
export const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';
