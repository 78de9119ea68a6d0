import * as z from 'zod';
import { importParticipants } from '../app/import-participants.js';
import { defineTool } from './define.js';
import { attributeType, lineError, studyId } from './params.js';

export const importParticipantsTool = defineTool({
  name: 'import_participants',
  title: 'Import participants from CSV',
  description: `Imports participants into a study from a CSV (a CRM export): inline as \`csv\`, or a local file \`path\` (paths are refused over HTTP unless the server was started with --allow-dir).
The id column is detected (participant_id, id, external_id, customer_id, else email) or named with id_column; email and name columns are recognised; tag columns (tags/tag/labels, or tag_columns) are split on ; , or |; every other column becomes a typed attribute (number, boolean, date, category, text) in the study's catalogue.
Atomic: if any line is invalid nothing is written and every bad line is reported with its number and reason — unless skip_invalid is true, which imports the rest and lists each skipped line. dry_run previews without writing. on_duplicate decides what happens to participants already in the study: update (default; file values overwrite, other attributes and tags are kept), skip, or error.
Use this tool when you need to: load the people to interview, with lifecycle tags (new, long-tenure, churned, expanded) and CRM attributes (plan, MRR, seats, tenure).`,
  input: z.object({
    study_id: studyId,
    csv: z.string().max(50_000_000).optional().describe('The CSV text, header row first. Give this or path.'),
    path: z.string().optional().describe('Path of a local CSV file (UTF-8; Windows-1252 is detected). Give this or csv.'),
    id_column: z.string().optional().describe('The column holding each participant\'s id, when it is not detected.'),
    tag_columns: z.array(z.string()).optional().describe('Columns whose values are tags (default: columns named tags, tag or labels).'),
    on_duplicate: z.enum(['update', 'skip', 'error']).default('update').describe('For ids already in the study: update (default), skip, or error.'),
    skip_invalid: z.boolean().default(false).describe('Import the valid lines and list the skipped ones, instead of writing nothing.'),
    dry_run: z.boolean().default(false).describe('Validate and report what would happen without writing anything.'),
  }),
  output: z.object({
    study_id: z.number(),
    dry_run: z.boolean(),
    written: z.boolean().describe('Whether anything was saved (false on a dry run or when bad lines blocked the import).'),
    rows_read: z.number(),
    inserted: z.number(),
    updated: z.number(),
    skipped: z.number(),
    errors: z.array(lineError).describe('Bad lines that blocked the import (nothing written).'),
    skipped_lines: z.array(lineError).describe('Bad lines left out because skip_invalid was true.'),
    bad_lines_total: z.number(),
    attributes: z.array(z.object({ name: z.string(), type: attributeType, new: z.boolean(), values: z.number() })),
    columns: z.object({ id: z.string(), email: z.string().nullable(), name: z.array(z.string()), tags: z.array(z.string()) }),
    delimiter: z.string(),
    participants_total: z.number(),
    warnings: z.array(z.string()),
  }),
    // destructive: on_duplicate "update" overwrites attribute values; idempotent: the same file twice leaves the same state.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  run(args, { store, files, notify }) {
    const result = importParticipants(store, files, {
      studyId: args.study_id,
      csv: args.csv,
      path: args.path,
      idColumn: args.id_column,
      tagColumns: args.tag_columns,
      onDuplicate: args.on_duplicate,
      skipInvalid: args.skip_invalid,
      dryRun: args.dry_run,
    });
    if (result.written) notify('info', `import_participants: study ${result.study_id}: ${result.inserted} inserted, ${result.updated} updated, ${result.skipped} skipped`);
    return result;
  },
  render: (r) => {
    const lines: string[] = [];
    if (r.errors.length > 0) {
      lines.push(`Nothing was imported: ${r.bad_lines_total} bad line(s). Fix them, or call again with skip_invalid: true to import the other ${r.rows_read - r.bad_lines_total}.`);
      lines.push(...r.errors.slice(0, 20).map((e) => `- line ${e.line}: ${e.message}`));
      if (r.errors.length > 20) lines.push(`- … ${r.bad_lines_total - 20} more in errors`);
    } else {
      const verb = r.dry_run ? 'Dry run (nothing written): would insert' : 'Imported: inserted';
      lines.push(`${verb} ${r.inserted}, ${r.dry_run ? 'update' : 'updated'} ${r.updated}, skipped ${r.skipped} of ${r.rows_read} rows. Study ${r.study_id} has ${r.participants_total} participants.`);
      if (r.skipped_lines.length > 0) lines.push(...r.skipped_lines.slice(0, 20).map((e) => `- skipped line ${e.line}: ${e.message}`));
    }
    lines.push(`Columns: id "${r.columns.id}"${r.columns.email ? `, email "${r.columns.email}"` : ''}${r.columns.tags.length ? `, tags ${r.columns.tags.map((t) => `"${t}"`).join(', ')}` : ''}; delimiter ${r.delimiter}.`);
    if (r.attributes.length > 0) lines.push(`Attributes: ${r.attributes.map((a) => `${a.name} (${a.type}${a.new ? ', new' : ''})`).join(', ')}`);
    lines.push(...r.warnings.map((w) => `Warning: ${w}`));
    return lines.join('\n');
  },
});
