import { AnalysisStore } from './analysis.js';
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

/** The one object tools talk to for persistence; every SQL statement lives below it. */
export class Store {
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

  static open(path: string): Store {
    return new Store(openDatabase(path));
  }

  /** This database's random id (its reports folder is named after it). */
  databaseId(): string {
    return this.db.prepare('SELECT id FROM database_info').pluck().get() as string;
  }

  /** Runs `fn` in one write transaction (IMMEDIATE: takes the lock up front, so a second process waits). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** The database's file, or null when it lives in memory (no other connection can open it). */
  file(): string | null {
    return this.db.memory || this.db.name === '' ? null : this.db.name;
  }

  close(): void {
    this.db.close();
  }
}
