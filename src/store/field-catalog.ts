import { UserError } from '../errors.js';
import type { Db } from './db.js';
import type { FieldCatalog } from './fields-sql.js';
import { prepared } from './statements.js';
import type { StudyStore } from './studies.js';

/** A study's field catalog; `segment` refers to the given segmentation, else the study's latest. */
export function readFieldCatalog(db: Db, studies: StudyStore, studyId: number, segmentationId?: number): FieldCatalog {
  let segmentation: number | null = null;
  if (segmentationId !== undefined) {
    const row = prepared(db, 'SELECT study_id FROM segmentations WHERE id = ?').get(segmentationId) as { study_id: number } | undefined;
    if (!row || row.study_id !== studyId) throw new UserError(`segmentation_id: no segmentation ${segmentationId} in study ${studyId}.`);
    segmentation = segmentationId;
  } else {
    const row = prepared(db, 'SELECT id FROM segmentations WHERE study_id = ? ORDER BY id DESC LIMIT 1').get(studyId) as { id: number } | undefined;
    segmentation = row?.id ?? null;
  }
  return {
    questions: new Map(studies.questions(studyId).map((q) => [q.key, q])),
    attributes: new Map(studies.attributes(studyId).map((a) => [a.name, a.type])),
    segmentationId: segmentation,
    segmentLabels: new Map(
      segmentation === null
        ? []
        : (prepared(db, `SELECT segment_id, COALESCE(name, 'Segment ' || segment_id) AS label FROM segments WHERE segmentation_id = ? ORDER BY segment_id`).raw().all(segmentation) as [number, string][]),
    ),
  };
}
