import * as z from 'zod';
import { capList } from '../domain/format.js';
import { importParticipants } from '../app/import-participants.js';
import { DATE_FORMATS, NUMBER_FORMATS, statedType, type StatedType } from '../domain/attributes.js';
import { ValidationError } from '../errors.js';
import { inlineTooLong, MAX_INLINE_CSV_CHARS } from '../domain/input-limits.js';
import { attributeType, lineError, studyId } from './params.js';
import { defineTool } from './define.js';

const columnType = z.union([
  attributeType,
  z.object({
    type: attributeType,
    format: z
      .enum([...NUMBER_FORMATS, ...DATE_FORMATS])
      .optional()
      .describe('number: "1,234.56" or "1.234,56"; date: "M/D/YYYY" or "D/M/YYYY" (ISO and D.M.YYYY always read).'),
    unit: z.string().max(8).optional().describe('number: "%" or a currency ($, €, £, USD…).'),
  }),
]);

const importedAttribute = z.object({
  name: z.string(),
  type: attributeType,
  new: z.boolean(),
  values: z.number(),
  format: z.string().nullable().describe('How the values are written, for numbers ("1,234.56" or "1.234,56") and dates ("M/D/YYYY", "D/M/YYYY", "YYYY-MM-DD", "D.M.YYYY"); the names column_types takes.'),
  unit: z.string().nullable().describe('"%" or a currency code, kept in the attribute catalogue for display.'),
  rule: z.string().nullable().describe('How the column was read, in words (e.g. "money in USD, thousands separators, decimal point, negatives in parentheses"); null for plain columns when a file has very many.'),
  note: z.string().nullable().describe('A reading chosen among several (e.g. ambiguous dates), or how close the column came to a type.'),
  source: z.enum(['inferred', 'column_types', 'catalogue']).describe('Where the type came from: the values, column_types, or the study (an attribute it already has).'),
  stray_values: z.number().describe('Values that do not fit the type; their lines are in errors or skipped_lines.'),
});

export const importParticipantsTool = defineTool({
  name: 'import_participants',
  title: 'Import participants from CSV',
  description: `Imports participants from a CRM export CSV (inline csv, or a local path). Finds the id column (HubSpot, Salesforce, Stripe, Intercom, generic; else email), email, name and tags; other columns become typed attributes (money, percentages, US or European dates, booleans, missing markers). Re-imports match by id, then e-mail: no duplicates. All or nothing unless skip_invalid; bad lines listed by number.
Use this tool when you need to: load the people to interview with their CRM attributes and lifecycle tags.`,
  input: z.object({
    study_id: studyId,
    csv: z
      .string()
      .max(MAX_INLINE_CSV_CHARS, inlineTooLong('csv', MAX_INLINE_CSV_CHARS, 'save the CSV as a file and pass its `path` instead (over HTTP, inside a folder the server allows with --allow-dir)'))
      .optional()
      .describe(`The CSV text, header row first, at most ${MAX_INLINE_CSV_CHARS.toLocaleString('en')} characters (larger files: path). Give this or path.`),
    path: z.string().optional().describe('A local CSV file (UTF-8 or Windows-1252). Give this or csv.'),
    id_column: z.string().optional().describe('The id column, when not detected.'),
    tag_columns: z.array(z.string()).optional().describe('Tag columns (default: tags, tag or labels).'),
    column_types: z
      .record(z.string(), columnType)
      .optional()
      .describe('Column → type (number, boolean, date, category, text) or {type, format, unit}, e.g. {"Close Date": {"type": "date", "format": "D/M/YYYY"}}.'),
    on_duplicate: z.enum(['update', 'skip', 'error']).default('update').describe('Participants already in the study (same id or e-mail): update, skip or error.'),
    skip_invalid: z.boolean().default(false).describe('Import the valid lines and list the others.'),
    dry_run: z.boolean().default(false).describe('Report what would happen; write nothing.'),
  }),
  output: z.object({
    study_id: z.number(),
    dry_run: z.boolean(),
    written: z.boolean().describe('Whether anything was saved (false on a dry run or when bad lines blocked the import).'),
    rows_read: z.number(),
    inserted: z.number(),
    updated: z.number(),
    skipped: z.number(),
    matched: z.object({ by_id: z.number(), by_email: z.number() }).describe('Existing participants found by their id, and by e-mail when the study knows them under another id.'),
    ids_replaced: z.number().describe('Participants keyed by their e-mail who now carry the file\'s id.'),
    errors: z.array(lineError).describe('Bad lines that blocked the import (nothing written).'),
    skipped_lines: z.array(lineError).describe('Bad lines left out because skip_invalid was true.'),
    bad_lines_total: z.number(),
    attributes: z.array(importedAttribute),
    attributes_total: z.number().describe('Attribute columns in the file; attributes lists the first ones when there are very many (get_study lists them all).'),
    columns: z.object({
      id: z.string(),
      id_reason: z.string().describe('Why this is the id column (e.g. "HubSpot record id").'),
      id_candidates: z.array(z.string()).describe('Other columns that could identify participants (for id_column).'),
      email: z.string().nullable(),
      name: z.array(z.string()),
      tags: z.array(z.string()),
    }),
    delimiter: z.string(),
    participants_total: z.number(),
    warnings: z.array(z.string()),
  }),
  // destructive: on_duplicate "update" overwrites attribute values; idempotent: the same file twice leaves the same state.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async run(args, { store, files, notify, signal, progress }) {
    const columnTypes: Record<string, StatedType> = {};
    const problems: string[] = [];
    for (const [column, spec] of Object.entries(args.column_types ?? {})) {
      const stated = statedType(typeof spec === 'string' ? { type: spec } : spec);
      if (typeof stated === 'string') problems.push(`column_types["${column}"].${stated}`);
      else columnTypes[column] = stated;
    }
    if (problems.length > 0) throw new ValidationError(problems, 'Nothing was imported. Fix column_types:');
    const result = await importParticipants(
      store,
      files,
      {
      studyId: args.study_id,
      csv: args.csv,
      path: args.path,
      idColumn: args.id_column,
      tagColumns: args.tag_columns,
      columnTypes,
      onDuplicate: args.on_duplicate,
      skipInvalid: args.skip_invalid,
      dryRun: args.dry_run,
      },
      { signal, progress },
    );
    if (result.written) notify('info', `import_participants: study ${result.study_id}: ${result.inserted} inserted, ${result.updated} updated, ${result.skipped} skipped`);
    return result;
  },
  render: (r) => {
    const lines: string[] = [];
    if (r.errors.length > 0) {
      lines.push(`Nothing was imported: ${r.bad_lines_total} bad line(s). Fix them, or call again with skip_invalid: true to import the other ${r.rows_read - r.bad_lines_total}.`);
      lines.push(...r.errors.slice(0, 10).map((e) => `- line ${e.line}: ${e.message}`));
      if (r.bad_lines_total > 10) lines.push(`- … ${r.bad_lines_total - 10} more (${r.errors.length} listed in errors)`);
    } else {
      const verb = r.dry_run ? 'Dry run (nothing written): would insert' : 'Imported: inserted';
      lines.push(`${verb} ${r.inserted}, ${r.dry_run ? 'update' : 'updated'} ${r.updated}, skipped ${r.skipped} of ${r.rows_read} rows. Study ${r.study_id} has ${r.participants_total} participants.`);
      if (r.updated > 0) lines.push(`Existing participants found: ${r.matched.by_id} by id, ${r.matched.by_email} by e-mail${r.ids_replaced ? ` (${r.ids_replaced} now carry the file's id)` : ''}.`);
      if (r.skipped_lines.length > 0) lines.push(...r.skipped_lines.slice(0, 10).map((e) => `- skipped line ${e.line}: ${e.message}`));
    }
    lines.push(`Columns: id "${r.columns.id}" (${r.columns.id_reason})${r.columns.email ? `, email "${r.columns.email}"` : ''}${r.columns.tags.length ? `, tags ${r.columns.tags.map((t) => `"${t}"`).join(', ')}` : ''}; delimiter ${r.delimiter}.`);
    if (r.attributes_total > 0) {
      lines.push(`Attributes (${r.attributes_total}): ${capList(r.attributes.map((a) => `${a.name} (${a.type}${a.unit ? `, ${a.unit}` : ''}${a.format && a.type === 'date' ? `, ${a.format}` : ''}${a.new ? ', new' : ''}${a.stray_values ? `, ${a.stray_values} stray` : ''})`), 12)}`);
    }
    lines.push(...r.warnings.map((w) => `Warning: ${w}`));
    return lines.join('\n');
  },
});
