/**
 * Who is who in a CRM export: which column holds each person's id (HubSpot, Salesforce, Stripe,
 * Intercom/Segment and generic names, checked against the first rows' values), and how a row
 * finds the participant it already is in the study: by id, by the other form of a Salesforce id,
 * or by e-mail when the ids differ (a study keyed by e-mail, re-imported with its CRM ids).
 */

/** A header compared loosely: case, spaces and punctuation do not matter ("Record ID" = "record_id" = "RecordId"). */
export function compactHeader(header: string): string {
  return header.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Id columns by name, most specific to a person first (an account id is shared by its contacts). */
const ID_COLUMNS: readonly (readonly [key: string, source: string])[] = [
  ['participantid', 'participant id'],
  ['recordid', 'HubSpot record id'],
  ['contactid', 'contact id (HubSpot, Salesforce)'],
  ['customerid', 'customer id (Stripe and others)'],
  ['userid', 'user id (Intercom, Segment)'],
  ['externalid', 'external id (Intercom, Segment)'],
  ['leadid', 'Salesforce lead id'],
  ['id', 'id'],
  ['uuid', 'uuid'],
  ['guid', 'guid'],
  ['accountid', 'account id (Salesforce)'],
  ['companyid', 'company id (HubSpot)'],
];

export const ID_COLUMN_NAMES = 'Record ID, Contact ID, Customer ID, user_id, external_id, Id, uuid, Account ID, Company ID';

export interface IdChoice {
  index: number;
  /** Why this column: "HubSpot record id", "Stripe customer ids (cus_…)", "e-mail (no id column)". */
  reason: string;
  /** Columns that could serve as the id (named like one, or unique and filled in the first rows). */
  candidates: number[];
  /** The values are Salesforce ids: 15- and 18-character forms of one id are the same record. */
  salesforce: boolean;
  /** No id column: participants are keyed by their e-mail. */
  byEmail: boolean;
}

/** Whether the sampled values of a column are all present and distinct. */
function unique(values: readonly string[]): boolean {
  return values.length > 0 && values.every((v) => v !== '') && new Set(values).size === values.length;
}

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** A Salesforce id with a valid 18-character checksum, or a 15-character one (case-sensitive, so no checksum). */
export function isSalesforceId(value: string): boolean {
  if (!SALESFORCE_ID.test(value)) return false;
  return value.length === 15 ? /\d/.test(value) : salesforce18(value.slice(0, 15)) === value.slice(0, 15) + value.slice(15).toUpperCase();
}

/** The 18-character, case-insensitive form of a 15-character Salesforce id. */
export function salesforce18(id15: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += alphabet[bits];
  }
  return id15 + suffix;
}

/**
 * The id column: a column of Stripe customer ids (cus_…) first, then the named id columns in
 * order, preferring one whose sampled values are unique and filled in; else the e-mail column.
 * Returns null when there is neither.
 */
export function chooseIdColumn(headers: readonly string[], sample: readonly string[][], emailIndex: number): IdChoice | null {
  const values = (i: number) => sample.map((row) => (row[i] ?? '').trim());
  const keys = headers.map(compactHeader);
  const named: { index: number; source: string }[] = [];
  for (const [key, source] of ID_COLUMNS) {
    const index = keys.indexOf(key);
    if (index >= 0) named.push({ index, source });
  }
  const uniqueColumns = headers.map((_, i) => i).filter((i) => i !== emailIndex && unique(values(i)));
  const idLike = (key: string) => /id$|^id|uuid|guid|key$|number$|no$/.test(key) && !/phone|mobile|fax/.test(key);
  const candidates = [...new Set([...named.map((n) => n.index), ...uniqueColumns.filter((i) => idLike(keys[i]!)), ...(emailIndex >= 0 ? [emailIndex] : [])])];
  const salesforce = (i: number) => {
    const v = values(i).filter(Boolean);
    return v.length > 0 && v.every(isSalesforceId);
  };

  const stripe = headers.findIndex((_, i) => {
    const v = values(i).filter(Boolean);
    return v.length > 0 && v.every((x) => x.startsWith('cus_'));
  });
  if (stripe >= 0) return { index: stripe, reason: 'Stripe customer ids (cus_…)', candidates, salesforce: false, byEmail: false };

  const pick = named.find((n) => unique(values(n.index))) ?? named[0];
  if (pick) {
    const sf = salesforce(pick.index);
    return { index: pick.index, reason: sf ? `${pick.source}, Salesforce ${values(pick.index).find(Boolean)!.length}-character ids` : pick.source, candidates, salesforce: sf, byEmail: false };
  }
  if (emailIndex >= 0) return { index: emailIndex, reason: 'e-mail (no id column was recognised)', candidates, salesforce: false, byEmail: true };
  return null;
}

/** How a row was found among the study's participants. */
export const MATCH_NEW = 0;
export const MATCH_ID = 1;
export const MATCH_EMAIL = 2;
/** The e-mail belongs to several participants: the row cannot be placed. */
export const MATCH_AMBIGUOUS = 3;

export interface ExistingPeople {
  ids: ReadonlySet<string>;
  /** Lower-cased e-mail → the external id of the participant with it (null when several share it); read on first use. */
  emails: () => ReadonlyMap<string, string | null>;
}

/**
 * Finds a row's participant: by its id; by the other form of a Salesforce id; else by e-mail.
 * `match` returns a MATCH_ code and leaves the participant's stored id in `key` (and whether the
 * row's id replaces it in `rekey`: only for participants keyed by their e-mail). Deterministic,
 * so both passes of an import place every row the same way.
 */
export class IdentityMatcher {
  key = '';
  rekey = false;
  private emailMap: ReadonlyMap<string, string | null> | null = null;

  constructor(
    private readonly existing: ExistingPeople,
    private readonly salesforce: boolean,
  ) {}

  match(id: string, email: string | null): number {
    this.rekey = false;
    const ids = this.existing.ids;
    if (ids.size === 0) return MATCH_NEW;
    if (ids.has(id)) {
      this.key = id;
      return MATCH_ID;
    }
    if (this.salesforce && (id.length === 15 || id.length === 18)) {
      const other = id.length === 15 ? salesforce18(id) : id.slice(0, 15);
      if (ids.has(other)) {
        this.key = other;
        return MATCH_ID;
      }
    }
    if (!email) return MATCH_NEW;
    this.emailMap ??= this.existing.emails();
    const folded = email.toLowerCase();
    const key = this.emailMap.get(folded);
    if (key === undefined) return MATCH_NEW;
    if (key === null) return MATCH_AMBIGUOUS;
    this.key = key;
    this.rekey = key.toLowerCase() === folded && key !== id;
    return MATCH_EMAIL;
  }
}
