/**
 * CSV → participant rows. Knows about CRM exports (BOM, CRLF, `;` and tab delimiters, quoted
 * newlines, padded headers, Windows-1252 files) and reports every bad line with its number.
 * Pure: the store decides what is written.
 */
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.js';

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

/** Decodes file bytes: UTF-8 (with or without BOM), else Windows-1252 with a warning. */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; warning?: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const text = new TextDecoder('windows-1252').decode(bytes);
    return {
      text,
      warning: 'The file is not valid UTF-8; it was read as Windows-1252 (Excel\'s usual encoding). Check accented names, or re-save the file as UTF-8.',
    };
  }
}

function detectDelimiter(text: string): string {
  const firstLine = text.split('\n').find((l) => l.trim() !== '') ?? '';
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t']) {
    let count = 0;
    let quoted = false;
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted;
      else if (ch === candidate && !quoted) count++;
    }
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

function startLine(info: { lines: number }, raw: string): number {
  const body = raw.replace(/^\n+/, '');
  const newlines = (body.match(/\n/g) ?? []).length;
  return info.lines - newlines + (body.endsWith('\n') ? 1 : 0);
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

export function parseParticipantsCsv(input: string, options: CsvOptions = {}): ParsedCsv {
  // One line-ending convention, so a file mixing CRLF and LF still parses.
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (text.trim() === '') throw new UserError('The CSV is empty: it needs a header row and at least one participant row.');
  const warnings: string[] = [];
  if (text.includes('\uFFFD')) {
    warnings.push('The CSV contains replacement characters (�): it was probably not UTF-8 when it was read. Re-save it as UTF-8.');
  }

  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      raw: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as typeof records;
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    const line = e.lines ? ` (line ${e.lines})` : '';
    throw new UserError(`The CSV could not be parsed${line}: ${e.message ?? String(error)}. Check for an unclosed quote.`);
  }
  records = records.filter((r) => r.record.some((field) => field.trim() !== ''));
  const [headerRecord, ...body] = records;
  if (!headerRecord) throw new UserError('The CSV is empty: it needs a header row and at least one participant row.');

  const headers = headerRecord.record.map((h) => h.trim());
  const blank = headers.findIndex((h) => h === '');
  if (blank >= 0) throw new UserError(`The CSV header has an empty column name at position ${blank + 1}; name every column.`);
  const seenHeaders = new Map<string, number>();
  headers.forEach((h, i) => {
    const prior = seenHeaders.get(h.toLowerCase());
    if (prior !== undefined) throw new UserError(`The CSV header names "${h}" twice (columns ${prior + 1} and ${i + 1}); column names must be unique.`);
    seenHeaders.set(h.toLowerCase(), i);
  });

  const byName = (name: string, what: string): number => {
    const index = headers.findIndex((h) => h === name.trim()) >= 0
      ? headers.findIndex((h) => h === name.trim())
      : headers.findIndex((h) => normalizeHeader(h) === normalizeHeader(name));
    if (index < 0) throw new UserError(`${what} "${name}" is not a column of the CSV. Columns: ${headers.join(', ')}.`);
    return index;
  };

  const emailIndex = findColumn(headers, EMAIL_CANDIDATES);
  let idIndex: number;
  if (options.id_column) {
    idIndex = byName(options.id_column, 'id_column');
  } else {
    idIndex = findColumn(headers, ID_CANDIDATES);
    if (idIndex < 0) idIndex = emailIndex;
    if (idIndex < 0) {
      throw new UserError(
        `No id column found. Name one of the columns participant_id, id, external_id or email, or pass id_column. Columns: ${headers.join(', ')}.`,
      );
    }
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

  const rows: ParsedRow[] = [];
  const errors: LineError[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const { record, info, raw } of body) {
    const line = startLine(info, raw);
    const problems: string[] = [];
    if (record.length !== headers.length) {
      problems.push(`has ${record.length} fields but the header has ${headers.length}`);
    }
    const field = (i: number) => (record[i] ?? '').trim();
    const externalId = field(idIndex);
    if (!externalId) problems.push(`the id column "${headers[idIndex]}" is empty`);
    const prior = firstLineOfId.get(externalId);
    if (externalId && prior !== undefined) {
      problems.push(`duplicate id "${externalId}" (also on line ${prior})`);
    }
    const email = emailIndex >= 0 ? field(emailIndex) || null : null;
    if (email && !EMAIL.test(email)) problems.push(`"${email}" in column "${headers[emailIndex]}" is not an email address`);

    if (problems.length > 0) {
      errors.push({ line, message: problems.join('; ') });
      if (externalId && prior === undefined) firstLineOfId.set(externalId, line);
      continue;
    }
    firstLineOfId.set(externalId, line);
    const name = nameIndexes.map(field).filter(Boolean).join(' ') || null;
    const tags = [...new Set(tagIndexes.flatMap((i) => splitTags(field(i))))];
    const attributes: Record<string, string> = {};
    for (const i of attributeIndexes) attributes[headers[i]!] = record[i] ?? '';
    rows.push({ line, external_id: externalId, email, name, tags, attributes });
  }

  if (body.length === 0) warnings.push('The CSV has a header but no participant rows.');

  return {
    delimiter,
    id_column: headers[idIndex]!,
    email_column: emailIndex >= 0 ? headers[emailIndex]! : null,
    name_columns: nameIndexes.map((i) => headers[i]!),
    tag_columns: tagIndexes.map((i) => headers[i]!),
    attribute_columns: attributeIndexes.map((i) => headers[i]!),
    rows,
    errors,
    warnings,
  };
}
