/** The audit log on PostgreSQL (the SQLite store: ../audit.ts). */
import type { Caller } from '../../domain/access.js';
import type { Async } from '../async-view.js';
import type { AuditEntry, AuditStore } from '../audit.js';
import { now } from '../studies.js';
import { rows, type Sql } from './sql.js';

export class PgAuditStore implements Async<AuditStore> {
  constructor(private readonly sql: Sql) {}

  async record(caller: Caller, tool: string, studyId: number | null, argumentSummary: string): Promise<void> {
    await this.sql.query('INSERT INTO audit_log (at, actor, actor_kind, role, tool, study_id, arguments) VALUES ($1, $2, $3, $4, $5, $6, $7)', [now(), caller.name, caller.kind, caller.role, tool, studyId, argumentSummary]);
  }

  list(options: { studyId?: number | undefined; since?: string | undefined; limit?: number } = {}): Promise<AuditEntry[]> {
    return rows<AuditEntry>(this.sql, 'SELECT * FROM audit_log WHERE ($1::bigint IS NULL OR study_id = $1) AND ($2::text IS NULL OR at >= $2) ORDER BY at, id LIMIT $3', [
      options.studyId ?? null,
      options.since ?? null,
      options.limit ?? null,
    ]);
  }
}
