import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';
import type { QueryRow } from '../../src/store/participant-search.js';

let h: Harness;
let study_id: number;
beforeEach(async () => {
  h = await connect();
  ({ study_id } = await h.ok('create_study', { name: 'Imports' }));
});
afterEach(async () => h.close());

const count = async () => (await h.ok('get_study', { study_id })).counts.participants;
const fixture = (name: string) => new URL(`../fixtures/csv/${name}`, import.meta.url).pathname;

describe('import_participants', () => {
  it('imports typed attributes, tags, email and name, and records the attribute catalogue', async () => {
    const r = await h.ok('import_participants', {
      study_id,
      csv: 'id,email,first_name,last_name,plan,mrr,active,signup_date,tags\nc1,a@x.example,Ana,Ruiz,pro,120.5,yes,2026-01-10,churned|new\nc2,b@x.example,Ben,Ode,pro,0,no,2025-02-01,expanded\nc3,,Cy,,free,,,2026-03-01,\n',
    });
    expect(r).toMatchObject({ written: true, inserted: 3, updated: 0, skipped: 0, errors: [], rows_read: 3, participants_total: 3, delimiter: ',' });
    expect(r.columns).toEqual({ id: 'id', id_reason: 'id', id_candidates: ['email'], email: 'email', name: ['first_name', 'last_name'], tags: ['tags'] });
    expect(r.attributes).toEqual([
      { name: 'plan', type: 'category', new: true, values: 3, format: null, unit: null, rule: 'category (2 distinct values)', note: null, source: 'inferred', stray_values: 0 },
      { name: 'mrr', type: 'number', new: true, values: 2, format: '1,234.56', unit: null, rule: 'number, decimal point', note: null, source: 'inferred', stray_values: 0 },
      { name: 'active', type: 'boolean', new: true, values: 2, format: null, unit: null, rule: 'yes/no (yes/no)', note: null, source: 'inferred', stray_values: 0 },
      { name: 'signup_date', type: 'date', new: true, values: 3, format: 'YYYY-MM-DD', unit: null, rule: 'date: YYYY-MM-DD; stored as ISO 8601', note: null, source: 'inferred', stray_values: 0 },
    ]);
    const p = await h.ok('get_participant', { study_id, participant_id: 'c1' });
    expect(p).toMatchObject({ name: 'Ana Ruiz', email: 'a@x.example', tags: ['churned', 'new'], attributes: { plan: 'pro', mrr: 120.5, active: true, signup_date: '2026-01-10' } });
    const c3 = await h.ok('get_participant', { study_id, participant_id: 'c3' });
    expect(c3.attributes).toEqual({ plan: 'free', signup_date: '2026-03-01' });
  });

  it('writes nothing when a line is bad, and reports every bad line', async () => {
    await h.ok('import_participants', { study_id, csv: 'id,mrr\nold,10\n' });
    const r = await h.ok('import_participants', { study_id, csv: 'id,email,mrr\nn1,ok@x.example,5\nn2,not-an-email,6\n,x@x.example,7\nn4,y@x.example,lots\nn1,z@x.example,9\n' });
    expect(r.written).toBe(false);
    expect(r.inserted).toBe(0);
    expect(r.errors).toEqual([
      { line: 3, message: '"not-an-email" in column "email" is not an email address' },
      { line: 4, message: 'the id column "id" is empty' },
      { line: 5, message: '"lots" in column "mrr" is not a number' },
      { line: 6, message: 'duplicate id "n1" (also on line 2)' },
    ]);
    expect(r.bad_lines_total).toBe(4);
    expect(await count()).toBe(1); // rollback: still only "old"
    const text = (await h.call('import_participants', { study_id, csv: 'id,mrr\nq,1\nq,2\n' })).content[0].text;
    expect(text).toMatch(/^Nothing was imported: 1 bad line\(s\)\. .*skip_invalid: true/);
  });

  it('with skip_invalid imports the rest and lists each skipped line', async () => {
    // A column with a non-number in it is text when new; once typed as a number, such values are bad lines.
    await h.ok('import_participants', { study_id, csv: 'id,mrr\nn0,1\n' });
    const r = await h.ok('import_participants', { study_id, skip_invalid: true, csv: 'id,email,mrr\nn1,a@x.example,5\nn2,b@x.example,lots\nn3,nope,7\nn1,c@x.example,8\nn4,d@x.example,9\n' });
    expect(r).toMatchObject({ written: true, inserted: 2, skipped: 3, errors: [] });
    expect(r.skipped_lines).toEqual([
      { line: 3, message: '"lots" in column "mrr" is not a number' },
      { line: 4, message: '"nope" in column "email" is not an email address' },
      { line: 5, message: 'duplicate id "n1" (also on line 2)' },
    ]);
    expect(await count()).toBe(3);
    const text = (await h.call('import_participants', { study_id, skip_invalid: true, csv: 'id,mrr\nn9,x\n' })).content[0].text;
    expect(text).toMatch(/skipped line 2: "x" in column "mrr" is not a number/);
  });

  it('dry_run reports without writing', async () => {
    const r = await h.ok('import_participants', { study_id, dry_run: true, csv: 'id,plan\na,pro\nb,free\n' });
    expect(r).toMatchObject({ dry_run: true, written: false, inserted: 2 });
    expect(await count()).toBe(0);
    expect((await h.ok('get_study', { study_id })).attributes).toEqual([]);
  });

  it('handles duplicates of existing participants: update (merge), skip, error', async () => {
    await h.ok('import_participants', { study_id, csv: 'id,plan,mrr,tags\na,free,10,new\nb,free,20,\n' });
    const updated = await h.ok('import_participants', { study_id, csv: 'id,plan,tags\na,pro,expanded\nc,team,\n' });
    expect(updated).toMatchObject({ inserted: 1, updated: 1 });
    const a = await h.ok('get_participant', { study_id, participant_id: 'a' });
    expect(a.attributes).toEqual({ plan: 'pro', mrr: 10 }); // mrr kept, plan overwritten
    expect(a.tags).toEqual(['expanded', 'new']); // tags added

    const skipped = await h.ok('import_participants', { study_id, on_duplicate: 'skip', csv: 'id,plan\na,enterprise\nd,pro\n' });
    expect(skipped).toMatchObject({ inserted: 1, updated: 0, skipped: 1 });
    expect((await h.ok('get_participant', { study_id, participant_id: 'a' })).attributes.plan).toBe('pro');

    const refused = await h.ok('import_participants', { study_id, on_duplicate: 'error', csv: 'id,plan\nb,pro\ne,pro\n' });
    expect(refused.written).toBe(false);
    expect(refused.errors).toEqual([{ line: 2, message: 'participant "b" already exists in this study (on_duplicate is "error"; use "update" or "skip")' }]);
    expect(await count()).toBe(4);
  });

  it('keeps a known numeric attribute numeric across imports', async () => {
    await h.ok('import_participants', { study_id, csv: 'id,mrr\na,10\n' });
    const r = await h.ok('import_participants', { study_id, csv: 'id,mrr\nb,n/a\nc,unknown\n' });
    expect(r.errors).toEqual([{ line: 3, message: '"unknown" in column "mrr" is not a number' }]);
  });

  it('reads local files over stdio, with encoding detection', async () => {
    const r = await h.ok('import_participants', { study_id, path: fixture('windows-1252.csv') });
    expect(r.inserted).toBe(1);
    expect(r.warnings[0]).toMatch(/Windows-1252/);
    expect((await h.ok('get_participant', { study_id, participant_id: 'p1' })).name).toBe('Zoë Müller');
    const semi = await h.ok('import_participants', { study_id, path: fixture('semicolon.csv') });
    expect(semi).toMatchObject({ inserted: 2, updated: 1, delimiter: ';' }); // p1 came from the previous file
    expect(await h.fail('import_participants', { study_id, path: '/nonexistent/file.csv' })).toMatch(/No file at "\/nonexistent\/file.csv"/);
    expect(await h.fail('import_participants', { study_id, path: fixture('empty.csv') })).toMatch(/The CSV is empty/);
    expect(await h.fail('import_participants', { study_id, path: fixture('missing-id.csv') })).toMatch(/No id column found/);
  });

  it('needs exactly one of csv and path, and an existing study', async () => {
    expect(await h.fail('import_participants', { study_id })).toMatch(/exactly one of `csv`.*or `path`/);
    expect(await h.fail('import_participants', { study_id, csv: 'id\na\n', path: '/x.csv' })).toMatch(/exactly one of/);
    expect(await h.fail('import_participants', { study_id: 42, csv: 'id\na\n' })).toMatch(/No study with id 42\. Call list_studies/);
    expect(await h.fail('import_participants', { study_id, csv: 'id\na\n', on_duplicate: 'merge' })).toMatch(/on_duplicate.*expected one of "update"\|"skip"\|"error"/);
  });
});

describe('import_participants over HTTP-style access', () => {
  it('refuses file paths unless an import folder allows them', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'seglab-import-'));
    writeFileSync(join(folder, 'ok.csv'), 'id,plan\nz1,pro\n');
    const locked = await connect({ files: { allowAnyPath: false, importRoot: null } });
    const { study_id: s1 } = await locked.ok('create_study', { name: 'x' });
    expect(await locked.fail('import_participants', { study_id: s1, path: join(folder, 'ok.csv') })).toMatch(/Reading files is disabled over HTTP.*--allow-dir/);
    await locked.close();

    const rooted = await connect({ files: { allowAnyPath: false, importRoot: folder } });
    const { study_id: s2 } = await rooted.ok('create_study', { name: 'y' });
    expect((await rooted.ok('import_participants', { study_id: s2, path: 'ok.csv' })).inserted).toBe(1);
    expect(await rooted.fail('import_participants', { study_id: s2, path: fixture('semicolon.csv') })).toMatch(/outside the folder this server may read/);
    expect(await rooted.fail('import_participants', { study_id: s2, path: '../../etc/passwd' })).toMatch(/outside the folder|No file/);
    await rooted.close();
  });
});

describe('import_participants of a file larger than one read chunk (1 MB)', () => {
  /** A 3 MB CSV: quoting, newlines inside quotes (some across chunk boundaries), missing values, tags, odd characters. */
  function bigCsv(rows: number, bad: { [line: number]: string } = {}): string {
    const lines = ['customer_id,email,name,plan,mrr,active,signup_date,notes,tags'];
    for (let i = 0; i < rows; i++) {
      const line = lines.length + 1;
      if (bad[line] !== undefined) {
        lines.push(bad[line]!);
        continue;
      }
      const note = i % 7 === 0 ? `"said ""hi"", then left\nsecond line ${i}"` : `plain note number ${i} with some words to make the file bigger than the threshold`;
      lines.push(`C${String(i).padStart(6, '0')},${i % 11 === 0 ? '' : `c${i}@x.example`},${i === 5 ? 'Ctl\u0001Char' : `Name ${i}`},${['Starter', 'Team', 'Business'][i % 3]},${i % 13 === 0 ? '' : (i % 500) + 0.5},${i % 2 ? 'true' : 'false'},2025-0${(i % 9) + 1}-1${i % 10},${note},${i % 4 === 0 ? 'churned;new' : i % 4 === 1 ? 'expanded' : ''}`);
    }
    return lines.join('\n').replace(/\\u0001/g, '\u0001') + '\n';
  }
  /** Every participant of a study as the store reads them back (query_participants' rows, every attribute shown), by id. */
  const stored = async (store: Harness['store'], study: number) => {
    const fields = await store.fieldCatalog(study);
    const include = [...fields.attributes.keys()].map((name) => `attr.${name}`);
    const rows: QueryRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.search.search(study, fields, { where: [], include, limit: 5_000, cursor });
      rows.push(...page.participants);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return rows.map(({ participant_id, email, name, tags, values }) => ({ participant_id, email, name, tags, values })).sort((x, y) => (x.participant_id < y.participant_id ? -1 : 1));
  };
  const comparable = ({ study_id: _s, participants_total: _p, ...rest }: any) => rest;

  it('writes the same participants, counts, types and warnings from the file as from the same CSV inline', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'seglab-big-'));
    const file = join(folder, 'crm.csv');
    const csv = bigCsv(20_000);
    writeFileSync(file, csv);
    expect(statSync(file).size).toBeGreaterThan(2 * 1024 * 1024);
    const fromFile = await h.ok('import_participants', { study_id, path: file });
    const { study_id: other } = await h.ok('create_study', { name: 'Inline' });
    const inline = await h.ok('import_participants', { study_id: other, csv });
    expect(fromFile).toMatchObject({ written: true, inserted: 20_000, rows_read: 20_000 });
    expect(comparable(fromFile)).toEqual(comparable(inline));
    const a = await stored(h.store, study_id);
    expect(a).toHaveLength(20_000);
    expect(a).toEqual(await stored(h.store, other));
    expect(a.find((p) => p.participant_id === 'C000005')!.name).toBe('Ctl\u0001Char');
    expect(a.find((p) => p.participant_id === 'C000000')).toMatchObject({ email: null, tags: ['churned', 'new'], values: { 'attr.plan': 'Starter', 'attr.mrr': null, 'attr.signup_date': '2025-01-10' } });
    expect(a.find((p) => p.participant_id === 'C000007')!.values['attr.notes']).toBe('said "hi", then left\nsecond line 7');
    // Again: everyone is updated, nothing duplicated.
    const again = await h.ok('import_participants', { study_id, path: file });
    expect(again).toMatchObject({ inserted: 0, updated: 20_000 });
    expect(await count()).toBe(20_000);
  });

  it('reports bad lines and writes nothing (or skips them) as for the same CSV inline', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'seglab-big-'));
    const file = join(folder, 'bad.csv');
    const csv = bigCsv(20_000, { 10: ',no-id@x.example,Nobody,Team,1,true,2025-01-01,x,', 15000: 'C999999,not-an-email,Bad Mail,Team,1,true,2025-01-01,x,' });
    writeFileSync(file, csv);
    const blocked = await h.ok('import_participants', { study_id, path: file });
    expect(blocked).toMatchObject({ written: false, inserted: 0, bad_lines_total: 2 });
    // Line numbers count physical lines (quoted notes span two), as an editor shows them.
    expect(blocked.errors.map((e: any) => e.message).join(' ')).toMatch(/id.*email|email.*id/i);
    const badLines = blocked.errors.map((e: any) => e.line);
    expect(csv.split('\n')[badLines[0] - 1]).toMatch(/^,no-id@/);
    expect(csv.split('\n')[badLines[1] - 1]).toMatch(/^C999999,not-an-email/);
    expect(await count()).toBe(0);
    const { study_id: other } = await h.ok('create_study', { name: 'Inline' });
    expect(comparable(blocked)).toEqual(comparable(await h.ok('import_participants', { study_id: other, csv })));
    const skipped = await h.ok('import_participants', { study_id, path: file, skip_invalid: true });
    expect(skipped).toMatchObject({ written: true, inserted: 19_998, skipped: 2 });
    expect(skipped.skipped_lines.map((e: any) => e.line)).toEqual(badLines);
    expect(await count()).toBe(19_998);
    const dry = await h.ok('import_participants', { study_id, path: file, skip_invalid: true, dry_run: true });
    expect(dry).toMatchObject({ written: false, inserted: 0, updated: 19_998 });
  });
});

describe('import_participants reads a file once when its first rows type it as the whole file does', () => {
  // Types are guessed from the first 2,000 rows (TYPE_SAMPLE_ROWS) and every line is checked in
  // the same reading; when the whole file decides otherwise, the rows are written again with the
  // whole file's types. Each case has its deciding values after the first 2,000 rows.
  const rows = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join('\n');

  it('re-reads day-first dates that only show late in the file, and stores every date day first', async () => {
    const csv = `id,renewal\n${rows(2600, (i) => (i < 2500 ? `c${i},0${1 + (i % 9)}/0${1 + ((i + 3) % 9)}/2024` : `c${i},${13 + (i % 15)}/0${1 + (i % 9)}/2024`))}\n`;
    const r = await h.ok('import_participants', { study_id, csv });
    expect(r).toMatchObject({ written: true, inserted: 2600, errors: [] });
    expect(r.attributes[0]).toMatchObject({ name: 'renewal', type: 'date', format: 'D/M/YYYY', values: 2600 });
    // c0: 01/04/2024 is 1 April day first (4 January month first).
    expect((await h.ok('get_participant', { study_id, participant_id: 'c0' })).attributes).toEqual({ renewal: '2024-04-01' });
    expect((await h.ok('get_participant', { study_id, participant_id: 'c2599' })).attributes).toEqual({ renewal: `2024-0${1 + (2599 % 9)}-${13 + (2599 % 15)}` });
  });

  it('writes numbers when stray words crowd only the first rows, and leaves their lines out with skip_invalid', async () => {
    // 150 "TBD" in the first 2,000 rows (7.5%: text there) but 150 of 4,000 in all (3.75%: a number column).
    const csv = `id,mrr\n${rows(4000, (i) => `c${i},${i < 1500 && i % 10 === 0 ? 'TBD' : String(100 + i)}`)}\n`;
    const r = await h.ok('import_participants', { study_id, csv, skip_invalid: true });
    expect(r).toMatchObject({ written: true, inserted: 3850, skipped: 150, bad_lines_total: 150 });
    expect(r.attributes[0]).toMatchObject({ name: 'mrr', type: 'number', stray_values: 150, values: 3850 });
    expect((await h.ok('get_participant', { study_id, participant_id: 'c1' })).attributes).toEqual({ mrr: 101 });
    expect(await count()).toBe(3850);
  });

  it('keeps the single reading when a category turns out to be text (the stored text is the same)', async () => {
    const csv = `id,company\n${rows(2300, (i) => `c${i},${i < 2000 ? ['Acme', 'Globex', 'Initech'][i % 3] : `Company ${i}`}`)}\n`;
    const r = await h.ok('import_participants', { study_id, csv });
    expect(r.attributes[0]).toMatchObject({ name: 'company', type: 'text', values: 2300 });
    expect((await h.ok('get_participant', { study_id, participant_id: 'c2299' })).attributes).toEqual({ company: 'Company 2299' });
    expect((await h.ok('get_study', { study_id })).attributes).toContainEqual(expect.objectContaining({ name: 'company', type: 'text' }));
  });
});
