/** export_segments: who is in which segment, as a CRM import (CSV file, inlined while small) or paginated JSON. */
import { csvLine } from '../domain/csv-out.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { segmentName } from '../domain/segments/labels.js';
import type { Store } from '../store/index.js';
import type { FileAccess } from './files.js';
import { writeOutputFile } from './output-files.js';
import { UserError } from '../errors.js';

/** Above this many participants the CSV is written to a file only (and linked), not inlined. */
export const INLINE_CSV_ROWS = 2000;

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
  /** JSON rows per page. */
  limit: number;
  cursor?: string | undefined;
  /** Also everyone outside the segmentation, with the segment the CRM typing model predicts (assign_participants method crm_model). */
  includePredicted?: boolean | undefined;
}

export function exportSegments(store: Store, files: FileAccess, { segmentationId: segmentation_id, format, crm, property, limit, cursor, includePredicted = false }: ExportRequest) {
  const segmentation = store.segmentations.get(segmentation_id);
  const names = new Map(store.segmentations.segments(segmentation_id).map((s) => [s.segment_id, segmentName(s)]));
  type Row = { participant_id: string; email: string | null; name: string | null; segment_ids: number[]; source: 'observed' | 'predicted'; confidence: number };
  const people = new Map<number, Row>();
  for (const m of store.segmentations.members(segmentation_id)) {
    const p = people.get(m.id) ?? { participant_id: m.participant_id, email: m.email, name: m.name, segment_ids: [], source: 'observed', confidence: 1 };
    p.segment_ids.push(m.segment_id);
    people.set(m.id, p);
  }
  if (includePredicted) {
    const predictions = store.segmentations.predictions(segmentation_id);
    if (predictions.length === 0) throw new UserError(`include_predicted: segmentation ${segmentation_id} has no predicted segments yet; run assign_participants with method "crm_model" first.`);
    for (const p of predictions) if (!people.has(p.id)) people.set(p.id, { participant_id: p.participant_id, email: p.email, name: p.name, segment_ids: [p.segment_id], source: 'predicted', confidence: p.confidence });
  }
  const all = [...people.entries()].sort((a, b) => a[0] - b[0]).map(([id, p]) => ({ id, ...p, segment_names: p.segment_ids.map((s) => names.get(s) ?? `Segment ${s}`) }));
  const columnName = property ?? DEFAULT_PROPERTY[crm];
  const sourceColumns = includePredicted ? [`${columnName}_source`, `${columnName}_confidence`] : [];
  const columns = [...CRM_COLUMNS[crm].map((c) => (c === '{property}' ? columnName : c === 'segment_name' ? columnName : c)), ...sourceColumns];
  const without_email = all.filter((p) => !p.email).length;
  if (format === 'json') {
    const after = cursor ? decodeCursor(cursor, 'export') : 0;
    const page = all.filter((p) => p.id > after).slice(0, limit + 1);
    const shown = page.slice(0, limit);
    return {
      segmentation_id,
      format,
      crm,
      total: all.length,
      columns: ['participant_id', 'email', 'name', 'segment_ids', 'segment_names', ...(includePredicted ? ['source', 'confidence'] : [])],
      rows: shown.map(({ id: _id, source, confidence, ...p }) => (includePredicted ? { ...p, source, confidence } : p)),
      next_cursor: page.length > limit ? encodeCursor('export', shown[shown.length - 1]!.id) : null,
      path: null,
      without_email,
    };
  }
  const lines = [csvLine(columns)];
  for (const p of all) {
    // Each name neutralised on its own: a CRM splits the list into values.
    const segment = p.segment_names;
    const source = includePredicted ? [p.source, p.confidence] : [];
    if (crm === 'generic') lines.push(csvLine([p.participant_id, p.email, p.name, p.segment_ids.join(';'), segment, segmentation_id, ...source]));
    else {
      const [first, last] = splitName(p.name);
      lines.push(csvLine([p.email, first, last, p.participant_id, segment, ...source]));
    }
  }
  const csv = `${lines.join('\r\n')}\r\n`;
  const path = writeOutputFile(files.outputDir, `study-${segmentation.study_id}/segmentation-${segmentation_id}-${crm}${includePredicted ? '-with-predicted' : ''}.csv`, csv);
  return { segmentation_id, format, crm, total: all.length, columns, csv: all.length <= INLINE_CSV_ROWS ? csv : null, path, without_email };
  }
