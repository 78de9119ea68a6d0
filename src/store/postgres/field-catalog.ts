/** A study's field catalog on PostgreSQL (the SQLite reading: ../field-catalog.ts). */
import { UserError } from '../../errors.js';
import type { FieldCatalog } from '../fields-sql.js';
import { first, rows, type Sql } from './sql.js';
import { PgStudyStore } from './studies.js';

export async function readPgFieldCatalog(sql: Sql, studyId: number, segmentationId?: number): Promise<FieldCatalog> {
  let segmentation: number | null;
  if (segmentationId !== undefined) {
    const row = await first<{ study_id: number }>(sql, 'SELECT study_id FROM segmentations WHERE id = $1', [segmentationId]);
    if (!row || row.study_id !== studyId) throw new UserError(`segmentation_id: no segmentation ${segmentationId} in study ${studyId}.`);
    segmentation = segmentationId;
  } else {
    segmentation = (await first<{ id: number }>(sql, 'SELECT id FROM segmentations WHERE study_id = $1 ORDER BY id DESC LIMIT 1', [studyId]))?.id ?? null;
  }
  const studies = new PgStudyStore(sql);
  const labels = segmentation === null ? [] : await rows<{ segment_id: number; label: string }>(sql, `SELECT segment_id, COALESCE(name, 'Segment ' || segment_id) AS label FROM segments WHERE segmentation_id = $1 ORDER BY segment_id`, [segmentation]);
  return {
    questions: new Map((await studies.questions(studyId)).map((q) => [q.key, q])),
    attributes: new Map((await studies.attributes(studyId)).map((a) => [a.name, a.type])),
    segmentationId: segmentation,
    segmentLabels: new Map(labels.map((l) => [l.segment_id, l.label])),
  };
}
