/** Segmentations, their segments and memberships: storage, with every JSON column typed where it is read. */
import { NotFoundError } from '../errors.js';
import type { Encoding } from '../domain/segments/encoding.js';
import { readColumns } from './columns.js';
import type { Db } from './db.js';
import {
  encoding,
  memberDetail,
  parseJson,
  playbook,
  prioritizationMatrix,
  segmentationDiagnostics,
  segmentationParameters,
  segmentationSummary,
  segmentDefinition,
  exportTotals,
  storedCard,
  segmentProfile,
  type MemberDetail,
  type NewSegmentationSummary,
  type Playbook,
  type PrioritizationMatrix,
  type SegmentationDiagnostics,
  type SegmentationParameters,
  type SegmentationSummary,
  type ExportTotals,
  type StoredCard,
  type SegmentDefinition,
  type SegmentProfile,
} from './segmentation-json.js';
import { prepared } from './statements.js';
import { now, type StudyStore } from './studies.js';

export type SegmentationMethod = 'kmeans' | 'rules' | 'rfm';

export interface SegmentationRow {
  id: number;
  study_id: number;
  method: SegmentationMethod;
  k: number;
  overlapping: boolean;
  parameters: SegmentationParameters;
  /** k-means: the features clustered; rules and RFM: the features profiled. */
  encoding: Encoding;
  diagnostics: SegmentationDiagnostics | null;
  summary: SegmentationSummary;
  prioritization: PrioritizationMatrix | null;
  created_at: string;
}

export interface SegmentRow {
  segment_id: number;
  name: string | null;
  description: string | null;
  persona: string | null;
  playbook: Playbook | null;
  definition: SegmentDefinition;
  profile: SegmentProfile;
  size: number;
  updated_at: string;
}

/** A segmentation to store: the row's own fields (id, dates and prioritization come later) plus its segments and members. */
export interface NewSegmentation extends Omit<SegmentationRow, 'id' | 'study_id' | 'summary' | 'prioritization' | 'created_at'> {
  studyId: number;
  summary: NewSegmentationSummary;
  segments: Pick<SegmentRow, 'segment_id' | 'name' | 'description' | 'definition' | 'profile'>[];
  /** Internal participant ids with their segment. */
  members: { participant: number; segment_id: number; distance: number | null; detail: MemberDetail | null }[];
}

/** The segment cards stored with a segmentation: built at the study's data version `version` (null: none stored). */
export interface StoredCards {
  version: number | null;
  /** The participants the segments' shares are of. */
  population: number | null;
  cards: Map<number, StoredCard>;
}

export interface MemberRow {
  id: number;
  participant_id: string;
  name: string | null;
  email: string | null;
  segment_id: number;
  distance: number | null;
  detail: MemberDetail | null;
  assigned_by: 'fit' | 'assign';
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/** One participant of an export: observed (their segments) or predicted by the CRM typing model. */
export interface ExportRow {
  id: number;
  participant_id: string;
  email: string | null;
  name: string | null;
  segment_ids: number[];
  source: 'observed' | 'predicted';
  /** 1 for members; for predictions the CRM typing model's confidence. */
  confidence: number;
}

export class SegmentationStore {
  constructor(
    private readonly db: Db,
    private readonly studies: StudyStore,
  ) {}

  create(s: NewSegmentation): number {
    const at = now();
    const id = Number(
      prepared(this.db, 
          `INSERT INTO segmentations (study_id, method, k, overlapping, parameters, encoding, diagnostics, summary, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(s.studyId, s.method, s.k, s.overlapping ? 1 : 0, json(s.parameters) ?? '{}', json(s.encoding), json(s.diagnostics), json(s.summary) ?? '{}', at).lastInsertRowid,
    );
    const segment = prepared(this.db, 
      `INSERT INTO segments (segmentation_id, segment_id, name, description, definition, profile, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const x of s.segments) segment.run(id, x.segment_id, x.name, x.description, json(x.definition) ?? 'null', json(x.profile) ?? '{}', at);
    const member = prepared(this.db, `INSERT INTO segment_members (segmentation_id, participant_id, segment_id, distance, detail) VALUES (?, ?, ?, ?, ?)`);
    for (const m of s.members) member.run(id, m.participant, m.segment_id, m.distance, json(m.detail));
    // A new segmentation changes no participant's data: other segmentations' cards stay valid.
    this.studies.touch(s.studyId, false);
    return id;
  }

  /** The segment cards stored with a segmentation and the data version they were built at. */
  cards(segmentationId: number): StoredCards {
    const head = prepared(this.db, 'SELECT cards_version, cards_population FROM segmentations WHERE id = ?').get(segmentationId) as { cards_version: number | null; cards_population: number | null } | undefined;
    const rows = prepared(this.db, 'SELECT segment_id, card FROM segments WHERE segmentation_id = ? AND card IS NOT NULL').all(segmentationId) as { segment_id: number; card: string }[];
    return { version: head?.cards_version ?? null, population: head?.cards_population ?? null, cards: new Map(rows.map((r) => [r.segment_id, storedCard.parse(JSON.parse(r.card))])) };
  }

  /** Stores every segment's card, built at the study's data version `version`. */
  saveCards(segmentationId: number, version: number, population: number, cards: ({ segment_id: number } & StoredCard)[]): void {
    const card = prepared(this.db, 'UPDATE segments SET card = ? WHERE segmentation_id = ? AND segment_id = ?');
    for (const { segment_id, ...c } of cards) card.run(JSON.stringify(c), segmentationId, segment_id);
    prepared(this.db, 'UPDATE segmentations SET cards_version = ?, cards_population = ? WHERE id = ?').run(version, population, segmentationId);
  }

  get(id: number): SegmentationRow {
    const row = prepared(this.db, 'SELECT * FROM segmentations WHERE id = ?').get(id) as
      | { id: number; study_id: number; method: SegmentationMethod; k: number; overlapping: number; parameters: string; encoding: string; diagnostics: string | null; summary: string; prioritization: string | null; created_at: string; cards_version: unknown; cards_population: unknown; export_totals: unknown }
      | undefined;
    if (!row) throw new NotFoundError(`No segmentation with id ${id}; cluster_participants or segment_by_rules create one, and get_study lists a study's segmentations.`);
    const { cards_version: _version, cards_population: _population, export_totals: _totals, ...fields } = row;
    return {
      ...fields,
      overlapping: row.overlapping === 1,
      parameters: segmentationParameters.parse(JSON.parse(row.parameters)),
      encoding: encoding.parse(JSON.parse(row.encoding)),
      diagnostics: parseJson(segmentationDiagnostics, row.diagnostics),
      summary: segmentationSummary.parse(JSON.parse(row.summary)),
      prioritization: parseJson(prioritizationMatrix, row.prioritization),
    };
  }

  savePrioritization(segmentationId: number, matrix: PrioritizationMatrix): void {
    prepared(this.db, 'UPDATE segmentations SET prioritization = ? WHERE id = ?').run(json(matrix), segmentationId);
  }

  /** The study's segmentations, newest first. */
  list(studyId: number, limit = 20): { id: number; method: SegmentationMethod; k: number; created_at: string; named: number }[] {
    return prepared(this.db, 
        `SELECT s.id, s.method, s.k, s.created_at, (SELECT COUNT(*) FROM segments g WHERE g.segmentation_id = s.id AND g.name IS NOT NULL) AS named
           FROM segmentations s WHERE s.study_id = ? ORDER BY s.id DESC LIMIT ?`,
      )
      .all(studyId, limit) as { id: number; method: SegmentationMethod; k: number; created_at: string; named: number }[];
  }

  /** The segments one participant is in, newest segmentation first. */
  segmentsOf(participant: number, limit = 10): { segmentation_id: number; method: string; segment_id: number; name: string | null }[] {
    return prepared(this.db, 
        `SELECT m.segmentation_id, s.method, m.segment_id, g.name FROM segment_members m
           JOIN segmentations s ON s.id = m.segmentation_id
           JOIN segments g ON g.segmentation_id = m.segmentation_id AND g.segment_id = m.segment_id
          WHERE m.participant_id = ? ORDER BY m.segmentation_id DESC, m.segment_id LIMIT ?`,
      )
      .all(participant, limit) as { segmentation_id: number; method: string; segment_id: number; name: string | null }[];
  }

  /** @param counted false: sizes are not counted (0), for a caller that has them (stored with the cards). */
  segments(segmentationId: number, counted = true): SegmentRow[] {
    const size = counted ? '(SELECT COUNT(*) FROM segment_members m WHERE m.segmentation_id = g.segmentation_id AND m.segment_id = g.segment_id)' : '0';
    const rows = prepared(this.db, 
        `SELECT g.segment_id, g.name, g.description, g.persona, g.playbook, g.definition, g.profile, g.updated_at, ${size} AS size
           FROM segments g WHERE g.segmentation_id = ? ORDER BY g.segment_id`,
      )
      .all(segmentationId) as (Omit<SegmentRow, 'playbook' | 'definition' | 'profile'> & { playbook: string | null; definition: string; profile: string })[];
    return rows.map((r) => ({ ...r, playbook: parseJson(playbook, r.playbook), definition: segmentDefinition.parse(JSON.parse(r.definition)), profile: segmentProfile.parse(JSON.parse(r.profile)) }));
  }

  updateSegment(segmentationId: number, segmentId: number, changes: { name?: string | undefined; description?: string | undefined; persona?: string | undefined; playbook?: Playbook | undefined }): void {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const key of ['name', 'description', 'persona'] as const) {
      if (changes[key] !== undefined) {
        sets.push(`${key} = ?`);
        params.push(changes[key]);
      }
    }
    if (changes.playbook !== undefined) {
      sets.push('playbook = ?');
      params.push(json(changes.playbook));
    }
    sets.push('updated_at = ?');
    params.push(now());
    prepared(this.db, `UPDATE segments SET ${sets.join(', ')} WHERE segmentation_id = ? AND segment_id = ?`).run(...params, segmentationId, segmentId);
  }

  /** Members in participant order, keyset-paginated by internal id. */
  members(segmentationId: number, options: { segmentId?: number | undefined; after?: { participant: number; segment: number }; limit?: number } = {}): MemberRow[] {
    const after = options.after ?? { participant: 0, segment: 0 };
    const rows = prepared(this.db, 
        `SELECT p.id, p.external_id AS participant_id, p.name, p.email, m.segment_id, m.distance, m.detail, m.assigned_by
           FROM segment_members m JOIN participants p ON p.id = m.participant_id
          WHERE m.segmentation_id = ? AND (? IS NULL OR m.segment_id = ?) AND (m.participant_id, m.segment_id) > (?, ?)
          ORDER BY m.participant_id, m.segment_id LIMIT ?`,
      )
      .all(segmentationId, options.segmentId ?? null, options.segmentId ?? null, after.participant, after.segment, options.limit ?? -1) as (Omit<MemberRow, 'detail'> & { detail: string | null })[];
    return rows.map((r) => ({ ...r, detail: parseJson(memberDetail, r.detail) }));
  }

  /** Every membership as (participant row id, segment) pairs in participant order: for whole-segmentation analyses. */
  memberships(segmentationId: number, segmentId?: number): { id: number; segment_id: number }[] {
    const { ids, segments } = this.membershipColumns(segmentationId, segmentId);
    return ids.map((id, i) => ({ id, segment_id: segments[i]! }));
  }

  /** The same as two columns (participant ids, segment numbers): no object per member. */
  membershipColumns(segmentationId: number, segmentId?: number): { ids: number[]; segments: number[] } {
    const [ids, segments] = readColumns<[number, number]>(
      this.db,
      `SELECT json_group_array(participant_id), json_group_array(segment_id) FROM (
         SELECT participant_id, segment_id FROM segment_members WHERE segmentation_id = ? AND (? IS NULL OR segment_id = ?) ORDER BY participant_id, segment_id)`,
      [segmentationId, segmentId ?? null, segmentId ?? null],
    );
    return { ids, segments };
  }

  /**
   * One page of an export: participants after `after` (internal id) with every segment they are in
   * (observed), and with `withPredicted` also those outside it with the CRM typing model's segment
   * (predicted). Each source is read through its key up to `limit`, so a page costs the same at any
   * segmentation size.
   */
  exportPage(segmentationId: number, after: number, limit: number, withPredicted = false): ExportRow[] {
    const predicted = withPredicted
      ? ` UNION SELECT id FROM (SELECT participant_id AS id FROM segment_predictions WHERE segmentation_id = @s AND participant_id > @after ORDER BY participant_id LIMIT @limit)`
      : '';
    const rows = prepared(this.db,
        `SELECT p.id, p.external_id AS participant_id, p.email, p.name,
                (SELECT json_group_array(m.segment_id) FROM segment_members m WHERE m.segmentation_id = @s AND m.participant_id = x.id) AS segment_ids,
                (SELECT r.segment_id FROM segment_predictions r WHERE r.segmentation_id = @s AND r.participant_id = x.id) AS predicted_segment_id,
                (SELECT r.confidence FROM segment_predictions r WHERE r.segmentation_id = @s AND r.participant_id = x.id) AS confidence
           FROM (SELECT id FROM (SELECT DISTINCT participant_id AS id FROM segment_members WHERE segmentation_id = @s AND participant_id > @after ORDER BY participant_id LIMIT @limit)${predicted}
                 ORDER BY id LIMIT @limit) x
           JOIN participants p ON p.id = x.id ORDER BY p.id`,
      )
      .all({ s: segmentationId, after, limit }) as { id: number; participant_id: string; email: string | null; name: string | null; segment_ids: string; predicted_segment_id: number | null; confidence: number | null }[];
    return rows.map(({ segment_ids, predicted_segment_id, confidence, ...r }) => {
      const observed = JSON.parse(segment_ids) as number[];
      return observed.length > 0 || predicted_segment_id === null
        ? { ...r, segment_ids: observed, source: 'observed' as const, confidence: 1 }
        : { ...r, segment_ids: [predicted_segment_id], source: 'predicted' as const, confidence: confidence ?? 0 };
    });
  }

  /** Participants an export holds (members, and with `withPredicted` those predicted), and how many have no e-mail (a CRM cannot match those). */
  exportTotals(segmentationId: number, withPredicted = false): { participants: number; without_email: number } {
    const predicted = withPredicted ? ' UNION SELECT participant_id FROM segment_predictions WHERE segmentation_id = @s' : '';
    return prepared(this.db,
        `SELECT COUNT(*) AS participants, COALESCE(SUM(p.email IS NULL OR p.email = ''), 0) AS without_email
           FROM (SELECT participant_id AS id FROM segment_members WHERE segmentation_id = @s${predicted}) x JOIN participants p ON p.id = x.id`,
      )
      .get({ s: segmentationId }) as { participants: number; without_email: number };
  }

  /** The export totals kept with a segmentation (null: none). */
  storedExportTotals(segmentationId: number): ExportTotals | null {
    return parseJson(exportTotals, (prepared(this.db, 'SELECT export_totals FROM segmentations WHERE id = ?').pluck().get(segmentationId) as string | null | undefined) ?? null);
  }

  saveExportTotals(segmentationId: number, totals: ExportTotals): void {
    prepared(this.db, 'UPDATE segmentations SET export_totals = ? WHERE id = ?').run(JSON.stringify(totals), segmentationId);
  }

  memberCount(segmentationId: number, segmentId?: number): number {
    return (prepared(this.db, 'SELECT COUNT(*) AS n FROM segment_members WHERE segmentation_id = ? AND (? IS NULL OR segment_id = ?)').get(segmentationId, segmentId ?? null, segmentId ?? null) as { n: number }).n;
  }

  /** The CRM typing model's predictions (internal participant ids) replace earlier ones: all of them, or those of the same participants. */
  savePredictions(segmentationId: number, predictions: { participant: number; segment_id: number; confidence: number }[], replaceAll: boolean): void {
    if (replaceAll) prepared(this.db, 'DELETE FROM segment_predictions WHERE segmentation_id = ?').run(segmentationId);
    // The export totals with predictions are counted again.
    prepared(this.db, 'UPDATE segmentations SET export_totals = NULL WHERE id = ?').run(segmentationId);
    const insert = prepared(this.db, 'INSERT OR REPLACE INTO segment_predictions (segmentation_id, participant_id, segment_id, confidence) VALUES (?, ?, ?, ?)');
    for (const p of predictions) insert.run(segmentationId, p.participant, p.segment_id, p.confidence);
  }

  /** Whether the CRM typing model has predicted segments for this segmentation. */
  hasPredictions(segmentationId: number): boolean {
    return prepared(this.db, 'SELECT 1 FROM segment_predictions WHERE segmentation_id = ? LIMIT 1').get(segmentationId) !== undefined;
  }

  /** Stored predictions in participant order: internal id, external id, email, name, segment, confidence. */
  predictions(segmentationId: number): { id: number; participant_id: string; email: string | null; name: string | null; segment_id: number; confidence: number }[] {
    return prepared(this.db, 
        `SELECT p.id, p.external_id AS participant_id, p.email, p.name, s.segment_id, s.confidence
           FROM segment_predictions s JOIN participants p ON p.id = s.participant_id WHERE s.segmentation_id = ? ORDER BY p.id`,
      )
      .all(segmentationId) as { id: number; participant_id: string; email: string | null; name: string | null; segment_id: number; confidence: number }[];
  }

  /** Assignments made by assign_participants replace earlier ones for the same participants. */
  assign(segmentationId: number, members: { participant: number; segment_id: number; distance: number | null; detail: MemberDetail | null }[]): void {
    const clear = prepared(this.db, 'DELETE FROM segment_members WHERE segmentation_id = ? AND participant_id = ?');
    const insert = prepared(this.db, `INSERT INTO segment_members (segmentation_id, participant_id, segment_id, distance, detail, assigned_by) VALUES (?, ?, ?, ?, ?, 'assign')`);
    for (const m of members) clear.run(segmentationId, m.participant);
    for (const m of members) insert.run(segmentationId, m.participant, m.segment_id, m.distance, json(m.detail));
    // Members changed: the segments' cards and the export totals are stale; list_studies counts no membership.
    this.studies.touch(prepared(this.db, 'SELECT study_id FROM segmentations WHERE id = ?').pluck().get(segmentationId) as number, true, { listFacts: true });
  }
}
