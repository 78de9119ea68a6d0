/** JsonbObjects against SQLite's own JSONB: the blob an import binds reads back exactly as jsonb() of the JSON text would. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { JsonbObjects } from '../../src/store/jsonb.js';

const db = new Database(':memory:');
const sqliteJsonb = (json: string) => db.prepare('SELECT jsonb(?)').pluck().get(json) as Buffer;
const asText = (blob: Uint8Array) => db.prepare('SELECT json(?)').pluck().get(blob) as string;

function objectOf(keys: string[], values: unknown[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  keys.forEach((key, i) => {
    if (values[i] !== undefined) object[key] = values[i];
  });
  return object;
}

describe('JsonbObjects', () => {
  it('encodes plain CRM rows byte for byte as jsonb() does', () => {
    const keys = ['company', 'plan', 'mrr', 'seats', 'signup_date', 'is_active', 'nps', 'a column name longer than eleven bytes'];
    const encoder = new JsonbObjects(keys);
    const rows = [
      ['Blue Labs', 'Team', 1234.5, 9, '2021-03-04', true, 7, 'x'],
      [undefined, 'Starter', 0, -3, undefined, false, undefined, 'y'.repeat(300)],
      [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined],
      ['Ünïcode 😀', '', 1e21, 1.5e-7, '2024-01-01T10:00:00Z', true, 10, 'z'.repeat(70_000)],
    ];
    for (const values of rows) {
      const json = JSON.stringify(objectOf(keys, values));
      expect(Buffer.compare(Buffer.from(encoder.encode(values as never)), sqliteJsonb(json))).toBe(0);
    }
  });

  it('keeps text that JSON escapes (quotes, control characters) readable and mergeable by SQLite', () => {
    const keys = ['note "quoted"', 'tab\tkey', 'plain'];
    const encoder = new JsonbObjects(keys);
    const values = ['line\nbreak "q" \\ end', '\u0001', 'p'];
    const blob = Buffer.from(encoder.encode(values));
    expect(JSON.parse(asText(blob))).toEqual(objectOf(keys, values));
    expect(db.prepare('SELECT json_valid(?, 8)').pluck().get(blob)).toBe(1);
    expect(db.prepare(`SELECT json_extract(?, '$."note \\"quoted\\""')`).pluck().get(blob)).toBe(values[0]);
    // An update patches the stored object: keys written by jsonb() and by the encoder are the same keys.
    const patched = db.prepare('SELECT json(jsonb_patch(jsonb(?), ?))').pluck().get(JSON.stringify({ 'note "quoted"': 'old', other: 5 }), blob) as string;
    expect(JSON.parse(patched)).toEqual({ 'note "quoted"': values[0], other: 5, 'tab\tkey': '\u0001', plain: 'p' });
  });
});
