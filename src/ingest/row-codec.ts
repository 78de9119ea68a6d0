/**
 * Typed rows as one string per batch, for the import worker to hand to the importing thread.
 * Fields are joined by control characters that JSON text (the attributes) never contains raw;
 * the few fields straight from the CSV (id, email, name, tags) that do contain one are escaped.
 * A string is cloned between threads as one block, and splitting it is native work: far
 * cheaper than structured-cloning thousands of objects or JSON-escaping every attribute object.
 */
import type { TypedParticipant } from './csv.js';

const FIELD = '\u0001';
const ROW = '\u0002';
const LIST = '\u0003';
const ESCAPE = '\u0004';
const SPECIAL = /[\u0001-\u0004]/;
const SPECIAL_ALL = /[\u0001-\u0004]/g;
const ESCAPED_ALL = /\u0004(.)/g;

function escape(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPE + String.fromCharCode(c.charCodeAt(0) + 0x40)) : value;
}

function unescape(value: string): string {
  return value.includes(ESCAPE) ? value.replace(ESCAPED_ALL, (_, c: string) => String.fromCharCode(c.charCodeAt(0) - 0x40)) : value;
}

/** One row, terminated; null email or name is written as an absent field marker. */
export function encodeRow(row: TypedParticipant): string {
  const nullable = (v: string | null) => (v === null ? '0' : '1' + escape(v));
  return (
    row.line + FIELD + escape(row.external_id) + FIELD + nullable(row.email) + FIELD + nullable(row.name) + FIELD +
    row.tags.map(escape).join(LIST) + FIELD + row.attributes + FIELD + (row.exists ? '1' : '0') + ROW
  );
}

export function* decodeRows(batch: string): Generator<TypedParticipant> {
  const nullable = (v: string) => (v === '0' ? null : unescape(v.slice(1)));
  let start = 0;
  for (let end = batch.indexOf(ROW); end >= 0; start = end + 1, end = batch.indexOf(ROW, start)) {
    const [line, id, email, name, tags, attributes, exists] = batch.slice(start, end).split(FIELD) as [string, string, string, string, string, string, string];
    yield {
      line: Number(line),
      external_id: unescape(id),
      email: nullable(email),
      name: nullable(name),
      tags: tags === '' ? [] : tags.split(LIST).map(unescape),
      attributes,
      exists: exists === '1',
    };
  }
}
