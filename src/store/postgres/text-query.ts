/**
 * The documented text-search syntax as a PostgreSQL tsquery for the `seglab` configuration:
 * words and "quoted phrases" must all match (stemmed), OR between terms widens, NOT excludes, a
 * trailing * matches a prefix. Tokenized as toFtsQuery does for SQLite (domain/fields.ts), so both
 * engines read a query the same way; punctuation is dropped, so no input is a syntax error.
 */
import { UserError } from '../../errors.js';

const OPERATOR: Record<string, string> = { OR: '|', AND: '&', NOT: '& !' };

export function toTsQuery(text: string): string {
  const parts: string[] = [];
  const isOperator = (part: string | undefined) => part !== undefined && Object.values(OPERATOR).includes(part);
  const term = (term: string) => {
    if (parts.length > 0 && !isOperator(parts[parts.length - 1])) parts.push('&');
    parts.push(term);
  };
  for (const token of text.match(/"[^"]*"|\S+/g) ?? []) {
    if (OPERATOR[token]) {
      if (parts.length > 0 && !isOperator(parts[parts.length - 1])) parts.push(OPERATOR[token]!);
      continue;
    }
    if (token.startsWith('"')) {
      const words = token.slice(1, -1).match(/[\p{L}\p{N}]+/gu) ?? [];
      if (words.length > 0) term(`(${words.map((w) => `'${w}'`).join(' <-> ')})`);
      continue;
    }
    const words = token.match(/[\p{L}\p{N}]+/gu) ?? [];
    words.forEach((word, i) => term(`'${word}'${i === words.length - 1 && token.endsWith('*') ? ':*' : ''}`));
  }
  while (isOperator(parts[parts.length - 1])) parts.pop();
  if (parts.length === 0) throw new UserError(`The text search "${text}" has no words to search for.`);
  return parts.join(' ');
}
