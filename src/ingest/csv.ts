/**
 * CSV → participant rows. Knows about CRM exports (BOM, CRLF, `;` and tab delimiters, quoted
 * newlines, padded headers, Windows-1252 files, money, percentages, US and European dates, the
 * id columns of HubSpot, Salesforce, Stripe and Intercom) and reports every bad line with its
 * number. Imports stream the source twice: `scanParticipants` checks every line and decides each
 * column's type and format (nothing is kept per row but the ids and the lines of stray values),
 * then `typedParticipants` yields the rows to write.
 * No I/O of its own beyond reading the source: the store decides what is written.
 */
import {
  ColumnInference,
  fileHints,
  mergeAttributeTypes,
  strayMessage,
  valueReader,
  type AttributeFormat,
  type AttributeType,
  type AttributeValue,
  type ColumnDecision,
  type FormatName,
  type StatedType,
} from '../domain/attributes.js';
import { isMissingValue } from '../domain/crm-values.js';
import { UserError } from '../errors.js';
import { csvRecords, detectDelimiter, firstLine, textSource, type CsvRecord, type TextSource } from './csv-records.js';
import { IdIndex } from './id-index.js';
import { chooseIdColumn, compactHeader, ID_COLUMN_NAMES, IdentityMatcher, MATCH_AMBIGUOUS, MATCH_EMAIL, MATCH_NEW, type ExistingPeople } from './identity.js';

export interface CsvOptions {
  id_column?: string | undefined;
  tag_columns?: string[] | undefined;
  /** Column name → the type its values must have (instead of inferring it). */
  column_types?: Readonly<Record<string, StatedType>> | undefined;
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

const EMAIL_CANDIDATES = ['email', 'emailaddress', 'mail'];
const NAME_CANDIDATES = ['name', 'fullname', 'participantname', 'contactname'];
const FIRST_NAME = ['firstname', 'givenname'];
const LAST_NAME = ['lastname', 'surname', 'familyname'];
const TAG_CANDIDATES = ['tags', 'tag', 'labels', 'label'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Rows read ahead of the header's plan, to check the id column's values. */
const SAMPLE_ROWS = 50;

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

function findColumn(keys: string[], candidates: string[]): number {
  for (const candidate of candidates) {
    const index = keys.indexOf(candidate);
    if (index >= 0) return index;
  }
  return -1;
}

/** Adds a cell's tags (split on ; , or |, trimmed, each once) to `tags`. */
function addTags(tags: string[], cell: string): void {
  let start = 0;
  for (let i = 0; i <= cell.length; i++) {
    const c = i < cell.length ? cell.charCodeAt(i) : 0x3b;
    if (c !== 0x3b /* ; */ && c !== 0x2c /* , */ && c !== 0x7c /* | */) continue;
    const tag = cell.slice(start, i).trim();
    if (tag.length > 0 && !tags.includes(tag)) tags.push(tag);
    start = i + 1;
  }
}

/** Which column is what: found once from the header (and the first rows, for the id). */
export interface ColumnPlan {
  delimiter: string;
  headers: string[];
  idIndex: number;
  /** Why the id column was chosen, and what else could be it. */
  idReason: string;
  idCandidates: number[];
  /** The ids are Salesforce ids (15 and 18 characters match). */
  salesforce: boolean;
  emailIndex: number;
  nameIndexes: number[];
  tagIndexes: number[];
  attributeIndexes: number[];
}

const quoteList = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

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

function planColumns(header: CsvRecord, sample: CsvRecord[], delimiter: string, options: CsvOptions): ColumnPlan {
  const headers = header.fields.map((h) => h.trim());
  const blank = headers.findIndex((h) => h === '');
  if (blank >= 0) throw looksLikeColumnNames(headers.filter((h) => h !== '')) ? new UserError(`The CSV header has an empty column name at position ${blank + 1}; name every column.`) : new UserError(NOT_A_CSV);
  const seenHeaders = new Map<string, number>();
  headers.forEach((h, i) => {
    const prior = seenHeaders.get(h.toLowerCase());
    if (prior !== undefined) throw looksLikeColumnNames(headers) ? new UserError(`The CSV header names "${h}" twice (columns ${prior + 1} and ${i + 1}); column names must be unique.`) : new UserError(NOT_A_CSV);
    seenHeaders.set(h.toLowerCase(), i);
  });
  const keys = headers.map(compactHeader);

  const byName = (name: string, what: string): number => {
    const exact = headers.findIndex((h) => h === name.trim());
    const index = exact >= 0 ? exact : keys.indexOf(compactHeader(name));
    if (index < 0) throw columnsOrRefusal(headers, `${what} "${name}" is not a column of the CSV.`);
    return index;
  };

  const emailIndex = findColumn(keys, EMAIL_CANDIDATES);
  let id: { index: number; reason: string; candidates: number[]; salesforce: boolean };
  const detected = chooseIdColumn(headers, sample.map((r) => r.fields), emailIndex);
  if (options.id_column) {
    const index = byName(options.id_column, 'id_column');
    id = { index, reason: 'named with id_column', candidates: detected?.candidates ?? [], salesforce: detected?.index === index && detected.salesforce };
  } else if (detected) {
    id = detected;
  } else {
    throw columnsOrRefusal(headers, `No id column found. Name a column like an id (${ID_COLUMN_NAMES}) or email, or pass id_column.`);
  }

  let nameIndexes: number[] = [];
  const nameIndex = findColumn(keys, NAME_CANDIDATES);
  if (nameIndex >= 0) nameIndexes = [nameIndex];
  else nameIndexes = [findColumn(keys, FIRST_NAME), findColumn(keys, LAST_NAME)].filter((i) => i >= 0);

  const tagIndexes = options.tag_columns
    ? options.tag_columns.map((c) => byName(c, 'tag_columns entry'))
    : keys.map((k, i) => (TAG_CANDIDATES.includes(k) ? i : -1)).filter((i) => i >= 0);

  const special = new Set([id.index, emailIndex, ...nameIndexes, ...tagIndexes]);
  const attributeIndexes = headers.map((_, i) => i).filter((i) => !special.has(i));
  return { delimiter, headers, idIndex: id.index, idReason: id.reason, idCandidates: id.candidates, salesforce: id.salesforce, emailIndex, nameIndexes, tagIndexes, attributeIndexes };
}

function isBlank(record: CsvRecord): boolean {
  return record.fields.every((field) => field.trim() === '');
}

/**
 * The summary lines a Salesforce report export ends with ("Grand Totals (20 records)",
 * "Confidential Information - Do Not Distribute", "Copyright (c) 2000-2024 salesforce.com…"):
 * one field each, after the data.
 */
const REPORT_FOOTER = /^(grand totals?\b|confidential information\b|copyright \(c\)|generated by\b|filtered by\b)/i;

/** Lines of a source that are not participant rows. */
export interface SkippedLines {
  footers: { line: number; text: string }[];
}

/** The header plan and the records after it (blank records and report footers skipped). */
export function openCsv(source: TextSource, options: CsvOptions): { plan: ColumnPlan; records: Iterator<CsvRecord> & Iterable<CsvRecord>; skipped: SkippedLines } {
  const delimiter = detectDelimiter(firstLine(source));
  const skipped: SkippedLines = { footers: [] };
  const records = dataRecords(csvRecords(source, delimiter), skipped);
  const header = records.next();
  if (header.done) throw new UserError('The CSV is empty: it needs a header row and at least one participant row.');
  const sample: CsvRecord[] = [];
  while (sample.length < SAMPLE_ROWS) {
    const next = records.next();
    if (next.done) break;
    sample.push(next.value);
  }
  return { plan: planColumns(header.value, sample, delimiter, options), records: chain(sample, records), skipped };
}

function* dataRecords(records: Generator<CsvRecord>, skipped: SkippedLines): Generator<CsvRecord> {
  for (const record of records) {
    if (isBlank(record)) continue;
    // Only a line with a single field can be a footer (a data row has as many fields as the header).
    if (record.fields.length === 1 && REPORT_FOOTER.test(record.fields[0]!.trim())) {
      skipped.footers.push({ line: record.line, text: record.fields[0]!.trim() });
      continue;
    }
    yield record;
  }
}

function* chain(first: CsvRecord[], rest: Iterator<CsvRecord>): Generator<CsvRecord> {
  yield* first;
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
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
  let name: string | null = null;
  for (const i of plan.nameIndexes) {
    const part = field(record, i);
    if (part) name = name === null ? part : `${name} ${part}`;
  }
  const tags: string[] = [];
  for (const i of plan.tagIndexes) addTags(tags, field(record, i));
  return { external_id: field(record, plan.idIndex), email, name, tags };
}

/** The whole CSV parsed into rows (raw attribute text), checked as an import checks them: for small texts and tests. */
export function parseParticipantsCsv(input: string, options: CsvOptions = {}): ParsedCsv {
  const { plan, records } = openCsv(textSource(input), options);
  const scanner = new ParticipantScanner(plan, { catalogue: new Map(), existing: { ids: new Set(), emails: () => new Map() }, onDuplicate: 'update' }, options);
  if (input.includes('\uFFFD')) scanner.noteReplacementCharacters();
  const rows: ParsedRow[] = [];
  for (const record of records) {
    if (!scanner.visit(record)) continue;
    const attributes: Record<string, string> = {};
    for (const i of plan.attributeIndexes) attributes[plan.headers[i]!] = record.fields[i] ?? '';
    rows.push({ line: record.line, ...personOf(record, plan), attributes });
  }
  const { columns, errors, badLines, warnings } = scanner.finish();
  return {
    delimiter: plan.delimiter,
    id_column: columns.id_column,
    email_column: columns.email_column,
    name_columns: columns.name_columns,
    tag_columns: columns.tag_columns,
    attribute_columns: plan.attributeIndexes.map((i) => plan.headers[i]!),
    rows: rows.filter((r) => !badLines.has(r.line)),
    errors,
    warnings,
  };
}

const REPLACEMENT_WARNING = 'The CSV contains replacement characters (�): it was probably not UTF-8 when it was read. Re-save it as UTF-8.';

function columnNames(plan: ColumnPlan) {
  return {
    id_column: plan.headers[plan.idIndex]!,
    id_reason: plan.idReason,
    id_candidates: plan.idCandidates.filter((i) => i !== plan.idIndex).map((i) => plan.headers[i]!),
    email_column: plan.emailIndex >= 0 ? plan.headers[plan.emailIndex]! : null,
    name_columns: plan.nameIndexes.map((i) => plan.headers[i]!),
    tag_columns: plan.tagIndexes.map((i) => plan.headers[i]!),
  };
}

export type OnDuplicate = 'update' | 'skip' | 'error';

/** An attribute the study already has. */
export interface CatalogueEntry {
  type: AttributeType;
  format: AttributeFormat;
}

/** What the study already has, which decides types and duplicates. */
export interface ImportContext {
  catalogue: ReadonlyMap<string, CatalogueEntry>;
  existing: ExistingPeople;
  onDuplicate: OnDuplicate;
  /**
   * Called every CHECKPOINT_RECORDS records in either pass with the records read so far in that
   * pass: reports progress, and throws to stop the import (a cancellation).
   */
  checkpoint?: ((records: number) => void) | undefined;
}

/** Records between two calls of ImportContext.checkpoint. */
export const CHECKPOINT_RECORDS = 4096;

export interface AttributePlan {
  name: string;
  index: number;
  type: AttributeType;
  format: AttributeFormat;
  /** The format's name ("1,234.56", "M/D/YYYY"…), for numbers and dates. */
  format_name: FormatName | null;
  new: boolean;
  /** Where the type came from. */
  source: 'inferred' | 'column_types' | 'catalogue';
  /** How the values were read, in words. */
  rule: string;
  note: string | null;
  /** Values that do not fit the type (their lines are bad lines). */
  stray_values: number;
  /** Values to be written (non-missing, on lines that will be written). */
  values: number;
}

/** Rows by outcome. */
export interface ImportCounts {
  inserted: number;
  updated: number;
  skipped: number;
  /** Existing participants found by id, and by e-mail (their ids differ). */
  by_id: number;
  by_email: number;
  /** Participants keyed by their e-mail who now carry the file's id. */
  ids_replaced: number;
}

export const noCounts = (): ImportCounts => ({ inserted: 0, updated: 0, skipped: 0, by_id: 0, by_email: 0, ids_replaced: 0 });

/** Pass 1: every line checked, column types decided, outcomes counted. */
export interface ParticipantScan {
  plan: ColumnPlan;
  columns: ReturnType<typeof columnNames>;
  attributes: AttributePlan[];
  rowsRead: number;
  /** Lines that are not written: all of them, in order. */
  errors: LineError[];
  badLines: ReadonlySet<number>;
  counts: ImportCounts;
  /**
   * False when stray values made lines bad after they were counted: the counts (and `values`)
   * are then those of pass 2.
   */
  countsExact: boolean;
  warnings: string[];
}

interface ScannedColumn {
  attribute: AttributePlan;
  inference: ColumnInference;
  stated: StatedType | null;
  known: CatalogueEntry | null;
}

/**
 * Pass 1, one record at a time: structure, ids (empty, duplicated in the file, found in the
 * study by id or e-mail, with on_duplicate "error" refused), emails; and every attribute
 * column's values, from which its type and format are decided at the end, with the lines of
 * the values that do not fit.
 */
export class ParticipantScanner {
  private readonly columns: ScannedColumn[];
  private readonly errors: LineError[] = [];
  private readonly badLines = new Set<number>();
  private readonly firstLineOfId = new IdIndex();
  /** Participants reached by e-mail or another id form: their stored id → the line. */
  private readonly claimed = new Map<string, number>();
  private readonly matcher: IdentityMatcher;
  private readonly present: Int32Array;
  private readonly counts = noCounts();
  private idProblems = 0;
  private rowsRead = 0;
  private replacement = false;

  constructor(
    readonly plan: ColumnPlan,
    private readonly context: ImportContext,
    options: CsvOptions = {},
  ) {
    const stated = resolveColumnTypes(plan, options.column_types ?? {}, context.catalogue);
    this.columns = plan.attributeIndexes.map((index) => {
      const name = plan.headers[index]!;
      const known = context.catalogue.get(name) ?? null;
      const given = stated.get(index) ?? null;
      // A known number/boolean/date keeps its type: values that do not fit are bad lines.
      const fixed = given?.type ?? (known && (known.type === 'number' || known.type === 'boolean' || known.type === 'date') ? known.type : null);
      const attribute: AttributePlan = {
        name,
        index,
        type: fixed ?? known?.type ?? 'text',
        format: {},
        format_name: null,
        new: known === null,
        source: given ? 'column_types' : fixed ? 'catalogue' : 'inferred',
        rule: '',
        note: null,
        stray_values: 0,
        values: 0,
      };
      return { attribute, inference: new ColumnInference(fixed), stated: given, known };
    });
    this.matcher = new IdentityMatcher(context.existing, plan.salesforce);
    this.present = new Int32Array(this.columns.length);
  }

  /** The text read has replacement characters (�): it was probably not UTF-8 when it was decoded. */
  noteReplacementCharacters(): void {
    this.replacement = true;
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  /** Bad lines found so far (stray values are only known at `finish`). */
  get errorCount(): number {
    return this.errors.length;
  }

  /** Checks one record; true when its line is to be written (unless a stray value turns up in finish). */
  visit(record: CsvRecord): boolean {
    const { plan, context, columns } = this;
    this.rowsRead++;
    const externalId = field(record, plan.idIndex);
    const email = plan.emailIndex >= 0 ? field(record, plan.emailIndex) || null : null;
    const problems = lineProblems(record, plan, externalId, email, this.firstLineOfId);
    if (problems.length > 0 && (!externalId || problems.some((p) => p.startsWith('duplicate id')))) this.idProblems++;
    let match = MATCH_NEW;
    if (problems.length === 0) {
      match = this.matcher.match(externalId, email);
      if (match === MATCH_AMBIGUOUS) {
        problems.push(`the id "${externalId}" is new to the study and the e-mail "${email}" belongs to several of its participants; give this line an id the study knows`);
      } else if (match !== MATCH_NEW) {
        const key = this.matcher.key;
        const how = match === MATCH_EMAIL ? 'by e-mail' : 'by the other form of its Salesforce id';
        if (key !== externalId) {
          // Reached indirectly: no other line may reach (or name) the same participant.
          const prior = this.claimed.get(key) ?? this.firstLineOfId.lineOf(key);
          if (prior !== undefined) problems.push(`matches participant "${key}" ${how}, as line ${prior} does`);
          else this.claimed.set(key, record.line);
        } else {
          const prior = this.claimed.get(key);
          if (prior !== undefined) problems.push(`participant "${key}" was already matched by line ${prior}`);
        }
        if (context.onDuplicate === 'error') {
          problems.push(
            key === externalId
              ? `participant "${externalId}" already exists in this study (on_duplicate is "error"; use "update" or "skip")`
              : `participant "${key}" (found ${how}) already exists in this study (on_duplicate is "error"; use "update" or "skip")`,
          );
        }
      }
    }
    if (problems.length > 0) {
      this.errors.push({ line: record.line, message: problems.join('; ') });
      this.badLines.add(record.line);
      return false;
    }
    // Types come from structurally sound lines, as a reader would judge the column.
    const skipped = match !== MATCH_NEW && context.onDuplicate === 'skip';
    for (let a = 0; a < columns.length; a++) {
      const column = columns[a]!;
      if (column.inference.add(record.fields[column.attribute.index] ?? '', record.line) && !skipped) this.present[a]!++;
    }
    if (skipped) {
      this.counts.skipped++;
      return false;
    }
    countMatch(this.counts, match, this.matcher.rekey);
    return true;
  }

  finish(): ParticipantScan {
    const { plan, columns } = this;
    const hints = fileHints(
      columns.map((c) => c.inference),
      plan.delimiter,
    );
    const warnings: string[] = [];
    // Per-column warnings go last: the file-wide ones (ids, encoding) matter more when space is short.
    const columnWarnings: string[] = [];
    const strayProblems = new Map<number, string[]>();
    const attributes = columns.map((column, i) => {
      const { attribute, inference, stated, known } = column;
      const decision = inference.decide(hints, stated?.format ?? null, known?.format ?? null);
      const merged = known && !inference.fixed ? mergeAttributeTypes(known.type, decision.type) : decision.type;
      if (known && !inference.fixed && merged !== decision.type && (decision.type === 'number' || decision.type === 'date' || decision.type === 'boolean')) {
        columnWarnings.push(`Column "${attribute.name}" reads as ${decision.rule} in this file, but the study keeps it as ${known.type}; set_attribute_type converts the stored values to ${decision.type}.`);
      }
      const typed = merged === decision.type;
      const plan: AttributePlan = {
        ...attribute,
        type: merged,
        format: typed ? decision.format : {},
        format_name: typed ? decision.formatName : null,
        rule: typed ? decision.rule : merged,
        note: typed ? decision.note : null,
        stray_values: typed ? decision.strayCount : 0,
        values: this.present[i]!,
      };
      if (typed && decision.strayCount > 0) {
        collectStrays(attribute.name, decision, strayProblems);
        columnWarnings.push(
          `Column "${attribute.name}" reads as ${decision.rule}; ${decision.strayCount} value(s) do not fit and their lines are listed: fix them, leave those lines out with skip_invalid, or state the column's type with column_types (e.g. {"${attribute.name}": "text"}).`,
        );
      } else if (plan.note) columnWarnings.push(`Column "${attribute.name}": ${plan.note}.`);
      return plan;
    });

    const strayLines = [...strayProblems.keys()].sort((a, b) => a - b);
    for (const line of strayLines) this.badLines.add(line);
    const errors = mergeByLine(
      this.errors,
      strayLines.map((line) => ({ line, message: strayProblems.get(line)!.join('; ') })),
    );

    const names = columnNames(plan);
    if (this.replacement) warnings.push(REPLACEMENT_WARNING);
    if (this.rowsRead === 0) warnings.push('The CSV has a header but no participant rows.');
    const candidates = names.id_candidates.length > 0 ? ` Candidate columns: ${quoteList(names.id_candidates)}.` : '';
    if (this.idProblems > 0) {
      warnings.push(`${this.idProblems} line(s) have an empty or repeated id in "${names.id_column}" (the id column: ${plan.idReason}). Pass id_column to name the column that identifies each participant.${candidates}`);
    } else if (plan.idReason.startsWith('e-mail')) {
      warnings.push(`No id column was recognised, so participants are keyed by their e-mail ("${names.id_column}"). Pass id_column to use a CRM id instead.${candidates}`);
    }
    const { counts } = this;
    if (counts.by_email > 0) {
      warnings.push(
        `${counts.by_email} participant(s) were found by e-mail: the study knows them under other ids.${counts.ids_replaced > 0 ? ` ${counts.ids_replaced} of them were keyed by their e-mail and now carry this file's id.` : ''}`,
      );
    }
    warnings.push(...columnWarnings);
    return { plan, columns: names, attributes, rowsRead: this.rowsRead, errors, badLines: this.badLines, counts, countsExact: strayLines.length === 0, warnings };
  }
}

function countMatch(counts: ImportCounts, match: number, rekey: boolean): void {
  if (match === MATCH_NEW) {
    counts.inserted++;
    return;
  }
  counts.updated++;
  if (match === MATCH_EMAIL) {
    counts.by_email++;
    if (rekey) counts.ids_replaced++;
  } else counts.by_id++;
}

/** column_types by attribute index, checked against the file and the study's catalogue. */
function resolveColumnTypes(plan: ColumnPlan, stated: Readonly<Record<string, StatedType>>, catalogue: ReadonlyMap<string, CatalogueEntry>): Map<number, StatedType> {
  const byIndex = new Map<number, StatedType>();
  const keys = plan.headers.map(compactHeader);
  for (const [name, type] of Object.entries(stated)) {
    const exact = plan.headers.indexOf(name.trim());
    const index = exact >= 0 ? exact : keys.indexOf(compactHeader(name));
    const where = `column_types["${name}"]`;
    if (index < 0) throw columnsOrRefusal(plan.headers, `${where}: "${name}" is not a column of the CSV.`);
    if (!plan.attributeIndexes.includes(index)) {
      const role = index === plan.idIndex ? 'the id column' : index === plan.emailIndex ? 'the email column' : plan.tagIndexes.includes(index) ? 'a tag column' : 'a name column';
      throw new UserError(`${where}: "${plan.headers[index]}" is ${role}; only attribute columns take a type.`);
    }
    const known = catalogue.get(plan.headers[index]!);
    if (known && known.type !== type.type) {
      throw new UserError(
        `${where}: "${plan.headers[index]}" is already a ${known.type} attribute of this study. Call set_attribute_type to make it ${type.type} (it converts the stored values and lists those that do not convert), then import again.`,
      );
    }
    byIndex.set(index, type);
  }
  return byIndex;
}

/** Each stray value's problem, by line. */
function collectStrays(name: string, decision: ColumnDecision, byLine: Map<number, string[]>): void {
  for (const list of decision.strays) {
    const lines = list.misses.lines!;
    lines.forEach((line, i) => {
      const value = list.misses.values[i];
      // Only the first values are kept; later lines are past what a result lists.
      const message = value !== undefined ? strayMessage(name, value, list, decision) : `a value in column "${name}" does not fit its type`;
      const problems = byLine.get(line);
      if (problems) problems.push(message);
      else byLine.set(line, [message]);
    });
  }
}

function mergeByLine(a: LineError[], b: LineError[]): LineError[] {
  if (b.length === 0) return a;
  const merged: LineError[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) merged.push(j >= b.length || (i < a.length && a[i]!.line < b[j]!.line) ? a[i++]! : b[j++]!);
  return merged;
}

/** A source that notes replacement characters (�) once per chunk (native), not once per cell. */
function watched(source: TextSource): { source: TextSource; replacement: boolean } {
  const watch = {
    replacement: false,
    source: function* () {
      for (const chunk of source()) {
        if (!watch.replacement && chunk.includes('\uFFFD')) watch.replacement = true;
        yield chunk;
      }
    },
  };
  return watch;
}

/** The scan of every line, with the file-wide notes of its source. */
function finishScan(scanner: ParticipantScanner, skipped: SkippedLines, replacement: boolean): ParticipantScan {
  if (replacement) scanner.noteReplacementCharacters();
  const scan = scanner.finish();
  if (skipped.footers.length > 0) {
    scan.warnings.unshift(`Left out ${skipped.footers.length} report footer line(s) (line ${skipped.footers[0]!.line}: "${skipped.footers[0]!.text.slice(0, 60)}"${skipped.footers.length > 1 ? ', …' : ''}).`);
  }
  return scan;
}

/** Pass 1 over the whole source. */
export function scanParticipants(source: TextSource, options: CsvOptions, context: ImportContext): ParticipantScan {
  const watch = watched(source);
  const { plan, records, skipped } = openCsv(watch.source, options);
  const scanner = new ParticipantScanner(plan, context, options);
  let read = 0;
  for (const record of records) {
    scanner.visit(record);
    if (++read % CHECKPOINT_RECORDS === 0) context.checkpoint?.(read);
  }
  return finishScan(scanner, skipped, watch.replacement);
}

/** A row ready to write: its attributes typed. */
export interface TypedParticipant {
  line: number;
  external_id: string;
  email: string | null;
  name: string | null;
  tags: string[];
  /**
   * The line's typed attribute values, in the order of the scan's attributes (undefined where a
   * value is missing). One array reused for every row: read it before asking for the next.
   */
  values: (AttributeValue | undefined)[];
  /** The participant is in the study already, stored under `key`. */
  exists: boolean;
  key: string;
  /** The row's id replaces the stored one (a participant keyed by e-mail, now with a CRM id). */
  rekey: boolean;
}

const SKIPPED = 'skipped';
const UNFIT = 'unfit';

/**
 * One record as the row to write, with the attributes' types and formats given: SKIPPED for a
 * participant the study has when duplicates are skipped, UNFIT when a value does not read as
 * its attribute's type. Counts outcomes and present values as rows go by.
 */
class RowTyper {
  private readonly matcher: IdentityMatcher;
  private readonly readers: ((value: string) => AttributeValue | null)[];
  private readonly values: (AttributeValue | undefined)[];

  constructor(
    private readonly plan: ColumnPlan,
    private readonly attributes: readonly AttributePlan[],
    private readonly context: ImportContext,
    private readonly counts: ImportCounts,
    private readonly present: number[],
  ) {
    this.matcher = new IdentityMatcher(context.existing, plan.salesforce);
    this.readers = attributes.map((a) => valueReader(a.type, a.format));
    this.values = attributes.map(() => undefined);
  }

  type(record: CsvRecord): TypedParticipant | typeof SKIPPED | typeof UNFIT {
    const { attributes, values, matcher, counts } = this;
    const person = personOf(record, this.plan);
    const match = matcher.match(person.external_id, person.email);
    const exists = match !== MATCH_NEW;
    if (exists && this.context.onDuplicate === 'skip') {
      counts.skipped++;
      return SKIPPED;
    }
    for (let a = 0; a < attributes.length; a++) {
      const raw = (record.fields[attributes[a]!.index] ?? '').trim();
      if (isMissingValue(raw)) {
        values[a] = undefined;
        continue;
      }
      const value = this.readers[a]!(raw);
      if (value === null) return UNFIT;
      values[a] = value;
    }
    for (let a = 0; a < attributes.length; a++) if (values[a] !== undefined) this.present[a]!++;
    countMatch(counts, match, matcher.rekey);
    return { line: record.line, ...person, values, exists, key: exists ? matcher.key : person.external_id, rekey: exists && matcher.rekey };
  }
}

/**
 * Pass 2: the lines to write (bad lines and skipped duplicates left out), typed as the scan
 * decided; `counts` and `present` (values per attribute) are counted as the rows go by.
 */
export function* typedParticipants(
  source: TextSource,
  options: CsvOptions,
  scan: ParticipantScan,
  context: ImportContext,
  counts: ImportCounts = noCounts(),
  present: number[] = scan.attributes.map(() => 0),
): Generator<TypedParticipant> {
  const { plan, records } = openCsv(source, options);
  const typer = new RowTyper(plan, scan.attributes, context, counts, present);
  let read = 0;
  for (const record of records) {
    if (++read % CHECKPOINT_RECORDS === 0) context.checkpoint?.(read);
    if (scan.badLines.has(record.line)) continue;
    const row = typer.type(record);
    // Pass 1 made every line with a value that does not fit a bad line.
    if (row === UNFIT) throw new Error(`internal: line ${record.line} does not fit the types pass 1 decided`);
    if (row !== SKIPPED) yield row;
  }
}

/** Rows typed from the first rows while every line is checked (see checkAndType). */
export interface SinglePass {
  /** The attribute columns' names, in the order of every row's values. */
  names: string[];
  counts: ImportCounts;
  /** Values given per attribute. */
  present: number[];
  /**
   * The rows to write, typed as the first TYPE_SAMPLE_ROWS rows decide. Stops giving rows (the
   * checks go on to the end) at the first bad line, or value those types do not read.
   */
  rows: Generator<TypedParticipant>;
  /** Rows in the whole source, estimated from the sample's length (0 until it is read). */
  estimatedRows(): number;
  /**
   * Once `rows` is done: the scan of every line, and whether the rows given are exactly those
   * pass 2 would give after it (no bad line, and every column read as the sample read it).
   */
  finish(): { scan: ParticipantScan; exact: boolean };
}

/** Rows whose types decide how a single pass reads the rest. */
export const TYPE_SAMPLE_ROWS = 2000;

/** Whether two decisions store a column's values alike (category and text store the same text). */
function readsAlike(a: AttributePlan, b: AttributePlan): boolean {
  const text = (t: AttributeType) => (t === 'category' || t === 'text' ? 'text' : t);
  if (text(a.type) !== text(b.type)) return false;
  if (a.type === 'number') return (a.format.decimal ?? '.') === (b.format.decimal ?? '.') && (a.format.unit ?? '') === (b.format.unit ?? '');
  if (a.type === 'date') return (a.format.dates ?? 'mdy') === (b.format.dates ?? 'mdy');
  return true;
}

/**
 * Pass 1 and pass 2 at once, for files whose first rows type them as the whole file does (most
 * CRM exports): the first TYPE_SAMPLE_ROWS records are checked alone to decide the types, then
 * every record is checked as pass 1 checks it and typed as those types read it, in one reading.
 * When `finish` says the rows were not exact, the caller drops them and runs pass 2 with the scan
 * (so a file is never typed other than the two passes would type it).
 */
export function checkAndType(source: TextSource, size: number, options: CsvOptions, context: ImportContext): SinglePass {
  const watch = watched(source);
  const { plan, records, skipped } = openCsv(watch.source, options);
  const counts = noCounts();
  const present = plan.attributeIndexes.map(() => 0);
  const sample: CsvRecord[] = [];
  while (sample.length < TYPE_SAMPLE_ROWS) {
    const next = records.next();
    if (next.done) break;
    sample.push(next.value);
  }
  // Each record is about its fields and their delimiters long.
  const sampleChars = sample.reduce((sum, record) => sum + record.fields.reduce((n, f) => n + f.length + 1, 0), 0);
  const estimate = sample.length < TYPE_SAMPLE_ROWS ? sample.length : Math.round((size * sample.length) / sampleChars);
  const guess = new ParticipantScanner(plan, context, options);
  for (const record of sample) guess.visit(record);
  const sampled = guess.finish();
  const scanner = new ParticipantScanner(plan, context, options);
  const typer = new RowTyper(plan, sampled.attributes, context, counts, present);
  let typing = sampled.errors.length === 0;
  let scan: ParticipantScan | null = null;
  function* rows(): Generator<TypedParticipant> {
    let read = 0;
    for (const record of chain(sample, records)) {
      if (++read % CHECKPOINT_RECORDS === 0) context.checkpoint?.(read);
      const errors = scanner.errorCount;
      scanner.visit(record);
      if (!typing) continue;
      if (scanner.errorCount > errors) {
        typing = false;
        continue;
      }
      const row = typer.type(record);
      if (row === UNFIT) typing = false;
      else if (row !== SKIPPED) yield row;
    }
    scan = finishScan(scanner, skipped, watch.replacement);
  }
  return {
    names: plan.attributeIndexes.map((i) => plan.headers[i]!),
    counts,
    present,
    rows: rows(),
    estimatedRows: () => Math.max(estimate, 1),
    finish() {
      if (!scan) throw new Error('internal: the single pass was not read to the end');
      const exact = typing && scan.errors.length === 0 && scan.attributes.every((a, i) => readsAlike(a, sampled.attributes[i]!));
      return { scan, exact };
    },
  };
}
