/** search/fetch's free-text search on PostgreSQL (the SQLite store: ../document-search.ts). */
import type { Async } from '../async-view.js';
import type { DocumentSearch, SearchHit } from '../document-search.js';
import { saidSnippets } from './said-snippets.js';
import { first, rows, type Sql } from './sql.js';

const like = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

/** The words of a query as a tsquery OR-ing them ('a' | 'b'), or null when it has none. */
export function anyWordTsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length === 0 ? null : [...new Set(words.map((w) => w.toLowerCase()))].slice(0, 20).map((w) => `'${w}'`).join(' | ');
}

export class PgDocumentSearch implements Async<DocumentSearch> {
  constructor(private readonly sql: Sql) {}

  async search(query: string, studies: number[] | null, limit: number): Promise<SearchHit[]> {
    const pattern = like(query.trim());
    const hits: SearchHit[] = [];
    // ILIKE: SQLite's LIKE ignores case (ASCII); so does this (and beyond ASCII).
    const studyRows = await rows<{ id: number; name: string }>(
      this.sql,
      `SELECT id, name FROM studies WHERE (name ILIKE $1 OR decision ILIKE $1 OR description ILIKE $1) AND ($2::bigint[] IS NULL OR id = ANY($2)) ORDER BY id LIMIT $3`,
      [pattern, studies, limit],
    );
    for (const s of studyRows) hits.push({ kind: 'study', study_id: s.id, ref: String(s.id), title: `Study: ${s.name}` });
    const people = await rows<{ study_id: number; external_id: string; name: string | null }>(
      this.sql,
      `SELECT study_id, external_id, name FROM participants WHERE (external_id ILIKE $1 OR email ILIKE $1 OR name ILIKE $1) AND ($2::bigint[] IS NULL OR study_id = ANY($2)) ORDER BY id LIMIT $3`,
      [pattern, studies, limit],
    );
    for (const p of people) hits.push({ kind: 'participant', study_id: p.study_id, ref: p.external_id, title: `Participant ${p.external_id}${p.name ? ` (${p.name})` : ''}` });
    const segments = await rows<{ study_id: number; segmentation_id: number; segment_id: number; name: string | null }>(
      this.sql,
      `SELECT s.study_id, g.segmentation_id, g.segment_id, g.name FROM segments g JOIN segmentations s ON s.id = g.segmentation_id
        WHERE (g.name ILIKE $1 OR g.description ILIKE $1 OR g.persona ILIKE $1) AND ($2::bigint[] IS NULL OR s.study_id = ANY($2))
        ORDER BY g.segmentation_id DESC, g.segment_id LIMIT $3`,
      [pattern, studies, limit],
    );
    for (const g of segments) hits.push({ kind: 'segment', study_id: g.study_id, ref: `${g.segmentation_id}:${g.segment_id}`, title: `Segment ${g.name ?? g.segment_id} (segmentation ${g.segmentation_id})` });

    const tsquery = anyWordTsQuery(query);
    if (tsquery) {
      // Ranked over whole texts; a snippet only for the texts kept, each from one window.
      const said = await rows<{ id: number; kind: string; study_id: number; external_id: string; name: string | null }>(
        this.sql,
        `SELECT s.id, s.kind, p.study_id, p.external_id, p.name
           FROM said s JOIN participants p ON p.id = s.participant_id, to_tsquery('seglab', $1) AS q
          WHERE s.document @@ q AND ($2::bigint[] IS NULL OR p.study_id = ANY($2)) ORDER BY ts_rank(s.document, q) DESC, s.id LIMIT $3`,
        [tsquery, studies, limit * 4],
      );
      const seen = new Set(hits.map((h) => `${h.kind}:${h.study_id}:${h.ref}`));
      const kept: typeof said = [];
      for (const row of said) {
        if (hits.length + kept.length >= limit) break;
        // id = source id * 4 + kind: a quote's id is id / 4.
        const key = row.kind === 'quote' ? `quote:${row.study_id}:${Math.floor(row.id / 4)}` : `participant:${row.study_id}:${row.external_id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        kept.push(row);
      }
      const texts = await saidSnippets(this.sql, tsquery, kept.map((r) => r.id), 'StartSel="", StopSel="", MaxWords=12, MinWords=5, MaxFragments=1, FragmentDelimiter=…');
      for (const row of kept) {
        const text = texts.get(row.id) ?? '';
        hits.push(
          row.kind === 'quote'
            ? { kind: 'quote', study_id: row.study_id, ref: String(Math.floor(row.id / 4)), title: `Quote from ${row.external_id}: "${text}"` }
            : { kind: 'participant', study_id: row.study_id, ref: row.external_id, title: `Participant ${row.external_id}${row.name ? ` (${row.name})` : ''}: "${text}"` },
        );
      }
    }
    return hits.slice(0, limit);
  }

  quote(id: number): Promise<{ study_id: number; participant_id: string; question: string | null; text: string } | undefined> {
    return first(
      this.sql,
      `SELECT p.study_id, p.external_id AS participant_id, q.text AS question, qu.text FROM quotes qu
         JOIN participants p ON p.id = qu.participant_id LEFT JOIN questions q ON q.id = qu.question_id WHERE qu.id = $1`,
      [id],
    );
  }
}
