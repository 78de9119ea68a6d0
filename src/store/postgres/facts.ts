/**
 * What the segmentation analyses read about participants, on PostgreSQL (the SQLite store:
 * ../facts.ts). Columns are read whole, as there: one row of json_agg per query, parsed once.
 */
import type { AttributeValue } from '../../domain/attributes.js';
import type { AnswerValue } from '../../domain/questions.js';
import { FactTable, type InterviewStatus, type ParticipantFacts, type StudyCatalog } from '../../domain/segments/facts.js';
import type { Async } from '../async-view.js';
import type { FactStore } from '../facts.js';
import { rows, type Sql } from './sql.js';
import { PgStudyStore } from './studies.js';

/** One row of json_agg columns as arrays (an aggregate over no rows is null: an empty array). */
async function columns<T extends unknown[]>(sql: Sql, text: string, values: unknown[]): Promise<{ [K in keyof T]: T[K][] }> {
  const [row] = await sql.arrays(text, values);
  return row!.map((column) => column ?? []) as { [K in keyof T]: T[K][] };
}

/** `AND <column> = ANY($n)` when only some participants are wanted. */
function idFilter(only: number[] | undefined, position: number) {
  return {
    sql: (column: string) => (only === undefined ? '' : ` AND ${column} = ANY($${position}::bigint[])`),
    values: only === undefined ? [] : [only],
  };
}

export class PgFactStore implements Async<FactStore> {
  private readonly studies: PgStudyStore;

  constructor(private readonly sql: Sql) {
    this.studies = new PgStudyStore(sql);
  }

  async catalog(studyId: number): Promise<StudyCatalog> {
    const themes = (await rows<{ code: string }>(this.sql, 'SELECT code FROM themes WHERE study_id = $1 ORDER BY code COLLATE "C"', [studyId])).map((t) => t.code);
    return { questions: await this.studies.questions(studyId), attributes: await this.studies.attributes(studyId), themes };
  }

  async participantCount(studyId: number, upTo?: number): Promise<number> {
    if (upTo !== undefined) return (await rows<{ n: number }>(this.sql, 'SELECT count(*) AS n FROM (SELECT 1 FROM participants WHERE study_id = $1 LIMIT $2) AS counted', [studyId, upTo]))[0]!.n;
    return (await rows<{ n: number }>(this.sql, 'SELECT count(*) AS n FROM participants WHERE study_id = $1', [studyId]))[0]!.n;
  }

  /** Everything the segmentation code reads about participants, in id order (optionally only some). */
  async facts(studyId: number, only?: number[]): Promise<ParticipantFacts[]> {
    return (await this.table(studyId, only)).rows();
  }

  /**
   * The same as columns (a FactTable, as SQLite's store builds it): each column read whole with
   * json_agg and copied into the table's typed columns.
   */
  async table(studyId: number, only?: number[]): Promise<FactTable> {
    const filter = idFilter(only, 2);
    const [ids, externalIds, emails, names, attributes] = await columns<[number, string, string | null, string | null, Record<string, AttributeValue>]>(
      this.sql,
      `SELECT json_agg(p.id ORDER BY p.id), json_agg(p.external_id ORDER BY p.id), json_agg(p.email ORDER BY p.id), json_agg(p.name ORDER BY p.id), json_agg(p.attributes ORDER BY p.id)
         FROM participants p WHERE p.study_id = $1${filter.sql('p.id')}`,
      [studyId, ...filter.values],
    );
    const table = new FactTable(ids, externalIds, emails, names);
    const [interviewed, statuses] = await columns<[number, InterviewStatus]>(
      this.sql,
      `SELECT json_agg(i.participant_id), json_agg(i.status) FROM interviews i JOIN participants p ON p.id = i.participant_id WHERE p.study_id = $1${filter.sql('p.id')}`,
      [studyId, ...filter.values],
    );
    interviewed.forEach((id, i) => {
      const row = table.rowOf(id);
      if (row >= 0) table.setStatus(row, statuses[i]!);
    });
    const attributeNames = (await this.studies.attributes(studyId)).map((a) => a.name);
    const attributeColumns = attributeNames.map((name) => table.attributeColumn(name));
    ids.forEach((id, i) => {
      const row = table.rowOf(id);
      for (let c = 0; c < attributeNames.length; c++) attributeColumns[c]!.set(row, attributes[i]![attributeNames[c]!]);
    });
    // Lists are shared per distinct list (frozen: readers never change them), as on SQLite.
    for (const q of await this.studies.questions(studyId)) {
      if (q.type === 'open_ended') continue;
      const column = table.answerColumn(q.key);
      const lists = new Map<string, AnswerValue>();
      const [participants, values] = await columns<[number, AnswerValue]>(this.sql, `SELECT json_agg(participant_id), json_agg(value) FROM answers WHERE question_id = $1${filter.sql('participant_id')}`, [q.id, ...filter.values]);
      participants.forEach((id, i) => {
        const row = table.rowOf(id);
        if (row < 0) return;
        const value = values[i]!;
        if (!Array.isArray(value)) return column.set(row, value);
        const key = JSON.stringify(value);
        let list = lists.get(key);
        if (list === undefined) lists.set(key, (list = Object.freeze(value) as AnswerValue));
        column.set(row, list, key);
      });
    }
    const [themed, codes] = await columns<[number, string]>(
      this.sql,
      `SELECT json_agg(e.participant_id), json_agg(t.code) FROM theme_evidence e JOIN themes t ON t.id = e.theme_id WHERE t.study_id = $1${filter.sql('e.participant_id')}`,
      [studyId, ...filter.values],
    );
    themed.forEach((id, i) => {
      const row = table.rowOf(id);
      if (row >= 0) table.themeColumn(codes[i]!)[row] = 1;
    });
    const [tagged, tags] = await columns<[number, string]>(
      this.sql,
      `SELECT json_agg(t.participant_id ORDER BY t.participant_id, t.tag COLLATE "C"), json_agg(t.tag ORDER BY t.participant_id, t.tag COLLATE "C")
         FROM participant_tags t JOIN participants p ON p.id = t.participant_id WHERE p.study_id = $1${filter.sql('t.participant_id')}`,
      [studyId, ...filter.values],
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

  /** Theme evidence of the study in recording order, a chunk at a time, until `visit` returns false. */
  async eachThemeEvidence(studyId: number, visit: (participant: number, code: string, evidence: string) => boolean): Promise<void> {
    for (let after = 0; ; ) {
      const chunk = await rows<{ id: number; participant: number; code: string; evidence: string }>(
        this.sql,
        'SELECT e.id, e.participant_id AS participant, t.code, e.evidence FROM theme_evidence e JOIN themes t ON t.id = e.theme_id WHERE t.study_id = $1 AND e.id > $2 ORDER BY e.id LIMIT 5000',
        [studyId, after],
      );
      for (const e of chunk) if (!visit(e.participant, e.code, e.evidence)) return;
      if (chunk.length < 5000) return;
      after = chunk[chunk.length - 1]!.id;
    }
  }

  async texts(studyId: number, participantIds: number[], only?: { question: string }): Promise<{ participant: number; kind: 'answer' | 'quote'; question: string | null; text: string }[]> {
    if (participantIds.length === 0) return [];
    const out: { participant: number; kind: 'answer' | 'quote'; question: string | null; text: string }[] = [];
    for (const q of await this.studies.questions(studyId)) {
      if (q.type !== 'open_ended' || (only && q.key !== only.question)) continue;
      const [ids, values] = await columns<[number, string]>(this.sql, 'SELECT json_agg(participant_id ORDER BY participant_id), json_agg(value ORDER BY participant_id) FROM answers WHERE question_id = $1 AND participant_id = ANY($2::bigint[])', [q.id, participantIds]);
      ids.forEach((id, i) => out.push({ participant: id, kind: 'answer', question: q.key, text: values[i]! }));
    }
    // `only` a question's answers: no quotes.
    if (only) return out;
    const [ids, keys, texts] = await columns<[number, string | null, string]>(
      this.sql,
      `SELECT json_agg(qu.participant_id ORDER BY qu.id), json_agg(q.key ORDER BY qu.id), json_agg(qu.text ORDER BY qu.id)
         FROM quotes qu JOIN participants p ON p.id = qu.participant_id LEFT JOIN questions q ON q.id = qu.question_id
        WHERE p.study_id = $1 AND qu.participant_id = ANY($2::bigint[])`,
      [studyId, participantIds],
    );
    ids.forEach((id, i) => out.push({ participant: id, kind: 'quote', question: keys[i]!, text: texts[i]! }));
    return out;
  }
}
