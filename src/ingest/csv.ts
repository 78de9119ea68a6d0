/**
 * CSV → participant rows. Knows about CRM exports (BOM, CRLF, `;` and tab delimiters, quoted
 * newlines, padded headers, Windows-1252 files) and reports every bad line with its number.
 * Imports stream the source twice: `scanParticipants` checks every line and infers column types
 * (nothing is kept per row but the ids), then `typedParticipants` yields the rows to write.
 * No I/O of its own beyond reading the source: the store decides what is written.
 */
import { coerceAttribute, describeType, isMissing, mergeAttributeTypes, TypeInference, type AttributeType } from '../domain/attributes.js';
import { UserError } from '../errors.js';
import { csvRecords, detectDelimiter, firstLine, textSource, type CsvRecord, type TextSource } from './csv-records.js';
import { IdIndex } from './id-index.js';

export interface CsvOptions {
  id_column?: string | undefined;
  tag_columns?: string[] | undefined;
}

export interface ParsedRow {
  line: number;
  external_id: string;
  email: string | null;
  name: string | null;
  tags: string[];
  /** Raw text of every attribute column, keyed by attribute name (the trimmed header). */
  attributes: Record<string, string>;
}

export interface LineError {
  line: number;
  message: string;
}

export interface ParsedCsv {
  delimiter: string;
  id_column: string;
  email_column: string | null;
  name_columns: string[];
  tag_columns: string[];
  attribute_columns: string[];
  rows: ParsedRow[];
  errors: LineError[];
  warnings: string[];
}

const ID_CANDIDATES = ['participant_id', 'id', 'external_id', 'customer_id', 'contact_id', 'user_id'];
const EMAIL_CANDIDATES = ['email', 'e_mail', 'email_address'];
const NAME_CANDIDATES = ['name', 'full_name', 'participant_name', 'contact_name'];
const TAG_CANDIDATES = ['tags', 'tag', 'labels', 'label'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Header names compared loosely: case, spaces, hyphens and dots do not matter. */
export function normalizeHeader(header: string): string {
  return header.trim().toLowerCase().replace(/[\s\-.]+/g, '_');
}

export const WINDOWS_1252_WARNING =
  "The file is not valid UTF-8; it was read as Windows-1252 (Excel's usual encoding). Check accented names, or re-save the file as UTF-8.";

/** Decodes file bytes: UTF-8 (with or without BOM), else Windows-1252 with a warning. */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; warning?: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), warning: WINDOWS_1252_WARNING };
  }
}

function findColumn(headers: string[], candidates: string[]): number {
  for (const candidate of candidates) {
    const index = headers.findIndex((h) => normalizeHeader(h) === candidate);
    if (index >= 0) return index;
  }
  return -1;
}

function splitTags(value: string): string[] {
  return value
    .split(/[;,|]/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/** Which column is what: found once from the header. */
export interface ColumnPlan {
  delimiter: string;
  headers: string[];
  idIndex: number;
  emailIndex: number;
  nameIndexes: number[];
  tagIndexes: number[];
  attributeIndexes: number[];
}

const MAX_COLUMN_NAME = 64;
const MAX_COLUMNS_LISTED = 20;
// Column names as CRMs write them: no control characters, no `=` (KEY=value), no `:` pairs, no quotes or braces.
const COLUMN_NAME = /^[^\u0000-\u001f\u007f=:{}"<>]+$/u;

/**
 * Whether a first line reads as column names. Error messages name the columns only then: a
 * file that is not a CSV (an env file, /proc/self/environ, a key) must never have its first
 * line echoed to the assistant.
 */
function looksLikeColumnNames(headers: string[]): boolean {
  return headers.length >= 2 && headers.every((h) => h.length > 0 && h.length <= MAX_COLUMN_NAME && COLUMN_NAME.test(h) && /\p{L}/u.test(h));
}

const NOT_A_CSV = 'The file does not look like a CSV: its first line is not a row of column names (it needs a header such as participant_id,email,name,…). Nothing was read into the study.';

/** "Columns: a, b, …" for a real header (capped), else the refusal that shows nothing of the file. */
function columnsOrRefusal(headers: string[], problem: string): UserError {
  if (!looksLikeColumnNames(headers)) return new UserError(NOT_A_CSV);
  const shown = headers.slice(0, MAX_COLUMNS_LISTED).join(', ') + (headers.length > MAX_COLUMNS_LISTED ? `, … (${headers.length - MAX_COLUMNS_LISTED} more)` : '');
  return new UserError(`${problem} Columns: ${shown}.`);
}

function planColumns(header: CsvRecord, delimiter: string, options: CsvOptions): ColumnPlan {
  const headers = header.fields.map((h) => h.trim());
  const blank = headers.findIndex((h) => h === '');
  if (blank >= 0) throw looksLikeColumnNames(headers.filter((h) => h !== '')) ? new UserError(`The CSV header has an empty column name at position ${blank + 1}; name every column.`) : new UserError(NOT_A_CSV);
  const seenHeaders = new Map<string, number>();
  headers.forEach((h, i) => {
    const prior = seenHeaders.get(h.toLowerCase());
    if (prior !== undefined) throw looksLikeColumnNames(headers) ? new UserError(`The CSV header names "${h}" twice (columns ${prior + 1} and ${i + 1}); column names must be unique.`) : new UserError(NOT_A_CSV);
    seenHeaders.set(h.toLowerCase(), i);
  });

  const byName = (name: string, what: string): number => {
    const exact = headers.findIndex((h) => h === name.trim());
    const index = exact >= 0 ? exact : headers.findIndex((h) => normalizeHeader(h) === normalizeHeader(name));
    if (index < 0) throw columnsOrRefusal(headers, `${what} "${name}" is not a column of the CSV.`);
    return index;
  };

  const emailIndex = findColumn(headers, EMAIL_CANDIDATES);
  let idIndex: number;
  if (options.id_column) {
    idIndex = byName(options.id_column, 'id_column');
  } else {
    idIndex = findColumn(headers, ID_CANDIDATES);
    if (idIndex < 0) idIndex = emailIndex;
    if (idIndex < 0) throw columnsOrRefusal(headers, 'No id column found. Name one of the columns participant_id, id, external_id or email, or pass id_column.');
  }

  let nameIndexes: number[] = [];
  const nameIndex = findColumn(headers, NAME_CANDIDATES);
  if (nameIndex >= 0) nameIndexes = [nameIndex];
  else {
    const first = findColumn(headers, ['first_name', 'firstname', 'given_name']);
    const last = findColumn(headers, ['last_name', 'lastname', 'surname', 'family_name']);
    nameIndexes = [first, last].filter((i) => i >= 0);
  }

  const tagIndexes = options.tag_columns
    ? options.tag_columns.map((c) => byName(c, 'tag_columns entry'))
    : headers.map((h, i) => (TAG_CANDIDATES.includes(normalizeHeader(h)) ? i : -1)).filter((i) => i >= 0);

  const special = new Set([idIndex, emailIndex, ...nameIndexes, ...tagIndexes]);
  const attributeIndexes = headers.map((_, i) => i).filter((i) => !special.has(i));
  return { delimiter, headers, idIndex, emailIndex, nameIndexes, tagIndexes, attributeIndexes };
}

function isBlank(record: CsvRecord): boolean {
  return record.fields.every((field) => field.trim() === '');
}

/** The header plan and the records after it (blank records skipped). */
export function openCsv(source: TextSource, options: CsvOptions): { plan: ColumnPlan; records: Generator<CsvRecord> } {
  const delimiter = detectDelimiter(firstLine(source));
  const records = csvRecords(source, delimiter);
  for (let next = records.next(); !next.done; next = records.next()) {
    if (!isBlank(next.value)) return { plan: planColumns(next.value, delimiter, options), records: filterBlank(records) };
  }
  throw new UserError('The CSV is empty: it needs a header row and at least one participant row.');
}

function* filterBlank(records: Generator<CsvRecord>): Generator<CsvRecord> {
  for (const record of records) if (!isBlank(record)) yield record;
}

/**
 * A line's structural problems: field count, empty id, an id seen on an earlier line (recorded in
 * `firstLineOfId` as lines go by), a malformed email.
 */
function lineProblems(record: CsvRecord, plan: ColumnPlan, externalId: string, email: string | null, firstLineOfId: IdIndex): string[] {
  const problems: string[] = [];
  if (record.fields.length !== plan.headers.length) problems.push(`has ${record.fields.length} fields but the header has ${plan.headers.length}`);
  if (!externalId) problems.push(`the id column "${plan.headers[plan.idIndex]}" is empty`);
  else {
    const prior = firstLineOfId.firstLine(externalId, record.line);
    if (prior !== undefined) problems.push(`duplicate id "${externalId}" (also on line ${prior})`);
  }
  if (email && !EMAIL.test(email)) problems.push(`"${email}" in column "${plan.headers[plan.emailIndex]}" is not an email address`);
  return problems;
}

function field(record: CsvRecord, i: number): string {
  return (record.fields[i] ?? '').trim();
}

function personOf(record: CsvRecord, plan: ColumnPlan): Omit<ParsedRow, 'attributes' | 'line'> {
  const email = plan.emailIndex >= 0 ? field(record, plan.emailIndex) || null : null;
  const name = plan.nameIndexes.map((i) => field(record, i)).filter(Boolean).join(' ') || null;
  const tags = [...new Set(plan.tagIndexes.flatMap((i) => splitTags(field(record, i))))];
  return { external_id: field(record, plan.idIndex), email, name, tags };
}

/** The whole CSV parsed into rows (raw attribute text), checked as an import checks them: for small texts and tests. */
export function parseParticipantsCsv(input: string, options: CsvOptions = {}): ParsedCsv {
  const { plan, records } = openCsv(textSource(input), options);
  const scanner = new ParticipantScanner(plan, { catalogue: new Map(), existingIds: new Set(), onDuplicate: 'update' });
  const rows: ParsedRow[] = [];
  for (const record of records) {
    if (!scanner.visit(record)) continue;
    const attributes: Record<string, string> = {};
    for (const i of plan.attributeIndexes) attributes[plan.headers[i]!] = record.fields[i] ?? '';
    rows.push({ line: record.line, ...personOf(record, plan), attributes });
  }
  const { columns, errors, warnings } = scanner.finish();
  return { delimiter: plan.delimiter, ...columns, attribute_columns: plan.attributeIndexes.map((i) => plan.headers[i]!), rows, errors, warnings };
}

const REPLACEMENT_WARNING = 'The CSV contains replacement characters (�): it was probably not UTF-8 when it was read. Re-save it as UTF-8.';

function columnNames(plan: ColumnPlan) {
  return {
    id_column: plan.headers[plan.idIndex]!,
    email_column: plan.emailIndex >= 0 ? plan.headers[plan.emailIndex]! : null,
    name_columns: plan.nameIndexes.map((i) => plan.headers[i]!),
    tag_columns: plan.tagIndexes.map((i) => plan.headers[i]!),
  };
}

export type OnDuplicate = 'update' | 'skip' | 'error';

/** What the study already has, which decides types and duplicates. */
export interface ImportContext {
  catalogue: ReadonlyMap<string, AttributeType>;
  existingIds: ReadonlySet<string>;
  onDuplicate: OnDuplicate;
}

export interface AttributePlan {
  name: string;
  index: number;
  type: AttributeType;
  new: boolean;
  /** Values to be written (non-missing, on lines that will be written). */
  values: number;
}

/** Pass 1: every line checked, column types decided, outcomes counted. */
export interface ParticipantScan {
  plan: ColumnPlan;
  columns: ReturnType<typeof columnNames>;
  attributes: AttributePlan[];
  rowsRead: number;
  /** Lines that are not written: all of them, in order. */
  errors: LineError[];
  badLines: ReadonlySet<number>;
  inserts: number;
  updates: number;
  skips: number;
  warnings: string[];
}

/**
 * Pass 1, one record at a time: structure, ids (empty, duplicated in the file, already in the
 * study with on_duplicate "error"), emails, values that do not fit a known numeric, boolean or
 * date attribute; and each new column's type, inferred from all its values.
 */
export class ParticipantScanner {
  private readonly attributes: AttributePlan[];
  private readonly strict: AttributePlan[];
  private readonly inferred: { attribute: AttributePlan; inference: TypeInference }[];
  private readonly errors: LineError[] = [];
  private readonly badLines = new Set<number>();
  private readonly firstLineOfId = new IdIndex();
  private readonly present: Int32Array;
  private rowsRead = 0;
  private replacement = false;
  private inserts = 0;
  private updates = 0;
  private skips = 0;

  constructor(
    readonly plan: ColumnPlan,
    private readonly context: ImportContext,
  ) {
    this.attributes = plan.attributeIndexes.map((index) => {
      const name = plan.headers[index]!;
      const known = context.catalogue.get(name);
      return { name, index, type: known ?? 'text', new: known === undefined, values: 0 };
    });
    // A known numeric/boolean/date attribute keeps its type: values that do not fit are bad lines.
    this.strict = this.attributes.filter((a) => !a.new && (a.type === 'number' || a.type === 'boolean' || a.type === 'date'));
    this.inferred = this.attributes.filter((a) => !this.strict.includes(a)).map((a) => ({ attribute: a, inference: new TypeInference() }));
    this.present = new Int32Array(this.attributes.length);
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  /** Checks one record; true when its line is to be written (sound, and not a skipped duplicate). */
  visit(record: CsvRecord): boolean {
    const { plan, context, attributes } = this;
    this.rowsRead++;
    const externalId = field(record, plan.idIndex);
    const email = plan.emailIndex >= 0 ? field(record, plan.emailIndex) || null : null;
    const problems = lineProblems(record, plan, externalId, email, this.firstLineOfId);
    const exists = context.existingIds.has(externalId);
    if (problems.length === 0) {
      // Types come from structurally sound lines, as a reader would judge the column.
      for (const { attribute, inference } of this.inferred) inference.add(record.fields[attribute.index] ?? '');
      for (const a of this.strict) {
        const raw = record.fields[a.index] ?? '';
        if (coerceAttribute(raw, a.type) === null) problems.push(`"${raw.trim()}" in column "${a.name}" is not ${describeType(a.type)}`);
      }
      if (exists && context.onDuplicate === 'error') {
        problems.push(`participant "${externalId}" already exists in this study (on_duplicate is "error"; use "update" or "skip")`);
      }
    }
    if (!this.replacement && record.fields.some((f) => f.includes('\uFFFD'))) this.replacement = true;
    if (problems.length > 0) {
      this.errors.push({ line: record.line, message: problems.join('; ') });
      this.badLines.add(record.line);
      return false;
    }
    if (exists && context.onDuplicate === 'skip') {
      this.skips++;
      return false;
    }
    if (exists) this.updates++;
    else this.inserts++;
    for (let a = 0; a < attributes.length; a++) if (!isMissing(record.fields[attributes[a]!.index] ?? '')) this.present[a]!++;
    return true;
  }

  /** Each attribute's type as the values so far decide it (the final types once every record is in). */
  types(): AttributeType[] {
    return this.attributes.map((a) => {
      const inferred = this.inferred.find((x) => x.attribute === a);
      if (!inferred) return a.type;
      const type = inferred.inference.result();
      return a.new ? type : mergeAttributeTypes(a.type, type);
    });
  }

  finish(): ParticipantScan {
    const types = this.types();
    const attributes = this.attributes.map((a, i) => ({ ...a, type: types[i]!, values: this.present[i]! }));
    const warnings: string[] = [];
    if (this.replacement) warnings.push(REPLACEMENT_WARNING);
    if (this.rowsRead === 0) warnings.push('The CSV has a header but no participant rows.');
    const { plan, errors, badLines, rowsRead, inserts, updates, skips } = this;
    return { plan, columns: columnNames(plan), attributes, rowsRead, errors, badLines, inserts, updates, skips, warnings };
  }
}

/** Pass 1 over the whole source. */
export function scanParticipants(source: TextSource, options: CsvOptions, context: ImportContext): ParticipantScan {
  const { plan, records } = openCsv(source, options);
  const scanner = new ParticipantScanner(plan, context);
  for (const record of records) scanner.visit(record);
  return scanner.finish();
}

/** A row ready to write: attributes already typed and serialised. */
export interface TypedParticipant {
  line: number;
  external_id: string;
  email: string | null;
  name: string | null;
  tags: string[];
  /** JSON object of the typed attributes present on the line. */
  attributes: string;
  exists: boolean;
}

/** Types a sound line for writing, with the given attribute types. */
export function rowTyper(plan: ColumnPlan, attributes: readonly { name: string; index: number; type: AttributeType }[], context: ImportContext): (record: CsvRecord) => TypedParticipant {
  const keys = attributes.map((a) => JSON.stringify(a.name) + ':');
  return (record) => {
    const person = personOf(record, plan);
    let json = '{';
    for (let a = 0; a < attributes.length; a++) {
      const attribute = attributes[a]!;
      const value = coerceAttribute(record.fields[attribute.index] ?? '', attribute.type);
      if (value === undefined || value === null) continue;
      json += (json.length > 1 ? ',' : '') + keys[a] + (typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' && !Number.isFinite(value) ? 'null' : String(value));
    }
    return { line: record.line, ...person, attributes: json + '}', exists: context.existingIds.has(person.external_id) };
  };
}

/** Pass 2: the lines to write (bad lines and skipped duplicates left out), typed as the scan decided. */
export function* typedParticipants(source: TextSource, options: CsvOptions, scan: ParticipantScan, context: ImportContext): Generator<TypedParticipant> {
  const { plan, records } = openCsv(source, options);
  const type = rowTyper(plan, scan.attributes, context);
  for (const record of records) {
    if (scan.badLines.has(record.line)) continue;
    if (context.onDuplicate === 'skip' && context.existingIds.has(field(record, plan.idIndex))) continue;
    yield type(record);
  }
}
