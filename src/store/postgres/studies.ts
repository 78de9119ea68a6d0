/** Studies, their questions and attribute catalogue on PostgreSQL (the SQLite store: ../studies.ts). */
import { NotFoundError } from '../../errors.js';
import type { Question } from '../../domain/questions.js';
import type { AttributeFormat, AttributeType } from '../../domain/attributes.js';
import type { Async } from '../async-view.js';
import { LISTED_TAGS, now, shiftedListFacts, STUDY_COLUMNS, type Carried, type CountsChange, type ListFacts, type NewStudy, type StoredQuestion, type StudyAttribute, type StudyCounts, type StudyRow, type StudyStore } from '../studies.js';
import { first, rows, type Sql } from './sql.js';

/** list_studies' kept counts carried to the new data version when they were current (a write that changes no count; see StudyStore.touch). */
export const CARRIED_LIST_FACTS = "CASE WHEN (list_facts->>'version')::bigint = data_version THEN jsonb_set(list_facts::jsonb, '{version}', to_jsonb(data_version + 1))::json END";

/** The study's ($1) segmentations' export totals carried to the next data version when current (run before raising it). */
const CARRY_EXPORT_TOTALS = `UPDATE segmentations SET export_totals = jsonb_set(export_totals::jsonb, '{version}', to_jsonb((export_totals->>'version')::bigint + 1))::json
  WHERE study_id = $1 AND (export_totals->>'version')::bigint = (SELECT data_version FROM studies WHERE id = $1)`;

export class PgStudyStore implements Async<StudyStore> {
  constructor(private readonly sql: Sql) {}

  /** How many distinct tags and theme codes the study uses (the lists are cut at their limit). */
  async vocabularySizes(studyId: number): Promise<{ tags: number; themes: number }> {
    return (await first<{ tags: number; themes: number }>(
      this.sql,
      `SELECT (SELECT count(DISTINCT t.tag) FROM participant_tags t JOIN participants p ON p.id = t.participant_id WHERE p.study_id = $1) AS tags,
              (SELECT count(*) FROM themes t WHERE t.study_id = $1 AND EXISTS (SELECT 1 FROM theme_evidence e WHERE e.theme_id = t.id)) AS themes`,
      [studyId],
    ))!;
  }

  async create(study: NewStudy): Promise<StudyRow> {
    const at = now();
    const row = await first<StudyRow>(
      this.sql,
      `INSERT INTO studies (name, decision, description, mode, probing_depth, participant_criteria, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${STUDY_COLUMNS}`,
      [study.name, study.decision ?? null, study.description ?? null, study.mode, study.probing_depth, study.participant_criteria ?? null, at],
    );
    return row!;
  }

  async get(id: number): Promise<StudyRow> {
    const row = await first<StudyRow>(this.sql, `SELECT ${STUDY_COLUMNS} FROM studies WHERE id = $1`, [id]);
    if (!row) throw new NotFoundError(`No study with id ${id}. Call list_studies to see the studies, or create_study to make one.`);
    return row;
  }

  list(limit: number, afterId: number, only: number[] | null = null): Promise<StudyRow[]> {
    return rows<StudyRow>(this.sql, `SELECT ${STUDY_COLUMNS} FROM studies WHERE id > $1 AND ($2::bigint[] IS NULL OR id = ANY($2)) ORDER BY id LIMIT $3`, [afterId, only, limit]);
  }

  async countAll(only: number[] | null = null): Promise<number> {
    return (await first<{ n: number }>(this.sql, 'SELECT count(*) AS n FROM studies WHERE ($1::bigint[] IS NULL OR id = ANY($1))', [only]))!.n;
  }

  async counts(studyId: number): Promise<StudyCounts> {
    return (await first<StudyCounts>(
      this.sql,
      `SELECT count(*) AS participants,
              count(*) FILTER (WHERE i.status = 'completed') AS interviews_completed,
              count(*) FILTER (WHERE i.status = 'partial') AS interviews_partial,
              count(*) FILTER (WHERE i.id IS NULL) AS not_interviewed
         FROM participants p LEFT JOIN interviews i ON i.participant_id = p.id
        WHERE p.study_id = $1`,
      [studyId],
    ))!;
  }

  tagCounts(studyId: number, limit = LISTED_TAGS): Promise<{ tag: string; count: number }[]> {
    return rows(
      this.sql,
      `SELECT t.tag, count(*) AS count FROM participant_tags t JOIN participants p ON p.id = t.participant_id
        WHERE p.study_id = $1 GROUP BY t.tag ORDER BY count DESC, t.tag COLLATE "C" LIMIT $2`,
      [studyId, limit],
    );
  }

  async touch(studyId: number, dataChanged = true, carried: Carried = {}): Promise<void> {
    if (dataChanged && carried.exportTotals) await this.sql.query(CARRY_EXPORT_TOTALS, [studyId]);
    // The kept list counts go at once unless carried (they may name tags of a participant being erased).
    await this.sql.query(`UPDATE studies SET updated_at = $1${dataChanged ? `, data_version = data_version + 1, list_facts = ${carried.listFacts ? CARRIED_LIST_FACTS : 'NULL'}` : ''} WHERE id = $2`, [now(), studyId]);
  }

  async adjustListFacts(studyId: number, change: CountsChange): Promise<void> {
    const version = await this.dataVersion(studyId);
    const kept = await this.keptListFacts(studyId);
    if (kept?.version !== version) return;
    const shifted = shiftedListFacts(kept, change, version);
    await this.sql.query('UPDATE studies SET list_facts = $2 WHERE id = $1', [studyId, shifted && JSON.stringify(shifted)]);
  }

  async keptListFacts(studyId: number): Promise<ListFacts | null> {
    return ((await first<{ f: ListFacts | null }>(this.sql, 'SELECT list_facts AS f FROM studies WHERE id = $1', [studyId]))?.f ?? null);
  }

  async keepListFacts(studyId: number, facts: ListFacts): Promise<void> {
    await this.sql.query('UPDATE studies SET list_facts = $2 WHERE id = $1', [studyId, JSON.stringify(facts)]);
  }

  async dataVersion(studyId: number): Promise<number> {
    return (await first<{ v: number }>(this.sql, 'SELECT data_version AS v FROM studies WHERE id = $1', [studyId]))?.v ?? 0;
  }

  questions(studyId: number): Promise<StoredQuestion[]> {
    return rows<StoredQuestion>(this.sql, 'SELECT * FROM questions WHERE study_id = $1 ORDER BY position, id', [studyId]);
  }

  /** One statement for all the questions (unnest), so it is atomic without a transaction of its own. */
  async insertQuestions(studyId: number, questions: Question[]): Promise<void> {
    const at = now();
    await this.sql.query(
      `WITH added AS (
         INSERT INTO questions (study_id, key, type, text, options, scale_min, scale_max, min_label, max_label,
                                max_selections, min_selections, required, probing_depth, position, created_at)
         SELECT $1, q.key, q.type, q.text, q.options, q.scale_min, q.scale_max, q.min_label, q.max_label,
                q.max_selections, q.min_selections, q.required, q.probing_depth, q.position, $3
           FROM jsonb_to_recordset($2::jsonb) AS q(key text, type text, text text, options jsonb, scale_min float8, scale_max float8,
                min_label text, max_label text, max_selections int, min_selections int, required boolean, probing_depth int, position int)
         RETURNING 1),
       carried AS (${CARRY_EXPORT_TOTALS} RETURNING 1)
       UPDATE studies SET updated_at = $3, data_version = data_version + 1, list_facts = ${CARRIED_LIST_FACTS} WHERE id = $1`,
      [studyId, JSON.stringify(questions), at],
    );
  }

  async attributes(studyId: number): Promise<StudyAttribute[]> {
    const found = await rows<{ name: string; type: AttributeType; format: AttributeFormat | null }>(this.sql, 'SELECT name, type, format FROM study_attributes WHERE study_id = $1 ORDER BY position, name COLLATE "C"', [studyId]);
    return found.map((r) => ({ name: r.name, type: r.type, format: r.format ?? {} }));
  }

  async saveAttributes(studyId: number, attributes: { name: string; type: AttributeType; format?: AttributeFormat | undefined }[]): Promise<void> {
    await this.sql.query(
      `INSERT INTO study_attributes (study_id, name, type, position, format)
       SELECT $1, a.name, a.type, (SELECT COALESCE(MAX(position), 0) FROM study_attributes WHERE study_id = $1) + a.n, a.format
         FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (name text, type text, format jsonb)) WITH ORDINALITY AS a(name, type, format, n)
       ON CONFLICT (study_id, name) DO UPDATE SET type = excluded.type, format = excluded.format`,
      [studyId, JSON.stringify(attributes.map((a) => ({ name: a.name, type: a.type, format: a.format && Object.keys(a.format).length > 0 ? a.format : null })))],
    );
  }

  themeCounts(studyId: number, limit = 50): Promise<{ code: string; participants: number }[]> {
    return rows(
      this.sql,
      `SELECT t.code, count(DISTINCT e.participant_id) AS participants
         FROM themes t JOIN theme_evidence e ON e.theme_id = t.id
        WHERE t.study_id = $1 GROUP BY t.id, t.code ORDER BY participants DESC, t.code COLLATE "C" LIMIT $2`,
      [studyId, limit],
    );
  }

  async completeStudyIds(prefix: string): Promise<string[]> {
    return (await rows<{ id: string }>(this.sql, "SELECT id::text AS id FROM studies WHERE id::text LIKE $1 || '%' ORDER BY id LIMIT 20", [prefix])).map((r) => r.id);
  }
}
