/**
 * The field grammar's SQL on PostgreSQL (the grammar, checks and messages: ../fields-sql.ts).
 * Values keep SQLite's types, so both engines answer alike: numbers as float8, booleans as 1/0,
 * text as text, list answers as JSON text.
 */
import type { FieldDialect, Sql as Compiled } from '../fields-sql.js';
import type { Sql } from './sql.js';

export const postgresFields: FieldDialect = {
  attribute: (name, type) => {
    if (type === 'number') return { sql: "(CASE WHEN jsonb_typeof(p.attributes -> ?) = 'number' THEN (p.attributes ->> ?)::float8 END)", params: [name, name] };
    if (type === 'boolean') return { sql: "(CASE p.attributes -> ? WHEN 'true'::jsonb THEN 1 WHEN 'false'::jsonb THEN 0 END)", params: [name] };
    return { sql: '(p.attributes ->> ?)', params: [name] };
  },
  answerValue: (type) => (type === 'scale' || type === 'yes_no' ? '(a.value)::float8' : type === 'multiple_choice' || type === 'ranking' ? '(a.value)::text' : "(a.value #>> '{}')"),
  rankOf: (questionId, option) => ({
    sql: '(SELECT j.n FROM answers a, jsonb_array_elements_text(a.value) WITH ORDINALITY AS j(v, n) WHERE a.participant_id = p.id AND a.question_id = ? AND j.v = ?)',
    params: [questionId, option],
  }),
  chose: (questionId, option) => ({
    sql: '(SELECT CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements_text(a.value) AS j(v) WHERE j.v = ?) THEN 1 ELSE 0 END FROM answers a WHERE a.participant_id = p.id AND a.question_id = ?)',
    params: [option, questionId],
  }),
  listTest: (first, marks) => (first ? `(a.value ->> 0) IN (${marks})` : `EXISTS (SELECT 1 FROM jsonb_array_elements_text(a.value) AS j(v) WHERE j.v IN (${marks}))`),
  contains: (expr) => `strpos(lower(${expr}), ?) > 0`,
  joined: (expr) => `string_agg(${expr}, ' | ' ORDER BY m.segment_id)`,
};

/** `?` placeholders as $1, $2, … (none sits inside a quoted literal or identifier in the compiled SQL). */
export function numbered(sql: string): string {
  let n = 0;
  let quote: string | null = null;
  let out = '';
  for (const c of sql) {
    if (quote) {
      if (c === quote) quote = null;
      out += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else out += c === '?' ? `$${++n}` : c;
  }
  return out;
}

/** Runs compiled SQL (with `?` placeholders). */
export function run<R extends Record<string, unknown>>(sql: Sql, compiled: Compiled): Promise<R[]> {
  return sql.query<R>(numbered(compiled.sql), compiled.params).then((r) => r.rows);
}
