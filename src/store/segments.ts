/**
 * Segmentations: loading what clustering needs (participant facts, texts), and storing and
 * reading segmentations, segments and memberships.
 */
import { NotFoundError } from '../errors.js';
import type { AttributeValue } from '../domain/attributes.js';
import type { ParticipantFacts, StudyCatalog } from '../domain/segments/facts.js';
import type { AnswerValue } from '../domain/questions.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';
import { answerColumns, readColumns } from './columns.js';
import { fromStored } from './interviews.js';
import { now, type StudyStore } from './studies.js';

export type SegmentationMethod = 'kmeans' | 'rules' | 'rfm';

/** Up to this many ids a read filters in SQL; above, it reads the whole study and filters in JS. */
const SQL_FILTER_IDS = 5000;

/**
 * Restricts a read to some participants (all when `only` is undefined). A short list is passed to
 * SQL; a long one (a whole segmentation's members) costs more through json_each than reading the
 * study and keeping the wanted rows here.
 */
function idFilter(only?: number[]) {
  const wanted = only ? new Set(only) : null;
  const inSql = only !== undefined && only.length <= SQL_FILTER_IDS;
  const filter = (column: string) => (inSql ? ` AND ${column} IN (SELECT value FROM json_each(?))` : '');
  const params = (...first: unknown[]): unknown[] => (inSql ? [...first, JSON.stringify(only)] : first);
  return {
    keeps: (id: number) => wanted === null || wanted.has(id),
    filter,
    params,
    /** The same restriction for answerColumns. */
    answers: { sql: filter('participant_id'), params: params() },
  };
}

export interface Playbook {
  product?: string | undefined;
  marketing?: string | undefined;
  sales?: string | undefined;
  customer_success?: string | undefined;
}

export interface SegmentationRow {
  id: number;
  study_id: number;
  method: SegmentationMethod;
  k: number;
  overlapping: boolean;
  parameters: Record<string, unknown>;
  encoding: unknown;
  diagnostics: unknown;
  summary: Record<string, unknown>;
  prioritization: unknown;
  created_at: string;
}

export interface SegmentRow {
  segment_id: number;
  name: string | null;
  description: string | null;
  persona: string | null;
  playbook: Playbook | null;
  definition: unknown;
  profile: Record<string, unknown>;
  size: number;
  updated_at: string;
}

export interface NewSegmentation {
  studyId: number;
  method: SegmentationMethod;
  k: number;
  overlapping: boolean;
  parameters: unknown;
  encoding: unknown;
  diagnostics: unknown;
  summary: unknown;
  segments: { segment_id: number; name: string | null; description: string | null; definition: unknown; profile: unknown }[];
  /** Internal participant ids with their segment. */
  members: { participant: number; segment_id: number; distance: number | null; detail: unknown }[];
}

export interface MemberRow {
  id: number;
  participant_id: string;
  name: string | null;
  email: string | null;
  segment_id: number;
  distance: number | null;
  detail: unknown;
  assigned_by: 'fit' | 'assign';
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));
const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

export class SegmentStore {
  constructor(
    private readonly db: Db,
    private readonly studies: StudyStore,
  ) {}

  catalog(studyId: number): StudyCatalog {
    const themes = (prepared(this.db, 'SELECT code FROM themes WHERE study_id = ? ORDER BY code').all(studyId) as { code: string }[]).map((t) => t.code);
    return { questions: this.studies.questions(studyId), attributes: this.studies.attributes(studyId), themes };
  }

  /** Everything the segmentation code reads about participants, in id order (optionally only some). */
  facts(studyId: number, only?: number[]): ParticipantFacts[] {
    const { keeps, filter, params, answers } = idFilter(only);

    const [ids, externalIds, emails, names, attributes] = readColumns<[number, string, string | null, string | null, Record<string, AttributeValue>]>(
      this.db,
      `SELECT json_group_array(p.id), json_group_array(p.external_id), json_group_array(p.email), json_group_array(p.name), json_group_array(json(p.attributes))
         FROM participants p WHERE p.study_id = ?${filter('p.id')}`,
      params(studyId),
    );
    const byId = new Map<number, ParticipantFacts>();
    const facts: ParticipantFacts[] = [];
    ids.forEach((id, i) => {
      if (!keeps(id)) return;
      const f: ParticipantFacts = { id, participant_id: externalIds[i]!, email: emails[i]!, name: names[i]!, attributes: attributes[i]!, answers: new Map(), themes: new Set(), tags: [], status: 'not_interviewed' };
      byId.set(id, f);
      facts.push(f);
    });
    facts.sort((a, b) => a.id - b.id);

    const [interviewed, statuses] = readColumns<[number, ParticipantFacts['status']]>(
      this.db,
      `SELECT json_group_array(i.participant_id), json_group_array(i.status) FROM interviews i JOIN participants p ON p.id = i.participant_id WHERE p.study_id = ?${filter('p.id')}`,
      params(studyId),
    );
    interviewed.forEach((id, i) => {
      const f = byId.get(id);
      if (f) f.status = statuses[i]!;
    });

    // Answers question by question from the covering index; lists are parsed once per distinct
    // list and shared (frozen: readers never change them).
    for (const q of this.studies.questions(studyId)) {
      if (q.type === 'open_ended') continue;
      const [participants, values] = answerColumns<number | string>(this.db, q.id, answers);
      const lists = new Map<string, AnswerValue>();
      const isList = q.type === 'multiple_choice' || q.type === 'ranking';
      participants.forEach((id, i) => {
        const f = byId.get(id);
        if (!f) return;
        const stored = values[i]!;
        if (!isList) return void f.answers.set(q.key, stored as AnswerValue);
        let list = lists.get(stored as string);
        if (list === undefined) lists.set(stored as string, (list = Object.freeze(fromStored(q.type, stored)) as AnswerValue));
        f.answers.set(q.key, list);
      });
    }
    const [themed, codes] = readColumns<[number, string]>(
      this.db,
      `SELECT json_group_array(e.participant_id), json_group_array(t.code) FROM theme_evidence e JOIN themes t ON t.id = e.theme_id WHERE t.study_id = ?${filter('e.participant_id')}`,
      params(studyId),
    );
    themed.forEach((id, i) => byId.get(id)?.themes.add(codes[i]!));
    const [tagged, tags] = readColumns<[number, string]>(
      this.db,
      `SELECT json_group_array(t.participant_id), json_group_array(t.tag) FROM participant_tags t JOIN participants p ON p.id = t.participant_id WHERE p.study_id = ?${filter('t.participant_id')}`,
      params(studyId),
    );
    tagged.forEach((id, i) => byId.get(id)?.tags.push(tags[i]!));
    // Tags in SQLite's order (byte order, as ORDER BY tag would give): sorted per participant, most have one or two.
    for (const f of facts) if (f.tags.length > 1) f.tags.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return facts;
  }

  /** What participants said, for distinctive words and quotes: open answers and recorded quotes. */
  texts(studyId: number, participantIds: number[]): { participant: number; kind: 'answer' | 'quote'; question: string | null; text: string }[] {
    if (participantIds.length === 0) return [];
    const { keeps, filter, params, answers } = idFilter(participantIds);
    const out: { participant: number; kind: 'answer' | 'quote'; question: string | null; text: string }[] = [];
    // Open questions one by one from the covering index (not every answer of every member).
    for (const q of this.studies.questions(studyId)) {
      if (q.type !== 'open_ended') continue;
      const [ids, values] = answerColumns<string>(this.db, q.id, answers);
      ids.forEach((id, i) => keeps(id) && out.push({ participant: id, kind: 'answer', question: q.key, text: values[i]! }));
    }
    const [ids, keys, texts] = readColumns<[number, string | null, string]>(
      this.db,
      `SELECT json_group_array(qu.participant_id), json_group_array(q.key), json_group_array(qu.text)
         FROM quotes qu JOIN participants p ON p.id = qu.participant_id LEFT JOIN questions q ON q.id = qu.question_id
        WHERE p.study_id = ?${filter('qu.participant_id')}`,
      params(studyId),
    );
    ids.forEach((id, i) => keeps(id) && out.push({ participant: id, kind: 'quote', question: keys[i]!, text: texts[i]! }));
    return out;
  }

  /** Theme evidence per participant, for persona frustrations and goals. */
  themeEvidence(studyId: number, participantIds: number[]): { participant: number; code: string; evidence: string }[] {
    if (participantIds.length === 0) return [];
    const { keeps, filter, params } = idFilter(participantIds);
    const [ids, codes, evidence] = readColumns<[number, string, string]>(
      this.db,
      `SELECT json_group_array(participant), json_group_array(code), json_group_array(evidence) FROM (
         SELECT e.participant_id AS participant, t.code, e.evidence FROM theme_evidence e JOIN themes t ON t.id = e.theme_id
          WHERE t.study_id = ?${filter('e.participant_id')} ORDER BY e.id)`,
      params(studyId),
    );
    return ids.flatMap((id, i) => (keeps(id) ? [{ participant: id, code: codes[i]!, evidence: evidence[i]! }] : []));
  }

  create(s: NewSegmentation): number {
    const at = now();
    const id = Number(
      prepared(this.db, 
          `INSERT INTO segmentations (study_id, method, k, overlapping, parameters, encoding, diagnostics, summary, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(s.studyId, s.method, s.k, s.overlapping ? 1 : 0, json(s.parameters) ?? '{}', json(s.encoding), json(s.diagnostics), json(s.summary) ?? '{}', at).lastInsertRowid,
    );
    const segment = prepared(this.db, 
      `INSERT INTO segments (segmentation_id, segment_id, name, description, definition, profile, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const x of s.segments) segment.run(id, x.segment_id, x.name, x.description, json(x.definition) ?? 'null', json(x.profile) ?? '{}', at);
    const member = prepared(this.db, `INSERT INTO segment_members (segmentation_id, participant_id, segment_id, distance, detail) VALUES (?, ?, ?, ?, ?)`);
    for (const m of s.members) member.run(id, m.participant, m.segment_id, m.distance, json(m.detail));
    this.studies.touch(s.studyId);
    return id;
  }

  get(id: number): SegmentationRow {
    const row = prepared(this.db, 'SELECT * FROM segmentations WHERE id = ?').get(id) as
      | (Omit<SegmentationRow, 'overlapping' | 'parameters' | 'encoding' | 'diagnostics' | 'summary' | 'prioritization'> & { overlapping: number; parameters: string; encoding: string | null; diagnostics: string | null; summary: string; prioritization: string | null })
      | undefined;
    if (!row) throw new NotFoundError(`No segmentation with id ${id}; cluster_participants or segment_by_rules create one, and get_study lists a study's segmentations.`);
    return {
      ...row,
      overlapping: row.overlapping === 1,
      parameters: JSON.parse(row.parameters) as Record<string, unknown>,
      encoding: parse(row.encoding),
      diagnostics: parse(row.diagnostics),
      summary: JSON.parse(row.summary) as Record<string, unknown>,
      prioritization: parse(row.prioritization),
    };
  }

  savePrioritization(segmentationId: number, matrix: unknown): void {
    prepared(this.db, 'UPDATE segmentations SET prioritization = ? WHERE id = ?').run(json(matrix), segmentationId);
  }

  /** The study's segmentations, newest first. */
  list(studyId: number, limit = 20): { id: number; method: SegmentationMethod; k: number; created_at: string; named: number }[] {
    return prepared(this.db, 
        `SELECT s.id, s.method, s.k, s.created_at, (SELECT COUNT(*) FROM segments g WHERE g.segmentation_id = s.id AND g.name IS NOT NULL) AS named
           FROM segmentations s WHERE s.study_id = ? ORDER BY s.id DESC LIMIT ?`,
      )
      .all(studyId, limit) as { id: number; method: SegmentationMethod; k: number; created_at: string; named: number }[];
  }

  /** The segments one participant is in, newest segmentation first. */
  segmentsOf(participant: number, limit = 10): { segmentation_id: number; method: string; segment_id: number; name: string | null }[] {
    return prepared(this.db, 
        `SELECT m.segmentation_id, s.method, m.segment_id, g.name FROM segment_members m
           JOIN segmentations s ON s.id = m.segmentation_id
           JOIN segments g ON g.segmentation_id = m.segmentation_id AND g.segment_id = m.segment_id
          WHERE m.participant_id = ? ORDER BY m.segmentation_id DESC, m.segment_id LIMIT ?`,
      )
      .all(participant, limit) as { segmentation_id: number; method: string; segment_id: number; name: string | null }[];
  }

  segments(segmentationId: number): SegmentRow[] {
    const rows = prepared(this.db, 
        `SELECT g.segment_id, g.name, g.description, g.persona, g.playbook, g.definition, g.profile, g.updated_at,
                (SELECT COUNT(*) FROM segment_members m WHERE m.segmentation_id = g.segmentation_id AND m.segment_id = g.segment_id) AS size
           FROM segments g WHERE g.segmentation_id = ? ORDER BY g.segment_id`,
      )
      .all(segmentationId) as (Omit<SegmentRow, 'playbook' | 'definition' | 'profile'> & { playbook: string | null; definition: string; profile: string })[];
    return rows.map((r) => ({ ...r, playbook: parse<Playbook>(r.playbook), definition: JSON.parse(r.definition) as unknown, profile: JSON.parse(r.profile) as Record<string, unknown> }));
  }

  updateSegment(segmentationId: number, segmentId: number, changes: { name?: string | undefined; description?: string | undefined; persona?: string | undefined; playbook?: Playbook | undefined }): void {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const key of ['name', 'description', 'persona'] as const) {
      if (changes[key] !== undefined) {
        sets.push(`${key} = ?`);
        params.push(changes[key]);
      }
    }
    if (changes.playbook !== undefined) {
      sets.push('playbook = ?');
      params.push(json(changes.playbook));
    }
    sets.push('updated_at = ?');
    params.push(now());
    prepared(this.db, `UPDATE segments SET ${sets.join(', ')} WHERE segmentation_id = ? AND segment_id = ?`).run(...params, segmentationId, segmentId);
  }

  /** Members in participant order, keyset-paginated by internal id. */
  members(segmentationId: number, options: { segmentId?: number | undefined; after?: { participant: number; segment: number }; limit?: number } = {}): MemberRow[] {
    const after = options.after ?? { participant: 0, segment: 0 };
    const rows = prepared(this.db, 
        `SELECT p.id, p.external_id AS participant_id, p.name, p.email, m.segment_id, m.distance, m.detail, m.assigned_by
           FROM segment_members m JOIN participants p ON p.id = m.participant_id
          WHERE m.segmentation_id = ? AND (? IS NULL OR m.segment_id = ?) AND (p.id > ? OR (p.id = ? AND m.segment_id > ?))
          ORDER BY p.id, m.segment_id LIMIT ?`,
      )
      .all(segmentationId, options.segmentId ?? null, options.segmentId ?? null, after.participant, after.participant, after.segment, options.limit ?? -1) as (Omit<MemberRow, 'detail'> & { detail: string | null })[];
    return rows.map((r) => ({ ...r, detail: parse(r.detail) }));
  }

  /** Every membership as (participant row id, segment) pairs in participant order: for whole-segmentation analyses. */
  memberships(segmentationId: number, segmentId?: number): { id: number; segment_id: number }[] {
    const [ids, segments] = readColumns<[number, number]>(
      this.db,
      `SELECT json_group_array(participant_id), json_group_array(segment_id) FROM (
         SELECT participant_id, segment_id FROM segment_members WHERE segmentation_id = ? AND (? IS NULL OR segment_id = ?) ORDER BY participant_id, segment_id)`,
      [segmentationId, segmentId ?? null, segmentId ?? null],
    );
    return ids.map((id, i) => ({ id, segment_id: segments[i]! }));
  }

  memberCount(segmentationId: number, segmentId?: number): number {
    return (prepared(this.db, 'SELECT COUNT(*) AS n FROM segment_members WHERE segmentation_id = ? AND (? IS NULL OR segment_id = ?)').get(segmentationId, segmentId ?? null, segmentId ?? null) as { n: number }).n;
  }

  /** Assignments made by assign_participants replace earlier ones for the same participants. */
  assign(segmentationId: number, members: { participant: number; segment_id: number; distance: number | null; detail: unknown }[]): void {
    const clear = prepared(this.db, 'DELETE FROM segment_members WHERE segmentation_id = ? AND participant_id = ?');
    const insert = prepared(this.db, `INSERT INTO segment_members (segmentation_id, participant_id, segment_id, distance, detail, assigned_by) VALUES (?, ?, ?, ?, ?, 'assign')`);
    for (const m of members) clear.run(segmentationId, m.participant);
    for (const m of members) insert.run(segmentationId, m.participant, m.segment_id, m.distance, json(m.detail));
  }
}
