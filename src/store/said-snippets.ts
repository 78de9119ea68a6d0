/**
 * Snippets of what participants said, from one window of a text (`said_chunks`, schema 7) rather than
 * the whole text: FTS5's snippet() costs the square of the hits in the row it reads, so a window of
 * 2,500 characters bounds it however long the transcript and however often the words occur.
 */
import type { Db } from './db.js';
import { prepared } from './statements.js';

/** rowids per text in said_chunks: the text's key (its rowid in `said`) × this + the window's number. */
const WINDOWS_PER_TEXT = 1024;

/**
 * The first window of text `doc` (a `said` rowid) holding any of `query`'s phrases (OR-ed: see
 * highlightQuery), with the matches between `mark`, about `tokens` words; undefined when none does.
 * The first, not the best-ranked: ranking (bm25) reads the statistics of the whole index on every call,
 * ~4 ms for a common word at 100k participants, where this reads one window.
 */
export function saidSnippet(db: Db, query: string, doc: number, mark: string, tokens: number): string | undefined {
  const row = prepared(
    db,
    `SELECT snippet(said_chunks, 0, ?, ?, '…', ?) AS text FROM said_chunks
      WHERE said_chunks MATCH ? AND rowid BETWEEN ? AND ? LIMIT 1`,
  ).get(mark, mark, tokens, query, doc * WINDOWS_PER_TEXT, doc * WINDOWS_PER_TEXT + WINDOWS_PER_TEXT - 1) as { text: string } | undefined;
  return row?.text;
}
