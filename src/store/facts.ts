/**
 * What the segmentation analyses read about participants: their facts (attributes, answers,
 * themes, tags, status), what they said, and theme evidence, read whole by columns.
 */
import type { AttributeValue } from '../domain/attributes.js';
import type { AnswerValue } from '../domain/questions.js';
import { FactTable, type InterviewStatus, type ParticipantFacts, type StudyCatalog } from '../domain/segments/facts.js';
import { answerColumns, readColumns } from './columns.js';
import type { Db } from './db.js';
import { fromStored } from './interviews.js';
import { prepared } from './statements.js';
import type { StudyStore } from './studies.js';

/** Up to this many ids a read filters in SQL; above, it reads the whole study and filters in JS. */
const SQL_FILTER_IDS = 5000;
/** Participants whose attribute objects are parsed at once (then copied into columns and dropped). */
const ATTRIBUTE_CHUNK = 8192;

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

export class FactStore {
  constructor(
    private readonly db: Db,
    private readonly studies: StudyStore,
  ) {}

  catalog(studyId: number): StudyCatalog {
    const themes = (prepared(this.db, 'SELECT code FROM themes WHERE study_id = ? ORDER BY code').all(studyId) as { code: string }[]).map((t) => t.code);
    return { questions: this.studies.questions(studyId), attributes: this.studies.attributes(studyId), themes };
  }

  participantCount(studyId: number): number {
    return (prepared(this.db, 'SELECT count(*) AS n FROM participants WHERE study_id = ?').get(studyId) as { n: number }).n;
  }

  /** Everything the segmentation code reads about participants, in id order (optionally only some). */
  facts(studyId: number, only?: number[]): ParticipantFacts[] {
    return this.table(studyId, only).rows();
  }

  /**
   * The same as columns: participants in id order, one compact column per attribute and structured
   * question, theme and tag codes. Each column is read whole from SQLite and written into the
   * table's typed arrays, so no object per participant is built on the way.
   */
  table(studyId: number, only?: number[]): FactTable {
    const { keeps, filter, params, answers } = idFilter(only);
    const participants = `FROM participants p WHERE p.study_id = ?${filter('p.id')}`;
    const [allIds, allExternal, allEmails, allNames] = readColumns<[number, string, string | null, string | null]>(
      this.db,
      `SELECT json_group_array(p.id), json_group_array(p.external_id), json_group_array(p.email), json_group_array(p.name) ${participants}`,
      params(studyId),
    );
    // Wanted rows in id order.
    const order = allIds.map((_, i) => i).filter((i) => keeps(allIds[i]!));
    order.sort((a, b) => allIds[a]! - allIds[b]!);
    const table = new FactTable(
      order.map((i) => allIds[i]!),
      order.map((i) => allExternal[i]!),
      order.map((i) => allEmails[i]!),
      order.map((i) => allNames[i]!),
    );

    const [interviewed, statuses] = readColumns<[number, InterviewStatus]>(
      this.db,
      `SELECT json_group_array(i.participant_id), json_group_array(i.status) FROM interviews i JOIN participants p ON p.id = i.participant_id WHERE p.study_id = ?${filter('p.id')}`,
      params(studyId),
    );
    interviewed.forEach((id, i) => {
      const row = table.rowOf(id);
      if (row >= 0) table.setStatus(row, statuses[i]!);
    });

    // Attributes in chunks of participants by id range (the primary key; `+p.study_id` keeps
    // SQLite off the study index, which would sort the study per chunk): each chunk's JSON objects
    // are parsed, copied into the columns and dropped, so they never pile up (one JSON path per
    // attribute and participant in SQL measured slower than parsing the objects).
    const names = this.studies.attributes(studyId).map((a) => a.name);
    const columns = names.map((name) => table.attributeColumn(name));
    const chunk = prepared(this.db, `SELECT json_group_array(p.id), json_group_array(json(p.attributes)) FROM participants p WHERE p.id BETWEEN ? AND ? AND +p.study_id = ?`).raw();
    for (let start = 0; names.length > 0 && start < table.size; start += ATTRIBUTE_CHUNK) {
      const end = Math.min(start + ATTRIBUTE_CHUNK, table.size) - 1;
      const [ids, objects] = (chunk.get(table.ids[start], table.ids[end], studyId) as (string | null)[]).map((c) => (c === null ? [] : JSON.parse(c))) as [number[], Record<string, AttributeValue>[]];
      for (let i = 0; i < ids.length; i++) {
        const row = table.rowOf(ids[i]!);
        if (row < 0) continue;
        const object = objects[i]!;
        for (let c = 0; c < names.length; c++) columns[c]!.set(row, object[names[c]!]);
      }
    }

    // Answers question by question from the covering index; lists are parsed once per distinct
    // list and shared (frozen: readers never change them).
    for (const q of this.studies.questions(studyId)) {
      if (q.type === 'open_ended') continue;
      const [participantIds, values] = answerColumns<number | string>(this.db, q.id, answers);
      const column = table.answerColumn(q.key);
      const isList = q.type === 'multiple_choice' || q.type === 'ranking';
      const lists = new Map<string, AnswerValue>();
      participantIds.forEach((id, i) => {
        const row = table.rowOf(id);
        if (row < 0) return;
        const stored = values[i]!;
        if (!isList) return column.set(row, stored as AnswerValue);
        let list = lists.get(stored as string);
        if (list === undefined) lists.set(stored as string, (list = Object.freeze(fromStored(q.type, stored)) as AnswerValue));
        column.set(row, list, stored);
      });
    }
    const [themed, codes] = readColumns<[number, string]>(
      this.db,
      `SELECT json_group_array(e.participant_id), json_group_array(t.code) FROM theme_evidence e JOIN themes t ON t.id = e.theme_id WHERE t.study_id = ?${filter('e.participant_id')}`,
      params(studyId),
    );
    themed.forEach((id, i) => {
      const row = table.rowOf(id);
      if (row >= 0) table.themeColumn(codes[i]!)[row] = 1;
    });
    const [tagged, tags] = readColumns<[number, string]>(
      this.db,
      `SELECT json_group_array(t.participant_id), json_group_array(t.tag) FROM participant_tags t JOIN participants p ON p.id = t.participant_id WHERE p.study_id = ?${filter('t.participant_id')}`,
      params(studyId),
    );
    const tagRows: number[] = [];
    const tagNames: string[] = [];
    tagged.forEach((id, i) => {
      const row = table.rowOf(id);
      if (row < 0) return;
      tagRows.push(row);
      tagNames.push(tags[i]!);
    });
    table.setTags(tagRows, tagNames);
    return table.seal();
  }

  /** What participants said, for distinctive words and quotes: open answers and recorded quotes (or `only` one question's answers). */
  texts(studyId: number, participantIds: number[], only?: { question: string }): { participant: number; kind: 'answer' | 'quote'; question: string | null; text: string }[] {
    if (participantIds.length === 0) return [];
    const { keeps, filter, params, answers } = idFilter(participantIds);
    const out: { participant: number; kind: 'answer' | 'quote'; question: string | null; text: string }[] = [];
    // Open questions one by one from the covering index (not every answer of every member).
    for (const q of this.studies.questions(studyId)) {
      if (q.type !== 'open_ended' || (only && q.key !== only.question)) continue;
      const [ids, values] = answerColumns<string>(this.db, q.id, answers);
      ids.forEach((id, i) => keeps(id) && out.push({ participant: id, kind: 'answer', question: q.key, text: values[i]! }));
    }
    // `only` a question's answers: no quotes.
    if (only) return out;
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

  /** Theme evidence of the study in recording order, one at a time, until `visit` returns false. */
  eachThemeEvidence(studyId: number, visit: (participant: number, code: string, evidence: string) => boolean): void {
    const rows = prepared(this.db, 'SELECT e.participant_id, t.code, e.evidence FROM theme_evidence e JOIN themes t ON t.id = e.theme_id WHERE t.study_id = ? ORDER BY e.id').raw().iterate(studyId) as IterableIterator<[number, string, string]>;
    // Leaving the loop early closes the statement.
    for (const [participant, code, evidence] of rows) if (!visit(participant, code, evidence)) break;
  }
}
