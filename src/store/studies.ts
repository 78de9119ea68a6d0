import { NotFoundError } from '../errors.js';
import type { Question, QuestionType } from '../domain/questions.js';
import type { AttributeFormat, AttributeType } from '../domain/attributes.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';

export type InterviewMode = 'exploratory' | 'hybrid' | 'structured';

export interface StudyRow {
  id: number;
  name: string;
  decision: string | null;
  description: string | null;
  mode: InterviewMode;
  probing_depth: number;
  participant_criteria: string | null;
  created_at: string;
  updated_at: string;
}

/** The columns of a StudyRow (studies also keeps data_version, which is the store's business). */
export const STUDY_COLUMNS = 'id, name, decision, description, mode, probing_depth, participant_criteria, created_at, updated_at';

/** What list_studies shows of a study, counted at the study's data version `version`. */
export interface ListFacts {
  version: number;
  counts: StudyCounts;
  tags: { tag: string; count: number }[];
}

export interface StudyCounts {
  participants: number;
  interviews_completed: number;
  interviews_partial: number;
  not_interviewed: number;
}

/** How a write changes list_studies' counts: added to each count, and per tag to its participants. */
export interface CountsChange {
  counts: Partial<StudyCounts>;
  tags?: Record<string, number>;
}

/**
 * What a write leaves true of the figures kept at the study's data version (StudyStore.touch):
 * `listFacts`, list_studies' counts (unchanged, or adjusted by the write with adjustListFacts);
 * `exportTotals`, every segmentation's export totals (no membership or participant's e-mail changed).
 */
export interface Carried {
  listFacts?: boolean;
  exportTotals?: boolean;
}

/** Carried by a write that changes nothing list_studies or an export counts (themes, questions, an attribute's type). */
export const UNCOUNTED: Carried = { listFacts: true, exportTotals: true };

/** The tags list_studies keeps and checks (most common first). */
export const LISTED_TAGS = 50;

/** The counts change of one participant's interview going from `before` to `after` (null: none). */
export function interviewCountsChange(before: 'completed' | 'partial' | null, after: 'completed' | 'partial' | null): CountsChange {
  const bucket = (status: 'completed' | 'partial' | null) => (status === null ? 'not_interviewed' : (`interviews_${status}` as const));
  const counts: Partial<StudyCounts> = {};
  counts[bucket(before)] = (counts[bucket(before)] ?? 0) - 1;
  counts[bucket(after)] = (counts[bucket(after)] ?? 0) + 1;
  return { counts };
}

/** The counts change of a new participant with `tags` (distinct), not interviewed yet. */
export function newParticipantChange(tags: string[]): CountsChange {
  return { counts: { participants: 1, not_interviewed: 1 }, tags: Object.fromEntries(tags.map((t) => [t, 1])) };
}

/** The counts change of a participant deleted with their interview (`status`) and distinct `tags`. */
export function removedParticipantChange(status: 'completed' | 'partial' | null, tags: string[]): CountsChange {
  const { counts } = interviewCountsChange(status, null);
  return { counts: { ...counts, participants: -1, not_interviewed: (counts.not_interviewed ?? 0) - 1 }, tags: Object.fromEntries(tags.map((t) => [t, -1])) };
}

/**
 * Kept list facts after a write's change, at `version`; null when the change cannot be applied
 * without counting: a tag outside the kept most common ones while they are cut at LISTED_TAGS (its
 * count is unknown, and one of them losing members may let another in).
 */
export function shiftedListFacts(facts: ListFacts, change: CountsChange, version: number): ListFacts | null {
  const counts = { ...facts.counts };
  for (const [key, n] of Object.entries(change.counts) as [keyof StudyCounts, number][]) counts[key] += n;
  const tags = new Map(facts.tags.map((t) => [t.tag, t.count]));
  const complete = facts.tags.length < LISTED_TAGS;
  for (const [tag, n] of Object.entries(change.tags ?? {})) {
    if (n === 0) continue;
    if (!complete && (n < 0 || !tags.has(tag))) return null;
    const count = (tags.get(tag) ?? 0) + n;
    if (count > 0) tags.set(tag, count);
    else tags.delete(tag);
  }
  const sorted = [...tags].map(([tag, count]) => ({ tag, count })).sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return { version, counts, tags: sorted.slice(0, LISTED_TAGS) };
}

export interface NewStudy {
  name: string;
  decision?: string | undefined;
  description?: string | undefined;
  mode: InterviewMode;
  probing_depth: number;
  participant_criteria?: string | undefined;
}

export interface StoredQuestion extends Question {
  id: number;
}

interface QuestionRow {
  id: number;
  key: string;
  type: QuestionType;
  text: string;
  options: string | null;
  scale_min: number | null;
  scale_max: number | null;
  min_label: string | null;
  max_label: string | null;
  max_selections: number | null;
  min_selections: number | null;
  required: number;
  probing_depth: number | null;
  position: number;
}

/** An entry of a study's attribute catalogue. */
export interface StudyAttribute {
  name: string;
  type: AttributeType;
  format: AttributeFormat;
}

export const now = (): string => new Date().toISOString();

function toQuestion(row: QuestionRow): StoredQuestion {
  return {
    ...row,
    options: row.options === null ? null : (JSON.parse(row.options) as string[]),
    required: row.required === 1,
  };
}

/** Studies, their questions and their attribute catalogue. */
export class StudyStore {
  constructor(private readonly db: Db) {}

  create(study: NewStudy): StudyRow {
    const at = now();
    const info = prepared(this.db, 
        `INSERT INTO studies (name, decision, description, mode, probing_depth, participant_criteria, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(study.name, study.decision ?? null, study.description ?? null, study.mode, study.probing_depth, study.participant_criteria ?? null, at, at);
    return this.get(Number(info.lastInsertRowid));
  }

  get(id: number): StudyRow {
    const row = prepared(this.db, `SELECT ${STUDY_COLUMNS} FROM studies WHERE id = ?`).get(id) as StudyRow | undefined;
    if (!row) throw new NotFoundError(`No study with id ${id}. Call list_studies to see the studies, or create_study to make one.`);
    return row;
  }

  /** @param only the studies a caller may see (null: all) */
  list(limit: number, afterId: number, only: number[] | null = null): StudyRow[] {
    return prepared(this.db, `SELECT ${STUDY_COLUMNS} FROM studies WHERE id > ? AND (? IS NULL OR id IN (SELECT value FROM json_each(?))) ORDER BY id LIMIT ?`).all(afterId, only && 1, JSON.stringify(only), limit) as StudyRow[];
  }

  countAll(only: number[] | null = null): number {
    return (prepared(this.db, 'SELECT COUNT(*) AS n FROM studies WHERE (? IS NULL OR id IN (SELECT value FROM json_each(?)))').get(only && 1, JSON.stringify(only)) as { n: number }).n;
  }

  counts(studyId: number): StudyCounts {
    const row = prepared(this.db, 
        `SELECT COUNT(*) AS participants,
                COALESCE(SUM(i.status = 'completed'), 0) AS interviews_completed,
                COALESCE(SUM(i.status = 'partial'), 0) AS interviews_partial,
                COALESCE(SUM(i.id IS NULL), 0) AS not_interviewed
           FROM participants p LEFT JOIN interviews i ON i.participant_id = p.id
          WHERE p.study_id = ?`,
      )
      .get(studyId) as StudyCounts;
    return row;
  }

  /** Participants per tag, most common first. */
  tagCounts(studyId: number, limit = LISTED_TAGS): { tag: string; count: number }[] {
    return prepared(this.db, 
        `SELECT t.tag, COUNT(*) AS count FROM participant_tags t JOIN participants p ON p.id = t.participant_id
          WHERE p.study_id = ? GROUP BY t.tag ORDER BY count DESC, t.tag LIMIT ?`,
      )
      .all(studyId, limit) as { tag: string; count: number }[];
  }

  /** How many distinct tags and theme codes the study uses (the lists above are cut at their limit). */
  vocabularySizes(studyId: number): { tags: number; themes: number } {
    return prepared(this.db,
        `SELECT (SELECT COUNT(DISTINCT t.tag) FROM participant_tags t JOIN participants p ON p.id = t.participant_id WHERE p.study_id = ?) AS tags,
                (SELECT COUNT(*) FROM themes t WHERE t.study_id = ? AND EXISTS (SELECT 1 FROM theme_evidence e WHERE e.theme_id = t.id)) AS themes`,
      )
      .get(studyId, studyId) as { tags: number; themes: number };
  }

  /**
   * Marks the study as changed now. `dataChanged` (the default) also raises its data version: a write
   * that changes what participants are, said or belong to (what stored segment cards are built from).
   * Figures kept at the old version stay true after a write that does not change them: `carried`
   * names those carried to the new version (when they were current), the rest are counted again.
   */
  touch(studyId: number, dataChanged = true, carried: Carried = {}): void {
    if (dataChanged && carried.exportTotals) {
      prepared(this.db, `UPDATE segmentations SET export_totals = json_set(export_totals, '$.version', json_extract(export_totals, '$.version') + 1)
                          WHERE study_id = ? AND json_extract(export_totals, '$.version') = (SELECT data_version FROM studies WHERE id = ?)`).run(studyId, studyId);
    }
    // The kept list counts go at once unless carried (they may name tags of a participant being erased).
    const facts = carried.listFacts ? `CASE WHEN json_extract(list_facts, '$.version') = data_version THEN json_set(list_facts, '$.version', data_version + 1) END` : 'NULL';
    prepared(this.db, `UPDATE studies SET updated_at = ?${dataChanged ? `, data_version = data_version + 1, list_facts = ${facts}` : ''} WHERE id = ?`).run(now(), studyId);
  }

  /** list_studies' counts of the study as kept at a data version (null: none kept). */
  keptListFacts(studyId: number): ListFacts | null {
    const text = prepared(this.db, 'SELECT list_facts FROM studies WHERE id = ?').pluck().get(studyId) as string | null | undefined;
    return text ? (JSON.parse(text) as ListFacts) : null;
  }

  keepListFacts(studyId: number, facts: ListFacts): void {
    prepared(this.db, 'UPDATE studies SET list_facts = ? WHERE id = ?').run(JSON.stringify(facts), studyId);
  }

  /**
   * Applies a write's change to list_studies' kept counts when they are current (else they are
   * counted again when next listed), in the write's transaction: so they stay exact without a count.
   */
  adjustListFacts(studyId: number, change: CountsChange): void {
    const version = this.dataVersion(studyId);
    const kept = this.keptListFacts(studyId);
    if (kept?.version !== version) return;
    const shifted = shiftedListFacts(kept, change, version);
    prepared(this.db, 'UPDATE studies SET list_facts = ? WHERE id = ?').run(shifted && JSON.stringify(shifted), studyId);
  }

  /** How many data changes the study has had (see touch); stored segment cards name the count they were built at. */
  dataVersion(studyId: number): number {
    return (prepared(this.db, 'SELECT data_version FROM studies WHERE id = ?').pluck().get(studyId) as number | undefined) ?? 0;
  }

  questions(studyId: number): StoredQuestion[] {
    const rows = prepared(this.db, 'SELECT * FROM questions WHERE study_id = ? ORDER BY position, id').all(studyId) as QuestionRow[];
    return rows.map(toQuestion);
  }

  insertQuestions(studyId: number, questions: Question[]): void {
    const insert = prepared(this.db, 
      `INSERT INTO questions (study_id, key, type, text, options, scale_min, scale_max, min_label, max_label,
                              max_selections, min_selections, required, probing_depth, position, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const at = now();
    this.db.transaction(() => {
      for (const q of questions) {
        insert.run(studyId, q.key, q.type, q.text, q.options ? JSON.stringify(q.options) : null, q.scale_min, q.scale_max,
          q.min_label, q.max_label, q.max_selections, q.min_selections, q.required ? 1 : 0, q.probing_depth, q.position, at);
      }
      this.touch(studyId, true, UNCOUNTED);
    })();
  }

  /** The attribute catalogue: each attribute's type and format (unit, decimal comma, date order). */
  attributes(studyId: number): StudyAttribute[] {
    const rows = prepared(this.db, 'SELECT name, type, format FROM study_attributes WHERE study_id = ? ORDER BY position, name').all(studyId) as { name: string; type: AttributeType; format: string | null }[];
    return rows.map((r) => ({ name: r.name, type: r.type, format: r.format ? (JSON.parse(r.format) as AttributeFormat) : {} }));
  }

  /** Adds new attributes to the catalogue and records changed types and formats. Call inside a transaction. */
  saveAttributes(studyId: number, attributes: { name: string; type: AttributeType; format?: AttributeFormat | undefined }[]): void {
    const next = (prepared(this.db, 'SELECT COALESCE(MAX(position), 0) AS p FROM study_attributes WHERE study_id = ?').get(studyId) as { p: number }).p;
    const upsert = prepared(
      this.db,
      `INSERT INTO study_attributes (study_id, name, type, position, format) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (study_id, name) DO UPDATE SET type = excluded.type, format = excluded.format`,
    );
    attributes.forEach((a, i) => upsert.run(studyId, a.name, a.type, next + i + 1, a.format && Object.keys(a.format).length > 0 ? JSON.stringify(a.format) : null));
  }

  /** Theme codes of the study with how many participants show each. */
  themeCounts(studyId: number, limit = 50): { code: string; participants: number }[] {
    return prepared(this.db, 
        `SELECT t.code, COUNT(DISTINCT e.participant_id) AS participants
           FROM themes t JOIN theme_evidence e ON e.theme_id = t.id
          WHERE t.study_id = ? GROUP BY t.id ORDER BY participants DESC, t.code LIMIT ?`,
      )
      .all(studyId, limit) as { code: string; participants: number }[];
  }

  /** Ids for completions. */
  completeStudyIds(prefix: string): string[] {
    return (prepared(this.db, "SELECT CAST(id AS TEXT) AS id FROM studies WHERE CAST(id AS TEXT) LIKE ? || '%' ORDER BY id LIMIT 20").all(prefix) as { id: string }[]).map((r) => r.id);
  }
}
