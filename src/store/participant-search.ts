/**
 * query_participants' search: participants matching conditions and a full-text query, keyset
 * paginated by participant, with the values of the fields asked about and highlighted snippets.
 */
import { clipJson, countFitting, fitList, jsonChars } from '../domain/budget.js';
import { decodeCursorWith, encodeCursorWith } from '../domain/cursor.js';
import type { AttributeValue } from '../domain/attributes.js';
import { highlightQuery, parseField, toFtsQuery, type FieldRef } from '../domain/fields.js';
import type { AnswerValue } from '../domain/questions.js';
import { UserError } from '../errors.js';
import type { Db } from './db.js';
import { compileCondition, valueExpression, type Condition, type FieldCatalog, type Sql } from './fields-sql.js';
import { fromStored } from './interviews.js';
import { saidSnippet } from './said-snippets.js';
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
  /** False while the total is an estimate (see MatchCounting). */
  total_exact: boolean;
  participants: QueryRow[];
  next_cursor: string | null;
  /** True when the page holds fewer rows than the limit to stay within `maxChars`. */
  size_limited: boolean;
}

/**
 * Counting a query's matches without a text search reads every participant of the study (0.6–1 s at
 * 1M), so a page counts at most COUNT_SLICE more participants (in id order) and its cursor carries
 * how far it got: until every participant is counted, the total is the share matched among those
 * counted times the study's participants, with total_exact false. The last page makes it exact too
 * (every match has then been shown). A study of up to COUNT_SLICE participants is counted at once.
 */
export interface MatchCounting {
  /** The last participant id counted. */
  counted_to: number;
  matched: number;
  scanned: number;
  /** The study's participants. */
  participants: number;
  /** Rows shown by the earlier pages. */
  seen: number;
}
export const COUNT_SLICE = 50_000;
const COUNTING_KEYS = ['counted_to', 'matched', 'scanned', 'participants', 'seen'] as const;

/** The counting state a cursor carries, or null when its total is exact. */
export function cursorCounting(cursor: string): MatchCounting | null {
  decodeCursorWith(cursor, 'after', [] as const); // a cursor that is not one is refused here
  const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  return 'counted_to' in state ? decodeCursorWith(cursor, 'after', COUNTING_KEYS).carried : null;
}

/** The counting after one more slice of `slice.scanned` participants (done when it was short). */
export function countedOn(from: MatchCounting, slice: { scanned: number; matched: number; last: number | null }): { counting: MatchCounting | null; total: number } {
  const next = { ...from, counted_to: slice.last ?? from.counted_to, matched: from.matched + slice.matched, scanned: from.scanned + slice.scanned };
  if (slice.scanned < COUNT_SLICE) return { counting: null, total: next.matched };
  return { counting: next, total: Math.round((next.matched / Math.max(1, next.scanned)) * next.participants) };
}

/** A row's texts and lists at most this long (as JSON): a listing shows previews; get_participant has the whole. */
const ROW_VALUE_CHARS = 300;
const ROW_TAGS_CHARS = 400;

function previewValue(value: AttributeValue | AnswerValue | null): AttributeValue | AnswerValue | null {
  if (typeof value === 'string') return clipJson(value, ROW_VALUE_CHARS);
  if (Array.isArray(value)) return fitList(value, ROW_VALUE_CHARS, 1).items;
  return value;
}

export class ParticipantSearch {
  constructor(private readonly db: Db) {}

  /** Internal ids of the participants matching every condition, in id order. */
  matchingIds(studyId: number, where: Condition[], fields: FieldCatalog): number[] {
    const clauses = [{ sql: 'p.study_id = ?', params: [studyId] as unknown[] }, ...where.map((c) => compileCondition(c, fields))];
    return (prepared(this.db, `SELECT p.id FROM participants p WHERE ${clauses.map((c) => c.sql).join(' AND ')} ORDER BY p.id`).all(...clauses.flatMap((c) => c.params)) as { id: number }[]).map((r) => r.id);
  }

  /**
   * Up to two highlighted snippets per participant, from their best-placed matching texts. The page's
   * texts are found by their rowids (source id * 4 + kind), each checked against the whole-document
   * match; each snippet comes from one window (saidSnippet).
   */
  private snippets(fts: string, participantIds: number[]): Map<number, { source: string; text: string }[]> {
    const list = participantIds.map(() => '?').join(', ');
    const documents = prepared(
      this.db,
      `SELECT rowid AS doc, participant_id, kind FROM said
        WHERE said MATCH ? AND rowid IN (
          SELECT i.id * 4 + k.k FROM interviews i, (SELECT 0 AS k UNION ALL SELECT 1) k WHERE i.participant_id IN (${list})
          UNION ALL SELECT a.id * 4 + 2 FROM answers a JOIN questions q ON q.id = a.question_id WHERE a.participant_id IN (${list}) AND q.type = 'open_ended'
          UNION ALL SELECT qu.id * 4 + 3 FROM quotes qu WHERE qu.participant_id IN (${list}))`,
    ).all(fts, ...participantIds, ...participantIds, ...participantIds) as { doc: number; participant_id: number; kind: string }[];
    documents.sort((a, b) => a.participant_id - b.participant_id || SOURCE_ORDER[a.kind]! - SOURCE_ORDER[b.kind]! || a.doc - b.doc);
    const highlight = highlightQuery(fts);
    const snippets = new Map<number, { source: string; text: string }[]>();
    for (const { doc, participant_id, kind } of documents) {
      const shown = snippets.get(participant_id) ?? [];
      if (shown.length >= 2) continue;
      const text = saidSnippet(this.db, highlight, doc, '**', 16);
      if (text !== undefined) shown.push({ source: kind, text });
      snippets.set(participant_id, shown);
    }
    return snippets;
  }

  search(studyId: number, fields: FieldCatalog, options: { where: Condition[]; text?: string | undefined; include: string[]; limit: number; cursor?: string | undefined; maxChars?: number }): QueryPage {
    const fts = options.text ? toFtsQuery(options.text) : null;
    // With a text search the matching texts drive (participants looked up by id); `+` keeps SQLite from
    // walking the whole study by its study_id index instead, which cost ~300 ms for a rare word at 1M.
    const clauses: Sql[] = [{ sql: fts ? '+p.study_id = ?' : 'p.study_id = ?', params: [studyId] }];
    for (const condition of options.where) clauses.push(compileCondition(condition, fields));
    if (fts) clauses.push({ sql: 'p.id IN (SELECT s.participant_id FROM said s WHERE said MATCH ?)', params: [fts] });

    const where = clauses.map((c) => c.sql).join(' AND ');
    const params = clauses.flatMap((c) => c.params);
    // With a text search the first page counts the matches (and finds where they start) in one pass,
    // the matching texts driving; without one it counts a slice of the study (MatchCounting). Later
    // pages carry the total (and the counting so far) in their cursor.
    const resumed = options.cursor ? decodeCursorWith(options.cursor, 'after', ['total'] as const) : null;
    let counting = options.cursor ? cursorCounting(options.cursor) : null;
    let total: number;
    let first: number | null = null;
    try {
      if (resumed && counting === null) total = resumed.carried.total;
      else if (fts) ({ n: total, first } = prepared(this.db, `SELECT COUNT(*) AS n, MIN(p.id) AS first FROM participants p WHERE ${where}`).get(...params) as { n: number; first: number | null });
      else {
        if (!counting) {
          const study = prepared(this.db, 'SELECT COUNT(*) AS n, MIN(id) AS first FROM participants WHERE study_id = ?').get(studyId) as { n: number; first: number | null };
          first = study.first;
          counting = { counted_to: (study.first ?? 1) - 1, matched: 0, scanned: 0, participants: study.n, seen: 0 };
        }
        const conditions = clauses.slice(1);
        if (conditions.length === 0) ({ counting, total } = { counting: null, total: counting.participants }); // every participant matches
        else {
          const slice = prepared(this.db,
              `SELECT COUNT(*) AS scanned, COUNT(CASE WHEN ${conditions.map((c) => c.sql).join(' AND ')} THEN 1 END) AS matched, MAX(p.id) AS last
                 FROM (SELECT * FROM participants WHERE +study_id = ? AND id > ? ORDER BY id LIMIT ?) p`,
            ).get(...conditions.flatMap((c) => c.params), studyId, counting.counted_to, COUNT_SLICE) as { scanned: number; matched: number; last: number | null };
          ({ counting, total } = countedOn(counting, slice));
        }
      }
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

    // A page walks the primary key from the cursor (`+p.study_id` keeps SQLite off the study index,
    // whose order would make it sort every match of the study for each page) and stops at the page.
    const after = resumed ? resumed.after : (first ?? 1) - 1;
    const pageWhere = ['+p.study_id = ?', ...clauses.slice(1).map((c) => c.sql)].join(' AND ');
    const rows = prepared(this.db, 
        `SELECT p.id, p.external_id, p.name, p.email,
                COALESCE((SELECT i.status FROM interviews i WHERE i.participant_id = p.id), 'not_interviewed') AS status,
                (SELECT json_group_array(t.tag) FROM (SELECT tag FROM participant_tags WHERE participant_id = p.id ORDER BY tag) t) AS tags${valueSelect}
           FROM participants p WHERE ${pageWhere} AND p.id > ? ORDER BY p.id LIMIT ?`,
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

    const snippets = fts && page.length > 0 ? this.snippets(fts, page.map((r) => r.id)) : new Map<number, { source: string; text: string }[]>();

    const found = page.map((row) => ({ ...row, tags: JSON.parse(row.tags) as string[], values: valueColumns.map((_, i) => row[`v${i}`] ?? null) }));
    return shapePage(found, { total, counting, hasMore, columns: valueColumns, fields, snippets, maxChars: options.maxChars });
  }
}

/** A participant of a page as an engine reads it: tags as a list, the shown fields' stored values in column order. */
export interface FoundParticipant {
  id: number;
  external_id: string;
  name: string | null;
  email: string | null;
  status: string;
  tags: string[];
  values: (number | string | null)[];
}

/**
 * A page as query_participants shows it, on either engine: answers decoded, long texts and lists
 * as previews, and (a limit is an upper bound) the rows that fit `maxChars`.
 */
export function shapePage(
  page: FoundParticipant[],
  { total, counting = null, hasMore, columns, fields, snippets, maxChars }: { total: number; counting?: MatchCounting | null; hasMore: boolean; columns: { field: string; ref: FieldRef }[]; fields: FieldCatalog; snippets: Map<number, { source: string; text: string }[]>; maxChars?: number | undefined },
): QueryPage {
  const built: QueryRow[] = page.map((row) => {
    const values: QueryRow['values'] = {};
    columns.forEach((c, i) => {
      const v = row.values[i] ?? null;
      if (v === null || c.ref.kind !== 'answer') values[c.field] = previewValue(v);
      else if (c.ref.option !== null) values[c.field] = v;
      else values[c.field] = previewValue(decodeAnswer(fields.questions.get(c.ref.key)!, v));
    });
    return {
      participant_id: row.external_id,
      name: row.name === null ? null : clipJson(row.name, ROW_VALUE_CHARS),
      email: row.email === null ? null : clipJson(row.email, ROW_VALUE_CHARS),
      tags: fitList(row.tags, ROW_TAGS_CHARS).items,
      status: row.status,
      values,
      snippets: (snippets.get(row.id) ?? []).map((snippet) => ({ ...snippet, text: clipJson(snippet.text, ROW_VALUE_CHARS) })),
    };
  });
  // A limit is an upper bound: the page stops where the next row would not fit (the cursor carries the total).
  const fitting = maxChars === undefined ? built.length : countFitting(built, maxChars - jsonChars({ total, next_cursor: 'x'.repeat(200) }), 1);
  const participants = built.slice(0, fitting);
  const last = page[fitting - 1];
  const more = hasMore || fitting < page.length;
  // The last page has shown every match: an estimated total becomes the exact count.
  const shownTotal = !counting ? total : more ? Math.max(total, counting.seen + participants.length + 1) : counting.seen + participants.length;
  const carried = counting && more ? { total: shownTotal, ...counting, seen: counting.seen + participants.length } : { total };
  return { total: shownTotal, total_exact: counting === null || !more, participants, next_cursor: more && last ? encodeCursorWith('after', last.id, carried) : null, size_limited: fitting < page.length };
}

/** Which of a participant's matching texts to quote first: their own chosen words, then answers, then the long texts. */
export const SOURCE_ORDER: Record<string, number> = { quote: 0, answer: 1, transcript: 2, notes: 3 };

export function decodeAnswer(question: StoredQuestion, value: number | string): AnswerValue {
  const decoded = fromStored(question.type, value);
  return question.type === 'yes_no' ? (decoded === 1 ? 'yes' : 'no') : decoded;
}
