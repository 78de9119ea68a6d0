/** Studies: create, list, the full study view (as get_study and the study resource show it), and questions. */
import { formatName } from '../domain/attributes.js';
import { normalizeQuestion, STRUCTURED_TYPES, type Question, type QuestionDraft } from '../domain/questions.js';
import { readinessChecks, sampleGroupsCovered } from '../domain/study-health.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { ValidationError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { NewStudy, StudyCounts, StudyRow } from '../store/studies.js';
import { studyUri } from './uris.js';

function studyView({ id: study_id, ...rest }: StudyRow) {
  return { study_id, ...rest };
}

export function createStudy(store: Store, input: NewStudy) {
  const study = store.studies.create(input);
  const next_steps = [
    `add_questions {study_id: ${study.id}}: 3–5 open-ended (discovery, decision moment, value realization, ideal outcome) and 3–4 structured anchors.`,
    `import_participants {study_id: ${study.id}}: a CSV with an id column, CRM attributes and lifecycle tags.`,
  ];
  if (!input.decision) next_steps.unshift('Name the decision the segments will inform (no decision was given).');
  return { ...studyView(study), next_steps };
}

/** The readiness checklist of one study. */
function studyChecks(store: Store, study: StudyRow, counts: StudyCounts, tags = store.studies.tagCounts(study.id)) {
  return readinessChecks({
    decision: study.decision,
    mode: study.mode,
    probing_depth: study.probing_depth,
    questionTypes: store.studies.questions(study.id).map((q) => q.type),
    participants: counts.participants,
    interviewsCompleted: counts.interviews_completed,
    tags,
  });
}

/** @param page.only the studies the caller may see (null or absent: all) */
export function listStudies(store: Store, page: { limit: number; cursor?: string | undefined; only?: number[] | null }) {
  const after = page.cursor ? decodeCursor(page.cursor, 'study') : 0;
  const only = page.only ?? null;
  const rows = store.studies.list(page.limit + 1, after, only);
  const shown = rows.slice(0, page.limit);
  return {
    total: store.studies.countAll(only),
    studies: shown.map((s) => {
      const counts = store.studies.counts(s.id);
      const checks = studyChecks(store, s, counts);
      return {
        study_id: s.id,
        name: s.name,
        decision: s.decision,
        mode: s.mode,
        participants: counts.participants,
        interviews_completed: counts.interviews_completed,
        interviews_partial: counts.interviews_partial,
        ready: checks.every((c) => c.status === 'ok'),
        missing: checks.filter((c) => c.status !== 'ok').map((c) => c.check),
        updated_at: s.updated_at,
      };
    }),
    next_cursor: rows.length > page.limit ? encodeCursor('study', shown[shown.length - 1]!.id) : null,
  };
}

/** The full study view, shared by get_study and the study resource. */
export function studyDetail(store: Store, id: number) {
  const row = store.studies.get(id);
  const counts = store.studies.counts(id);
  const tags = store.studies.tagCounts(id);
  const checks = studyChecks(store, row, counts, tags);
  return {
    study: studyView(row),
    questions: store.studies.questions(id).map(({ id: _id, ...q }) => q),
    counts,
    composition: { tags, lifecycle_groups: sampleGroupsCovered(tags) },
    attributes: store.studies.attributes(id).map((a) => ({ name: a.name, type: a.type, unit: a.format.unit ?? null, format: formatName(a.type, a.format) })),
    themes: store.studies.themeCounts(id),
    readiness: { ready: checks.every((c) => c.status === 'ok'), checks },
    segmentations: store.segmentations.list(id).map(({ id: segmentation_id, ...rest }) => ({ segmentation_id, ...rest })),
    resource_uri: studyUri(id),
  };
}

/** Appends questions, all or none: every problem is reported at once. */
export function addQuestions(store: Store, studyId: number, drafts: QuestionDraft[]) {
  store.studies.get(studyId);
  const existing = store.studies.questions(studyId);
  const taken = new Set(existing.map((q) => q.key));
  let position = existing.reduce((max, q) => Math.max(max, q.position), 0);
  const problems: string[] = [];
  const added: Question[] = [];
  drafts.forEach((draft, i) => {
    const { question, problems: found } = normalizeQuestion(draft, ++position, taken, `questions[${i}]`);
    problems.push(...found);
    added.push(question);
  });
  if (problems.length > 0) throw new ValidationError(problems, 'No questions were added. Fix these and call again:');
  store.studies.insertQuestions(studyId, added);
  const all = [...existing, ...added];
  return {
    study_id: studyId,
    questions: added,
    total_questions: all.length,
    structured_questions: all.filter((q) => STRUCTURED_TYPES.includes(q.type)).length,
    open_ended_questions: all.filter((q) => q.type === 'open_ended').length,
  };
}
