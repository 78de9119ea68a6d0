/**
 * The field grammar shared by query_participants and summarize_questions (and, later,
 * crosstabs and segmentation rules):
 *   attr.<name>            a CRM attribute (the name may itself contain dots)
 *   answer.<key>           the answer to a question
 *   answer.<key>:<option>  for ranking: the option's rank (1 = first, missing if unranked);
 *                          for multiple_choice: whether the option was selected
 *   tag | theme | status   tags, coded themes, interview status
 *   segment                membership in a segmentation (segment number or name)
 *   participant_id | email | name
 */
import { UserError } from '../errors.js';

export const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists'] as const;
export type Operator = (typeof OPERATORS)[number];

export type FieldRef =
  | { kind: 'attr'; name: string }
  | { kind: 'answer'; key: string; option: string | null }
  | { kind: 'tag' | 'theme' | 'status' | 'segment' | 'participant_id' | 'email' | 'name' };

export const FIELD_HELP =
  'Fields: attr.<name>, answer.<key>, answer.<key>:<option> (a ranking option\'s rank, or whether a multiple_choice option was chosen), tag, theme, status, segment (of the latest segmentation, or segmentation_id), participant_id, email, name.';

export function parseField(field: string): FieldRef {
  const f = field.trim();
  if (f.startsWith('attr.') && f.length > 5) return { kind: 'attr', name: f.slice(5) };
  if (f.startsWith('answer.') && f.length > 7) {
    const rest = f.slice(7);
    const colon = rest.indexOf(':');
    if (colon < 0) return { kind: 'answer', key: rest, option: null };
    const option = rest.slice(colon + 1).trim();
    if (!option) throw new UserError(`Field "${field}": name an option after the colon, e.g. answer.${rest.slice(0, colon)}:Price.`);
    return { kind: 'answer', key: rest.slice(0, colon), option };
  }
  const plain = f.toLowerCase();
  if (plain === 'tag' || plain === 'tags') return { kind: 'tag' };
  if (plain === 'theme' || plain === 'themes') return { kind: 'theme' };
  if (plain === 'status' || plain === 'segment' || plain === 'participant_id' || plain === 'email' || plain === 'name') return { kind: plain };
  throw new UserError(`Unknown field "${field}". ${FIELD_HELP}`);
}

/**
 * Turns what a person types into a safe FTS5 query: words and "quoted phrases" are matched
 * (all of them, stemmed), `OR` between terms widens, a trailing * matches a prefix.
 * Punctuation that FTS5 would read as syntax is dropped, so no input can raise a syntax error.
 */
export function toFtsQuery(text: string): string {
  const parts: string[] = [];
  const tokens = text.match(/"[^"]*"|\S+/g) ?? [];
  for (const token of tokens) {
    if (token === 'OR' || token === 'AND' || token === 'NOT') {
      if (parts.length > 0 && !/^(OR|AND|NOT)$/.test(parts[parts.length - 1]!)) parts.push(token);
      continue;
    }
    if (token.startsWith('"')) {
      const words = token.slice(1, -1).match(/[\p{L}\p{N}]+/gu) ?? [];
      if (words.length > 0) parts.push(`"${words.join(' ')}"`);
      continue;
    }
    const prefix = token.endsWith('*');
    for (const word of token.match(/[\p{L}\p{N}]+/gu) ?? []) parts.push(`"${word}"`);
    if (prefix && parts.length > 0 && parts[parts.length - 1]!.startsWith('"')) parts[parts.length - 1] += '*';
  }
  while (parts.length > 0 && /^(OR|AND|NOT)$/.test(parts[parts.length - 1]!)) parts.pop();
  if (parts.length === 0) throw new UserError(`The text search "${text}" has no words to search for.`);
  return parts.join(' ');
}

/**
 * The phrases of a toFtsQuery result that a match contains (not those after NOT), joined with OR:
 * what to highlight in one window of a long text, which may hold only some of the terms a whole
 * document matched on.
 */
export function highlightQuery(ftsQuery: string): string {
  const phrases: string[] = [];
  let negated = false;
  for (const token of ftsQuery.match(/"[^"]*"\*?|\S+/g) ?? []) {
    if (token === 'NOT') negated = true;
    else if (token === 'OR' || token === 'AND') negated = false;
    else {
      if (!negated) phrases.push(token);
      negated = false;
    }
  }
  return phrases.join(' OR ');
}
