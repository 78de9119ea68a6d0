/**
 * What the segmentation analyses read about participants: their facts (attributes, answers,
 * themes, tags, status) as a FactTable read in chunks of participants, what they said, and theme
 * evidence.
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
/** Participants read at once (their values copied into the table's columns, then dropped). */
const CHUNK = 8192;

/** Id ranges of CHUNK consecutive rows of a table: what each chunked read asks for. */
function chunkRanges(table: FactTable): [number, number][] {
  const ranges: [number, number][] = [];
  for (let start = 0; start < table.size; start += CHUNK) ranges.push([table.ids[start]!, table.ids[Math.min(start + CHUNK, table.size) - 1]!]);
  return ranges;
}

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

  /** The study's participants, or `upTo` when it has at least that many (counting stops there: a cheap size check at a million). */
  participantCount(studyId: number, upTo?: number): number {
    if (upTo !== undefined) return (prepared(this.db, 'SELECT count(*) AS n FROM (SELECT 1 FROM participants WHERE study_id = ? LIMIT ?)').get(studyId, upTo) as { n: number }).n;
    return (prepared(this.db, 'SELECT count(*) AS n FROM participants WHERE study_id = ?').get(studyId) as { n: number }).n;
  }

  /** Everything the segmentation code reads about participants, in id order (optionally only some). */
  facts(studyId: number, only?: number[]): ParticipantFacts[] {
    return this.table(studyId, only).rows();
  }

  /**
   * The same as columns: participants in id order, one compact column per attribute and structured
   * question, theme and tag codes. Everything is read in chunks of participants by id range, each
   * chunk's values copied into the table's typed arrays and dropped: memory holds the table and
   * one chunk, never a whole column as JSON or an object per participant.
   */
  table(studyId: number, only?: number[]): FactTable {
    const table = this.participantsTable(studyId, only);
    // A short `only` list (a few interviewed members of a large study) is one read filtered in SQL.
    const { filter, params: filtered } = idFilter(only);
    const ranges = filter('x') === '' ? chunkRanges(table) : table.size ? [[table.ids[0]!, table.ids[table.size - 1]!] as [number, number]] : [];
    /** Reads `select … WHERE [conditions AND]` chunk by chunk over `column` (a participant id, also selected first). */
    const each = <T extends unknown[]>(select: string, column: string, visit: (row: number, ...values: T) => void, ...params: unknown[]) => {
      const statement = prepared(this.db, `${select} ${column} BETWEEN ? AND ?${filter(column)}`).raw();
      for (const [lo, hi] of ranges) {
        const [ids, ...columns] = (statement.get(...filtered(...params, lo, hi)) as (string | null)[]).map((c) => (c === null ? [] : JSON.parse(c))) as [number[], ...unknown[][]];
        for (let i = 0; i < ids.length; i++) {
          const row = table.rowOf(ids[i]!);
          if (row >= 0) visit(row, ...(columns.map((c) => c[i]) as T));
        }
      }
    };

    each<[InterviewStatus]>('SELECT json_group_array(participant_id), json_group_array(status) FROM interviews WHERE', 'participant_id', (row, status) => table.setStatus(row, status));

    // Attributes: each chunk's stored objects parsed and copied (one JSON path per attribute and
    // participant in SQL measured slower than parsing the objects).
    const names = this.studies.attributes(studyId).map((a) => a.name);
    const columns = names.map((name) => table.attributeColumn(name));
    if (names.length > 0) {
      each<[Record<string, AttributeValue>]>('SELECT json_group_array(p.id), json_group_array(json(p.attributes)) FROM participants p WHERE +p.study_id = ? AND', 'p.id', (row, object) => {
        for (let c = 0; c < names.length; c++) columns[c]!.set(row, object[names[c]!]);
      }, studyId);
    }

    // Answers question by question from the covering index; lists are parsed once per distinct
    // list and shared (frozen: readers never change them).
    for (const q of this.studies.questions(studyId)) {
      if (q.type === 'open_ended') continue;
      const column = table.answerColumn(q.key);
      const isList = q.type === 'multiple_choice' || q.type === 'ranking';
      const lists = new Map<string, AnswerValue>();
      each<[number | string]>('SELECT json_group_array(participant_id), json_group_array(value) FROM answers WHERE question_id = ? AND', 'participant_id', (row, stored) => {
        if (!isList) return column.set(row, stored as AnswerValue);
        let list = lists.get(stored as string);
        if (list === undefined) lists.set(stored as string, (list = Object.freeze(fromStored(q.type, stored)) as AnswerValue));
        column.set(row, list, stored);
      }, q.id);
    }
    each<[string]>(
      'SELECT json_group_array(e.participant_id), json_group_array(t.code) FROM theme_evidence e JOIN themes t ON t.id = e.theme_id WHERE t.study_id = ? AND',
      'e.participant_id',
      (row, code) => (table.themeColumn(code)[row] = 1),
      studyId,
    );
    const tagRows: number[] = [];
    const tagNames: string[] = [];
    each<[string]>('SELECT json_group_array(participant_id), json_group_array(tag) FROM participant_tags WHERE', 'participant_id', (row, tag) => {
      tagRows.push(row);
      tagNames.push(tag);
    });
    table.setTags(tagRows, tagNames);
    return table.seal();
  }

  /**
   * The table's participants (ids, external ids, emails, names): a short `only` list filtered in
   * SQL; otherwise the study in chunks along the primary key (`+p.study_id` keeps SQLite off the
   * study index, whose order would make it sort the study for every chunk).
   */
  private participantsTable(studyId: number, only?: number[]): FactTable {
    const { keeps, filter, params } = idFilter(only);
    const ids: number[] = [];
    const externalIds: string[] = [];
    const emails: (string | null)[] = [];
    const names: (string | null)[] = [];
    const add = (columns: [number[], string[], (string | null)[], (string | null)[]]) => {
      const [i, x, e, n] = columns;
      for (let at = 0; at < i.length; at++) {
        if (!keeps(i[at]!)) continue;
        ids.push(i[at]!);
        externalIds.push(x[at]!);
        emails.push(e[at]!);
        names.push(n[at]!);
      }
    };
    const select = 'SELECT json_group_array(id), json_group_array(external_id), json_group_array(email), json_group_array(name)';
    if (filter('p.id') !== '') {
      add(readColumns(this.db, `${select} FROM (SELECT p.id, p.external_id, p.email, p.name FROM participants p WHERE p.study_id = ?${filter('p.id')} ORDER BY p.id)`, params(studyId)));
    } else {
      const chunk = prepared(this.db, `${select} FROM (SELECT p.id, p.external_id, p.email, p.name FROM participants p WHERE +p.study_id = ? AND p.id > ? ORDER BY p.id LIMIT ${CHUNK})`).raw();
      for (let after = -1; ; ) {
        const columns = (chunk.get(studyId, after) as (string | null)[]).map((c) => (c === null ? [] : JSON.parse(c))) as [number[], string[], (string | null)[], (string | null)[]];
        if (columns[0].length === 0) break;
        add(columns);
        after = columns[0][columns[0].length - 1]!;
      }
    }
    return new FactTable(ids, externalIds, emails, names);
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
