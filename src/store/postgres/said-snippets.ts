/**
 * Snippets of what participants said on PostgreSQL, from one window of a long text (said_chunks,
 * schema 7) as on SQLite (../said-snippets.ts): ts_headline parses the whole text it is given, so a
 * window of 2,500 characters bounds its cost however long the transcript and however often the
 * words occur. A text of up to 2,500 characters has no windows and is read whole.
 */
import { rows, type Sql } from './sql.js';

/**
 * The terms of a toTsQuery result that a match contains (not those after `!`), OR-ed: what to
 * highlight in one window of a long text, which may hold only some of the terms the whole text
 * matched on (highlightQuery's counterpart).
 */
export function highlightTsQuery(tsquery: string): string {
  const terms: string[] = [];
  let negated = false;
  for (const token of tsquery.match(/\([^)]*\)|'[^']*'(?::\*)?|!|&|\|/g) ?? []) {
    if (token === '!') negated = true;
    else if (token === '&' || token === '|') continue;
    else {
      if (!negated) terms.push(token);
      negated = false;
    }
  }
  return terms.join(' | ');
}

/**
 * A snippet of each text of `docs` (said ids) for `tsquery` (a highlightTsQuery), in ts_headline's
 * `options`: from the first window holding a term (not the best-ranked, as on SQLite), or the whole
 * text when it has no windows; none for a text where no term is found.
 */
export async function saidSnippets(sql: Pick<Sql, 'query'>, tsquery: string, docs: number[], options: string): Promise<Map<number, string>> {
  if (docs.length === 0) return new Map();
  const found = await rows<{ id: number; text: string | null }>(
    sql,
    `SELECT d.id,
            CASE WHEN length(s.text) > 2500
                 THEN (SELECT ts_headline('seglab', c.text, h, $3) FROM said_chunks c
                        WHERE c.id BETWEEN d.id * 1024 AND d.id * 1024 + 1023 AND c.document @@ h ORDER BY c.id LIMIT 1)
                 WHEN s.document @@ h THEN ts_headline('seglab', s.text, h, $3) END AS text
       FROM unnest($1::bigint[]) AS d(id) JOIN said s ON s.id = d.id, to_tsquery('seglab', $2) AS h`,
    [docs, tsquery, options],
  );
  return new Map(found.filter((r) => r.text !== null).map((r) => [r.id, r.text!]));
}
