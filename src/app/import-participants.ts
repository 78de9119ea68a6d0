/**
 * import_participants: a CSV (inline or a local file) checked line by line in a first pass,
 * then streamed into one transaction, all or nothing unless bad lines are to be skipped.
 */
import { closeSync, constants, fstatSync, openSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { typedParticipants, type ImportContext } from '../ingest/csv.js';
import { scanFile, scanText } from '../ingest/scan.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { FileAccess } from './files.js';

/** Most bad lines listed in one result; the count says how many there were in all. */
const MAX_LINES_LISTED = 200;
// Files stream (memory stays bounded); the limit only guards against pointing at the wrong file.
const MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;

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

export interface ImportRequest {
  studyId: number;
  csv?: string | undefined;
  path?: string | undefined;
  idColumn?: string | undefined;
  tagColumns?: string[] | undefined;
  onDuplicate: 'update' | 'skip' | 'error';
  skipInvalid: boolean;
  dryRun: boolean;
}

export function importParticipants(store: Store, files: FileAccess, request: ImportRequest) {
  store.studies.get(request.studyId);
  if ((request.csv === undefined) === (request.path === undefined)) {
    throw new UserError('Give exactly one of `csv` (the CSV text) or `path` (a local file).');
  }
  const fd = request.path !== undefined ? openCsvFile(request.path, files) : null;
  try {
    return importOpened(store, request, fd);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function importOpened(store: Store, request: ImportRequest, fd: number | null) {
  const options = { id_column: request.idColumn, tag_columns: request.tagColumns };
  const context: ImportContext = {
    catalogue: new Map(store.studies.attributes(request.studyId).map((a) => [a.name, a.type])),
    existingIds: store.participants.externalIds(request.studyId),
    onDuplicate: request.onDuplicate,
  };
  // Pass 1 checks every line and decides the types; pass 2 streams the rows to write.
  const { source, scan, warning } = request.csv !== undefined ? scanText(request.csv, options, context) : scanFile(fd!, options, context);
  const blocked = scan.errors.length > 0 && !request.skipInvalid;
  let written = { inserted: scan.inserts, updated: scan.updates };
  if (!blocked && !request.dryRun) {
    written = store.participants.writeParticipants(request.studyId, typedParticipants(source, options, scan, context), scan.attributes.map(({ name, type }) => ({ name, type })));
  }
  const warnings = [...(warning ? [warning] : []), ...scan.warnings];
  const badTotal = scan.errors.length;
  if (badTotal > MAX_LINES_LISTED) warnings.push(`${badTotal} bad lines; the first ${MAX_LINES_LISTED} are listed.`);
  const listed = scan.errors.slice(0, MAX_LINES_LISTED);
  return {
    study_id: request.studyId,
    dry_run: request.dryRun,
    written: !blocked && !request.dryRun,
    rows_read: scan.rowsRead,
    inserted: blocked ? 0 : written.inserted,
    updated: blocked ? 0 : written.updated,
    skipped: blocked ? 0 : scan.skips + (request.skipInvalid ? badTotal : 0),
    errors: request.skipInvalid ? [] : listed,
    skipped_lines: request.skipInvalid ? listed : [],
    bad_lines_total: badTotal,
    attributes: scan.attributes.map(({ name, type, new: isNew, values }) => ({ name, type, new: isNew, values: blocked ? 0 : values })),
    columns: { id: scan.columns.id_column, email: scan.columns.email_column, name: scan.columns.name_columns, tags: scan.columns.tag_columns },
    delimiter: scan.plan.delimiter === '\t' ? 'tab' : scan.plan.delimiter,
    participants_total: store.studies.counts(request.studyId).participants,
    warnings,
  };
}
