/**
 * A short, bounded summary of a tool call's arguments for the audit log: the shape of the call
 * and its settings, never bulk text. Long strings (CSV, transcripts, notes) become their length,
 * lists their first items and count, so the log stays small and holds as little personal text
 * as possible (erasure scrubs what remains; see store/erasure.ts).
 */
const MAX_STRING = 60;
const MAX_ITEMS = 3;
const MAX_DEPTH = 3;
const MAX_TOTAL = 600;

function summarize(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length <= MAX_STRING ? value : `[${value.length} characters]`;
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return `[${value.length} items]`;
    const shown = value.slice(0, MAX_ITEMS).map((v) => summarize(v, depth + 1));
    return value.length > MAX_ITEMS ? [...shown, `… ${value.length - MAX_ITEMS} more`] : shown;
  }
  if (typeof value === 'object') {
    if (depth >= MAX_DEPTH) return '[object]';
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, summarize(v, depth + 1)]));
  }
  return String(value);
}

/** JSON text of at most ~620 characters describing the arguments. */
export function summarizeArguments(args: unknown): string {
  const text = JSON.stringify(summarize(args ?? {}, 0));
  if (text.length <= MAX_TOTAL) return text;
  // Cut the text and keep it as one string; escaping may lengthen it, so cut until it fits.
  let cut = MAX_TOTAL;
  let short: string;
  do {
    short = JSON.stringify({ summary: `${text.slice(0, cut)}…` });
    cut = Math.floor(cut * 0.8);
  } while (short.length > MAX_TOTAL + 20);
  return short;
}
