import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, parseParticipantsCsv } from '../../src/ingest/csv.js';

const fixture = (name: string) => decodeCsvBytes(readFileSync(new URL(`../fixtures/csv/${name}`, import.meta.url)));

describe('parseParticipantsCsv', () => {
  it('reads a BOM and CRLF line endings', () => {
    const csv = parseParticipantsCsv(fixture('bom-crlf.csv').text);
    expect(csv.id_column).toBe('participant_id');
    expect(csv.email_column).toBe('email');
    expect(csv.rows).toEqual([
      { line: 2, external_id: 'p1', email: 'ana@acme.example', name: 'Ana Ruiz', tags: ['churned', 'new'], attributes: { plan: 'pro', mrr: '120' } },
      { line: 3, external_id: 'p2', email: 'ben@acme.example', name: 'Ben Ode', tags: ['expanded'], attributes: { plan: 'free', mrr: '0' } },
    ]);
    expect(csv.errors).toEqual([]);
  });

  it('detects ; and tab delimiters, and | between tags', () => {
    const semi = parseParticipantsCsv(fixture('semicolon.csv').text);
    expect(semi.delimiter).toBe(';');
    expect(semi.rows[0]!.attributes).toEqual({ plan: 'pro', seats: '12', active: 'yes' });
    const tab = parseParticipantsCsv(fixture('tab.tsv').text);
    expect(tab.delimiter).toBe('\t');
    expect(tab.id_column).toBe('external_id');
    expect(tab.rows[0]).toMatchObject({ external_id: 'A-1', tags: ['new', 'trial'], attributes: { company: 'Acme, Inc.', signup_date: '2026-01-15' } });
  });

  it('keeps quoted newlines inside a field and counts lines from where each record starts', () => {
    const csv = parseParticipantsCsv(fixture('quoted-newline.csv').text);
    expect(csv.rows.map((r) => [r.line, r.external_id])).toEqual([[2, 'p1'], [4, 'p2'], [5, 'p3']]);
    expect(csv.rows[0]!.attributes.notes).toBe('Said: "pricing is unclear"\nand wants a call');
  });

  it('reports duplicate ids naming both lines', () => {
    const csv = parseParticipantsCsv(fixture('duplicate-ids.csv').text);
    expect(csv.errors).toEqual([{ line: 4, message: 'duplicate id "p1" (also on line 2)' }]);
    expect(csv.rows.map((r) => r.external_id)).toEqual(['p1', 'p2']);
  });

  it('explains a missing id column', () => {
    expect(() => parseParticipantsCsv(fixture('missing-id.csv').text)).toThrow(/No id column found\. .*pass id_column\. Columns: company, plan\./);
    expect(parseParticipantsCsv(fixture('missing-id.csv').text, { id_column: 'company' }).rows[0]!.external_id).toBe('Acme');
    expect(() => parseParticipantsCsv('a,b\n1,2\n', { id_column: 'nope' })).toThrow(/id_column "nope" is not a column of the CSV/);
  });

  it('reads Windows-1252 bytes with a warning instead of mangling them', () => {
    const decoded = fixture('windows-1252.csv');
    expect(decoded.warning).toMatch(/not valid UTF-8.*Windows-1252/);
    const csv = parseParticipantsCsv(decoded.text);
    expect(csv.rows[0]).toMatchObject({ name: 'Zoë Müller', attributes: { city: 'Köln' } });
  });

  it('rejects an empty file', () => {
    expect(() => parseParticipantsCsv(fixture('empty.csv').text)).toThrow(/The CSV is empty/);
    expect(() => parseParticipantsCsv('\n\n  \n')).toThrow(/The CSV is empty/);
  });

  it('trims padded headers and values, skips blank lines, and flags rows with the wrong number of fields', () => {
    const csv = parseParticipantsCsv(fixture('padded-headers.csv').text);
    expect(csv.id_column).toBe('Participant ID');
    expect(csv.email_column).toBe('E-mail');
    expect(csv.tag_columns).toEqual(['Tags']);
    expect(csv.rows).toEqual([{ line: 6, external_id: 'p2', email: 'p2@x.example', name: null, tags: [], attributes: { Plan: 'free' } }]);
    expect(csv.errors).toEqual([{ line: 3, message: 'has 5 fields but the header has 4' }]);
  });

  it('reports an unclosed quote with its line', () => {
    expect(() => parseParticipantsCsv('id,notes\np1,"never closed\np2,x\n')).toThrow(/could not be parsed \(line \d\).*unclosed quote/);
  });
});
