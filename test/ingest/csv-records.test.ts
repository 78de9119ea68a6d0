/** The streaming CSV reader against csv-parse (the reference) on tricky and random CSV. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvRecords, type TextSource } from '../../src/ingest/csv-records.js';
import { seededRandom } from '../../src/domain/random.js';

/** The text cut into chunks of `size` characters, as a file read would deliver it. */
function chunked(text: string, size: number): TextSource {
  return () => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
}

function reference(text: string, delimiter = ',') {
  return (parse(text, { delimiter, info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as { record: string[]; info: { lines: number } }[]).map((r) => r.record);
}

describe('csvRecords', () => {
  it('reads quotes, escaped quotes, delimiters and newlines inside quotes, with start lines, across any chunking', () => {
    const text = 'id,note,n\np1,"say ""hi"", then go",1\n\np2,"two\nlines",2\np3,,3\n"p4","",4';
    for (const size of [1, 2, 3, 7, 1000]) {
      const records = [...csvRecords(chunked(text, size), ',')];
      expect(records.map((r) => r.fields), `chunks of ${size}`).toEqual(reference(text));
      expect(records.map((r) => r.line)).toEqual([1, 2, 4, 6, 7]);
    }
  });

  it('matches csv-parse on 300 random records with quoting everywhere, in random chunk sizes', () => {
    const random = seededRandom(17);
    const pieces = ['a', 'b c', ',', '""', '\n', ';', ' ', 'é', '1.5'];
    const field = () => {
      let value = '';
      for (let i = Math.floor(random() * 4); i > 0; i--) value += pieces[Math.floor(random() * pieces.length)]!;
      return /[",\n]/.test(value) || random() < 0.2 ? `"${value.replace(/"/g, '""')}"` : value;
    };
    const lines = Array.from({ length: 300 }, () => Array.from({ length: 1 + Math.floor(random() * 5) }, field).join(','));
    const text = lines.filter((l) => l !== '').join('\n') + '\n';
    const expected = reference(text);
    for (const size of [5, 64, 4096]) expect([...csvRecords(chunked(text, size), ',')].map((r) => r.fields)).toEqual(expected);
  });

  it('reads ; and tab files and a last line without a newline', () => {
    expect([...csvRecords(chunked('a;b\n1;"x;y"', 3), ';')].map((r) => r.fields)).toEqual([['a', 'b'], ['1', 'x;y']]);
    expect([...csvRecords(chunked('a\tb\n1\t2', 4), '\t')].map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('names the line of a quote that is never closed', () => {
    expect(() => [...csvRecords(chunked('id,notes\np1,ok\np2,"never closed\np3,x\n', 4), ',')]).toThrow(/line 3.*never closed/);
  });
});
