/**
 * query_participants' search: participants matching conditions and a full-text query, keyset
 * paginated by participant, with the values of the fields asked about and highlighted snippets.
 */
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import type { AttributeValue } from '../domain/attributes.js';
import { parseField, toFtsQuery } from '../domain/fields.js';
import type { AnswerValue } from '../domain/questions.js';
import { UserError } from '../errors.js';
import type { Db } from './db.js';
import { compileCondition, valueExpression, type Condition, type FieldCatalog, type Sql } from './fields-sql.js';
import { fromStored } from './interviews.js';
import { prepared } from './statements.js';
import type { StoredQuestion } from './studies.js';

export interface QueryRow {
  participant_id: string;
  name: string | null;
  email: string | null;
  tags: string[];
  status: string;
  values: Record<string, AttributeValue | AnswerValue | null>;
  snippets: { source: string; text: string }[];
}

export interface QueryPage {
  total: number;
  participants: QueryRow[];
  next_cursor: string | null;
}

export class ParticipantSearch {
  constructor(private readonly db: Db) {}

  /** Internal ids of the participants matching every condition, in id order. */
  matchingIds(studyId: number, where: Condition[], fields: FieldCatalog): number[] {
    const clauses = [{ sql: 'p.study_id = ?', params: [studyId] as unknown[] }, ...where.map((c) => compileCondition(c, fields))];
    return (prepared(this.db, `SELECT p.id FROM participants p WHERE ${clauses.map((c) => c.sql).join(' AND ')} ORDER BY p.id`).all(...clauses.flatMap((c) => c.params)) as { id: number }[]).map((r) => r.id);
  }

  search(studyId: number, fields: FieldCatalog, options: { where: Condition[]; text?: string | undefined; include: string[]; limit: number; cursor?: string | undefined }): QueryPage {
    const clauses: Sql[] = [{ sql: 'p.study_id = ?', params: [studyId] }];
    for (const condition of options.where) clauses.push(compileCondition(condition, fields));
    const fts = options.text ? toFtsQuery(options.text) : null;
    if (fts) clauses.push({ sql: 'p.id IN (SELECT s.participant_id FROM said s WHERE said MATCH ?)', params: [fts] });

    const where = clauses.map((c) => c.sql).join(' AND ');
    const params = clauses.flatMap((c) => c.params);
    let total: number;
    try {
      total = (prepared(this.db, `SELECT COUNT(*) AS n FROM participants p WHERE ${where}`).get(...params) as { n: number }).n;
    } catch (error) {
      if (fts && /fts5|syntax/i.test(String(error))) throw new UserError(`The text search "${options.text}" could not be run; use plain words or "quoted phrases".`);
      throw error;
    }

    // Show the values the question was about (every field used in a condition, plus `include`),
    // selected with the page itself as extra columns v0, v1, ….
    const shownFields = [...new Set([...options.where.map((c) => c.field), ...options.include])];
    const valueColumns = shownFields
      .map((field) => ({ field, ref: parseField(field) }))
      .map(({ field, ref }) => ({ field, ref, expr: valueExpression(ref, fields, field) }))
      .filter((c): c is typeof c & { expr: Sql } => c.expr !== null && c.ref.kind !== 'participant_id' && c.ref.kind !== 'email' && c.ref.kind !== 'name' && c.ref.kind !== 'status');
    const valueSelect = valueColumns.map((c, i) => `, ${c.expr.sql} AS v${i}`).join('');

    const after = options.cursor ? decodeCursor(options.cursor, 'after') : 0;
    const rows = prepared(this.db, 
        `SELECT p.id, p.external_id, p.name, p.email,
                COALESCE((SELECT i.status FROM interviews i WHERE i.participant_id = p.id), 'not_interviewed') AS status,
                (SELECT json_group_array(t.tag) FROM (SELECT tag FROM participant_tags WHERE participant_id = p.id ORDER BY tag) t) AS tags${valueSelect}
           FROM participants p WHERE ${where} AND p.id > ? ORDER BY p.id LIMIT ?`,
      )
      .all(...valueColumns.flatMap((c) => c.expr.params), ...params, after, options.limit + 1) as ({
      id: number;
      external_id: string;
      name: string | null;
      email: string | null;
      status: string;
      tags: string;
    } & Record<string, number | string | null>)[];
    const hasMore = rows.length > options.limit;
    const page = rows.slice(0, options.limit);

    // Snippets for the whole page in one FTS pass (participant_id is not indexed in FTS, so a
    // per-row lookup would re-run the full match for every row).
    const snippets = new Map<number, { source: string; text: string }[]>();
    if (fts && page.length > 0) {
      const rows = prepared(this.db, 
          `SELECT participant_id, kind, snippet(said, 0, '**', '**', '…', 16) AS text FROM said
            WHERE said MATCH ? AND participant_id IN (${page.map(() => '?').join(', ')}) ORDER BY rank`,
        )
        .all(fts, ...page.map((r) => r.id)) as { participant_id: number; kind: string; text: string }[];
      for (const row of rows) {
        const list = snippets.get(row.participant_id) ?? [];
        if (list.length < 2) list.push({ source: row.kind, text: row.text });
        snippets.set(row.participant_id, list);
      }
    }

    const participants: QueryRow[] = page.map((row) => {
      const values: QueryRow['values'] = {};
      valueColumns.forEach((c, i) => {
        const v = row[`v${i}`] ?? null;
        if (v === null || c.ref.kind !== 'answer') values[c.field] = v;
        else if (c.ref.option !== null) values[c.field] = v;
        else values[c.field] = decodeAnswer(fields.questions.get(c.ref.key)!, v);
      });
      return {
        participant_id: row.external_id,
        name: row.name,
        email: row.email,
        tags: JSON.parse(row.tags) as string[],
        status: row.status,
        values,
        snippets: snippets.get(row.id) ?? [],
      };
    });
    const last = page[page.length - 1];
    return { total, participants, next_cursor: hasMore && last ? encodeCursor('after', last.id) : null };
  }
}

function decodeAnswer(question: StoredQuestion, value: number | string): AnswerValue {
  const decoded = fromStored(question.type, value);
  return question.type === 'yes_no' ? (decoded === 1 ? 'yes' : 'no') : decoded;
}
