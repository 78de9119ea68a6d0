import { AnalysisStore } from './analysis.js';
import { openDatabase, type Db } from './db.js';
import { InterviewStore } from './interviews.js';
import { ParticipantStore } from './participants.js';
import { QueryStore } from './query.js';
import { SegmentStore } from './segments.js';
import { StudyStore } from './studies.js';
import { SummaryStore } from './summary.js';

/** The one object tools talk to for persistence; every SQL statement lives below it. */
export class Store {
  readonly studies: StudyStore;
  readonly participants: ParticipantStore;
  readonly interviews: InterviewStore;
  readonly query: QueryStore;
  readonly summaries: SummaryStore;
  readonly segments: SegmentStore;
  readonly analysis: AnalysisStore;

  constructor(readonly db: Db) {
    this.studies = new StudyStore(db);
    this.participants = new ParticipantStore(db, this.studies);
    this.interviews = new InterviewStore(db, this.studies);
    this.query = new QueryStore(db, this.studies);
    this.summaries = new SummaryStore(db);
    this.segments = new SegmentStore(db, this.studies);
    this.analysis = new AnalysisStore(db);
  }

  static open(path: string): Store {
    return new Store(openDatabase(path));
  }

  /** Runs `fn` in one write transaction (IMMEDIATE: takes the lock up front, so a second process waits). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    this.db.close();
  }
}
