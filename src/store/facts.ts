/**
 * What the segmentation analyses read about participants: their facts (attributes, answers,
 * themes, tags, status), what they said, and theme evidence, read whole by columns.
 */
import type { AttributeValue } from '../domain/attributes.js';
import type { AnswerValue } from '../domain/questions.js';
import type { ParticipantFacts, StudyCatalog } from '../domain/segments/facts.js';
import { answerColumns, readColumns } from './columns.js';
import type { Db } from './db.js';
import { fromStored } from './interviews.js';
import { prepared } from './statements.js';
import type { StudyStore } from './studies.js';

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

export class FactStore {
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
}
