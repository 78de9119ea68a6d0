/**
 * The PostgreSQL engine behind the app layer's Store (../index.ts). Work in progress: studies,
 * participants (COPY import), interviews, segmentations, facts, search, summaries, analysis, tokens and
 * the audit log are ported; the other parts ( erasure, documents) are not yet, so
 * this is not a Store and --db postgres://… is not wired.
 *
 * Transactions: each one takes a client of its own from the pool (BEGIN … COMMIT) and hands the
 * callback a store bound to that client; a nested call is a savepoint on it. Other requests keep
 * using the pool meanwhile: PostgreSQL isolates them, so no gate as on SQLite's one connection.
 */
import type pg from 'pg';
import type { Store } from '../index.js';
import { openPool } from './connect.js';
import { PgAnalysisStore } from './analysis.js';
import { PgAuditStore } from './audit.js';
import { PgFactStore } from './facts.js';
import { readPgFieldCatalog } from './field-catalog.js';
import { PgInterviewStore } from './interviews.js';
import { PgParticipantSearch } from './participant-search.js';
import { PgParticipantStore } from './participants.js';
import { clientSql, first, inSavepoint, inTransaction, poolSql, type Sql } from './sql.js';
import { PgSegmentationStore } from './segmentations.js';
import { PgStudyStore } from './studies.js';
import { PgSummaryStore } from './summary.js';
import { PgTokenStore } from './tokens.js';

export interface PostgresStore extends Pick<Store, 'studies' | 'participants' | 'interviews' | 'segmentations' | 'facts' | 'search' | 'summaries' | 'analysis' | 'tokens' | 'audit' | 'sqliteFile' | 'fieldCatalog' | 'databaseId' | 'close'> {
  transaction<T>(fn: (tx: PostgresStore) => Promise<T>): Promise<T>;
}

export async function openPostgresStore(url: string): Promise<PostgresStore> {
  return storeOn(await openPool(url), null);
}

/** The store over `pool`, or over one transaction's `client`. */
function storeOn(pool: pg.Pool, client: pg.PoolClient | null): PostgresStore {
  const sql: Sql = client ? clientSql(client) : poolSql(pool);
  const store: PostgresStore = {
    studies: new PgStudyStore(sql),
    participants: new PgParticipantStore(sql),
    interviews: new PgInterviewStore(sql),
    segmentations: new PgSegmentationStore(sql),
    facts: new PgFactStore(sql),
    search: new PgParticipantSearch(sql),
    summaries: new PgSummaryStore(sql),
    analysis: new PgAnalysisStore(sql),
    tokens: new PgTokenStore(sql),
    audit: new PgAuditStore(sql),
    sqliteFile: null,
    fieldCatalog: (studyId, segmentationId) => readPgFieldCatalog(sql, studyId, segmentationId),
    databaseId: async () => (await first<{ id: string }>(sql, 'SELECT id FROM database_info'))!.id,
    transaction: (fn) => (client ? inSavepoint(client, () => fn(store)) : inTransaction(pool, (own) => fn(storeOn(pool, own)))),
    close: async () => {
      if (!client) await pool.end();
    },
  };
  return store;
}
