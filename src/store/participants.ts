import { NotFoundError, UserError } from '../errors.js';
import type { AttributeFormat, AttributeType, AttributeValue } from '../domain/attributes.js';
import type { TypedParticipant } from '../ingest/csv.js';
import { pushTo } from '../domain/collections.js';
import type { Db } from './db.js';
import { attributePath } from './fields-sql.js';
import { JsonbObjects } from './jsonb.js';
import { prepared } from './statements.js';
import { now, UNCOUNTED, type StudyStore } from './studies.js';

/**
 * Pass 1 decided insert or update from the ids it saw; a participant that appeared (or went)
 * before pass 2 wrote means the file changed between the passes or another import ran at the
 * same time. The transaction is rolled back, and the message says so.
 */
export class ChangedUnderneath extends UserError {
  override name = 'ChangedUnderneath';
}

export function changedUnderneath(externalId: string): ChangedUnderneath {
  return new ChangedUnderneath(
    `Nothing was imported: participant "${externalId}" appeared twice or changed between checking the file and writing it — the file was modified during the import, or another import of this study ran at the same time. Call again once the file is stable.`,
  );
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Rows and tags, counted together, between writes of the tags gathered so far. */
const TAG_BATCH = 12_000;

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

/** A row to write with its attributes encoded as JSONB (see TypedParticipant for the fields). */
export interface EncodedParticipant {
  external_id: string;
  email: string | null;
  name: string | null;
  tags: readonly string[];
  attributes: Uint8Array;
  exists: boolean;
  key: string;
  rekey: boolean;
}

/** The attribute catalogue entries an import saves. */
export type CatalogueEntries = { name: string; type: AttributeType; format: AttributeFormat }[];

export interface NewParticipant {
  external_id: string;
  email?: string | null | undefined;
  name?: string | null | undefined;
  attributes?: Record<string, AttributeValue> | undefined;
  tags?: string[] | undefined;
}

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
    const row = prepared(this.db, 'SELECT id, study_id, external_id, email, name, json(attributes) AS attributes, created_at, updated_at FROM participants WHERE study_id = ? AND external_id = ?').get(studyId, externalId) as
      | (Omit<ParticipantRow, 'attributes'> & { attributes: string })
      | undefined;
    return row && { ...row, attributes: JSON.parse(row.attributes) as Record<string, AttributeValue> };
  }

  tags(participantId: number): string[] {
    return (prepared(this.db, 'SELECT tag FROM participant_tags WHERE participant_id = ? ORDER BY tag').all(participantId) as { tag: string }[]).map((r) => r.tag);
  }

  /**
   * Creates a participant (used when an interview arrives for someone not yet imported), or returns
   * the one with that id when it exists: on an engine with concurrent writers (PostgreSQL replicas),
   * another may have created it since the caller looked. Call inside a transaction.
   */
  create(studyId: number, participant: NewParticipant): { participant: ParticipantRow; created: boolean } {
    const existing = this.find(studyId, participant.external_id);
    if (existing) return { participant: existing, created: false };
    const at = now();
    const attributes = participant.attributes ?? {};
    const info = prepared(this.db, 'INSERT INTO participants (study_id, external_id, email, name, attributes, created_at, updated_at) VALUES (?, ?, ?, ?, jsonb(?), ?, ?)')
      .run(studyId, participant.external_id, participant.email ?? null, participant.name ?? null, JSON.stringify(attributes), at, at);
    const id = Number(info.lastInsertRowid);
    const addTag = prepared(this.db, 'INSERT OR IGNORE INTO participant_tags (participant_id, tag) VALUES (?, ?)');
    const tags = [...new Set(participant.tags ?? [])];
    for (const tag of tags) addTag.run(id, tag);
    const catalogue = new Map(this.studies.attributes(studyId).map((a) => [a.name, a.type]));
    const fresh = Object.entries(attributes)
      .filter(([name]) => !catalogue.has(name))
      .map(([name, value]) => ({ name, type: typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'text' }) as const);
    if (fresh.length > 0) this.studies.saveAttributes(studyId, fresh);
    return { participant: this.get(studyId, participant.external_id), created: true };
  }

  /**
   * Lower-cased e-mail → the id of the participant with it (null when several share it): how an
   * import finds people the study knows under other ids.
   */
  emailIndex(studyId: number): Map<string, string | null> {
    const byEmail = new Map<string, string | null>();
    const rows = prepared(this.db, 'SELECT lower(email), external_id FROM participants WHERE study_id = ? AND email IS NOT NULL').raw(true).iterate(studyId) as Iterable<[string, string]>;
    for (const [email, id] of rows) byEmail.set(email, byEmail.has(email) ? null : id);
    return byEmail;
  }

  /** The study's participant ids (what an import checks duplicates against). */
  externalIds(studyId: number): Set<string> {
    const ids = new Set<string>();
    for (const row of prepared(this.db, 'SELECT external_id FROM participants WHERE study_id = ?').pluck().iterate(studyId)) ids.add(row as string);
    return ids;
  }

  /**
   * Writes typed rows in one transaction (all or nothing): new ids inserted, existing ones
   * merged (columns in the file overwrite, attributes it lacks are kept), tags added, and the
   * attribute catalogue saved. Rows stream in: a million-row import is never held in memory.
   */
  writeParticipants(
    studyId: number,
    names: readonly string[],
    rows: Iterable<TypedParticipant>,
    /** The catalogue entries, asked once the rows are written (a single-pass import decides them then); throwing rolls everything back. */
    attributes: () => CatalogueEntries,
  ): { inserted: number; updated: number } {
    // Each row's attributes arrive typed and are bound as a JSONB blob (no JSON text, no jsonb() parse).
    const encoder = new JsonbObjects(names);
    const row: EncodedParticipant = { external_id: '', email: null, name: null, tags: [], attributes: new Uint8Array(), exists: false, key: '', rekey: false };
    function* encoded(): Generator<EncodedParticipant> {
      for (const typed of rows) {
        row.external_id = typed.external_id;
        row.email = typed.email;
        row.name = typed.name;
        row.tags = typed.tags;
        row.attributes = encoder.encode(typed.values);
        row.exists = typed.exists;
        row.key = typed.key;
        row.rekey = typed.rekey;
        yield row;
      }
    }
    return writeEncodedParticipants(this.db, this.studies, studyId, encoded(), attributes);
  }

  /** Every stored value of one attribute, with its participant. */
  attributeValues(studyId: number, name: string): { id: number; participant_id: string; value: AttributeValue }[] {
    const path = attributePath(name);
    const rows = prepared(
      this.db,
      `SELECT id, external_id, json_extract(attributes, ?) AS v, json_type(attributes, ?) AS t FROM participants
        WHERE study_id = ? AND json_type(attributes, ?) NOT IN ('null') ORDER BY id`,
    ).all(path, path, studyId, path) as { id: number; external_id: string; v: string | number; t: string }[];
    return rows.map((r) => ({ id: r.id, participant_id: r.external_id, value: r.t === 'true' ? true : r.t === 'false' ? false : r.v }));
  }

  /**
   * Rewrites one attribute's stored values (null removes the value) and its catalogue entry, in
   * one transaction.
   */
  rewriteAttribute(studyId: number, attribute: { name: string; type: AttributeType; format: AttributeFormat }, values: Iterable<[id: number, value: AttributeValue | null]>): number {
    const path = attributePath(attribute.name);
    const set = prepared(this.db, 'UPDATE participants SET attributes = jsonb_set(attributes, ?, json(?)), updated_at = ? WHERE id = ?');
    const remove = prepared(this.db, 'UPDATE participants SET attributes = jsonb_remove(attributes, ?), updated_at = ? WHERE id = ?');
    let written = 0;
    this.db
      .transaction(() => {
        const at = now();
        for (const [id, value] of values) {
          if (value === null) remove.run(path, at, id);
          else set.run(path, JSON.stringify(value), at, id);
          written++;
        }
        this.studies.saveAttributes(studyId, [attribute]);
        this.studies.touch(studyId, true, UNCOUNTED);
      })
      .immediate();
    return written;
  }

  completeIds(studyId: number, prefix: string): string[] {
    return (
      prepared(this.db, "SELECT external_id FROM participants WHERE study_id = ? AND external_id LIKE ? || '%' ESCAPE '\\' ORDER BY external_id LIMIT 20")
        .all(studyId, prefix.replace(/[\\%_]/g, '\\$&')) as { external_id: string }[]
    ).map((r) => r.external_id);
  }
}

/**
 * ParticipantStore.writeParticipants with each row's attributes already encoded as JSONB (JsonbObjects):
 * what a writer thread beside the reading one runs (app/import-writer.ts).
 */
export function writeEncodedParticipants(db: Db, studies: StudyStore, studyId: number, rows: Iterable<EncodedParticipant>, attributes: () => CatalogueEntries): { inserted: number; updated: number } {
  const insert = prepared(db, 
    'INSERT INTO participants (study_id, external_id, email, name, attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const update = prepared(db, 
    `UPDATE participants SET external_id = COALESCE(?, external_id), email = COALESCE(?, email), name = COALESCE(?, name), attributes = jsonb_patch(attributes, ?), updated_at = ?
      WHERE study_id = ? AND external_id = ? RETURNING id`,
  );
  // Tags are written per tag for thousands of participants at once: one statement per row
  // cost more than the row itself (~2.5 µs of ~7 at a million rows).
  const addTag = prepared(db, 'INSERT OR IGNORE INTO participant_tags (participant_id, tag) SELECT value, ? FROM json_each(?)');
  const counts = { inserted: 0, updated: 0 };
  db
    .transaction(() => {
      const at = now();
      let tagged = new Map<string, number[]>();
      let pending = 0;
      const writeTags = () => {
        for (const [tag, ids] of tagged) addTag.run(tag, JSON.stringify(ids));
        tagged = new Map();
        pending = 0;
      };
      for (const row of rows) {
        let id: number;
        if (row.exists) {
          // `key` is the id the study knows; a participant keyed by e-mail takes the file's id.
          let updated: { id: number } | undefined;
          try {
            updated = update.get(row.rekey ? row.external_id : null, row.email, row.name, row.attributes, at, studyId, row.key) as { id: number } | undefined;
          } catch (error) {
            if (isUniqueViolation(error)) throw changedUnderneath(row.external_id);
            throw error;
          }
          if (!updated) throw changedUnderneath(row.key);
          id = updated.id;
          counts.updated++;
        } else {
          try {
            id = Number(insert.run(studyId, row.external_id, row.email, row.name, row.attributes, at, at).lastInsertRowid);
          } catch (error) {
            if (isUniqueViolation(error)) throw changedUnderneath(row.external_id);
            throw error;
          }
          counts.inserted++;
        }
        for (const tag of row.tags) pushTo(tagged, tag, id);
        // Rows and tags: a file with many tags a row writes them more often (their ids are held meanwhile).
        pending += 1 + row.tags.length;
        if (pending >= TAG_BATCH) writeTags();
      }
      writeTags();
      studies.saveAttributes(studyId, attributes());
      studies.touch(studyId);
    })
    .immediate();
  return counts;
}
