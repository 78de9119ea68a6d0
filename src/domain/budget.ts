/**
 * The output budget: every tool result (its text and structuredContent, as JSON) stays under
 * RESULT_BUDGET characters whatever the data, so it fits an assistant's context (Claude Code
 * refuses results over ~25,000 tokens; smaller is better for every model). Results are shaped to
 * fit by design: pages hold as many rows as fit, long lists become counts plus examples, long
 * texts become previews. These helpers measure and fit; tools/budget.ts guards the total.
 */
export const RESULT_BUDGET = 20_000;

/** What a result's structured part may use; the text rendering and the envelope take the rest. */
export const STRUCTURED_BUDGET = 14_000;

/** What a tool's text rendering may take: the concise summary a person would read. */
export const TEXT_BUDGET = 4000;

/** The characters `value` takes as JSON. */
export function jsonChars(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}

/**
 * How many of `items`, from the first, fit in `maxChars` of JSON (list punctuation included);
 * at least `atLeast` (a page always makes progress), at most `items.length`.
 */
export function countFitting(items: readonly unknown[], maxChars: number, atLeast = 0): number {
  let used = 2;
  let n = 0;
  for (const item of items) {
    used += jsonChars(item) + 1;
    if (used > maxChars && n >= atLeast) break;
    n++;
  }
  return n;
}

/** The first items of a list that fit in `maxChars` of JSON, with how many there were. */
export function fitList<T>(items: readonly T[], maxChars: number, atLeast = 0): { items: T[]; total: number } {
  return { items: items.slice(0, countFitting(items, maxChars, atLeast)), total: items.length };
}

/** A text of at most `max` characters: longer ones end with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** A text whose JSON takes at most `maxChars` (escapes counted), shortened with an ellipsis if needed. */
export function clipJson(text: string, maxChars: number): string {
  let clipped = clip(text, maxChars - 2);
  while (jsonChars(clipped) > maxChars && clipped.length > 1) clipped = clip(clipped, Math.floor(clipped.length * 0.9));
  return clipped;
}

/** Lines joined up to `maxChars`, then a line saying how many more the structured result holds. */
export function takeLines(lines: readonly string[], maxChars = TEXT_BUDGET): string {
  let used = 0;
  let n = 0;
  for (const line of lines) {
    if (used + line.length + 1 > maxChars - 80) break;
    used += line.length + 1;
    n++;
  }
  return n === lines.length ? lines.join('\n') : `${lines.slice(0, n).join('\n')}\n… ${lines.length - n} more line(s): see the structured result.`;
}

/** Messages (warnings, notes) as far as they fit in `maxChars`, each at most `each` long, then "… and N more". */
export function fitMessages(messages: readonly string[], maxChars: number, each = 300): string[] {
  const clipped = messages.map((m) => clip(m, each));
  const n = countFitting(clipped, maxChars - 40);
  return n === clipped.length ? clipped : [...clipped.slice(0, n), `… and ${clipped.length - n} more`];
}
