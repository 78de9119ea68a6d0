/** Segmentations, segments and memberships on PostgreSQL (the SQLite store: ../segmentations.ts). */
import { NotFoundError } from '../../errors.js';
import type { Async } from '../async-view.js';
import {
  encoding,
  memberDetail,
  playbook,
  prioritizationMatrix,
  segmentationDiagnostics,
  segmentationParameters,
  segmentationSummary,
  exportTotals,
  storedCard,
  segmentDefinition,
  segmentProfile,
  type MemberDetail,
  type Playbook,
  type PrioritizationMatrix,
  type ExportTotals,
  type StoredCard,
} from '../segmentation-json.js';
import type { StoredCards, ExportRow, MemberRow, NewSegmentation, SegmentationMethod, SegmentationRow, SegmentationStore, SegmentRow } from '../segmentations.js';
import { now } from '../studies.js';
import { clientSql, first, rows, type Sql } from './sql.js';
import { CARRIED_LIST_FACTS, PgStudyStore } from './studies.js';

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));
/** A json column as read by pg (already parsed), checked by its schema; null stays null. */
const checked = <T>(schema: { parse(value: unknown): T }, value: unknown): T | null => (value === null ? null : schema.parse(value));

export class PgSegmentationStore implements Async<SegmentationStore> {
  constructor(private readonly sql: Sql) {}

  /** One page of an export (as SQLite's exportPage: members, and with `withPredicted` the CRM typing model's predictions, each source read through its key up to `limit`). */
  async exportPage(segmentationId: number, after: number, limit: number, withPredicted = false): Promise<ExportRow[]> {
    const predicted = withPredicted
      ? ' UNION SELECT id FROM (SELECT participant_id AS id FROM segment_predictions WHERE segmentation_id = $1 AND participant_id > $2 ORDER BY participant_id LIMIT $3) r'
      : '';
    const found = await rows<{ id: number; participant_id: string; email: string | null; name: string | null; segment_ids: number[]; predicted_segment_id: number | null; confidence: number | null }>(
      this.sql,
      `SELECT p.id, p.external_id AS participant_id, p.email, p.name,
              COALESCE((SELECT json_agg(m.segment_id ORDER BY m.segment_id) FROM segment_members m WHERE m.segmentation_id = $1 AND m.participant_id = x.id), '[]') AS segment_ids,
              r.segment_id AS predicted_segment_id, r.confidence
         FROM (SELECT id FROM (SELECT DISTINCT participant_id AS id FROM segment_members WHERE segmentation_id = $1 AND participant_id > $2 ORDER BY participant_id LIMIT $3) m${predicted}
               ORDER BY id LIMIT $3) x
         JOIN participants p ON p.id = x.id
         LEFT JOIN segment_predictions r ON r.segmentation_id = $1 AND r.participant_id = x.id
        ORDER BY p.id`,
      [segmentationId, after, limit],
    );
    return found.map(({ segment_ids, predicted_segment_id, confidence, ...r }) =>
      segment_ids.length > 0 || predicted_segment_id === null
        ? { ...r, segment_ids, source: 'observed' as const, confidence: 1 }
        : { ...r, segment_ids: [predicted_segment_id], source: 'predicted' as const, confidence: confidence ?? 0 },
    );
  }

  /** Participants an export holds, and how many have no e-mail. */
  async exportTotals(segmentationId: number, withPredicted = false): Promise<{ participants: number; without_email: number }> {
    const predicted = withPredicted ? ' UNION SELECT participant_id FROM segment_predictions WHERE segmentation_id = $1' : '';
    return (await first<{ participants: number; without_email: number }>(
      this.sql,
      `SELECT count(*) AS participants, count(*) FILTER (WHERE p.email IS NULL OR p.email = '') AS without_email
         FROM (SELECT participant_id AS id FROM segment_members WHERE segmentation_id = $1${predicted}) x JOIN participants p ON p.id = x.id`,
      [segmentationId],
    ))!;
  }

  async storedExportTotals(segmentationId: number): Promise<ExportTotals | null> {
    return checked(exportTotals, (await first<{ t: unknown }>(this.sql, 'SELECT export_totals AS t FROM segmentations WHERE id = $1', [segmentationId]))?.t ?? null);
  }

  async saveExportTotals(segmentationId: number, totals: ExportTotals): Promise<void> {
    await this.sql.query('UPDATE segmentations SET export_totals = $2 WHERE id = $1', [segmentationId, JSON.stringify(totals)]);
  }

  async hasPredictions(segmentationId: number): Promise<boolean> {
    return (await first(this.sql, 'SELECT 1 FROM segment_predictions WHERE segmentation_id = $1 LIMIT 1', [segmentationId])) !== undefined;
  }

  create(s: NewSegmentation): Promise<number> {
    return this.sql.atomically(async (client) => {
      const at = now();
      const id = (await first<{ id: number }>(
        client,
        `INSERT INTO segmentations (study_id, method, k, overlapping, parameters, encoding, diagnostics, summary, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [s.studyId, s.method, s.k, s.overlapping, json(s.parameters) ?? '{}', json(s.encoding), json(s.diagnostics), json(s.summary) ?? '{}', at],
      ))!.id;
      await client.query(
        `INSERT INTO segments (segmentation_id, segment_id, name, description, definition, profile, updated_at)
         SELECT $1, x.segment_id, x.name, x.description, x.definition, x.profile, $3
           FROM json_to_recordset($2::json) AS x(segment_id int, name text, description text, definition json, profile json)`,
        [id, JSON.stringify(s.segments.map((x) => ({ segment_id: x.segment_id, name: x.name, description: x.description, definition: x.definition ?? null, profile: x.profile ?? {} }))), at],
      );
      await client.query(
        `INSERT INTO segment_members (segmentation_id, participant_id, segment_id, distance, detail)
         SELECT $1, m.participant, m.segment_id, m.distance, m.detail FROM json_to_recordset($2::json) AS m(participant bigint, segment_id int, distance float8, detail json)`,
        [id, JSON.stringify(s.members)],
      );
      // A new segmentation changes no participant's data: other segmentations' cards stay valid.
      await new PgStudyStore(clientSql(client)).touch(s.studyId, false);
      return id;
    });
  }

  async cards(segmentationId: number): Promise<StoredCards> {
    const head = await first<{ cards_version: number | null; cards_population: number | null }>(this.sql, 'SELECT cards_version, cards_population FROM segmentations WHERE id = $1', [segmentationId]);
    const found = await rows<{ segment_id: number; card: unknown }>(this.sql, 'SELECT segment_id, card FROM segments WHERE segmentation_id = $1 AND card IS NOT NULL', [segmentationId]);
    return { version: head?.cards_version ?? null, population: head?.cards_population ?? null, cards: new Map(found.map((r) => [r.segment_id, storedCard.parse(r.card)])) };
  }

  saveCards(segmentationId: number, version: number, population: number, cards: ({ segment_id: number } & StoredCard)[]): Promise<void> {
    return this.sql.atomically(async (client) => {
      await client.query(
        `UPDATE segments g SET card = x.card FROM json_to_recordset($2::json) AS x(segment_id int, card json)
          WHERE g.segmentation_id = $1 AND g.segment_id = x.segment_id`,
        [segmentationId, JSON.stringify(cards.map(({ segment_id, ...card }) => ({ segment_id, card })))],
      );
      await client.query('UPDATE segmentations SET cards_version = $2, cards_population = $3 WHERE id = $1', [segmentationId, version, population]);
    });
  }

  async get(id: number): Promise<SegmentationRow> {
    const row = await first<Record<string, unknown> & { id: number; study_id: number; method: SegmentationMethod; k: number; overlapping: boolean; created_at: string }>(this.sql, 'SELECT * FROM segmentations WHERE id = $1', [id]);
    if (!row) throw new NotFoundError(`No segmentation with id ${id}; cluster_participants or segment_by_rules create one, and get_study lists a study's segmentations.`);
    const { cards_version: _version, cards_population: _population, export_totals: _totals, ...fields } = row;
    return {
      ...fields,
      parameters: segmentationParameters.parse(row.parameters),
      encoding: encoding.parse(row.encoding),
      diagnostics: checked(segmentationDiagnostics, row.diagnostics),
      summary: segmentationSummary.parse(row.summary),
      prioritization: checked(prioritizationMatrix, row.prioritization),
    };
  }

  async savePrioritization(segmentationId: number, matrix: PrioritizationMatrix): Promise<void> {
    await this.sql.query('UPDATE segmentations SET prioritization = $1 WHERE id = $2', [json(matrix), segmentationId]);
  }

  list(studyId: number, limit = 20): Promise<{ id: number; method: SegmentationMethod; k: number; created_at: string; named: number }[]> {
    return rows(
      this.sql,
      `SELECT s.id, s.method, s.k, s.created_at, (SELECT count(*) FROM segments g WHERE g.segmentation_id = s.id AND g.name IS NOT NULL) AS named
         FROM segmentations s WHERE s.study_id = $1 ORDER BY s.id DESC LIMIT $2`,
      [studyId, limit],
    );
  }

  segmentsOf(participant: number, limit = 10): Promise<{ segmentation_id: number; method: string; segment_id: number; name: string | null }[]> {
    return rows(
      this.sql,
      `SELECT m.segmentation_id, s.method, m.segment_id, g.name FROM segment_members m
         JOIN segmentations s ON s.id = m.segmentation_id
         JOIN segments g ON g.segmentation_id = m.segmentation_id AND g.segment_id = m.segment_id
        WHERE m.participant_id = $1 ORDER BY m.segmentation_id DESC, m.segment_id LIMIT $2`,
      [participant, limit],
    );
  }

  async segments(segmentationId: number, counted = true): Promise<SegmentRow[]> {
    const size = counted ? '(SELECT count(*) FROM segment_members m WHERE m.segmentation_id = g.segmentation_id AND m.segment_id = g.segment_id)' : '0';
    const found = await rows<SegmentRow & { playbook: unknown; definition: unknown; profile: unknown }>(
      this.sql,
      `SELECT g.segment_id, g.name, g.description, g.persona, g.playbook, g.definition, g.profile, g.updated_at, ${size} AS size
         FROM segments g WHERE g.segmentation_id = $1 ORDER BY g.segment_id`,
      [segmentationId],
    );
    return found.map((r) => ({ ...r, playbook: checked(playbook, r.playbook), definition: segmentDefinition.parse(r.definition), profile: segmentProfile.parse(r.profile) }));
  }

  async updateSegment(segmentationId: number, segmentId: number, changes: { name?: string | undefined; description?: string | undefined; persona?: string | undefined; playbook?: Playbook | undefined }): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    for (const key of ['name', 'description', 'persona'] as const) if (changes[key] !== undefined) set(key, changes[key]);
    if (changes.playbook !== undefined) set('playbook', json(changes.playbook));
    set('updated_at', now());
    params.push(segmentationId, segmentId);
    await this.sql.query(`UPDATE segments SET ${sets.join(', ')} WHERE segmentation_id = $${params.length - 1} AND segment_id = $${params.length}`, params);
  }

  async members(segmentationId: number, options: { segmentId?: number | undefined; after?: { participant: number; segment: number }; limit?: number } = {}): Promise<MemberRow[]> {
    const after = options.after ?? { participant: 0, segment: 0 };
    const found = await rows<MemberRow & { detail: unknown }>(
      this.sql,
      `SELECT p.id, p.external_id AS participant_id, p.name, p.email, m.segment_id, m.distance, m.detail, m.assigned_by
         FROM segment_members m JOIN participants p ON p.id = m.participant_id
        WHERE m.segmentation_id = $1 AND ($2::int IS NULL OR m.segment_id = $2) AND (m.participant_id, m.segment_id) > ($3::bigint, $4::int)
        ORDER BY m.participant_id, m.segment_id LIMIT $5`,
      [segmentationId, options.segmentId ?? null, after.participant, after.segment, options.limit ?? null],
    );
    return found.map((r) => ({ ...r, detail: checked(memberDetail, r.detail) as MemberDetail | null }));
  }

  async memberships(segmentationId: number, segmentId?: number): Promise<{ id: number; segment_id: number }[]> {
    const { ids, segments } = await this.membershipColumns(segmentationId, segmentId);
    return ids.map((id, i) => ({ id, segment_id: segments[i]! }));
  }

  /** The same as two columns (participant ids, segment numbers): no object per member. */
  async membershipColumns(segmentationId: number, segmentId?: number): Promise<{ ids: number[]; segments: number[] }> {
    const [row] = await this.sql.arrays(
      `SELECT COALESCE(json_agg(participant_id ORDER BY participant_id, segment_id), '[]'), COALESCE(json_agg(segment_id ORDER BY participant_id, segment_id), '[]')
         FROM segment_members WHERE segmentation_id = $1 AND ($2::int IS NULL OR segment_id = $2)`,
      [segmentationId, segmentId ?? null],
    );
    const [ids, segments] = row as [number[], number[]];
    return { ids, segments };
  }

  async memberCount(segmentationId: number, segmentId?: number): Promise<number> {
    return (await first<{ n: number }>(this.sql, 'SELECT count(*) AS n FROM segment_members WHERE segmentation_id = $1 AND ($2::int IS NULL OR segment_id = $2)', [segmentationId, segmentId ?? null]))!.n;
  }

  savePredictions(segmentationId: number, predictions: { participant: number; segment_id: number; confidence: number }[], replaceAll: boolean): Promise<void> {
    return this.sql.atomically(async (client) => {
      if (replaceAll) await client.query('DELETE FROM segment_predictions WHERE segmentation_id = $1', [segmentationId]);
      await client.query(
        `INSERT INTO segment_predictions (segmentation_id, participant_id, segment_id, confidence)
         SELECT $1, x.participant, x.segment_id, x.confidence FROM json_to_recordset($2::json) AS x(participant bigint, segment_id int, confidence float8)
         ON CONFLICT (segmentation_id, participant_id) DO UPDATE SET segment_id = excluded.segment_id, confidence = excluded.confidence`,
        [segmentationId, JSON.stringify(predictions)],
      );
      // The export totals with predictions are counted again.
      await client.query('UPDATE segmentations SET export_totals = NULL WHERE id = $1', [segmentationId]);
    });
  }

  predictions(segmentationId: number): Promise<{ id: number; participant_id: string; email: string | null; name: string | null; segment_id: number; confidence: number }[]> {
    return rows(
      this.sql,
      `SELECT p.id, p.external_id AS participant_id, p.email, p.name, s.segment_id, s.confidence
         FROM segment_predictions s JOIN participants p ON p.id = s.participant_id WHERE s.segmentation_id = $1 ORDER BY p.id`,
      [segmentationId],
    );
  }

  assign(segmentationId: number, members: { participant: number; segment_id: number; distance: number | null; detail: MemberDetail | null }[]): Promise<void> {
    return this.sql.atomically(async (client) => {
      const incoming = JSON.stringify(members);
      await client.query('DELETE FROM segment_members WHERE segmentation_id = $1 AND participant_id IN (SELECT participant FROM json_to_recordset($2::json) AS x(participant bigint))', [segmentationId, incoming]);
      await client.query(
        `INSERT INTO segment_members (segmentation_id, participant_id, segment_id, distance, detail, assigned_by)
         SELECT $1, x.participant, x.segment_id, x.distance, x.detail, 'assign' FROM json_to_recordset($2::json) AS x(participant bigint, segment_id int, distance float8, detail json)`,
        [segmentationId, incoming],
      );
      // Members changed: the segments' cards are stale.
      await client.query(`UPDATE studies SET updated_at = $2, data_version = data_version + 1, list_facts = ${CARRIED_LIST_FACTS} WHERE id = (SELECT study_id FROM segmentations WHERE id = $1)`, [segmentationId, now()]);
    });
  }
}
