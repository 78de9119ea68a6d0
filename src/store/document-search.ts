/**
 * Free-text search across what seglab holds — studies, participants, quotes, segments — for
 * connectors that only know `search` and `fetch` (ChatGPT deep research and company knowledge).
 * Words are OR-ed and ranked (bm25 over what participants said), so a question in plain language finds something.
 */
import type { Db } from './db.js';
import { saidSnippet } from './said-snippets.js';
import { prepared } from './statements.js';

export interface SearchHit {
  kind: 'study' | 'participant' | 'quote' | 'segment';
  study_id: number;
  /** participant: external id; quote: quote id; segment: "segmentation:segment". */
  ref: string;
  title: string;
}

/** The words of a query as an FTS5 OR-query ("a" OR "b"), or null when it has none. */
export function anyWordQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length === 0 ? null : [...new Set(words.map((w) => w.toLowerCase()))].slice(0, 20).map((w) => `"${w}"`).join(' OR ');
}

const like = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

export class DocumentSearch {
  constructor(private readonly db: Db) {}

  /** @param studies the caller's studies (null: all) */
  search(query: string, studies: number[] | null, limit: number): SearchHit[] {
    const scope = JSON.stringify(studies);
    const inScope = (column: string) => `(? IS NULL OR ${column} IN (SELECT value FROM json_each(?)))`;
    const scopeParams = [studies === null ? null : 1, scope];
    const pattern = like(query.trim());
    const hits: SearchHit[] = [];

    const studyRows = prepared(this.db, `SELECT id, name FROM studies WHERE (name LIKE ? ESCAPE '\\' OR decision LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\') AND ${inScope('id')} ORDER BY id LIMIT ?`)
      .all(pattern, pattern, pattern, ...scopeParams, limit) as { id: number; name: string }[];
    for (const s of studyRows) hits.push({ kind: 'study', study_id: s.id, ref: String(s.id), title: `Study: ${s.name}` });

    const people = prepared(this.db, 
        `SELECT study_id, external_id, name FROM participants
          WHERE (external_id LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\') AND ${inScope('study_id')} ORDER BY id LIMIT ?`,
      )
      .all(pattern, pattern, pattern, ...scopeParams, limit) as { study_id: number; external_id: string; name: string | null }[];
    for (const p of people) hits.push({ kind: 'participant', study_id: p.study_id, ref: p.external_id, title: `Participant ${p.external_id}${p.name ? ` (${p.name})` : ''}` });

    const segments = prepared(this.db, 
        `SELECT s.study_id, g.segmentation_id, g.segment_id, g.name FROM segments g JOIN segmentations s ON s.id = g.segmentation_id
          WHERE (g.name LIKE ? ESCAPE '\\' OR g.description LIKE ? ESCAPE '\\' OR g.persona LIKE ? ESCAPE '\\') AND ${inScope('s.study_id')}
          ORDER BY g.segmentation_id DESC, g.segment_id LIMIT ?`,
      )
      .all(pattern, pattern, pattern, ...scopeParams, limit) as { study_id: number; segmentation_id: number; segment_id: number; name: string | null }[];
    for (const g of segments) hits.push({ kind: 'segment', study_id: g.study_id, ref: `${g.segmentation_id}:${g.segment_id}`, title: `Segment ${g.name ?? g.segment_id} (segmentation ${g.segmentation_id})` });

    const fts = anyWordQuery(query);
    if (fts) {
      // Ranked over whole texts; a snippet only for the texts kept, each from one window.
      const said = prepared(this.db, 
          `SELECT s.rowid AS rowid, s.kind, p.study_id, p.external_id, p.name FROM said s
             JOIN participants p ON p.id = s.participant_id
            WHERE said MATCH ? AND ${inScope('p.study_id')} ORDER BY rank LIMIT ?`,
        )
        .all(fts, ...scopeParams, limit * 4) as { rowid: number; kind: string; study_id: number; external_id: string; name: string | null }[];
      const seen = new Set(hits.map((h) => `${h.kind}:${h.study_id}:${h.ref}`));
      for (const row of said) {
        if (hits.length >= limit) break;
        // rowid = source id * 4 + kind (schema 1): a quote's id is rowid / 4.
        const kind = row.kind === 'quote' ? 'quote' : 'participant';
        const ref = kind === 'quote' ? String(Math.floor(row.rowid / 4)) : row.external_id;
        const key = `${kind}:${row.study_id}:${ref}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const text = saidSnippet(this.db, fts, row.rowid, '', 12) ?? '';
        hits.push(
          kind === 'quote'
            ? { kind, study_id: row.study_id, ref, title: `Quote from ${row.external_id}: "${text}"` }
            : { kind, study_id: row.study_id, ref, title: `Participant ${row.external_id}${row.name ? ` (${row.name})` : ''}: "${text}"` },
        );
      }
    }
    return hits.slice(0, limit);
  }

  /** A quote with whose it is and which question it answers. */
  quote(id: number): { study_id: number; participant_id: string; question: string | null; text: string } | undefined {
    return prepared(this.db, 
        `SELECT p.study_id, p.external_id AS participant_id, q.text AS question, qu.text FROM quotes qu
           JOIN participants p ON p.id = qu.participant_id LEFT JOIN questions q ON q.id = qu.question_id WHERE qu.id = ?`,
      )
      .get(id) as { study_id: number; participant_id: string; question: string | null; text: string } | undefined;
  }
}
