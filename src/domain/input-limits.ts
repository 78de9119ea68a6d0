/**
 * The longest texts a call may carry, in characters (UTF-16 code units, as JavaScript and zod count),
 * and why. One bound for all transports: the tightest is stdio, whose SDK reader refuses a message
 * (one JSON line, UTF-8) over STDIO_MESSAGE_BYTES and, before this limit existed, closed the session.
 */

/** The MCP SDK's stdio read limit (STDIO_DEFAULT_MAX_BUFFER_SIZE): one message, as UTF-8 bytes. */
export const STDIO_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * A 3-hour interview is about 30,000 words, ~200,000 characters; a million is five of those, 15 hours
 * of speech. Even if a client escaped every character as \uXXXX (6 bytes) it stays under 6 MB of JSON,
 * well inside one stdio message.
 */
export const MAX_TRANSCRIPT_CHARS = 1_000_000;

/** An open answer or a note is a paragraph or a page; 20,000 characters is ten pages. */
export const MAX_ANSWER_CHARS = 20_000;

/**
 * Inline CSV (import_participants `csv`): 5,000,000 characters of mostly ASCII are 5–7 MB once quotes
 * and line breaks are JSON-escaped, leaving room under the 10 MiB message for accented names. Larger
 * files go by `path`, which has no limit and is read as a stream.
 */
export const MAX_INLINE_CSV_CHARS = 5_000_000;

/** The message for an inline payload over its limit: what the limit is, and what to do instead. */
export function inlineTooLong(field: string, limit: number, instead: string): string {
  return `${field} is longer than ${limit.toLocaleString('en')} characters, the most one call carries (stdio messages stop at 10 MiB); ${instead}`;
}
