import { describe, expect, it } from 'vitest';
import { decodeRows, encodeRow } from '../../src/ingest/row-codec.js';
import type { TypedParticipant } from '../../src/ingest/csv.js';

describe('row codec (import worker → importing thread)', () => {
  it('round-trips rows, nulls, tag lists and the separator characters themselves', () => {
    const rows: TypedParticipant[] = [
      { line: 2, external_id: 'c1', email: 'a@x.example', name: 'Ana Ruiz', tags: ['churned', 'new'], attributes: '{"plan":"pro","mrr":120.5,"note":"say \\"hi\\"\\u0001"}', exists: false },
      { line: 3, external_id: 'c\u00012', email: null, name: null, tags: [], attributes: '{}', exists: true },
      { line: 9, external_id: 'x\u0004y\u0002z\u0003', email: '0', name: '1', tags: ['a\u0001b', '\u0004'], attributes: '{"a":[1,2]}', exists: false },
      { line: 10, external_id: '', email: '', name: 'Zoë 🙂', tags: ['only'], attributes: '{"k":null}', exists: false },
    ];
    const batch = rows.map(encodeRow).join('');
    expect([...decodeRows(batch)]).toEqual(rows);
    expect([...decodeRows('')]).toEqual([]);
  });
});
