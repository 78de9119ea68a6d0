/** The audit log: who changed what, when, with which tool, in which study. */
import type { Caller } from '../domain/access.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';
import { now } from './studies.js';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actor_kind: Caller['kind'];
  role: string;
  tool: string;
  study_id: number | null;
  arguments: string;
}

export class AuditStore {
  constructor(private readonly db: Db) {}

  record(caller: Caller, tool: string, studyId: number | null, argumentSummary: string): void {
    prepared(this.db, 'INSERT INTO audit_log (at, actor, actor_kind, role, tool, study_id, arguments) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(now(), caller.name, caller.kind, caller.role, tool, studyId, argumentSummary);
  }

  /** Entries oldest first, optionally of one study and from a time on (ISO date or timestamp). */
  list(options: { studyId?: number | undefined; since?: string | undefined; limit?: number } = {}): AuditEntry[] {
    return prepared(this.db, 
        `SELECT * FROM audit_log WHERE (? IS NULL OR study_id = ?) AND (? IS NULL OR at >= ?) ORDER BY at, id LIMIT ?`,
      )
      .all(options.studyId ?? null, options.studyId ?? null, options.since ?? null, options.since ?? null, options.limit ?? -1) as AuditEntry[];
  }
}
