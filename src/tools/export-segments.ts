import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { csvLine } from '../domain/csv-out.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { defineTool } from './define.js';
import { cursor } from './params.js';
import { segmentationId } from './segmentation-common.js';

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

export const exportSegments = defineTool({
  name: 'export_segments',
  title: 'Export segment membership for a CRM',
  description: `Exports who is in which segment — participant id, email, name, segment id and name — as CSV or JSON, ready to import into a CRM as a contact property. crm "hubspot" writes Email, First Name, Last Name and a seglab_segment property (HubSpot matches contacts by email); "salesforce" writes Email, FirstName, LastName and Seglab_Segment__c; "generic" (default) keeps seglab's column names. Overlapping segments are joined with ";" (a multi-select property). Cells a spreadsheet would run as formulas are escaped. The CSV is always written to a file in the reports folder (path and a resource link are returned) and inlined up to ${INLINE_CSV_ROWS} rows; JSON rows are paginated.
Use this tool when you need to: hand segments to marketing, sales or customer success, or sync them into HubSpot or Salesforce.`,
  input: z.object({
    segmentation_id: segmentationId,
    format: z.enum(['csv', 'json']).default('csv'),
    crm: z.enum(['generic', 'hubspot', 'salesforce']).default('generic'),
    property: z.string().trim().min(1).max(100).optional().describe('Name of the segment column/property (default: seglab_segment for HubSpot, Seglab_Segment__c for Salesforce).'),
    limit: z.number().int().min(1).max(1000).default(200).describe('JSON rows per page (default 200).'),
    cursor,
  }),
  output: z.object({
    segmentation_id: z.number(),
    format: z.enum(['csv', 'json']),
    crm: z.string(),
    total: z.number().describe('Participants exported.'),
    columns: z.array(z.string()),
    csv: z.string().nullable().optional().describe(`The CSV (null above ${INLINE_CSV_ROWS} rows: read the file).`),
    rows: z.array(z.object({ participant_id: z.string(), email: z.string().nullable(), name: z.string().nullable(), segment_ids: z.array(z.number()), segment_names: z.array(z.string()) })).optional(),
    next_cursor: z.string().nullable().optional(),
    path: z.string().nullable().describe('The CSV file written (csv format).'),
    without_email: z.number().describe('Exported participants with no email: a CRM cannot match them by email.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run({ segmentation_id, format, crm, property, limit, cursor }, { store, files }) {
    const segmentation = store.segments.get(segmentation_id);
    const names = new Map(store.segments.segments(segmentation_id).map((s) => [s.segment_id, s.name ?? `Segment ${s.segment_id}`]));
    const people = new Map<number, { participant_id: string; email: string | null; name: string | null; segment_ids: number[] }>();
    for (const m of store.segments.members(segmentation_id)) {
      const p = people.get(m.id) ?? { participant_id: m.participant_id, email: m.email, name: m.name, segment_ids: [] };
      p.segment_ids.push(m.segment_id);
      people.set(m.id, p);
    }
    const all = [...people.entries()].map(([id, p]) => ({ id, ...p, segment_names: p.segment_ids.map((s) => names.get(s)!) }));
    const columnName = property ?? DEFAULT_PROPERTY[crm];
    const columns = CRM_COLUMNS[crm].map((c) => (c === '{property}' ? columnName : c === 'segment_name' ? columnName : c));
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
        columns: ['participant_id', 'email', 'name', 'segment_ids', 'segment_names'],
        rows: shown.map(({ id: _id, ...p }) => p),
        next_cursor: page.length > limit ? encodeCursor('export', shown[shown.length - 1]!.id) : null,
        path: null,
        without_email,
      };
    }
    const lines = [csvLine(columns)];
    for (const p of all) {
      const segment = p.segment_names.join(';');
      if (crm === 'generic') lines.push(csvLine([p.participant_id, p.email, p.name, p.segment_ids.join(';'), segment, segmentation_id]));
      else {
        const [first, last] = splitName(p.name);
        lines.push(csvLine([p.email, first, last, p.participant_id, segment]));
      }
    }
    const csv = `${lines.join('\r\n')}\r\n`;
    const dir = join(files.outputDir, `study-${segmentation.study_id}`);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `segmentation-${segmentation_id}-${crm}.csv`);
    writeFileSync(path, csv);
    return { segmentation_id, format, crm, total: all.length, columns, csv: all.length <= INLINE_CSV_ROWS ? csv : null, path, without_email };
  },
  render: (r) => {
    const head = `Exported ${r.total} participant(s) of segmentation ${r.segmentation_id} (${r.crm}, ${r.format})${r.without_email ? `; ${r.without_email} without email` : ''}.`;
    if (r.format === 'json') return `${head}\n${(r.rows ?? []).slice(0, 10).map((x) => `- ${x.participant_id} → ${x.segment_names.join('; ')}`).join('\n')}${r.next_cursor ? '\n(more with next_cursor)' : ''}`;
    const preview = (r.csv ?? '').split('\r\n').slice(0, 6).join('\n');
    return `${head}\nFile: ${r.path}\n${preview}${r.total > 5 ? '\n…' : ''}`;
  },
  attachments: (r) => (r.path ? [{ type: 'resource_link', uri: pathToFileURL(r.path).href, name: r.path.split(/[\\/]/).pop()!, mimeType: 'text/csv', description: `Segment membership (${r.total} rows)` }] : []),
});
