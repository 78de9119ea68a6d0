/**
 * export_segments: who is in which segment, as a CRM import (a CSV file, inlined only while small,
 * served as a seglab:// resource, in parts when large) or as JSON pages. Both read the membership a
 * page at a time (store.segmentations.exportPage), so memory and time per call do not grow with the
 * segmentation.
 */
import { clipJson, countFitting, jsonChars, STRUCTURED_BUDGET } from '../domain/budget.js';
import { csvLine } from '../domain/csv-out.js';
import { decodeCursorWith, encodeCursorWith } from '../domain/cursor.js';
import { segmentName } from '../domain/segments/labels.js';
import { NotFoundError, UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { ExportRow } from '../store/segmentations.js';
import type { FileAccess } from './files.js';
import { listOutputFiles, outputFileSize, readOutputFile, readOutputFileRanges, removeOutputFile, writeOutputFile, writeOutputFileInChunks } from './output-files.js';
import { exportPartUri, exportUri } from './uris.js';
import { countExportTotals, keepWhenIdle } from './kept.js';

/** A CSV of at most this many characters comes back inline as well as in the file. */
export const INLINE_CSV_CHARS = 6000;
/**
 * A resource read carries at most this many bytes of a file: CSV quoting can double a text as JSON,
 * and a stdio message may not exceed 10 MiB. Larger exports are served in parts of this size.
 */
export const EXPORT_PART_BYTES = 4 * 1024 * 1024;
/** Parts listed by URI (they are numbered: the rest follow the same pattern). */
const MAX_PARTS_LISTED = 40;
/** Lines of the CSV shown as a preview. */
const PREVIEW_LINES = 6;
/** Participants read per batch while writing a CSV. */
const BATCH = 5000;
/** Bytes gathered before a write to the file. */
const WRITE_CHUNK = 256 * 1024;

const CRM_COLUMNS = {
  generic: ['participant_id', 'email', 'name', 'segment_id', 'segment_name', 'segmentation_id'],
  hubspot: ['Email', 'First Name', 'Last Name', 'seglab_participant_id', '{property}'],
  salesforce: ['Email', 'FirstName', 'LastName', 'Seglab_Participant_Id__c', '{property}'],
} as const;
const DEFAULT_PROPERTY = { generic: 'segment_name', hubspot: 'seglab_segment', salesforce: 'Seglab_Segment__c' } as const;

function splitName(name: string | null): [string, string] {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  return [parts[0] ?? '', parts.slice(1).join(' ')];
}

export type CrmFlavour = keyof typeof CRM_COLUMNS;

export interface ExportRequest {
  segmentationId: number;
  format: 'csv' | 'json';
  crm: CrmFlavour;
  /** Name of the segment column/property (default per CRM). */
  property?: string | undefined;
  /** JSON rows per page (an upper bound: a page stops where the next row would not fit). */
  limit: number;
  cursor?: string | undefined;
  /** Also everyone outside the segmentation, with the segment the CRM typing model predicts (assign_participants method crm_model). */
  includePredicted?: boolean | undefined;
}

/** One participant of a JSON page (source and confidence with include_predicted). */
export interface ExportJsonRow {
  participant_id: string;
  email: string | null;
  name: string | null;
  segment_ids: number[];
  segment_names: string[];
  source?: 'observed' | 'predicted';
  confidence?: number;
}

/** What export_segments returns: a JSON page (rows, next_cursor) or a written CSV (csv, preview, path, resource_uri, parts). */
export interface ExportResult {
  segmentation_id: number;
  format: 'csv' | 'json';
  crm: CrmFlavour;
  total: number;
  columns: string[];
  csv?: string | null;
  preview?: string[];
  rows?: ExportJsonRow[];
  next_cursor?: string | null;
  size_limited?: boolean;
  path: string | null;
  resource_uri: string | null;
  parts: string[];
  parts_total: number;
  without_email: number;
}

export async function exportSegments(store: Store, files: FileAccess, request: ExportRequest): Promise<ExportResult> {
  const { segmentationId: segmentation_id, format, includePredicted = false } = request;
  const segmentation = await store.segmentations.get(segmentation_id);
  if (includePredicted && !(await store.segmentations.hasPredictions(segmentation_id))) {
    throw new UserError(`include_predicted: segmentation ${segmentation_id} has no predicted segments yet; run assign_participants with method "crm_model" first.`);
  }
  const names = new Map((await store.segmentations.segments(segmentation_id)).map((s) => [s.segment_id, segmentName(s)]));
  const nameOf = (s: number) => names.get(s) ?? `Segment ${s}`;
  return format === 'json' ? jsonPage(store, request, nameOf) : writeCsv(store, files, request, segmentation.study_id, nameOf);
}

/**
 * The export's totals, counted over every member (1.2–4 s at 1M members) once per data version: kept
 * with the segmentation at the study's data version, carried over writes that change no membership
 * or e-mail (StudyStore.touch), counted again (on a worker for a large study, kept.ts) after the
 * others (or, with predictions, when they were saved again).
 */
async function keptExportTotals(store: Store, segmentationId: number, includePredicted: boolean): Promise<{ participants: number; without_email: number }> {
  const variant = includePredicted ? 'with_predicted' : 'members';
  const studyId = (await store.segmentations.get(segmentationId)).study_id;
  const version = await store.studies.dataVersion(studyId);
  const kept = await store.segmentations.storedExportTotals(segmentationId);
  const known = kept?.version === version ? kept[variant] : undefined;
  if (known) return known;
  const counted = await countExportTotals(store, studyId, segmentationId, includePredicted);
  await keepWhenIdle(store, (s) => s.segmentations.saveExportTotals(segmentationId, { ...(kept?.version === version ? kept : {}), version, [variant]: counted }));
  return counted;
}

/**
 * One page of JSON rows: at most `limit`, fewer when the next row would not fit the output budget
 * (size_limited says so); the cursor carries the last participant's id and the totals counted on
 * the first page, so later pages cost only their rows.
 */
async function jsonPage(store: Store, { segmentationId: segmentation_id, crm, limit, cursor, includePredicted = false }: ExportRequest, nameOf: (s: number) => string): Promise<ExportResult> {
  const { after, carried } = cursor ? decodeCursorWith(cursor, 'export', ['total', 'without_email'] as const) : { after: 0, carried: null };
  const totals = carried ? { participants: carried.total, without_email: carried.without_email } : await keptExportTotals(store, segmentation_id, includePredicted);
  const rows = await store.segmentations.exportPage(segmentation_id, after, limit + 1, includePredicted);
  const shown = rows.slice(0, limit).map((p) => {
    const row: ExportJsonRow = { participant_id: p.participant_id, email: p.email, name: p.name === null ? null : clipJson(p.name, 300), segment_ids: p.segment_ids, segment_names: p.segment_ids.map(nameOf) };
    return { id: p.id, row: includePredicted ? { ...row, source: p.source, confidence: p.confidence } : row };
  });
  const fitting = countFitting(shown.map((s) => s.row), STRUCTURED_BUDGET - 1500, 1);
  const page = shown.slice(0, fitting);
  const last = page[page.length - 1];
  const more = rows.length > limit || fitting < shown.length;
  return {
    segmentation_id,
    format: 'json',
    crm,
    total: totals.participants,
    columns: ['participant_id', 'email', 'name', 'segment_ids', 'segment_names', ...(includePredicted ? ['source', 'confidence'] : [])],
    rows: page.map((p) => p.row),
    next_cursor: more && last ? encodeCursorWith('export', last.id, { total: totals.participants, without_email: totals.without_email }) : null,
    size_limited: fitting < shown.length,
    path: null,
    resource_uri: null,
    parts: [],
    parts_total: 0,
    without_email: totals.without_email,
  };
}

/** The file name of a segmentation's export for a CRM (in the study's folder of the reports directory). */
export function exportFileName(segmentationId: number, crm: CrmFlavour, includePredicted = false): string {
  return `segmentation-${segmentationId}-${crm}${includePredicted ? '-with-predicted' : ''}.csv`;
}

function studyFolder(studyId: number): string {
  return `study-${studyId}`;
}

function csvRecord(p: ExportRow, crm: CrmFlavour, segmentationId: number, includePredicted: boolean, nameOf: (s: number) => string): string {
  // Each name neutralised on its own: a CRM splits the list into values.
  const segment = p.segment_ids.map(nameOf);
  const source = includePredicted ? [p.source, p.confidence] : [];
  if (crm === 'generic') return `${csvLine([p.participant_id, p.email, p.name, p.segment_ids.join(';'), segment, segmentationId, ...source])}\r\n`;
  const [first, last] = splitName(p.name);
  return `${csvLine([p.email, first, last, p.participant_id, segment, ...source])}\r\n`;
}

/**
 * Writes the CSV a batch of participants at a time. A new part starts at the first record that
 * would take the current one past EXPORT_PART_BYTES (records stay whole, so each part is a valid
 * CSV once the header is added); a file of several parts gets an index of their byte ranges.
 */
async function writeCsv(store: Store, files: FileAccess, { segmentationId: segmentation_id, crm, property, includePredicted = false }: ExportRequest, studyId: number, nameOf: (s: number) => string): Promise<ExportResult> {
  const columnName = property ?? DEFAULT_PROPERTY[crm];
  const sourceColumns = includePredicted ? [`${columnName}_source`, `${columnName}_confidence`] : [];
  const columns = [...CRM_COLUMNS[crm].map((c) => (c === '{property}' ? columnName : c === 'segment_name' ? columnName : c)), ...sourceColumns];
  const file = exportFileName(segmentation_id, crm, includePredicted);
  const relativePath = `${studyFolder(studyId)}/${file}`;
  const header = `${csvLine(columns)}\r\n`;
  const headerBytes = Buffer.byteLength(header);
  const boundaries: [number, number][] = [];
  const preview: string[] = [header.trimEnd()];
  let inline: string | null = header;
  let total = 0;
  let withoutEmail = 0;
  const path = await writeOutputFileInChunks(files.outputDir, relativePath, async (append) => {
    let written = 0;
    let partStart = 0;
    let pending: string[] = [header];
    let pendingBytes = headerBytes;
    const flush = () => {
      append(pending.join(''));
      written += pendingBytes;
      pending = [];
      pendingBytes = 0;
    };
    for (let after = 0; ; ) {
      const batch = await store.segmentations.exportPage(segmentation_id, after, BATCH, includePredicted);
      if (batch.length === 0) break;
      for (const p of batch) {
        const line = csvRecord(p, crm, segmentation_id, includePredicted, nameOf);
        const lineBytes = Buffer.byteLength(line);
        const at = written + pendingBytes;
        if (at + lineBytes - partStart > EXPORT_PART_BYTES && at > partStart + headerBytes) {
          boundaries.push([partStart, at]);
          partStart = at;
        }
        pending.push(line);
        pendingBytes += lineBytes;
        if (pendingBytes > WRITE_CHUNK) flush();
        if (preview.length < PREVIEW_LINES) preview.push(line.trimEnd());
        if (inline !== null) inline = inline.length + line.length <= INLINE_CSV_CHARS ? inline + line : null;
        total++;
        if (!p.email) withoutEmail++;
      }
      after = batch[batch.length - 1]!.id;
    }
    flush();
    boundaries.push([partStart, written]);
  });
  const parts = boundaries.length > 1 ? boundaries : [];
  if (parts.length > 0) writeOutputFile(files.outputDir, partsIndexPath(relativePath), JSON.stringify({ header: headerBytes, parts } satisfies PartsIndex));
  else removeOutputFile(files.outputDir, partsIndexPath(relativePath));
  return {
    segmentation_id,
    format: 'csv',
    crm,
    total,
    columns,
    csv: inline !== null && jsonChars(inline) <= INLINE_CSV_CHARS * 1.5 ? inline : null,
    preview: preview.map((l) => clipJson(l, 300)),
    path,
    resource_uri: exportUri(studyId, file),
    parts: parts.slice(0, MAX_PARTS_LISTED).map((_, i) => exportPartUri(studyId, file, i + 1)),
    parts_total: parts.length,
    without_email: withoutEmail,
  };
}

/** Beside an export of several parts: its header's length and each part's byte range, for resources/read. */
interface PartsIndex {
  header: number;
  parts: [number, number][];
}

function partsIndexPath(relativePath: string): string {
  return `${relativePath}.parts.json`;
}

/** The export files of a study (what export_segments wrote), for resources/list. */
export function exportFiles(outputDir: string, studyId: number): string[] {
  return listOutputFiles(outputDir, studyFolder(studyId), '.csv');
}

/**
 * An export file (or one part of a large one) as a resource read returns it; a part after the
 * first starts with the header row, so each part imports on its own. Never read through a link.
 */
export function readExport(files: FileAccess, studyId: number, file: string, part?: number): string {
  if (!/^[\w.-]+\.csv$/.test(file)) throw new NotFoundError(`No export "${file}".`);
  const relativePath = `${studyFolder(studyId)}/${file}`;
  const size = outputFileSize(files.outputDir, relativePath);
  if (size === null) throw new NotFoundError(`No export "${file}" for study ${studyId}; export_segments writes it.`);
  const indexText = readOutputFile(files.outputDir, partsIndexPath(relativePath));
  const index: PartsIndex = indexText === null ? { header: 0, parts: [] } : (JSON.parse(indexText) as PartsIndex);
  const { parts } = index;
  if (part === undefined) {
    if (parts.length > 1) {
      throw new UserError(`"${file}" is ${(size / 1e6).toFixed(1)} MB, more than one message may carry: read it in ${parts.length} parts, ${exportPartUri(studyId, file, 1)} to ${exportPartUri(studyId, file, parts.length)}.`);
    }
    return readOutputFile(files.outputDir, relativePath) ?? '';
  }
  const range = parts[part - 1];
  if (!range) throw new NotFoundError(`"${file}" has ${parts.length || 'no'} parts; there is no part ${part}.`);
  return readOutputFileRanges(files.outputDir, relativePath, part > 1 ? [[0, index.header], range] : [range]) ?? '';
}
