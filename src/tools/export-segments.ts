import { basename } from 'node:path';
import * as z from 'zod';
import { exportSegments, INLINE_CSV_CHARS } from '../app/export.js';
import { clip } from '../domain/budget.js';
import { defineTool, WithAttachments } from './define.js';
import { cursor } from './params.js';
import { segmentationId } from './segmentation-params.js';

/** Resource links returned for a large export's parts (the result lists every part's URI). */
const MAX_LINKS = 10;

export const exportSegmentsTool = defineTool({
  name: 'export_segments',
  title: 'Export segment membership for a CRM',
  description: `Exports segment membership for a CRM (generic, HubSpot or Salesforce columns): csv as a seglab:// resource with a preview, or json pages; include_predicted adds those the CRM typing model placed.
Use this tool when you need to: hand segments to sales, marketing or a CRM.`,
  input: z.object({
    segmentation_id: segmentationId,
    format: z.enum(['csv', 'json']).default('csv'),
    crm: z.enum(['generic', 'hubspot', 'salesforce']).default('generic'),
    property: z.string().trim().min(1).max(100).optional().describe('The segment column\'s name (default per CRM).'),
    limit: z.number().int().min(1).max(1000).default(200).describe('JSON rows per page (default 200).'),
    cursor,
    include_predicted: z.boolean().default(false).describe('Also everyone outside it, with the CRM typing model\'s segment (assign_participants method crm_model first), source and confidence.'),
  }),
  output: z.object({
    segmentation_id: z.number(),
    format: z.enum(['csv', 'json']),
    crm: z.string(),
    total: z.number().describe('Participants exported.'),
    columns: z.array(z.string()),
    csv: z.string().nullable().optional().describe(`The whole CSV when under ${INLINE_CSV_CHARS} characters; else null (read resource_uri).`),
    preview: z.array(z.string()).optional().describe('The header and first rows of the CSV.'),
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
    size_limited: z.boolean().optional(),
    path: z.string().nullable().describe('The CSV file written (csv format).'),
    resource_uri: z.string().nullable().describe('The CSV as a resource (resources/read).'),
    parts: z.array(z.string()).describe('For a CSV too large for one message: the resource of each part, each with the header row (the first 40; the rest are numbered alike).'),
    parts_total: z.number(),
    without_email: z.number().describe('Exported participants with no email: a CRM cannot match them by email.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run({ segmentation_id, format, crm, property, limit, cursor, include_predicted }, { store, files }) {
    const result = await exportSegments(store, files, { segmentationId: segmentation_id, format, crm, property, limit, cursor, includePredicted: include_predicted });
    if (!result.resource_uri || !result.path) return result;
    const name = basename(result.path);
    const links = (result.parts.length ? result.parts : [result.resource_uri]).slice(0, MAX_LINKS).map((uri, i) => ({
      type: 'resource_link' as const,
      uri,
      name: result.parts.length ? `${name} (part ${i + 1} of ${result.parts_total})` : name,
      mimeType: 'text/csv',
      description: `Segment membership (${result.total} participants)`,
    }));
    return new WithAttachments(result, links);
  },
  render: (r) => {
    const head = `Exported ${r.total} participant(s) of segmentation ${r.segmentation_id} (${r.crm}, ${r.format})${r.without_email ? `; ${r.without_email} without email` : ''}.`;
    if (r.format === 'json') return `${head}\n${(r.rows ?? []).slice(0, 10).map((x) => clip(`- ${x.participant_id} → ${x.segment_names.join('; ')}`, 200)).join('\n')}${r.next_cursor ? `\n(${r.rows?.length ?? 0} rows in this page${r.size_limited ? ', fewer than limit to fit the output budget' : ''}; more with next_cursor)` : ''}`;
    const where = r.parts_total ? `${r.parts_total} parts, from ${r.parts[0]}` : r.resource_uri;
    return `${head}\nFile: ${r.path} (resource: ${where})\n${(r.preview ?? []).map((l) => clip(l, 200)).join('\n')}${r.total > 5 ? '\n…' : ''}`;
  },
});
