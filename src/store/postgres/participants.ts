/**
 * Participants on PostgreSQL (the SQLite store: ../participants.ts). An import streams its rows
 * with COPY into a temporary table and merges them with three statements, all in one transaction:
 * all or nothing, as on SQLite, at COPY's speed.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { NotFoundError } from '../../errors.js';
import type { AttributeFormat, AttributeType, AttributeValue } from '../../domain/attributes.js';
import type { TypedParticipant } from '../../ingest/csv.js';
import type { Async } from '../async-view.js';
import { changedUnderneath, type NewParticipant, type ParticipantRow, type ParticipantStore } from '../participants.js';
import { now, UNCOUNTED } from '../studies.js';
import { clientSql, first, isUniqueViolation, lockStudy, rows, type Sql } from './sql.js';
import { PgStudyStore } from './studies.js';

/** Bytes of COPY text sent per write. */
const COPY_CHUNK = 1 << 18;

const COLUMNS = 'id, study_id, external_id, email, name, attributes, created_at, updated_at';

/** A value in COPY's text format: \N for null; backslash, tab, newline and carriage return escaped. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** The rows as COPY text in chunks (attributes as a JSON object of the values present); counts what it sent. */
function* copyChunks(names: readonly string[], rows: Iterable<TypedParticipant>, sent: { rows: number; existing: number }): Generator<string> {
  const keys = names.map((name) => `${JSON.stringify(name)}:`);
  let chunk = '';
  for (const row of rows) {
    let attributes = '';
    row.values.forEach((value, k) => {
      if (value !== undefined) attributes += `${attributes ? ',' : ''}${keys[k]}${JSON.stringify(value)}`;
    });
    const stored = row.exists && !row.rekey ? row.key : row.external_id;
    chunk += `${sent.rows++}\t${row.exists ? 't' : 'f'}\t${copyText(row.key)}\t${copyText(stored)}\t${row.rekey ? 't' : 'f'}\t${copyText(row.external_id)}\t${copyText(row.email)}\t${copyText(row.name)}\t${copyText(`{${attributes}}`)}\t${copyText(JSON.stringify(row.tags))}\n`;
    if (row.exists) sent.existing++;
    if (chunk.length >= COPY_CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** The external id a unique violation names (`Key (study_id, external_id)=(3, p1) already exists.`). */
const duplicateId = (error: unknown) => /=\(\d+, (.*)\) already exists/.exec((error as { detail?: string }).detail ?? '')?.[1] ?? '(unknown)';

export class PgParticipantStore implements Async<ParticipantStore> {

  constructor(private readonly sql: Sql) {
  }

  async get(studyId: number, externalId: string): Promise<ParticipantRow> {
    const row = await this.find(studyId, externalId);
    if (!row) throw new NotFoundError(`No participant "${externalId}" in study ${studyId}. Use query_participants to find participant ids, or import_participants to add them.`);
    return row;
  }

  find(studyId: number, externalId: string): Promise<ParticipantRow | undefined> {
    return first<ParticipantRow>(this.sql, `SELECT ${COLUMNS} FROM participants WHERE study_id = $1 AND external_id = $2`, [studyId, externalId]);
  }

  async tags(participantId: number): Promise<string[]> {
    return (await rows<{ tag: string }>(this.sql, 'SELECT tag FROM participant_tags WHERE participant_id = $1 ORDER BY tag COLLATE "C"', [participantId])).map((r) => r.tag);
  }

  /**
   * As the SQLite store's: the participant is created, or the one with that id returned when it
   * exists. Another replica may be creating it at this moment: the insert waits for that
   * transaction and, once it commits, does nothing, and the row it made is returned.
   */
  create(studyId: number, participant: NewParticipant): Promise<{ participant: ParticipantRow; created: boolean }> {
    return this.sql.atomically(async (client) => {
      const at = now();
      const attributes = participant.attributes ?? {};
      const sql = clientSql(client);
      const row = await first<ParticipantRow>(
        sql,
        `INSERT INTO participants (study_id, external_id, email, name, attributes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (study_id, external_id) DO NOTHING RETURNING ${COLUMNS}`,
        [studyId, participant.external_id, participant.email ?? null, participant.name ?? null, JSON.stringify(attributes), at],
      );
      if (!row) return { participant: await this.get(studyId, participant.external_id), created: false };
      const tags = [...new Set(participant.tags ?? [])];
      await sql.query('INSERT INTO participant_tags (participant_id, tag) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [row.id, tags]);
      const studies = new PgStudyStore(sql);
      const catalogue = new Set((await studies.attributes(studyId)).map((a) => a.name));
      const fresh = Object.entries(attributes)
        .filter(([name]) => !catalogue.has(name))
        .map(([name, value]) => ({ name, type: typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'text' }) as const);
      if (fresh.length > 0) await studies.saveAttributes(studyId, fresh);
      return { participant: row, created: true };
    });
  }

  async emailIndex(studyId: number): Promise<Map<string, string | null>> {
    const byEmail = new Map<string, string | null>();
    // lower() as SQLite's: ASCII letters only, whatever the database's locale.
    const found = await rows<{ email: string; external_id: string }>(this.sql, "SELECT translate(email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') AS email, external_id FROM participants WHERE study_id = $1 AND email IS NOT NULL ORDER BY id", [studyId]);
    for (const { email, external_id } of found) byEmail.set(email, byEmail.has(email) ? null : external_id);
    return byEmail;
  }

  async externalIds(studyId: number): Promise<Set<string>> {
    return new Set((await rows<{ external_id: string }>(this.sql, 'SELECT external_id FROM participants WHERE study_id = $1', [studyId])).map((r) => r.external_id));
  }

  /**
   * Streams the rows with COPY into a temporary table, then updates the known participants,
   * inserts the new ones and adds tags from it: one transaction, all or nothing. A per-study
   * advisory lock makes a second import of the study (from any replica) wait for this one.
   */
  writeParticipants(
    studyId: number,
    names: readonly string[],
    input: Iterable<TypedParticipant>,
    /** Asked once the rows are written; throwing rolls everything back (as on SQLite). */
    attributes: () => { name: string; type: AttributeType; format: AttributeFormat }[],
  ): Promise<{ inserted: number; updated: number }> {
    return this.sql.atomically(async (client) => {
      const at = now();
      await lockStudy(client, 'imports', studyId);
      await client.query('DROP TABLE IF EXISTS seglab_incoming');
      await client.query(
        `CREATE TEMPORARY TABLE seglab_incoming (n bigint, existing boolean, key text, stored_id text, rekey boolean, external_id text, email text, name text, attributes jsonb, tags jsonb) ON COMMIT DROP`,
      );
      const sent = { rows: 0, existing: 0 };
      await pipeline(Readable.from(copyChunks(names, input, sent)), client.query(copyFrom('COPY seglab_incoming FROM STDIN')));
      // Statistics for the columns the merge joins and filters on only: sampling the jsonb columns too cost 4× as much.
      await client.query('ANALYZE seglab_incoming (n, existing, key, stored_id, external_id)');
      let updated: number;
      try {
        updated =
          (
            await client.query(
              `UPDATE participants p SET external_id = CASE WHEN i.rekey THEN i.external_id ELSE p.external_id END, email = COALESCE(i.email, p.email),
                      name = COALESCE(i.name, p.name), attributes = p.attributes || i.attributes, updated_at = $2
                 FROM seglab_incoming i WHERE i.existing AND p.study_id = $1 AND p.external_id = i.key`,
              [studyId, at],
            )
          ).rowCount ?? 0;
      } catch (error) {
        if (isUniqueViolation(error)) throw changedUnderneath(duplicateId(error));
        throw error;
      }
      if (updated !== sent.existing) {
        const gone = await first<{ key: string }>(client, 'SELECT key FROM seglab_incoming i WHERE existing AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.study_id = $1 AND p.external_id = i.stored_id) ORDER BY n LIMIT 1', [studyId]);
        throw changedUnderneath(gone?.key ?? '(unknown)');
      }
      let inserted: number;
      try {
        inserted =
          (
            await client.query(
              `INSERT INTO participants (study_id, external_id, email, name, attributes, created_at, updated_at)
               SELECT $1, external_id, email, name, attributes, $2, $2 FROM seglab_incoming WHERE NOT existing ORDER BY n`,
              [studyId, at],
            )
          ).rowCount ?? 0;
      } catch (error) {
        if (isUniqueViolation(error)) throw changedUnderneath(duplicateId(error));
        throw error;
      }
      await client.query(
        `INSERT INTO participant_tags (participant_id, tag)
         SELECT p.id, t.tag FROM seglab_incoming i JOIN participants p ON p.study_id = $1 AND p.external_id = i.stored_id
          CROSS JOIN jsonb_array_elements_text(i.tags) AS t(tag)
         ON CONFLICT DO NOTHING`,
        [studyId],
      );
      await client.query('DROP TABLE seglab_incoming');
      const studies = new PgStudyStore(clientSql(client));
      await studies.saveAttributes(studyId, attributes());
      await studies.touch(studyId);
      return { inserted, updated };
    });
  }

  async attributeValues(studyId: number, name: string): Promise<{ id: number; participant_id: string; value: AttributeValue }[]> {
    const found = await rows<{ id: number; external_id: string; value: AttributeValue }>(
      this.sql,
      `SELECT id, external_id, attributes -> $2 AS value FROM participants WHERE study_id = $1 AND attributes ? $2 AND jsonb_typeof(attributes -> $2) <> 'null' ORDER BY id`,
      [studyId, name],
    );
    return found.map((r) => ({ id: r.id, participant_id: r.external_id, value: r.value }));
  }

  rewriteAttribute(studyId: number, attribute: { name: string; type: AttributeType; format: AttributeFormat }, values: Iterable<[id: number, value: AttributeValue | null]>): Promise<number> {
    const pairs = [...values];
    return this.sql.atomically(async (client) => {
      const at = now();
      const ids = pairs.map(([id]) => id);
      const json = pairs.map(([, value]) => (value === null ? null : JSON.stringify(value)));
      await client.query(
        `UPDATE participants p SET attributes = CASE WHEN v.value IS NULL THEN p.attributes - $1 ELSE jsonb_set(p.attributes, ARRAY[$1], v.value::jsonb) END, updated_at = $2
           FROM unnest($3::bigint[], $4::text[]) AS v(id, value) WHERE p.id = v.id`,
        [attribute.name, at, ids, json],
      );
      const studies = new PgStudyStore(clientSql(client));
      await studies.saveAttributes(studyId, [attribute]);
      await studies.touch(studyId, true, UNCOUNTED);
      return pairs.length;
    });
  }

  async completeIds(studyId: number, prefix: string): Promise<string[]> {
    return (
      await rows<{ external_id: string }>(this.sql, "SELECT external_id FROM participants WHERE study_id = $1 AND external_id LIKE $2 || '%' ORDER BY external_id COLLATE \"C\" LIMIT 20", [studyId, prefix.replace(/[\\%_]/g, '\\$&')])
    ).map((r) => r.external_id);
  }
}
