import { AnalysisStore } from './analysis.js';
import { asyncView, TransactionGate, type Async } from './async-view.js';
import { AuditStore } from './audit.js';
import { openDatabase, type Db } from './db.js';
import { ErasureStore } from './erasure.js';
import { InterviewStore } from './interviews.js';
import { ParticipantStore } from './participants.js';
import { DocumentSearch } from './document-search.js';
import { readFieldCatalog } from './field-catalog.js';
import type { FieldCatalog } from './fields-sql.js';
import { ParticipantSearch } from './participant-search.js';
import { FactStore } from './facts.js';
import { SegmentationStore } from './segmentations.js';
import { StudyStore } from './studies.js';
import { SummaryStore } from './summary.js';
import { TokenStore } from './tokens.js';
import { WriteTurns } from './write-turns.js';
import { isPostgresUrl } from './url.js';

export { describeDatabase, isPostgresUrl } from './url.js';

/** Every SQLite statement lives below this object; its methods run synchronously on one connection. */
export class SqliteStore {
  readonly studies: StudyStore;
  readonly participants: ParticipantStore;
  readonly interviews: InterviewStore;
  readonly search: ParticipantSearch;
  readonly summaries: SummaryStore;
  readonly segmentations: SegmentationStore;
  readonly facts: FactStore;
  readonly analysis: AnalysisStore;
  readonly tokens: TokenStore;
  readonly audit: AuditStore;
  readonly erasure: ErasureStore;
  readonly documents: DocumentSearch;
  /** Turns between this thread's writes and those of the workers it starts (an import's). */
  readonly writeTurns = new WriteTurns();

  constructor(readonly db: Db) {
    this.studies = new StudyStore(db);
    this.participants = new ParticipantStore(db, this.studies);
    this.interviews = new InterviewStore(db, this.studies);
    this.search = new ParticipantSearch(db);
    this.summaries = new SummaryStore(db);
    this.segmentations = new SegmentationStore(db, this.studies);
    this.facts = new FactStore(db, this.studies);
    this.analysis = new AnalysisStore(db);
    this.tokens = new TokenStore(db);
    this.audit = new AuditStore(db);
    this.erasure = new ErasureStore(db);
    this.documents = new DocumentSearch(db);
  }

  /** What fields (answer.<key>, attr.<name>, segment, …) mean in a study; `segment` refers to segmentationId, else the latest. */
  fieldCatalog(studyId: number, segmentationId?: number): FieldCatalog {
    return readFieldCatalog(this.db, this.studies, studyId, segmentationId);
  }

  static open(path: string): SqliteStore {
    return new SqliteStore(openDatabase(path));
  }

  /** This database's random id (its reports folder is named after it). */
  databaseId(): string {
    return this.db.prepare('SELECT id FROM database_info').pluck().get() as string;
  }

  /** The database's file, or null when it lives in memory (no other connection can open it). */
  file(): string | null {
    return this.db.memory || this.db.name === '' ? null : this.db.name;
  }

  close(): void {
    this.db.close();
  }
}

/** The parts of a store, one per aggregate; each engine implements every one. */
const PARTS = ['studies', 'participants', 'interviews', 'search', 'summaries', 'segmentations', 'facts', 'analysis', 'tokens', 'audit', 'erasure', 'documents'] as const;
type Parts = { readonly [K in (typeof PARTS)[number]]: Async<SqliteStore[K]> };

/**
 * The store the app layer talks to: every call is a promise, so an engine whose queries travel
 * over a network can stand behind it. Writes that must land together go in `transaction`.
 */
export interface Store extends Parts {
  /** The SQLite file behind the store, for what only a file allows (worker threads with their own connection); null in memory and on PostgreSQL. */
  file(): string | null;
  /**
   * What a worker thread of this process opens (connectStore) to reach the same database with a
   * connection of its own: the SQLite file or the PostgreSQL URL; null in memory.
   */
  connection(): string | null;
  /** Turns between this thread's writes and those of the workers it starts (a large SQLite import's). */
  readonly writeTurns: WriteTurns;
  /**
   * Runs `fn` on the synchronous SQLite store, outside any other caller's transaction: for the
   * hot paths kept as one better-sqlite3 transaction (an import). Null on another engine.
   */
  readonly withSqlite: (<T>(fn: (sqlite: SqliteStore) => T) => Promise<T>) | null;
  fieldCatalog(studyId: number, segmentationId?: number): Promise<FieldCatalog>;
  databaseId(): Promise<string>;
  /**
   * Runs `fn` as one write transaction: all of it or nothing. `fn` uses the store it is given;
   * no other caller's statement runs inside it. Nested calls become savepoints.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The store for a --db value: a PostgreSQL URL (postgres://…), else a SQLite file. */
export async function connectStore(db: string): Promise<Store> {
  if (isPostgresUrl(db)) return (await import('./postgres/engine.js')).openPostgresStore(db);
  return openStore(db);
}

/** Opens the SQLite database at `path` (creating and migrating it) as the app layer's store. */
export function openStore(path: string): Store {
  return sqliteEngine(SqliteStore.open(path));
}

/** `sqlite` behind the async Store interface. */
export function sqliteEngine(sqlite: SqliteStore): Store {
  return engineOver(sqlite, new TransactionGate(), false);
}

let savepoints = 0;

/** `inTransaction`: the store of an open transaction, whose calls run at once (its caller holds the gate). */
function engineOver(sqlite: SqliteStore, gate: TransactionGate, inTransaction: boolean): Store {
  const view = <T extends object>(target: T) => asyncView(target, inTransaction ? null : gate);
  const parts = Object.fromEntries(PARTS.map((name) => [name, view(sqlite[name])])) as unknown as Parts;
  const root = view(sqlite);
  const db = sqlite.db;
  const store: Store = {
    ...parts,
    file: () => sqlite.file(),
    connection: () => sqlite.file(),
    writeTurns: sqlite.writeTurns,
    withSqlite: (fn) => (inTransaction ? Promise.resolve(fn(sqlite)) : gate.outside(() => fn(sqlite))),
    fieldCatalog: (studyId, segmentationId) => root.fieldCatalog(studyId, segmentationId),
    databaseId: () => root.databaseId(),
    async transaction(fn) {
      if (inTransaction) {
        const name = `seglab_${++savepoints}`;
        db.exec(`SAVEPOINT ${name}`);
        try {
          const result = await fn(store);
          db.exec(`RELEASE ${name}`);
          return result;
        } catch (error) {
          db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
          throw error;
        }
      }
      return gate.exclusive(async () => {
        // IMMEDIATE takes the write lock up front, so a second process waits rather than failing midway.
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(engineOver(sqlite, gate, true));
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      });
    },
    close: () => gate.outside(() => sqlite.close()),
  };
  return store;
}
