/**
 * Erasure on PostgreSQL (the SQLite store and what it guarantees: ../erasure.ts). Rows go through
 * the same cascades and triggers. PostgreSQL has no secure_delete: a deleted row's bytes stay in
 * its table until VACUUM reclaims the space, and in the write-ahead log and backups until they
 * are recycled, so `truncateWal` vacuums the tables that held the person and says false.
 */
import type { Async } from '../async-view.js';
import { ERASABLE, type DerivedText, type ErasureStore, type ParticipantTraces } from '../erasure.js';
import { first, rows, type Sql } from './sql.js';

export class PgErasureStore implements Async<ErasureStore> {
  constructor(private readonly sql: Sql) {}

  async traces(participantId: number): Promise<ParticipantTraces> {
    const p = (await first<Pick<ParticipantTraces, 'id' | 'external_id' | 'email' | 'name'>>(this.sql, 'SELECT id, external_id, email, name FROM participants WHERE id = $1', [participantId]))!;
    const texts = (await rows<{ text: string }>(this.sql, `SELECT text FROM said WHERE participant_id = $1 UNION ALL SELECT evidence FROM theme_evidence WHERE participant_id = $1 AND evidence <> ''`, [participantId])).map((r) => r.text);
    const segmentations = (await rows<{ id: number }>(this.sql, 'SELECT DISTINCT segmentation_id AS id FROM segment_members WHERE participant_id = $1 ORDER BY 1', [participantId])).map((r) => r.id);
    const counts = (await first<ParticipantTraces['counts']>(
      this.sql,
      `SELECT (SELECT count(*) FROM answers WHERE participant_id = $1) AS answers, (SELECT count(*) FROM quotes WHERE participant_id = $1) AS quotes,
              (SELECT count(*) FROM theme_evidence WHERE participant_id = $1) AS theme_evidence, (SELECT count(*) FROM segment_members WHERE participant_id = $1) AS memberships,
              (SELECT count(*) FROM interviews WHERE participant_id = $1) AS interview`,
      [participantId],
    ))!;
    return { ...p, texts: [...new Set(texts)], segmentations, counts };
  }

  async deleteParticipant(participantId: number): Promise<void> {
    await this.sql.query('DELETE FROM participants WHERE id = $1', [participantId]);
  }

  deleteStudy(studyId: number): Promise<number> {
    return this.sql.atomically(async (client) => {
      const participants = (await first<{ n: number }>(client, 'SELECT count(*) AS n FROM participants WHERE study_id = $1', [studyId]))!.n;
      await client.query('DELETE FROM participants WHERE study_id = $1', [studyId]);
      await client.query('DELETE FROM studies WHERE id = $1', [studyId]);
      // Identity values are never reused, but tokens limited to a deleted study should not name it.
      await client.query(
        `UPDATE api_tokens SET studies = (SELECT COALESCE(json_agg(value), '[]'::json) FROM json_array_elements(api_tokens.studies) WHERE value::text::bigint <> $1)
          WHERE studies IS NOT NULL AND EXISTS (SELECT 1 FROM json_array_elements(api_tokens.studies) WHERE value::text::bigint = $1)`,
        [studyId],
      );
      return participants;
    });
  }

  async derivedTexts(studyId: number): Promise<DerivedText[]> {
    const out: DerivedText[] = [];
    // json columns as their stored text (json keeps it exactly).
    const select = (table: DerivedText['table']) => ERASABLE[table].columns.map((c) => (c.json ? `${c.name}::text AS ${c.name}` : c.name)).join(', ');
    const collect = (table: DerivedText['table'], found: Record<string, unknown>[], keyOf: (r: Record<string, unknown>) => number[]) => {
      for (const row of found) {
        for (const { name, json } of ERASABLE[table].columns) {
          const text = row[name];
          if (typeof text === 'string') out.push({ table, key: keyOf(row), column: name, json, text });
        }
      }
    };
    collect('segments', await rows(this.sql, `SELECT g.segmentation_id, g.segment_id, ${select('segments').replace(/(^|, )(\w+)/g, '$1g.$2')} FROM segments g JOIN segmentations s ON s.id = g.segmentation_id WHERE s.study_id = $1`, [studyId]), (r) => [r.segmentation_id as number, r.segment_id as number]);
    collect('segmentations', await rows(this.sql, `SELECT id, ${select('segmentations')} FROM segmentations WHERE study_id = $1`, [studyId]), (r) => [r.id as number]);
    collect('audit_log', await rows(this.sql, 'SELECT id, arguments FROM audit_log WHERE study_id = $1', [studyId]), (r) => [r.id as number]);
    return out;
  }

  async rewrite(text: DerivedText, value: string): Promise<void> {
    const spec = ERASABLE[text.table];
    if (!spec.columns.some((c) => c.name === text.column)) throw new Error(`not an erasable column: ${text.table}.${text.column}`);
    let n = 1;
    await this.sql.query(`UPDATE ${text.table} SET ${text.column} = $1 WHERE ${spec.where.replace(/\?/g, () => `$${++n}`)}`, [value, ...text.key]);
  }

  async replaceProfile(segmentationId: number, segmentId: number, profile: unknown): Promise<void> {
    // The card is built from the profile (and may cite the erased person): it goes with it, rebuilt when next read.
    await this.sql.query('UPDATE segments SET profile = $1, card = NULL WHERE segmentation_id = $2 AND segment_id = $3', [JSON.stringify(profile), segmentationId, segmentId]);
  }

  async replaceSummary(segmentationId: number, summary: unknown): Promise<void> {
    await this.sql.query('UPDATE segmentations SET summary = $1 WHERE id = $2', [JSON.stringify(summary), segmentationId]);
  }

  async eraseAuditArguments(studyId: number): Promise<void> {
    await this.sql.query(`UPDATE audit_log SET arguments = '{"erased":"study deleted"}' WHERE study_id = $1`, [studyId]);
  }

  async truncateWal(): Promise<boolean> {
    if (!this.sql.inTransaction) await this.sql.query('VACUUM participants, participant_tags, interviews, answers, quotes, theme_evidence, said, said_chunks, segment_members, segment_predictions, segments, segmentations, audit_log');
    return false;
  }
}
