/**
 * Real CRM exports through the MCP client: a HubSpot contacts export and a Salesforce report
 * (fixtures with a BOM, CRLF, quoted commas and newlines, money, percentages, mixed dates, stray
 * values and the id columns those tools write), identity across re-imports and column_types
 * (set_attribute_type has its own file).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';

let h: Harness;
let study_id: number;
beforeEach(async () => {
  h = await connect();
  ({ study_id } = await h.ok('create_study', { name: 'CRM data' }));
});
afterEach(async () => h.close());

const fixture = (name: string) => new URL(`../fixtures/csv/${name}`, import.meta.url).pathname;
const hubspot = fixture('hubspot-contacts.csv');
const salesforce = fixture('salesforce-contacts-opportunities.csv');
const count = async () => (await h.ok('get_study', { study_id })).counts.participants;
const participant = async (id: string) => (await h.ok('get_participant', { study_id, participant_id: id })).attributes;
const byName = (r: { attributes: { name: string }[] }) => Object.fromEntries(r.attributes.map((a: any) => [a.name, a]));

describe('a HubSpot contacts export', () => {
  it('types money, percentages, mixed dates and yes/no, keyed by Record ID, and blocks on the stray values', async () => {
    const r = await h.ok('import_participants', { study_id, path: hubspot });
    expect(r.columns).toMatchObject({ id: 'Record ID', id_reason: 'HubSpot record id', email: 'Email', name: ['First Name', 'Last Name'] });
    const a = byName(r);
    expect(a['Annual Revenue']).toMatchObject({ type: 'number', unit: 'USD', format: '1,234.56', stray_values: 1 });
    expect(a['MRR']).toMatchObject({ type: 'number', unit: 'USD', rule: 'money in USD, thousands separators, decimal point, negatives in parentheses', stray_values: 0 });
    expect(a['Churn Risk']).toMatchObject({ type: 'number', unit: '%' });
    expect(a['Discount']).toMatchObject({ type: 'number', unit: '%' });
    expect(a['Number of Employees']).toMatchObject({ type: 'number', unit: null });
    expect(a['Number of Employees'].note).toMatch(/1,234 or 1\.234 .*read with a decimal point \(other columns of the file use a decimal point\)/);
    expect(a['Create Date']).toMatchObject({ type: 'date', format: 'M/D/YYYY', stray_values: 1 });
    expect(a['Create Date'].rule).toMatch(/YYYY-MM-DD and M\/D\/YYYY/);
    expect(a['Last Activity Date']).toMatchObject({ type: 'date', format: 'YYYY-MM-DD' });
    expect(a['Marketing contact status']).toMatchObject({ type: 'boolean' });
    expect(a['Lifecycle Stage']).toMatchObject({ type: 'category' });
    // The stray values keep their columns typed and block the import, each with its line.
    expect(r).toMatchObject({ written: false, inserted: 0, bad_lines_total: 2 });
    expect(r.errors).toEqual([
      { line: 15, message: '"TBD" in column "Annual Revenue" is not an amount in USD' },
      { line: 28, message: '"last spring" in column "Create Date" is not a date (YYYY-MM-DD, M/D/YYYY or D.M.YYYY)' },
    ]);
    expect(r.warnings.join('\n')).toMatch(/Column "Annual Revenue" reads as money in USD.*skip_invalid.*column_types/);
    expect(await count()).toBe(0);
  });

  it('with skip_invalid imports the rest with values stored typed and normalised', async () => {
    const r = await h.ok('import_participants', { study_id, path: hubspot, skip_invalid: true });
    expect(r).toMatchObject({ written: true, inserted: 38, skipped: 2, participants_total: 38 });
    expect(r.skipped_lines.map((l: any) => l.line)).toEqual([15, 28]);
    expect(byName(r)['MRR'].values).toBe(34);
    const ben = await h.ok('get_participant', { study_id, participant_id: '5140' });
    expect(ben).toMatchObject({ name: 'Ben Costa', email: 'ben.costa@globexllc.example' });
    expect(ben.attributes).toMatchObject({ MRR: 1200.5, 'Churn Risk': 12, 'Company Name': 'Globex, LLC', 'Create Date': '2024-02-04', 'Marketing contact status': false, 'Last Activity Date': '2025-02-02T10:15:00Z' });
    expect(await participant('5177')).toMatchObject({ 'Annual Revenue': 1_200_000, 'Create Date': '2024-03-07T10:14:00', 'Number of Employees': 3400 });
    expect(await participant('5214')).toMatchObject({ 'Churn Risk': 10.5 });
    expect(await participant('5399')).toMatchObject({ MRR: -35 });
    expect((await h.ok('get_participant', { study_id, participant_id: '5288' })).attributes.Notes).toBe('Asked about "annual billing", wants a call\nafter Q2');
    // Missing markers are missing, not text.
    expect(await participant('5288')).not.toHaveProperty('Churn Risk');
    const catalogue = (await h.ok('get_study', { study_id })).attributes;
    expect(catalogue.find((x: any) => x.name === 'Churn Risk')).toEqual({ name: 'Churn Risk', type: 'number', unit: '%', format: '1,234.56' });
    expect(catalogue.find((x: any) => x.name === 'Create Date')).toEqual({ name: 'Create Date', type: 'date', unit: null, format: 'M/D/YYYY' });

    // What refused these columns as text now works: numeric conditions, RFM on the date, revenue sizing.
    const rich = await h.ok('query_participants', { study_id, where: [{ field: 'attr.MRR', op: 'gte', value: 1000 }], limit: 100 });
    const mrr = await Promise.all(rich.participants.map((p: any) => participant(p.participant_id)));
    expect(rich.total).toBeGreaterThan(3);
    expect(mrr.every((x) => x.MRR >= 1000)).toBe(true);
    const rfm = await h.ok('segment_by_rules', { study_id, rfm: { recency: 'Last Activity Date', frequency: 'Number of Employees', monetary: 'MRR' } });
    expect(rfm.segmented).toBeGreaterThan(0);
    const prioritized = await h.ok('prioritize_segments', { segmentation_id: rfm.segmentation_id, derive: { revenue_potential: 'attr.MRR' } });
    expect(prioritized.ranking.length).toBe(rfm.k);
    expect(prioritized.ranking[0].scores.revenue_potential.score).toBeGreaterThan(0);
  });

  it('column_types states a column\'s type: text keeps every value, a stated date still lists its strays', async () => {
    const r = await h.ok('import_participants', { study_id, path: hubspot, dry_run: true, column_types: { 'Annual Revenue': 'text', 'Create Date': { type: 'date', format: 'M/D/YYYY' } } });
    expect(byName(r)['Annual Revenue']).toMatchObject({ type: 'text', source: 'column_types', stray_values: 0 });
    expect(byName(r)['Create Date']).toMatchObject({ type: 'date', source: 'column_types', stray_values: 1 });
    expect(r.errors.map((e: any) => e.line)).toEqual([28]);
    const ok = await h.ok('import_participants', { study_id, path: hubspot, column_types: { 'Annual Revenue': 'text', 'create date': 'text' } });
    expect(ok).toMatchObject({ written: true, inserted: 40, errors: [] });
    expect(await participant('5547')).toMatchObject({ 'Annual Revenue': 'TBD' });
    const bad = await h.fail('import_participants', { study_id, path: hubspot, column_types: { Email: 'text', Nope: 'number', MRR: { type: 'date', format: '1.234,56' }, Discount: { type: 'number', unit: 'bananas' } } });
    expect(bad).toContain('column_types["MRR"].format: "1.234,56" is not a date format');
    expect(bad).toContain('column_types["Discount"].unit: "bananas" is not % or a currency');
    const notColumn = await h.fail('import_participants', { study_id, path: hubspot, column_types: { Nope: 'number' } });
    expect(notColumn).toMatch(/column_types\["Nope"\]: "Nope" is not a column of the CSV/);
    expect(await h.fail('import_participants', { study_id, path: hubspot, column_types: { Email: 'text' } })).toMatch(/column_types\["Email"\]: "Email" is the email column/);
    // An attribute the study has keeps its type: set_attribute_type changes it.
    expect(await h.fail('import_participants', { study_id, path: hubspot, column_types: { 'Annual Revenue': 'number' } })).toMatch(/already a text attribute of this study\. Call set_attribute_type/);
  });

  it('reads ambiguous dates month first and says so; column_types reads them day first', async () => {
    const csv = 'Record ID,Email,Renewal Date\n1,a@x.example,03/04/2025\n2,b@x.example,01/02/2025\n';
    const r = await h.ok('import_participants', { study_id, csv });
    expect(byName(r)['Renewal Date']).toMatchObject({ type: 'date', format: 'M/D/YYYY' });
    expect(byName(r)['Renewal Date'].note).toMatch(/fit both M\/D\/YYYY and D\/M\/YYYY and no value has a day above 12; read as M\/D\/YYYY/);
    expect(r.warnings.join(' ')).toMatch(/Column "Renewal Date": dates like 03\/04\/2024 fit both/);
    expect(await participant('1')).toEqual({ 'Renewal Date': '2025-03-04' });
    const { study_id: other } = await h.ok('create_study', { name: 'Day first' });
    await h.ok('import_participants', { study_id: other, csv, column_types: { 'Renewal Date': { type: 'date', format: 'D/M/YYYY' } } });
    expect((await h.ok('get_participant', { study_id: other, participant_id: '1' })).attributes).toEqual({ 'Renewal Date': '2025-04-03' });
    // A later import reads the study's way unless its values prove otherwise.
    const again = await h.ok('import_participants', { study_id: other, csv: 'Record ID,Renewal Date\n3,05/06/2025\n' });
    expect(byName(again)['Renewal Date'].note).toMatch(/read as D\/M\/YYYY \(day first\) \(as the study already reads it\)/);
    expect((await h.ok('get_participant', { study_id: other, participant_id: '3' })).attributes).toEqual({ 'Renewal Date': '2025-06-05' });
  });

  it('reads a ;-delimited European export with decimal commas and dotted dates', async () => {
    const csv = 'Kundennummer;E-Mail;Umsatz;Rabatt;Erstellt am\r\nK-1;a@x.example;1.234,56 €;12,5 %;15.03.2024\r\nK-2;b@x.example;99,00 €;0 %;01.12.2023\r\nK-3;c@x.example;2.000 €;;3.1.2024\r\n';
    const r = await h.ok('import_participants', { study_id, csv, id_column: 'Kundennummer' });
    expect(r.delimiter).toBe(';');
    expect(byName(r)).toMatchObject({ Umsatz: { type: 'number', unit: 'EUR', format: '1.234,56' }, Rabatt: { type: 'number', unit: '%' }, 'Erstellt am': { type: 'date', format: 'D.M.YYYY' } });
    expect(await participant('K-1')).toEqual({ Umsatz: 1234.56, Rabatt: 12.5, 'Erstellt am': '2024-03-15' });
    expect(await participant('K-3')).toEqual({ Umsatz: 2000, 'Erstellt am': '2024-01-03' });
  });
});

describe('a very wide export', () => {
  it('keeps the result under 20,000 characters: rules in words where they say more, the first columns, the first bad lines', async () => {
    // 400 columns (HubSpot "all properties" exports have hundreds): money, ambiguous dates, text; 300 rows with a stray each.
    const columns = Array.from({ length: 400 }, (_, c) => `Property ${c}`);
    const cell = (r: number, c: number) => (c % 3 === 0 ? `"$${r + c + 1},000.00"` : c % 3 === 1 ? `0${1 + (r % 9)}/0${1 + (c % 9)}/2024` : `text ${r}-${c}`);
    const rows = Array.from({ length: 300 }, (_, r) => [`${r + 1}`, ...columns.map((_, c) => (c === 0 && r % 25 === 3 ? 'TBD' : cell(r, c)))].join(','));
    const csv = `Record ID,${columns.join(',')}\n${rows.join('\n')}\n`;
    const result: any = await h.call('import_participants', { study_id, csv, dry_run: true });
    const r = result.structuredContent;
    expect(JSON.stringify(r).length).toBeLessThan(20_000);
    expect(result.content[0].text.length).toBeLessThan(20_000);
    expect(r.attributes_total).toBe(400);
    expect(r.attributes.length).toBeGreaterThan(20);
    expect(r.attributes.length).toBeLessThan(400);
    expect(r.attributes[0]).toMatchObject({ name: 'Property 0', type: 'number', unit: 'USD', stray_values: 12 });
    expect(r.bad_lines_total).toBe(12);
    expect(r.warnings.join(' ')).toMatch(/the first \d+ are listed here, and get_study lists/);
    const stats = await h.ok('import_participants', { study_id, csv: `Record ID,Plan\n${Array.from({ length: 3000 }, (_, i) => `${i % 2000},Pro`).join('\n')}\n`, dry_run: true });
    expect(stats.bad_lines_total).toBe(1000);
    expect(stats.errors.length).toBeLessThan(200);
    expect(JSON.stringify(stats).length).toBeLessThan(20_000);
  });
});

describe('a Salesforce report export', () => {
  it('is keyed by the 18-character Contact ID, types amounts, probabilities, M/D/YYYY dates and checkboxes, and leaves the footer out', async () => {
    const r = await h.ok('import_participants', { study_id, path: salesforce, skip_invalid: true });
    expect(r.columns).toMatchObject({ id: 'Contact ID', id_reason: 'contact id (HubSpot, Salesforce), Salesforce 18-character ids', id_candidates: expect.arrayContaining(['Email']) });
    expect(r).toMatchObject({ rows_read: 30, inserted: 28, bad_lines_total: 2 });
    expect(r.skipped_lines).toEqual([
      { line: 16, message: '"31/03/2025" in column "Close Date" is not a M/D/YYYY date; the column reads month first' },
      { line: 23, message: '"EUR 3,000.00" in column "Amount" is in EUR; the column is in USD' },
    ]);
    expect(r.warnings.join('\n')).toMatch(/Left out 3 report footer line\(s\) \(line 34: "Grand Totals \(30 records\)"/);
    const a = byName(r);
    expect(a).toMatchObject({
      Amount: { type: 'number', unit: 'USD' },
      'Probability (%)': { type: 'number', unit: '%' },
      'Close Date': { type: 'date', format: 'M/D/YYYY' },
      'Created Date': { type: 'date', format: 'M/D/YYYY' },
      'Is Active': { type: 'boolean' },
      'Account ID': { type: 'category' },
    });
    const first = await h.ok('get_participant', { study_id, participant_id: '0035g00000c1rJ3AAI' });
    expect(first).toMatchObject({ name: 'Ana Ruiz', attributes: { Amount: 14500, 'Probability (%)': 100, 'Close Date': '2025-01-01', 'Created Date': '2024-01-01T01:00:00', 'Is Active': true, 'Account Name': 'Acme, Inc.' } });
    expect(await participant('0035g00000fTg58AAC')).toMatchObject({ Amount: 4200, 'Created Date': '2024-03-05T03:26:00' });
  });

  it('matches 15-character ids to the 18-character ones already imported', async () => {
    await h.ok('import_participants', { study_id, path: salesforce, skip_invalid: true });
    const csv = 'Contact ID,Amount\r\n0035g00000c1rJ3,"$30,000.00"\r\n0035g00000zFimD,"$1,000.00"\r\n';
    const r = await h.ok('import_participants', { study_id, csv });
    expect(r).toMatchObject({ inserted: 0, updated: 2, matched: { by_id: 2, by_email: 0 }, participants_total: 28 });
    expect(await participant('0035g00000c1rJ3AAI')).toMatchObject({ Amount: 30000 });
  });
});

describe('identity across imports', () => {
  const byEmail = 'Email,First Name,Last Name,Plan\nana@acme.example,Ana,Ruiz,Pro\nBEN@globex.example,Ben,Ode,Starter\n';
  const byRecordId = 'Record ID,Email,First Name,Last Name,MRR\n101,ana@acme.example,Ana,Ruiz,"$1,200.50"\n102,ben@globex.example,Ben,Ode,$99\n';

  it('re-importing people keyed by e-mail under their Record ID matches them by e-mail: no duplicates', async () => {
    const first = await h.ok('import_participants', { study_id, csv: byEmail });
    expect(first.columns).toMatchObject({ id: 'Email', id_reason: 'e-mail (no id column was recognised)' });
    expect(first.warnings.join(' ')).toMatch(/keyed by their e-mail \("Email"\)\. Pass id_column/);
    const second = await h.ok('import_participants', { study_id, csv: byRecordId, id_column: 'Record ID' });
    expect(second).toMatchObject({ inserted: 0, updated: 2, matched: { by_id: 0, by_email: 2 }, ids_replaced: 2, participants_total: 2 });
    expect(second.warnings.join(' ')).toMatch(/2 participant\(s\) were found by e-mail.*now carry this file's id/);
    expect(await participant('101')).toEqual({ Plan: 'Pro', MRR: 1200.5 });
    expect(await participant('102')).toEqual({ Plan: 'Starter', MRR: 99 });
    // The same file again: found by id now.
    const third = await h.ok('import_participants', { study_id, csv: byRecordId });
    expect(third).toMatchObject({ inserted: 0, updated: 2, matched: { by_id: 2, by_email: 0 }, participants_total: 2 });
    // And an e-mail-only file finds them by e-mail, keeping their ids.
    const fourth = await h.ok('import_participants', { study_id, csv: byEmail });
    expect(fourth).toMatchObject({ inserted: 0, updated: 2, matched: { by_id: 0, by_email: 2 }, ids_replaced: 0, participants_total: 2 });
    expect(await participant('101')).toEqual({ Plan: 'Pro', MRR: 1200.5 });
  });

  it('a Salesforce export of people imported from HubSpot finds them by e-mail under their HubSpot ids', async () => {
    await h.ok('import_participants', { study_id, csv: byRecordId });
    const sf = 'Contact ID,Email,Amount\n0035g00000c1rJ3AAI,Ana@Acme.example,"$5,000.00"\n0035g00000zFimDAAS,carl@initech.example,$700\n';
    const r = await h.ok('import_participants', { study_id, csv: sf });
    expect(r).toMatchObject({ inserted: 1, updated: 1, matched: { by_id: 0, by_email: 1 }, ids_replaced: 0, participants_total: 3 });
    expect(await participant('101')).toMatchObject({ MRR: 1200.5, Amount: 5000 });
    // on_duplicate applies to people found by e-mail too.
    const refused = await h.ok('import_participants', { study_id, csv: sf, on_duplicate: 'error' });
    expect(refused.errors[0].message).toMatch(/participant "101" \(found by e-mail\) already exists in this study \(on_duplicate is "error"/);
  });

  it('never places one person twice: two lines reaching one participant, or an e-mail several share, are bad lines', async () => {
    await h.ok('import_participants', { study_id, csv: 'Record ID,Email\n1,ana@acme.example\n2,ana@acme.example\n3,ben@globex.example\n' });
    const r = await h.ok('import_participants', { study_id, csv: 'Contact ID,Email\nx1,ana@acme.example\nx2,ben@globex.example\nx3,ben@globex.example\n' });
    expect(r.errors).toEqual([
      { line: 2, message: 'the id "x1" is new to the study and the e-mail "ana@acme.example" belongs to several of its participants; give this line an id the study knows' },
      { line: 4, message: 'matches participant "3" by e-mail, as line 3 does' },
    ]);
    expect(await count()).toBe(3);
  });

  it('an error about the id column names id_column and the candidate columns', async () => {
    const csv = 'Lead Number,Email,Plan\nL-1,a@x.example,Pro\nL-2,,Pro\nL-3,,Team\n';
    const r = await h.ok('import_participants', { study_id, csv });
    expect(r.columns).toMatchObject({ id: 'Email', id_candidates: ['Lead Number'] });
    expect(r.errors).toEqual([
      { line: 3, message: 'the id column "Email" is empty' },
      { line: 4, message: 'the id column "Email" is empty' },
    ]);
    expect(r.warnings).toContain('2 line(s) have an empty or repeated id in "Email" (the id column: e-mail (no id column was recognised)). Pass id_column to name the column that identifies each participant. Candidate columns: "Lead Number".');
    const text = (await h.call('import_participants', { study_id, csv })).content[0].text;
    expect(text).toMatch(/Pass id_column .*Candidate columns: "Lead Number"/);
    expect(await h.fail('import_participants', { study_id, csv: 'Company,Plan\nAcme,Pro\n' })).toMatch(/No id column found\. Name a column like an id \(Record ID, Contact ID, Customer ID, .*\) or email, or pass id_column\. Columns: Company, Plan\./);
  });

  it('recognises the id columns of Stripe, Intercom/Segment and generic exports, case- and space-blind', async () => {
    const cases: [string, string, string][] = [
      ['id,Customer ID,Plan,Amount\nsub_1Mx,cus_NffrFeUfNV2Hib,Pro,$49\nsub_2Qa,cus_NffrFeUfNV2Hic,Team,$99\n', 'Customer ID', 'Stripe customer ids (cus_…)'],
      ['customer_id,Email\nC-1,a@x.example\nC-2,b@x.example\n', 'customer_id', 'customer id (Stripe and others)'],
      ['id,Email,Created (UTC)\ncus_NffrFeUfNV2Hib,a@x.example,2024-03-15 10:22\ncus_NffrFeUfNV2Hic,b@x.example,2024-03-16 11:00\n', 'id', 'Stripe customer ids (cus_…)'],
      ['Subscription,Customer,Plan\nsub_1Mx,cus_NffrFeUfNV2Hib,Pro\nsub_2Qa,cus_NffrFeUfNV2Hic,Team\n', 'Customer', 'Stripe customer ids (cus_…)'],
      ['email,user_id,name\na@x.example,u-1,Ana\nb@x.example,u-2,Ben\n', 'user_id', 'user id (Intercom, Segment)'],
      ['External ID,Email\ne-1,a@x.example\ne-2,b@x.example\n', 'External ID', 'external id (Intercom, Segment)'],
      ['UUID,Email\n0b6f3c1e-8a1d-4c1f-9d55-1a2b3c4d5e6f,a@x.example\n7d1e2f3a-1b2c-4d5e-8f90-abcdef012345,b@x.example\n', 'UUID', 'uuid'],
      ['RECORDID,Email\n1,a@x.example\n2,b@x.example\n', 'RECORDID', 'HubSpot record id'],
      ['company id,Name\n9001,Acme\n9002,Globex\n', 'company id', 'company id (HubSpot)'],
      ['Id,AccountId,Email\n0035g00000c1rJ3AAI,0015g00000Izq6KAAR,a@x.example\n0035g00000zFimDAAS,0015g00000Izq6KAAR,b@x.example\n', 'Id', 'id, Salesforce 18-character ids'],
      // A contact export's Account ID repeats across contacts: the contact's id is the id.
      ['Account ID,Contact ID,Email\nA1,C1,a@x.example\nA1,C2,b@x.example\n', 'Contact ID', 'contact id (HubSpot, Salesforce)'],
    ];
    for (const [csv, id, reason] of cases) {
      const r = await h.ok('import_participants', { study_id, csv, dry_run: true });
      expect(r.columns, csv).toMatchObject({ id, id_reason: reason });
      expect(r.errors, csv).toEqual([]);
    }
  });
});
