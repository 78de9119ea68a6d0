/**
 * import_participants: a CSV (inline or a local file) checked line by line, each column's type and
 * format decided from all its values, and streamed into one transaction, all or nothing unless bad
 * lines are to be skipped (a dry run only checks, and counts the rows). A large import runs on a
 * worker thread (import-thread.ts) so that other sessions keep moving; a cancellation stops it
 * between records and rolls the transaction back.
 */
import { closeSync, constants, fstatSync, openSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { AttributeFormat, AttributeType, FormatName } from '../domain/attributes.js';
import { UserError } from '../errors.js';
import type { StatedType } from '../domain/attributes.js';
import { checkAndType, noCounts, typedParticipants, type CsvOptions, type ImportContext, type ImportCounts, type LineError, type OnDuplicate, type ParticipantScan } from '../ingest/csv.js';
import { readCsv, scanCsv } from '../ingest/scan.js';
import type { SqliteStore, Store } from '../store/index.js';
import { ChangedUnderneath, type ParticipantStore } from '../store/participants.js';
import { throwIfCancelled, type CallOptions } from './call-options.js';
import type { FileAccess } from './files.js';
import { importOnWorker } from './import-thread.js';
import { largeStudy } from './kept.js';
import { PROGRESS_MS } from './worker-call.js';

/** Most bad lines listed in one result (fewer when their messages are long); the count says how many there were in all. */
const MAX_LINES_LISTED = 200;
/**
 * The per-column details' share of a result (which stays under 20,000 characters of JSON): a
 * CRM export with hundreds of columns gets its rules in words only where they say more than the
 * type, then only the first columns (get_study lists them all).
 */
const MAX_ATTRIBUTE_CHARS = 9_500;
/** The listed bad lines' share of a result, and the warnings'. */
const MAX_LINE_CHARS = 4_500;
const MAX_WARNING_CHARS = 2_500;
// Files stream (memory stays bounded); the limit only guards against pointing at the wrong file.
const MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;
/**
 * From this size (bytes of a file, characters inline) an import runs on a worker thread: below,
 * it takes about 0.1 s of CPU at most in the calling thread, not worth a thread and a connection.
 * Into a large study (kept.ts largeStudy) any import runs there: matching its rows reads every
 * participant's id and e-mail first (2.8 s at 1M participants, for a one-line file).
 */
const WORKER_MIN_SIZE = 1 << 20;

export interface ImportRequest {
  studyId: number;
  csv?: string | undefined;
  path?: string | undefined;
  idColumn?: string | undefined;
  tagColumns?: string[] | undefined;
  /** Column name → the type its values must have. */
  columnTypes?: Record<string, StatedType> | undefined;
  onDuplicate: OnDuplicate;
  skipInvalid: boolean;
  dryRun: boolean;
}

export interface ImportedAttribute {
  name: string;
  type: AttributeType;
  new: boolean;
  values: number;
  format: FormatName | null;
  unit: string | null;
  /** Null when the result is too long to give every rule in words (the type, format and unit say it). */
  rule: string | null;
  note: string | null;
  source: 'inferred' | 'column_types' | 'catalogue';
  stray_values: number;
}

export interface ImportResult {
  study_id: number;
  dry_run: boolean;
  written: boolean;
  rows_read: number;
  inserted: number;
  updated: number;
  skipped: number;
  matched: { by_id: number; by_email: number };
  ids_replaced: number;
  errors: LineError[];
  skipped_lines: LineError[];
  bad_lines_total: number;
  attributes: ImportedAttribute[];
  /** Attribute columns in the file (`attributes` lists the first ones when there are very many). */
  attributes_total: number;
  columns: { id: string; id_reason: string; id_candidates: string[]; email: string | null; name: string[]; tags: string[] };
  delimiter: string;
  participants_total: number;
  warnings: string[];
}

/**
 * The CSV file, opened once (both passes read this descriptor), inside the folder this server may
 * read, or a clear refusal. Over HTTP (reads confined to --allow-dir) the real path must be inside
 * the folder, and a file with more than one hard link is refused: a hard link inside the folder
 * to a file elsewhere passes every path check, and its link count is the only trace of it. The
 * descriptor is opened without following a final link (nor blocking on a FIFO) and must be the
 * file that was checked (same device and inode), so a swap between the check and the open fails.
 */
function openCsvFile(path: string, files: FileAccess): number {
  if (!files.allowAnyPath && !files.importRoot) {
    throw new UserError('Reading files is disabled over HTTP. Pass the CSV inline as `csv`, or start the server with --allow-dir <folder>.');
  }
  let real: string;
  try {
    real = realpathSync(resolve(files.importRoot ?? process.cwd(), path));
  } catch {
    throw new UserError(`No file at "${path}". Give an absolute path to a CSV file${files.importRoot ? ` inside ${files.importRoot}` : ''}.`);
  }
  if (!files.allowAnyPath && files.importRoot) {
    const inside = relative(realpathSync(files.importRoot), real);
    if (inside.startsWith('..') || isAbsolute(inside)) throw new UserError(`"${path}" is outside the folder this server may read (${files.importRoot}).`);
  }
  const stats = statSync(real);
  if (!stats.isFile()) throw new UserError(`"${path}" is not a file.`);
  if (stats.size > MAX_FILE_BYTES) throw new UserError(`"${path}" is ${Math.round(stats.size / 1e6)} MB; the limit is ${MAX_FILE_BYTES / 1e6} MB.`);
  if (!files.allowAnyPath && stats.nlink > 1) {
    throw new UserError(`"${path}" has other hard links, so it may be a file from outside the folder this server may read; copy the CSV into the folder instead of linking it.`);
  }
  const fd = openSync(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  const opened = fstatSync(fd);
  if (opened.dev !== stats.dev || opened.ino !== stats.ino) {
    closeSync(fd);
    throw new UserError(`"${path}" changed while it was being opened; call again.`);
  }
  return fd;
}

async function checkRequest(store: Store, request: ImportRequest, signal: AbortSignal | undefined): Promise<void> {
  await store.studies.get(request.studyId);
  if ((request.csv === undefined) === (request.path === undefined)) {
    throw new UserError('Give exactly one of `csv` (the CSV text) or `path` (a local file).');
  }
  throwIfCancelled(signal);
}

const cancellation = (signal: AbortSignal | undefined): ImportHooks => {
  const check = () => throwIfCancelled(signal);
  return { checkpoint: check, beforeWrite: check };
};

/** An import in this thread that reports its writing pass's progress (PostgreSQL: the rows stream out while the client is told). */
const reporting = (options: CallOptions): ImportHooks => {
  let last = 0;
  return {
    checkpoint(done, total) {
      throwIfCancelled(options.signal);
      const now = Date.now();
      if (total > 0 && now - last >= PROGRESS_MS) {
        last = now;
        // Best effort: the import goes on whether or not the client hears.
        options.progress?.(done, total, 'writing participants').catch(() => undefined);
      }
    },
    beforeWrite: () => throwIfCancelled(options.signal),
  };
};

/**
 * Whether an import of `size` (bytes of a file, characters inline) runs on a worker thread: when
 * it is large or the study is, and the database is a file (a worker needs its own connection,
 * which an in-memory database cannot give).
 */
export async function importsOnWorker(store: Store, studyId: number, size: number): Promise<boolean> {
  return store.file() !== null && (size >= WORKER_MIN_SIZE || (await largeStudy(store, studyId)));
}

/** An import: on a worker thread when it is large or the study is (importsOnWorker), else in this thread. */
export async function importParticipants(store: Store, files: FileAccess, request: ImportRequest, options: CallOptions = {}): Promise<ImportResult> {
  await checkRequest(store, request, options.signal);
  const fd = request.path !== undefined ? openCsvFile(request.path, files) : null;
  try {
    const size = fd !== null ? fstatSync(fd).size : request.csv!.length;
    const database = store.file();
    if (database !== null && (await importsOnWorker(store, request.studyId, size))) return await importOnWorker(database, store.writeTurns, request, fd, options);
    if (!store.withSqlite) return await importInTwoPasses(store, request, fd, reporting(options));
    const sqlite = store.withSqlite;
    return await store.writeTurns.take(() => sqlite((opened) => importOpened(opened, request, fd, cancellation(options.signal))));
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** An import in this thread, whatever its size (tests, and callers that hold no event loop for others). */
export async function importInThisThread(store: Store, files: FileAccess, request: ImportRequest): Promise<ImportResult> {
  await checkRequest(store, request, undefined);
  const fd = request.path !== undefined ? openCsvFile(request.path, files) : null;
  try {
    if (!store.withSqlite) return await importInTwoPasses(store, request, fd, cancellation(undefined));
    return await store.withSqlite((sqlite) => importOpened(sqlite, request, fd, cancellation(undefined)));
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** What runs around an import's passes: a check every few thousand records, and one before writing. */
export interface ImportHooks {
  /** Throws to stop the import (a cancellation); `done` of `total` records (total 0 while checking: unknown). */
  checkpoint(done: number, total: number): void;
  /** Called once before the first write (a worker waits here for its turn to write). */
  beforeWrite(): void;
  /** How the rows are written (default: the store's writeParticipants, in this thread). */
  write?: ParticipantStore['writeParticipants'];
}

/** Thrown inside the write transaction to roll back a single pass whose rows were not exact. */
class NotExact extends Error {}

/** The catalogue entries a scan decided. */
const catalogueOf = (scan: ParticipantScan) => scan.attributes.map(({ name, type, format }) => ({ name, type, format }));

/**
 * The import itself, in the calling thread, over an open file (`fd`) or the inline CSV: one
 * reading that checks every line and writes the rows typed as the first rows decide, in one
 * transaction, kept when the whole file types the same way (most files); else rolled back and
 * written again in a second pass with the types the whole file decided. A dry run only checks.
 */
export function importOpened(store: SqliteStore, request: ImportRequest, fd: number | null, hooks: ImportHooks): ImportResult {
  const { studyId } = request;
  let emails: Map<string, string | null> | undefined;
  const reading = startReading(request, fd, hooks, {
    ids: store.participants.externalIds(studyId),
    // Read once and shared: the line checks and the typing both match people by e-mail.
    emails: () => (emails ??= store.participants.emailIndex(studyId)),
    attributes: store.studies.attributes(studyId),
  });
  const { options, input, size, context } = reading;
  const write = hooks.write ?? store.participants.writeParticipants.bind(store.participants);
  let scan: ParticipantScan;
  let counts: ImportCounts;
  let values: number[];
  let blocked: boolean;
  let warning: string | undefined;
  if (!request.dryRun) {
    hooks.beforeWrite();
    const single = readCsv(input, (source) => {
      const pass = checkAndType(source, size, options, context);
      reading.expected = pass.estimatedRows;
      let outcome: { scan: ParticipantScan; exact: boolean } | null = null;
      try {
        write(studyId, pass.names, pass.rows, () => {
          outcome = pass.finish();
          if (!outcome.exact) throw new NotExact();
          return catalogueOf(outcome.scan);
        });
      } catch (error) {
        if (!(error instanceof NotExact)) throw error;
      }
      return { pass, outcome: outcome! as { scan: ParticipantScan; exact: boolean } };
    });
    ({ scan } = single.value.outcome);
    warning = single.warning;
    blocked = scan.errors.length > 0 && !request.skipInvalid;
    counts = single.value.pass.counts;
    values = single.value.pass.present;
    if (!single.value.outcome.exact && !blocked) {
      // Pass 2, with the types the whole file decided (bad lines and stray values left out).
      counts = noCounts();
      values = scan.attributes.map(() => 0);
      const rows = secondPass(reading, single.source, scan, counts, values);
      write(studyId, single.value.pass.names, rows, () => catalogueOf(scan));
    }
  } else {
    ({ scan, warning, counts, values, blocked } = checkOnly(reading));
  }
  return importResult(request, { scan, counts, values, blocked, warning }, store.studies.counts(studyId).participants);
}

/**
 * The import on an engine whose writes are awaited (PostgreSQL): the study's ids, e-mails and
 * catalogue read first, every line checked (pass 1), then the rows typed as the whole file
 * decided (pass 2) streamed to the store's writeParticipants in one transaction (COPY). Two
 * readings of the file instead of SQLite's single pass: the rows reach the database while the
 * file is read, and a decoding retry (Windows-1252) must happen before the first row is sent.
 */
async function importInTwoPasses(store: Store, request: ImportRequest, fd: number | null, hooks: ImportHooks): Promise<ImportResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readCheckAndWrite(store, request, fd, hooks);
    } catch (error) {
      if (!(error instanceof ChangedUnderneath) || attempt === TWO_PASS_ATTEMPTS) throw error;
    }
  }
}

/**
 * How often the two passes run before a conflict is reported: another server on the same database
 * (a replica) may import into the study between pass 1 reading its ids and pass 2 writing, which
 * rolls pass 2 back; reading again after that import committed gives what running one after the
 * other would have given. A file that keeps changing fails every attempt and gets the error.
 */
const TWO_PASS_ATTEMPTS = 3;

async function readCheckAndWrite(store: Store, request: ImportRequest, fd: number | null, hooks: ImportHooks): Promise<ImportResult> {
  const { studyId } = request;
  const emails = await store.participants.emailIndex(studyId);
  const reading = startReading(request, fd, hooks, { ids: await store.participants.externalIds(studyId), emails: () => emails, attributes: await store.studies.attributes(studyId) });
  const checked = checkOnly(reading, !request.dryRun);
  let { counts, values } = checked;
  if (!request.dryRun && !checked.blocked) {
    counts = noCounts();
    values = checked.scan.attributes.map(() => 0);
    const { scan } = checked;
    hooks.beforeWrite();
    const names = scan.plan.attributeIndexes.map((i) => scan.plan.headers[i]!);
    await store.participants.writeParticipants(studyId, names, secondPass(reading, checked.source, scan, counts, values), () => catalogueOf(scan));
  }
  return importResult(request, { ...checked, counts, values }, (await store.studies.counts(studyId)).participants);
}

/** What both engines' imports share while reading: the CSV options, its input, and the context the lines are checked in. */
interface Reading {
  options: CsvOptions;
  input: { csv: string } | { file: number };
  size: number;
  context: ImportContext;
  /** Bad lines are left out rather than refusing the import. */
  skipInvalid: boolean;
  /** Records read before the current pass (progress counts over every pass, so it only grows). */
  before: number;
  /** The records of the current pass, when known (0: unknown). */
  expected: () => number;
}

function startReading(request: ImportRequest, fd: number | null, hooks: ImportHooks, existing: { ids: Set<string>; emails: () => Map<string, string | null>; attributes: { name: string; type: AttributeType; format: AttributeFormat }[] }): Reading {
  const reading: Reading = {
    options: { id_column: request.idColumn, tag_columns: request.tagColumns, column_types: request.columnTypes },
    input: request.csv !== undefined ? { csv: request.csv } : { file: fd! },
    size: request.csv !== undefined ? request.csv.length : fstatSync(fd!).size,
    context: {
      catalogue: new Map(existing.attributes.map((a) => [a.name, { type: a.type, format: a.format }])),
      existing: { ids: existing.ids, emails: existing.emails },
      onDuplicate: request.onDuplicate,
      checkpoint: (records) => {
        const total = reading.expected();
        hooks.checkpoint(reading.before + records, total > 0 ? reading.before + Math.max(total, records + 1) : 0);
      },
    },
    skipInvalid: request.skipInvalid,
    before: 0,
    expected: () => 0,
  };
  return reading;
}

/** Pass 2's rows, typed as the scan decided, counted into `counts` and `values` as they go by. */
function secondPass(reading: Reading, source: Parameters<typeof typedParticipants>[0], scan: ParticipantScan, counts: ImportCounts, values: number[]) {
  reading.before = scan.rowsRead;
  reading.expected = () => scan.rowsRead;
  return typedParticipants(source, reading.options, scan, reading.context, counts, values);
}

/**
 * Pass 1 over every line. Its counts are exact unless stray values found at the end of the pass
 * left lines out: then, unless `writing` (pass 2 counts as it writes), the rows are counted again.
 */
function checkOnly(reading: Reading, writing = false) {
  const checked = scanCsv(reading.input, reading.options, reading.context);
  const { scan } = checked;
  const blocked = scan.errors.length > 0 && !reading.skipInvalid;
  let counts = scan.counts;
  let values = scan.attributes.map((a) => a.values);
  if (!blocked && !scan.countsExact && !writing) {
    counts = noCounts();
    values = scan.attributes.map(() => 0);
    for (const _ of secondPass(reading, checked.source, scan, counts, values));
  }
  return { source: checked.source, scan, warning: checked.warning, counts, values, blocked };
}

/** The result of an import (or a dry run): what was read, written and decided, fitted to the output budget. */
function importResult(request: ImportRequest, { scan, counts, values, blocked, warning }: { scan: ParticipantScan; counts: ImportCounts; values: number[]; blocked: boolean; warning?: string | undefined }, participantsTotal: number): ImportResult {
  const { studyId } = request;
  const warnings = capWarnings([...(warning ? [warning] : []), ...scan.warnings]);
  const badTotal = scan.errors.length;
  const listed = firstLines(scan.errors);
  if (badTotal > listed.length) warnings.push(`${badTotal} bad lines; the first ${listed.length} are listed.`);
  const none = blocked ? noCounts() : counts;
  return {
    study_id: studyId,
    dry_run: request.dryRun,
    written: !blocked && !request.dryRun,
    rows_read: scan.rowsRead,
    inserted: none.inserted,
    updated: none.updated,
    skipped: blocked ? 0 : none.skipped + (request.skipInvalid ? badTotal : 0),
    matched: { by_id: none.by_id, by_email: none.by_email },
    ids_replaced: none.ids_replaced,
    errors: request.skipInvalid ? [] : listed,
    skipped_lines: request.skipInvalid ? listed : [],
    bad_lines_total: badTotal,
    ...fitAttributes(
      scan.attributes.map((a, i) => ({
        name: a.name,
        type: a.type,
        new: a.new,
        values: blocked ? 0 : values[i]!,
        format: a.format_name,
        unit: unitOf(a.format),
        rule: a.rule,
        note: a.note,
        source: a.source,
        stray_values: a.stray_values,
      })),
      warnings,
    ),
    columns: {
      id: scan.columns.id_column,
      id_reason: scan.columns.id_reason,
      id_candidates: scan.columns.id_candidates,
      email: scan.columns.email_column,
      name: scan.columns.name_columns,
      tags: scan.columns.tag_columns,
    },
    delimiter: scan.plan.delimiter === '\t' ? 'tab' : scan.plan.delimiter,
    participants_total: participantsTotal,
    warnings,
  };
}

function unitOf(format: AttributeFormat): string | null {
  return format.unit ?? null;
}

/** The first bad lines, at most MAX_LINES_LISTED and MAX_LINE_CHARS of JSON. */
function firstLines(errors: LineError[]): LineError[] {
  let chars = 0;
  let count = 0;
  while (count < errors.length && count < MAX_LINES_LISTED) {
    chars += JSON.stringify(errors[count]).length + 1;
    if (chars > MAX_LINE_CHARS) break;
    count++;
  }
  return errors.slice(0, count);
}

/** Warnings within MAX_WARNING_CHARS (per-column ones repeat what attributes[].note says). */
function capWarnings(warnings: string[]): string[] {
  let chars = 0;
  const kept = warnings.filter((w) => (chars += w.length) <= MAX_WARNING_CHARS);
  if (kept.length < warnings.length) kept.push(`… and ${warnings.length - kept.length} more warning(s); each column's note is in attributes.`);
  return kept;
}

/** The attributes within MAX_ATTRIBUTE_CHARS: fewer words first, then fewer columns (with a warning). */
function fitAttributes(attributes: ImportedAttribute[], warnings: string[]): { attributes: ImportedAttribute[]; attributes_total: number } {
  const size = (list: ImportedAttribute[]) => JSON.stringify(list).length;
  const total = attributes.length;
  if (size(attributes) <= MAX_ATTRIBUTE_CHARS) return { attributes, attributes_total: total };
  // Rules in words only for columns with something to say: stray values, a note, a unit or a format.
  let fitted = attributes.map((a) => (a.stray_values || a.note || a.unit || (a.format && a.format !== '1,234.56' && a.format !== 'YYYY-MM-DD') ? a : { ...a, rule: null }));
  if (size(fitted) > MAX_ATTRIBUTE_CHARS) fitted = fitted.map((a) => (a.stray_values ? a : { ...a, rule: null, note: null }));
  let listed = fitted.length;
  while (listed > 0 && size(fitted.slice(0, listed)) > MAX_ATTRIBUTE_CHARS) listed = Math.floor(listed * 0.9);
  if (listed < total) warnings.push(`The file has ${total} attribute columns; the first ${listed} are listed here, and get_study lists the study's whole attribute catalogue.`);
  return { attributes: fitted.slice(0, listed), attributes_total: total };
}
