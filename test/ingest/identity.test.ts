import { describe, expect, it } from 'vitest';
import { chooseIdColumn, compactHeader, IdentityMatcher, isSalesforceId, MATCH_AMBIGUOUS, MATCH_EMAIL, MATCH_ID, MATCH_NEW, salesforce18 } from '../../src/ingest/identity.js';

describe('Salesforce ids', () => {
  it('computes the 18-character form (the example Salesforce documents: 001A0000006Vm9r → 001A0000006Vm9rIAC)', () => {
    expect(salesforce18('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    expect(isSalesforceId('001A0000006Vm9rIAC')).toBe(true);
    expect(isSalesforceId('001a0000006vm9riac')).toBe(false); // the checksum encodes the case of the first 15
    expect(isSalesforceId('001A0000006Vm9rIAD')).toBe(false);
    expect(isSalesforceId('001A0000006Vm9r')).toBe(true);
    expect(isSalesforceId('cus_NffrFeUfNV2H')).toBe(false);
  });
});

describe('chooseIdColumn', () => {
  const rows = (...r: string[][]) => r;
  it('compares headers case-, space- and punctuation-blind', () => {
    expect(['Record ID', 'record_id', 'RecordId', ' RECORD-ID '].map(compactHeader)).toEqual(['recordid', 'recordid', 'recordid', 'recordid']);
  });
  it('prefers a named id column with unique values, a Stripe customer column first, and falls back to e-mail', () => {
    expect(chooseIdColumn(['Account ID', 'Contact ID', 'Email'], rows(['A1', 'C1', 'a@x'], ['A1', 'C2', 'b@x']), 2)).toMatchObject({ index: 1, byEmail: false });
    // A named column with repeated values loses to one without.
    expect(chooseIdColumn(['Contact ID', 'Account ID'], rows(['', 'A1'], ['', 'A2']), -1)).toMatchObject({ index: 1 });
    expect(chooseIdColumn(['id', 'customer'], rows(['sub_1', 'cus_1'], ['sub_2', 'cus_2']), -1)).toMatchObject({ index: 1, reason: 'Stripe customer ids (cus_…)' });
    expect(chooseIdColumn(['Name', 'E-mail'], rows(['Ana', 'a@x']), 1)).toMatchObject({ index: 1, byEmail: true });
    expect(chooseIdColumn(['Name', 'Plan'], rows(['Ana', 'Pro']), -1)).toBeNull();
    expect(chooseIdColumn(['Id', 'Name'], rows(['001A0000006Vm9rIAC', 'Acme']), -1)).toMatchObject({ salesforce: true, reason: 'id, Salesforce 18-character ids' });
  });
});

describe('IdentityMatcher', () => {
  const existing = { ids: new Set(['101', 'ana@acme.example', '001A0000006Vm9rIAC']), emails: () => new Map<string, string | null>([['ana@acme.example', 'ana@acme.example'], ['ben@globex.example', '101'], ['shared@x.example', null]]) };
  it('finds a row by id, by the other Salesforce form, or by e-mail (re-keying people keyed by their e-mail)', () => {
    const m = new IdentityMatcher(existing, true);
    expect([m.match('101', null), m.key]).toEqual([MATCH_ID, '101']);
    expect([m.match('001A0000006Vm9r', null), m.key]).toEqual([MATCH_ID, '001A0000006Vm9rIAC']);
    expect([m.match('555', 'ANA@acme.example'), m.key, m.rekey]).toEqual([MATCH_EMAIL, 'ana@acme.example', true]);
    expect([m.match('556', 'ben@globex.example'), m.key, m.rekey]).toEqual([MATCH_EMAIL, '101', false]);
    expect(m.match('557', 'shared@x.example')).toBe(MATCH_AMBIGUOUS);
    expect(m.match('558', 'new@x.example')).toBe(MATCH_NEW);
    expect(new IdentityMatcher({ ids: new Set(), emails: () => { throw new Error('not read for an empty study'); } }, false).match('1', 'a@x')).toBe(MATCH_NEW);
  });
});
