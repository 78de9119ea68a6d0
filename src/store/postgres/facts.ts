/**
 * What the segmentation analyses read about participants, on PostgreSQL (the SQLite store:
 * ../facts.ts). Columns are read whole, as there: one row of json_agg per query, parsed once.
 */
import type { AttributeValue } from '../../domain/attributes.js';
import type { AnswerValue } from '../../domain/questions.js';
import type { ParticipantFacts, StudyCatalog } from '../../domain/segments/facts.js';
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

  async facts(studyId: number, only?: number[]): Promise<ParticipantFacts[]> {
    const filter = idFilter(only, 2);
    const [ids, externalIds, emails, names, attributes] = await columns<[number, string, string | null, string | null, Record<string, AttributeValue>]>(
      this.sql,
      `SELECT json_agg(p.id ORDER BY p.id), json_agg(p.external_id ORDER BY p.id), json_agg(p.email ORDER BY p.id), json_agg(p.name ORDER BY p.id), json_agg(p.attributes ORDER BY p.id)
         FROM participants p WHERE p.study_id = $1${filter.sql('p.id')}`,
      [studyId, ...filter.values],
    );
    const byId = new Map<number, ParticipantFacts>();
    const facts = ids.map((id, i) => {
      const f: ParticipantFacts = { id, participant_id: externalIds[i]!, email: emails[i]!, name: names[i]!, attributes: attributes[i]!, answers: new Map(), themes: new Set(), tags: [], status: 'not_interviewed' };
      byId.set(id, f);
      return f;
    });
    const [interviewed, statuses] = await columns<[number, ParticipantFacts['status']]>(
      this.sql,
      `SELECT json_agg(i.participant_id), json_agg(i.status) FROM interviews i JOIN participants p ON p.id = i.participant_id WHERE p.study_id = $1${filter.sql('p.id')}`,
      [studyId, ...filter.values],
    );
    interviewed.forEach((id, i) => {
      const f = byId.get(id);
      if (f) f.status = statuses[i]!;
    });
    const answerFilter = idFilter(only, 2);
    for (const q of await this.studies.questions(studyId)) {
      if (q.type === 'open_ended') continue;
      const [participants, values] = await columns<[number, AnswerValue]>(this.sql, `SELECT json_agg(participant_id), json_agg(value) FROM answers WHERE question_id = $1${answerFilter.sql('participant_id')}`, [q.id, ...answerFilter.values]);
      participants.forEach((id, i) => {
        const value = values[i]!;
        byId.get(id)?.answers.set(q.key, Array.isArray(value) ? (Object.freeze(value) as AnswerValue) : value);
      });
    }
    const [themed, codes] = await columns<[number, string]>(
      this.sql,
      `SELECT json_agg(e.participant_id ORDER BY t.code COLLATE "C", e.participant_id, e.evidence COLLATE "C"), json_agg(t.code ORDER BY t.code COLLATE "C", e.participant_id, e.evidence COLLATE "C") FROM theme_evidence e JOIN themes t ON t.id = e.theme_id WHERE t.study_id = $1${filter.sql('e.participant_id')}`,
      [studyId, ...filter.values],
    );
    themed.forEach((id, i) => byId.get(id)?.themes.add(codes[i]!));
    const [tagged, tags] = await columns<[number, string]>(
      this.sql,
      `SELECT json_agg(t.participant_id ORDER BY t.participant_id, t.tag COLLATE "C"), json_agg(t.tag ORDER BY t.participant_id, t.tag COLLATE "C")
         FROM participant_tags t JOIN participants p ON p.id = t.participant_id WHERE p.study_id = $1${filter.sql('t.participant_id')}`,
      [studyId, ...filter.values],
    );
    tagged.forEach((id, i) => byId.get(id)?.tags.push(tags[i]!));
    return facts;
  }

  async texts(studyId: number, participantIds: number[]): Promise<{ participant: number; kind: 'answer' | 'quote'; question: string | null; text: string }[]> {
    if (participantIds.length === 0) return [];
    const out: { participant: number; kind: 'answer' | 'quote'; question: string | null; text: string }[] = [];
    for (const q of await this.studies.questions(studyId)) {
      if (q.type !== 'open_ended') continue;
      const [ids, values] = await columns<[number, string]>(this.sql, 'SELECT json_agg(participant_id ORDER BY participant_id), json_agg(value ORDER BY participant_id) FROM answers WHERE question_id = $1 AND participant_id = ANY($2::bigint[])', [q.id, participantIds]);
      ids.forEach((id, i) => out.push({ participant: id, kind: 'answer', question: q.key, text: values[i]! }));
    }
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

  async themeEvidence(studyId: number, participantIds: number[]): Promise<{ participant: number; code: string; evidence: string }[]> {
    if (participantIds.length === 0) return [];
    return rows(
      this.sql,
      `SELECT e.participant_id AS participant, t.code, e.evidence FROM theme_evidence e JOIN themes t ON t.id = e.theme_id
        WHERE t.study_id = $1 AND e.participant_id = ANY($2::bigint[]) ORDER BY e.id`,
      [studyId, participantIds],
    );
  }
}
