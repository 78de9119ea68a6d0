import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { exportSegments, INLINE_CSV_ROWS } from '../app/export.js';
import { defineTool, WithAttachments } from './define.js';
import { cursor } from './params.js';
import { segmentationId } from './segmentation-params.js';

export const exportSegmentsTool = defineTool({
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
    include_predicted: z.boolean().default(false).describe('Also export everyone outside the segmentation with the segment the CRM typing model predicts (run assign_participants method "crm_model" first), adding source (observed | predicted) and confidence.'),
  }),
  output: z.object({
    segmentation_id: z.number(),
    format: z.enum(['csv', 'json']),
    crm: z.string(),
    total: z.number().describe('Participants exported.'),
    columns: z.array(z.string()),
    csv: z.string().nullable().optional().describe(`The CSV (null above ${INLINE_CSV_ROWS} rows: read the file).`),
    rows: z
      .array(
        z.object({
          participant_id: z.string(),
          email: z.string().nullable(),
          name: z.string().nullable(),
          segment_ids: z.array(z.number()),
          segment_names: z.array(z.string()),
          source: z.enum(['observed', 'predicted']).optional().describe('include_predicted: a member, or predicted by the CRM typing model.'),
          confidence: z.number().optional().describe('include_predicted: 1 for members; the prediction\'s leaf purity otherwise.'),
        }),
      )
      .optional(),
    next_cursor: z.string().nullable().optional(),
    path: z.string().nullable().describe('The CSV file written (csv format).'),
    without_email: z.number().describe('Exported participants with no email: a CRM cannot match them by email.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run({ segmentation_id, format, crm, property, limit, cursor, include_predicted }, { store, files }) {
    const result = exportSegments(store, files, { segmentationId: segmentation_id, format, crm, property, limit, cursor, includePredicted: include_predicted });
    if (!result.path) return result;
    return new WithAttachments(result, [{ type: 'resource_link', uri: pathToFileURL(result.path).href, name: basename(result.path), mimeType: 'text/csv', description: `Segment membership (${result.total} rows)` }]);
  },
  render: (r) => {
    const head = `Exported ${r.total} participant(s) of segmentation ${r.segmentation_id} (${r.crm}, ${r.format})${r.without_email ? `; ${r.without_email} without email` : ''}.`;
    if (r.format === 'json') return `${head}\n${(r.rows ?? []).slice(0, 10).map((x) => `- ${x.participant_id} → ${x.segment_names.join('; ')}`).join('\n')}${r.next_cursor ? '\n(more with next_cursor)' : ''}`;
    const preview = (r.csv ?? '').split('\r\n').slice(0, 6).join('\n');
    return `${head}\nFile: ${r.path}\n${preview}${r.total > 5 ? '\n…' : ''}`;
  },
});
