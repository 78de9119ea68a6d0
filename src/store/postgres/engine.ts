/**
 * The PostgreSQL engine behind the app layer's Store (../index.ts): every part ported, each with
 * SQL that suits PostgreSQL and answers as the SQLite engine does.
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
import { PgDocumentSearch } from './document-search.js';
import { PgErasureStore } from './erasure.js';
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
import { WriteTurns } from '../write-turns.js';


export async function openPostgresStore(url: string): Promise<Store> {
  return storeOn(await openPool(url), null, url);
}

/** The store over `pool`, or over one transaction's `client`. */
const writeTurns = new WriteTurns();

function storeOn(pool: pg.Pool, client: pg.PoolClient | null, url: string): Store {
  const sql: Sql = client ? clientSql(client) : poolSql(pool);
  const store: Store = {
    studies: new PgStudyStore(sql),
    participants: new PgParticipantStore(sql),
    interviews: new PgInterviewStore(sql),
    segmentations: new PgSegmentationStore(sql),
    facts: new PgFactStore(sql),
    search: new PgParticipantSearch(sql),
    summaries: new PgSummaryStore(sql),
    analysis: new PgAnalysisStore(sql),
    erasure: new PgErasureStore(sql),
    documents: new PgDocumentSearch(sql),
    tokens: new PgTokenStore(sql),
    audit: new PgAuditStore(sql),
    file: () => null,
    connection: () => url,
    writeTurns,
    withSqlite: null,
    fieldCatalog: (studyId, segmentationId) => readPgFieldCatalog(sql, studyId, segmentationId),
    databaseId: async () => (await first<{ id: string }>(sql, 'SELECT id FROM database_info'))!.id,
    transaction: (fn) => (client ? inSavepoint(client, () => fn(store)) : inTransaction(pool, (own) => fn(storeOn(pool, own, url)))),
    close: async () => {
      if (!client) await pool.end();
    },
  };
  return store;
}
