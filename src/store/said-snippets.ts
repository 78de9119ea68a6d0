/**
 * Snippets of what participants said, from one window of a long text (`said_chunks`, schema 7) rather
 * than the whole text: FTS5's snippet() costs the square of the hits in the row it reads, so a window
 * of 2,500 characters bounds it however long the transcript and however often the words occur.
 */
import type { Db } from './db.js';
import { prepared } from './statements.js';

/** rowids per text in said_chunks: the text's key (its rowid in `said`) × this + the window's number. */
const WINDOWS_PER_TEXT = 1024;

/**
 * A snippet of text `doc` (a `said` rowid) for `query` (phrases OR-ed: see highlightQuery), the matches
 * between `mark`, about `tokens` words; undefined when it holds none of them. A long text's snippet
 * comes from its first window holding a phrase (not the best-ranked: bm25 reads the whole index's
 * statistics on every call, ~4 ms for a common word at 100k participants); a text of up to 2,500
 * characters has no windows and is read whole. (`rowid = ?` with a number bound from JavaScript, a
 * REAL, is ignored by FTS5 next to MATCH, which then reads every matching row: hence the CAST.)
 */
export function saidSnippet(db: Db, query: string, doc: number, mark: string, tokens: number): string | undefined {
  const first = doc * WINDOWS_PER_TEXT;
  const windowed = prepared(db, 'SELECT 1 FROM said_chunks WHERE rowid = CAST(? AS INTEGER)').get(first) !== undefined;
  const row = windowed
    ? prepared(db, `SELECT snippet(said_chunks, 0, ?, ?, '…', ?) AS text FROM said_chunks WHERE said_chunks MATCH ? AND rowid BETWEEN ? AND ? LIMIT 1`).get(mark, mark, tokens, query, first, first + WINDOWS_PER_TEXT - 1)
    : prepared(db, `SELECT snippet(said, 0, ?, ?, '…', ?) AS text FROM said WHERE said MATCH ? AND rowid = CAST(? AS INTEGER)`).get(mark, mark, tokens, query, doc);
  return (row as { text: string } | undefined)?.text;
}
