import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import * as z from 'zod';
import { UserError } from '../errors.js';
import { typedParticipants, type ImportContext } from '../ingest/csv.js';
import { scanFile, scanText } from '../ingest/scan.js';
import { attributeType, lineError, studyId } from './params.js';
import { defineTool, type ToolDeps } from './define.js';

/** Most bad lines listed in one result; the count says how many there were in all. */
const MAX_LINES_LISTED = 200;
// Files stream (memory stays bounded); the limit only guards against pointing at the wrong file.
const MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/** A readable file inside the folder this server may read, or a clear refusal. */
function checkedCsvPath(path: string, files: ToolDeps['files']): string {
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
  return real;
}

export const importParticipants = defineTool({
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
    store.studies.get(args.study_id);
    if ((args.csv === undefined) === (args.path === undefined)) {
      throw new UserError('Give exactly one of `csv` (the CSV text) or `path` (a local file).');
    }
    const options = { id_column: args.id_column, tag_columns: args.tag_columns };
    const context: ImportContext = {
      catalogue: new Map(store.studies.attributes(args.study_id).map((a) => [a.name, a.type])),
      existingIds: store.participants.externalIds(args.study_id),
      onDuplicate: args.on_duplicate,
    };
    // Pass 1 checks every line and decides the types; pass 2 streams the rows to write.
    const { source, scan, warning } = args.csv !== undefined ? scanText(args.csv, options, context) : scanFile(checkedCsvPath(args.path!, files), options, context);
    const blocked = scan.errors.length > 0 && !args.skip_invalid;
    let written = { inserted: scan.inserts, updated: scan.updates };
    if (!blocked && !args.dry_run) {
      written = store.participants.writeParticipants(args.study_id, typedParticipants(source, options, scan, context), scan.attributes.map(({ name, type }) => ({ name, type })));
      notify('info', `import_participants: study ${args.study_id}: ${written.inserted} inserted, ${written.updated} updated, ${scan.skips + scan.errors.length} skipped`);
    }
    const warnings = [...(warning ? [warning] : []), ...scan.warnings];
    const badTotal = scan.errors.length;
    if (badTotal > MAX_LINES_LISTED) warnings.push(`${badTotal} bad lines; the first ${MAX_LINES_LISTED} are listed.`);
    const listed = scan.errors.slice(0, MAX_LINES_LISTED);
    return {
      study_id: args.study_id,
      dry_run: args.dry_run,
      written: !blocked && !args.dry_run,
      rows_read: scan.rowsRead,
      inserted: blocked ? 0 : written.inserted,
      updated: blocked ? 0 : written.updated,
      skipped: blocked ? 0 : scan.skips + (args.skip_invalid ? badTotal : 0),
      errors: args.skip_invalid ? [] : listed,
      skipped_lines: args.skip_invalid ? listed : [],
      bad_lines_total: badTotal,
      attributes: scan.attributes.map(({ name, type, new: isNew, values }) => ({ name, type, new: isNew, values: blocked ? 0 : values })),
      columns: { id: scan.columns.id_column, email: scan.columns.email_column, name: scan.columns.name_columns, tags: scan.columns.tag_columns },
      delimiter: scan.plan.delimiter === '\t' ? 'tab' : scan.plan.delimiter,
      participants_total: store.studies.counts(args.study_id).participants,
      warnings,
    };
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
