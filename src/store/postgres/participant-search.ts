/** query_participants' search on PostgreSQL (the SQLite store: ../participant-search.ts). */
import { decodeCursorWith } from '../../domain/cursor.js';
import { parseField } from '../../domain/fields.js';
import type { Async } from '../async-view.js';
import { compileCondition, valueExpression, type Condition, type FieldCatalog, type Sql as Compiled } from '../fields-sql.js';
import { COUNT_SLICE, countedOn, cursorCounting, shapePage, SOURCE_ORDER, type ParticipantSearch, type QueryPage } from '../participant-search.js';
import { numbered, postgresFields } from './fields.js';
import { highlightTsQuery, saidSnippets } from './said-snippets.js';
import { rows, type Sql } from './sql.js';
import { toTsQuery } from './text-query.js';

export class PgParticipantSearch implements Async<ParticipantSearch> {
  constructor(private readonly sql: Sql) {}

  /**
   * Up to two highlighted snippets per participant, from their best-placed matching texts (quotes,
   * answers, transcript, notes, as on SQLite), each from one window (saidSnippets). A participant's
   * texts are tried in that order until two have a snippet: the first two of each, then the next
   * of those left short.
   */
  private async snippets(tsquery: string, participantIds: number[]): Promise<Map<number, { source: string; text: string }[]>> {
    const documents = await rows<{ id: number; participant_id: number; kind: string }>(
      this.sql,
      `SELECT s.id, s.participant_id, s.kind FROM said s WHERE s.document @@ to_tsquery('seglab', $1) AND s.participant_id = ANY($2::bigint[])`,
      [tsquery, participantIds],
    );
    documents.sort((a, b) => a.participant_id - b.participant_id || SOURCE_ORDER[a.kind]! - SOURCE_ORDER[b.kind]! || a.id - b.id);
    const waiting = new Map<number, typeof documents>();
    for (const d of documents) waiting.set(d.participant_id, [...(waiting.get(d.participant_id) ?? []), d]);
    const highlight = highlightTsQuery(tsquery);
    const snippets = new Map<number, { source: string; text: string }[]>();
    for (;;) {
      const batch = [...waiting].flatMap(([participant, docs]) => docs.splice(0, 2 - (snippets.get(participant)?.length ?? 0)));
      if (batch.length === 0) return snippets;
      const texts = await saidSnippets(this.sql, highlight, batch.map((d) => d.id), 'StartSel=**, StopSel=**, MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter=…');
      for (const d of batch) {
        const text = texts.get(d.id);
        if (text !== undefined) snippets.set(d.participant_id, [...(snippets.get(d.participant_id) ?? []), { source: d.kind, text }]);
      }
    }
  }

  async matchingIds(studyId: number, where: Condition[], fields: FieldCatalog): Promise<number[]> {
    const clauses = [{ sql: 'p.study_id = ?', params: [studyId] as unknown[] }, ...where.map((c) => compileCondition(c, fields, postgresFields))];
    const found = await this.sql.query<{ id: number }>(numbered(`SELECT p.id FROM participants p WHERE ${clauses.map((c) => c.sql).join(' AND ')} ORDER BY p.id`), clauses.flatMap((c) => c.params));
    return found.rows.map((r) => r.id);
  }

  async search(studyId: number, fields: FieldCatalog, options: { where: Condition[]; text?: string | undefined; include: string[]; limit: number; cursor?: string | undefined; maxChars?: number }): Promise<QueryPage> {
    const clauses: Compiled[] = [{ sql: 'p.study_id = ?', params: [studyId] }];
    for (const condition of options.where) clauses.push(compileCondition(condition, fields, postgresFields));
    const query = options.text ? toTsQuery(options.text) : null;
    if (query) clauses.push({ sql: "p.id IN (SELECT s.participant_id FROM said s WHERE s.document @@ to_tsquery('seglab', ?))", params: [query] });
    const where = clauses.map((c) => c.sql).join(' AND ');
    const params = clauses.flatMap((c) => c.params);
    // As on SQLite: a text search counts its matches on the first page; otherwise each page counts a
    // slice of the study (MatchCounting). Later pages carry the total and the counting in their cursor.
    const resumed = options.cursor ? decodeCursorWith(options.cursor, 'after', ['total'] as const) : null;
    let counting = options.cursor ? cursorCounting(options.cursor) : null;
    let total: number;
    if (resumed && counting === null) total = resumed.carried.total;
    else if (query) total = (await this.sql.query<{ n: number }>(numbered(`SELECT count(*) AS n FROM participants p WHERE ${where}`), params)).rows[0]!.n;
    else {
      if (!counting) {
        const study = (await this.sql.query<{ n: number; first: number | null }>('SELECT count(*) AS n, min(id) AS first FROM participants WHERE study_id = $1', [studyId])).rows[0]!;
        counting = { counted_to: (study.first ?? 1) - 1, matched: 0, scanned: 0, participants: study.n, seen: 0 };
      }
      const conditions = clauses.slice(1);
      if (conditions.length === 0) ({ counting, total } = { counting: null, total: counting.participants }); // every participant matches
      else {
        const slice = (await this.sql.query<{ scanned: number; matched: number; last: number | null }>(
          numbered(
            `SELECT count(*) AS scanned, count(*) FILTER (WHERE ${conditions.map((c) => c.sql).join(' AND ')}) AS matched, max(p.id) AS last
               FROM (SELECT * FROM participants WHERE study_id = ? AND id > ? ORDER BY id LIMIT ?) p`,
          ),
          [...conditions.flatMap((c) => c.params), studyId, counting.counted_to, COUNT_SLICE],
        )).rows[0]!;
        ({ counting, total } = countedOn(counting, slice));
      }
    }

    const shownFields = [...new Set([...options.where.map((c) => c.field), ...options.include])];
    const valueColumns = shownFields
      .map((field) => ({ field, ref: parseField(field) }))
      .map(({ field, ref }) => ({ field, ref, expr: valueExpression(ref, fields, field, postgresFields) }))
      .filter((c): c is typeof c & { expr: Compiled } => c.expr !== null && c.ref.kind !== 'participant_id' && c.ref.kind !== 'email' && c.ref.kind !== 'name' && c.ref.kind !== 'status');
    const valueSelect = valueColumns.map((c, i) => `, ${c.expr.sql} AS v${i}`).join('');
    const after = resumed ? resumed.after : 0;
    const rows = (
      await this.sql.query<{ id: number; external_id: string; name: string | null; email: string | null; status: string; tags: string[] } & Record<string, number | string | null>>(
        numbered(
          `SELECT p.id, p.external_id, p.name, p.email,
                  COALESCE((SELECT i.status FROM interviews i WHERE i.participant_id = p.id), 'not_interviewed') AS status,
                  COALESCE((SELECT json_agg(tag ORDER BY tag COLLATE "C") FROM participant_tags WHERE participant_id = p.id), '[]') AS tags${valueSelect}
             FROM participants p WHERE ${where} AND p.id > ? ORDER BY p.id LIMIT ?`,
        ),
        [...valueColumns.flatMap((c) => c.expr.params), ...params, after, options.limit + 1],
      )
    ).rows;
    const hasMore = rows.length > options.limit;
    const page = rows.slice(0, options.limit);

    const snippets = query && page.length > 0 ? await this.snippets(query, page.map((r) => r.id)) : new Map<number, { source: string; text: string }[]>();

    const found = page.map((row) => ({ ...row, values: valueColumns.map((_, i) => row[`v${i}`] ?? null) }));
    return shapePage(found, { total, counting, hasMore, columns: valueColumns, fields, snippets, maxChars: options.maxChars });
  }
}
