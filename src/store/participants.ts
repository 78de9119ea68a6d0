import { NotFoundError } from '../errors.js';
import {
  coerceAttribute,
  describeType,
  inferAttributeType,
  mergeAttributeTypes,
  type AttributeType,
  type AttributeValue,
} from '../domain/attributes.js';
import type { LineError, ParsedCsv } from '../ingest/csv.js';
import type { Db } from './db.js';
import { now, type StudyStore } from './studies.js';

export type OnDuplicate = 'update' | 'skip' | 'error';

export interface ImportOptions {
  on_duplicate: OnDuplicate;
  skip_invalid: boolean;
  dry_run: boolean;
}

export interface ImportResult {
  written: boolean;
  inserted: number;
  updated: number;
  skipped: number;
  errors: LineError[];
  skipped_lines: LineError[];
  attributes: { name: string; type: AttributeType; new: boolean; values: number }[];
}

export interface ParticipantRow {
  id: number;
  study_id: number;
  external_id: string;
  email: string | null;
  name: string | null;
  attributes: Record<string, AttributeValue>;
  created_at: string;
  updated_at: string;
}

export interface NewParticipant {
  external_id: string;
  email?: string | null | undefined;
  name?: string | null | undefined;
  attributes?: Record<string, AttributeValue> | undefined;
  tags?: string[] | undefined;
}

class DryRunRollback extends Error {}

/** Participants: CSV imports, lookups, tags. */
export class ParticipantStore {
  constructor(
    private readonly db: Db,
    private readonly studies: StudyStore,
  ) {}

  get(studyId: number, externalId: string): ParticipantRow {
    const row = this.find(studyId, externalId);
    if (!row) {
      throw new NotFoundError(
        `No participant "${externalId}" in study ${studyId}. Use query_participants to find participant ids, or import_participants to add them.`,
      );
    }
    return row;
  }

  find(studyId: number, externalId: string): ParticipantRow | undefined {
    const row = this.db.prepare('SELECT * FROM participants WHERE study_id = ? AND external_id = ?').get(studyId, externalId) as
      | (Omit<ParticipantRow, 'attributes'> & { attributes: string })
      | undefined;
    return row && { ...row, attributes: JSON.parse(row.attributes) as Record<string, AttributeValue> };
  }

  tags(participantId: number): string[] {
    return (this.db.prepare('SELECT tag FROM participant_tags WHERE participant_id = ? ORDER BY tag').all(participantId) as { tag: string }[]).map((r) => r.tag);
  }

  /** Creates a participant (used when an interview arrives for someone not yet imported). Call inside a transaction. */
  create(studyId: number, participant: NewParticipant): ParticipantRow {
    const at = now();
    const attributes = participant.attributes ?? {};
    const info = this.db
      .prepare('INSERT INTO participants (study_id, external_id, email, name, attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(studyId, participant.external_id, participant.email ?? null, participant.name ?? null, JSON.stringify(attributes), at, at);
    const id = Number(info.lastInsertRowid);
    const addTag = this.db.prepare('INSERT OR IGNORE INTO participant_tags (participant_id, tag) VALUES (?, ?)');
    for (const tag of participant.tags ?? []) addTag.run(id, tag);
    const catalogue = new Map(this.studies.attributes(studyId).map((a) => [a.name, a.type]));
    const fresh = Object.entries(attributes)
      .filter(([name]) => !catalogue.has(name))
      .map(([name, value]) => ({ name, type: typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'text' }) as const);
    if (fresh.length > 0) this.studies.saveAttributes(studyId, fresh);
    return this.get(studyId, participant.external_id);
  }

  /**
   * Types the parsed rows against the study's attribute catalogue and writes them in one
   * transaction. With any bad line and no `skip_invalid`, nothing is written.
   */
  importRows(studyId: number, parsed: ParsedCsv, options: ImportOptions): ImportResult {
    const catalogue = new Map(this.studies.attributes(studyId).map((a) => [a.name, a.type]));

    // Each column's type: the catalogue's when known, otherwise inferred from this file.
    const types = new Map<string, AttributeType>();
    const attributeSummary: ImportResult['attributes'] = [];
    for (const column of parsed.attribute_columns) {
      const inferred = inferAttributeType(parsed.rows.map((r) => r.attributes[column] ?? ''));
      const known = catalogue.get(column);
      // A known numeric/boolean/date attribute keeps its type: values that do not fit are bad lines.
      const type = known === undefined ? inferred : known === 'number' || known === 'boolean' || known === 'date' ? known : mergeAttributeTypes(known, inferred);
      types.set(column, type);
      attributeSummary.push({ name: column, type, new: known === undefined, values: 0 });
    }

    const errors: LineError[] = [...parsed.errors];
    const typed: { row: ParsedCsv['rows'][number]; attributes: Record<string, AttributeValue> }[] = [];
    for (const row of parsed.rows) {
      const attributes: Record<string, AttributeValue> = {};
      const problems: string[] = [];
      for (const [column, type] of types) {
        const value = coerceAttribute(row.attributes[column] ?? '', type);
        if (value === null) problems.push(`"${row.attributes[column]?.trim()}" in column "${column}" is not ${describeType(type)}`);
        else if (value !== undefined) attributes[column] = value;
      }
      if (problems.length > 0) errors.push({ line: row.line, message: problems.join('; ') });
      else typed.push({ row, attributes });
    }

    const existing = new Set(
      (this.db.prepare('SELECT external_id FROM participants WHERE study_id = ?').all(studyId) as { external_id: string }[]).map((r) => r.external_id),
    );
    if (options.on_duplicate === 'error') {
      for (const { row } of typed) {
        if (existing.has(row.external_id)) {
          errors.push({ line: row.line, message: `participant "${row.external_id}" already exists in this study (on_duplicate is "error"; use "update" or "skip")` });
        }
      }
    }
    errors.sort((a, b) => a.line - b.line);
    const badLines = new Set(errors.map((e) => e.line));

    const result: ImportResult = { written: false, inserted: 0, updated: 0, skipped: 0, errors, skipped_lines: [], attributes: attributeSummary };
    if (errors.length > 0 && !options.skip_invalid) return result;
    if (options.skip_invalid) {
      result.skipped_lines = errors;
      result.errors = [];
      result.skipped = errors.length;
    }

    const insert = this.db.prepare(
      'INSERT INTO participants (study_id, external_id, email, name, attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // Updates merge: columns in the file overwrite, attributes it lacks are kept.
    const update = this.db.prepare(
      `UPDATE participants SET email = COALESCE(?, email), name = COALESCE(?, name), attributes = json_patch(attributes, ?), updated_at = ?
        WHERE study_id = ? AND external_id = ? RETURNING id`,
    );
    const addTag = this.db.prepare('INSERT OR IGNORE INTO participant_tags (participant_id, tag) VALUES (?, ?)');

    const write = this.db.transaction(() => {
      const at = now();
      for (const { row, attributes } of typed) {
        if (badLines.has(row.line)) continue;
        const json = JSON.stringify(attributes);
        if (existing.has(row.external_id)) {
          if (options.on_duplicate === 'skip') {
            result.skipped += 1;
            continue;
          }
          const { id } = update.get(row.email, row.name, json, at, studyId, row.external_id) as { id: number };
          result.updated += 1;
          for (const tag of row.tags) addTag.run(id, tag);
        } else {
          const id = insert.run(studyId, row.external_id, row.email, row.name, json, at, at).lastInsertRowid;
          existing.add(row.external_id);
          result.inserted += 1;
          for (const tag of row.tags) addTag.run(id, tag);
        }
        for (const a of attributeSummary) if (attributes[a.name] !== undefined) a.values += 1;
      }
      this.studies.saveAttributes(studyId, attributeSummary.map(({ name, type }) => ({ name, type })));
      this.studies.touch(studyId);
      if (options.dry_run) throw new DryRunRollback();
    });
    try {
      write.immediate();
      result.written = true;
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
    return result;
  }

  completeIds(studyId: number, prefix: string): string[] {
    return (
      this.db
        .prepare("SELECT external_id FROM participants WHERE study_id = ? AND external_id LIKE ? || '%' ESCAPE '\\' ORDER BY external_id LIMIT 20")
        .all(studyId, prefix.replace(/[\\%_]/g, '\\$&')) as { external_id: string }[]
    ).map((r) => r.external_id);
  }
}
