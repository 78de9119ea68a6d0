/**
 * Erasure: deleting a participant or a study with everything that names them. Rows go through
 * the foreign keys' cascades (answers, interview, quotes, theme evidence, tags, memberships; the
 * full-text index through its triggers); `secure_delete` zeroes the freed bytes and FTS5's
 * secure-delete removes the words from the index. Texts derived from the person (segment
 * profiles and names, segmentation summaries, audit summaries) are rewritten by the caller
 * through `derivedTexts` / `rewrite`. `truncateWal` then moves everything into the main file and
 * empties the write-ahead log, which still holds earlier copies of the pages.
 */
import type { Db } from './db.js';
import { prepared } from './statements.js';

export interface ParticipantTraces {
  id: number;
  external_id: string;
  email: string | null;
  name: string | null;
  /** Everything they said (the full-text index: transcript, notes, open answers, quotes) and theme evidence. */
  texts: string[];
  /** Segmentations they were a member of. */
  segmentations: number[];
  counts: { answers: number; quotes: number; theme_evidence: number; memberships: number; interview: number };
}

/** A stored text that may quote or name a person: which row and column, and its content. */
export interface DerivedText {
  table: 'segments' | 'segmentations' | 'audit_log';
  key: number[];
  column: string;
  json: boolean;
  text: string;
}

export const ERASABLE: Record<DerivedText['table'], { where: string; columns: { name: string; json: boolean }[] }> = {
  segments: { where: 'segmentation_id = ? AND segment_id = ?', columns: [{ name: 'name', json: false }, { name: 'description', json: false }, { name: 'persona', json: false }, { name: 'playbook', json: true }, { name: 'definition', json: true }, { name: 'profile', json: true }] },
  segmentations: { where: 'id = ?', columns: [{ name: 'parameters', json: true }, { name: 'summary', json: true }, { name: 'diagnostics', json: true }, { name: 'prioritization', json: true }] },
  audit_log: { where: 'id = ?', columns: [{ name: 'arguments', json: true }] },
};

export class ErasureStore {
  constructor(private readonly db: Db) {}

  traces(participantId: number): ParticipantTraces {
    const p = prepared(this.db, 'SELECT id, external_id, email, name FROM participants WHERE id = ?').get(participantId) as Pick<ParticipantTraces, 'id' | 'external_id' | 'email' | 'name'>;
    const texts = prepared(this.db, 
        `SELECT text FROM said WHERE participant_id = ?
         UNION ALL SELECT evidence FROM theme_evidence WHERE participant_id = ? AND evidence <> ''`,
      )
      .pluck()
      .all(participantId, participantId) as string[];
    const segmentations = prepared(this.db, 'SELECT DISTINCT segmentation_id FROM segment_members WHERE participant_id = ? ORDER BY 1').pluck().all(participantId) as number[];
    const count = (sql: string) => (prepared(this.db, sql).pluck().get(participantId) as number) ?? 0;
    return {
      ...p,
      texts: [...new Set(texts)],
      segmentations,
      counts: {
        answers: count('SELECT COUNT(*) FROM answers WHERE participant_id = ?'),
        quotes: count('SELECT COUNT(*) FROM quotes WHERE participant_id = ?'),
        theme_evidence: count('SELECT COUNT(*) FROM theme_evidence WHERE participant_id = ?'),
        memberships: count('SELECT COUNT(*) FROM segment_members WHERE participant_id = ?'),
        interview: count('SELECT COUNT(*) FROM interviews WHERE participant_id = ?'),
      },
    };
  }

  deleteParticipant(participantId: number): void {
    prepared(this.db, 'DELETE FROM participants WHERE id = ?').run(participantId);
  }

  /** Deletes a study and everything in it; returns how many participants it had. */
  deleteStudy(studyId: number): number {
    const participants = prepared(this.db, 'SELECT COUNT(*) FROM participants WHERE study_id = ?').pluck().get(studyId) as number;
    // Participants first, so their rows leave the full-text index through its triggers.
    prepared(this.db, 'DELETE FROM participants WHERE study_id = ?').run(studyId);
    prepared(this.db, 'DELETE FROM studies WHERE id = ?').run(studyId);
    // SQLite may give the id to the next study: tokens limited to this one must not inherit it.
    prepared(
      this.db,
      `UPDATE api_tokens SET studies = (SELECT json_group_array(value) FROM json_each(api_tokens.studies) WHERE value <> @id)
        WHERE studies IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(api_tokens.studies) WHERE value = @id)`,
    ).run({ id: studyId });
    return participants;
  }

  /** Every stored text of a study that could name or quote a participant. */
  derivedTexts(studyId: number): DerivedText[] {
    const out: DerivedText[] = [];
    const collect = (table: DerivedText['table'], rows: Record<string, unknown>[], keyOf: (r: Record<string, unknown>) => number[]) => {
      for (const row of rows) {
        for (const { name, json } of ERASABLE[table].columns) {
          const text = row[name];
          if (typeof text === 'string') out.push({ table, key: keyOf(row), column: name, json, text });
        }
      }
    };
    collect('segments', prepared(this.db, 'SELECT g.* FROM segments g JOIN segmentations s ON s.id = g.segmentation_id WHERE s.study_id = ?').all(studyId) as Record<string, unknown>[], (r) => [r.segmentation_id as number, r.segment_id as number]);
    collect('segmentations', prepared(this.db, 'SELECT * FROM segmentations WHERE study_id = ?').all(studyId) as Record<string, unknown>[], (r) => [r.id as number]);
    collect('audit_log', prepared(this.db, 'SELECT id, arguments FROM audit_log WHERE study_id = ?').all(studyId) as Record<string, unknown>[], (r) => [r.id as number]);
    return out;
  }

  rewrite(text: DerivedText, value: string): void {
    const spec = ERASABLE[text.table];
    if (!spec.columns.some((c) => c.name === text.column)) throw new Error(`not an erasable column: ${text.table}.${text.column}`);
    prepared(this.db, `UPDATE ${text.table} SET ${text.column} = ? WHERE ${spec.where}`).run(value, ...text.key);
  }

  replaceProfile(segmentationId: number, segmentId: number, profile: unknown): void {
    // The card is built from the profile (and may cite the erased person): it goes with it, rebuilt when next read.
    prepared(this.db, 'UPDATE segments SET profile = ?, card = NULL WHERE segmentation_id = ? AND segment_id = ?').run(JSON.stringify(profile), segmentationId, segmentId);
  }

  replaceSummary(segmentationId: number, summary: unknown): void {
    prepared(this.db, 'UPDATE segmentations SET summary = ? WHERE id = ?').run(JSON.stringify(summary), segmentationId);
  }

  /** Audit summaries of a deleted study: who and when stay, the arguments go. */
  eraseAuditArguments(studyId: number): void {
    prepared(this.db, `UPDATE audit_log SET arguments = '{"erased":"study deleted"}' WHERE study_id = ?`).run(studyId);
  }

  /**
   * Checkpoints the write-ahead log into the main file and truncates it to zero bytes. False when
   * another connection still reads an older snapshot: the log then empties at the next checkpoint.
   */
  truncateWal(): boolean {
    if (this.db.memory || (this.db.pragma('journal_mode', { simple: true }) as string) !== 'wal') return true;
    const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    return result !== undefined && result.busy === 0;
  }
}
