/** Studies: create, list, the full study view (as get_study and the study resource show it), and questions. */
import { formatName } from '../domain/attributes.js';
import { MAX_QUESTIONS_PER_STUDY, normalizeQuestion, STRUCTURED_TYPES, type Question, type QuestionDraft } from '../domain/questions.js';
import { clipJson, countFitting, fitList, jsonChars, STRUCTURED_BUDGET } from '../domain/budget.js';
import { readinessChecks, sampleGroupsCovered } from '../domain/study-health.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { ValidationError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { ListFacts, NewStudy, StudyCounts, StudyRow } from '../store/studies.js';
import { countListFacts, keepWhenIdle } from './kept.js';
import { studyUri } from './uris.js';

function studyView({ id: study_id, ...rest }: StudyRow) {
  return { study_id, ...rest };
}

export async function createStudy(store: Store, input: NewStudy) {
  const study = await store.studies.create(input);
  const next_steps = [
    `add_questions {study_id: ${study.id}}: 3–5 open-ended (discovery, decision moment, value realization, ideal outcome) and 3–4 structured anchors.`,
    `import_participants {study_id: ${study.id}}: a CSV with an id column, CRM attributes and lifecycle tags.`,
  ];
  if (!input.decision) next_steps.unshift('Name the decision the segments will inform (no decision was given).');
  return { ...studyView(study), next_steps };
}

/** The readiness checklist of one study. */
async function studyChecks(store: Store, study: StudyRow, counts: StudyCounts, known?: { tag: string; count: number }[]) {
  const tags = known ?? (await store.studies.tagCounts(study.id));
  return readinessChecks({
    decision: study.decision,
    mode: study.mode,
    probing_depth: study.probing_depth,
    questionTypes: (await store.studies.questions(study.id)).map((q) => q.type),
    participants: counts.participants,
    interviewsCompleted: counts.interviews_completed,
    tags,
  });
}

/**
 * A study's counts as list_studies shows them: counting reads every participant and tag row (0.6–3 s
 * at 1M participants), so they are kept with the study at its data version, adjusted by the writes
 * that change them (StudyStore.adjustListFacts), and counted again (on a worker for a large study)
 * only after a write that leaves them unknown (an import).
 */
async function listFacts(store: Store, studyId: number): Promise<ListFacts> {
  const version = await store.studies.dataVersion(studyId);
  const kept = await store.studies.keptListFacts(studyId);
  if (kept?.version === version) return kept;
  const facts = { version, ...(await countListFacts(store, studyId)) };
  await keepWhenIdle(store, (s) => s.studies.keepListFacts(studyId, facts));
  return facts;
}

/** A study's counts (participants, interviews by status) as listFacts keeps them: a large study is never counted again on this thread. */
export async function studyCounts(store: Store, studyId: number): Promise<StudyCounts> {
  return (await listFacts(store, studyId)).counts;
}

/** @param page.only the studies the caller may see (null or absent: all) */
export async function listStudies(store: Store, page: { limit: number; cursor?: string | undefined; only?: number[] | null }) {
  const after = page.cursor ? decodeCursor(page.cursor, 'study') : 0;
  const only = page.only ?? null;
  const rows = await store.studies.list(page.limit + 1, after, only);
  const listed = [];
  for (const s of rows.slice(0, page.limit)) {
      const { counts, tags } = await listFacts(store, s.id);
      const checks = await studyChecks(store, s, counts, tags);
      listed.push({
        study_id: s.id,
        name: s.name,
        decision: s.decision === null ? null : clipJson(s.decision, 200),
        mode: s.mode,
        participants: counts.participants,
        interviews_completed: counts.interviews_completed,
        interviews_partial: counts.interviews_partial,
        ready: checks.every((c) => c.status === 'ok'),
        missing: checks.filter((c) => c.status !== 'ok').map((c) => c.check),
        updated_at: s.updated_at,
      });
  }
  // A limit is an upper bound: the page ends where the next study would not fit.
  const shown = listed.slice(0, countFitting(listed, STRUCTURED_BUDGET - 200, 1));
  const more = rows.length > page.limit || shown.length < listed.length;
  return {
    total: await store.studies.countAll(only),
    studies: shown,
    next_cursor: more && shown.length ? encodeCursor('study', shown[shown.length - 1]!.study_id) : null,
    size_limited: shown.length < listed.length,
  };
}

/** How much of get_study's budget the lists other than questions may use, and the study's long texts. */
const STUDY_LIST_CHARS = { attributes: 1800, tags: 1000, themes: 1000 } as const;
const STUDY_TEXT_CHARS = 400;

/**
 * The study view, shared by get_study and the study resource. The resource (no `page`) holds
 * everything; get_study (`page`) fits the output budget: the study's long texts as previews, the
 * longest lists cut with their totals, and the questions paged (`page.cursor`, by position).
 */
export async function studyDetail(store: Store, id: number, page?: { cursor?: string | undefined }) {
  const row = await store.studies.get(id);
  const { counts, tags } = await listFacts(store, id);
  const checks = await studyChecks(store, row, counts, tags);
  const sizes = await store.studies.vocabularySizes(id);
  const allQuestions = (await store.studies.questions(id)).map(({ id: _id, ...q }) => q);
  const attributes = (await store.studies.attributes(id)).map((a) => ({ name: a.name, type: a.type, unit: a.format.unit ?? null, format: formatName(a.type, a.format) }));
  const themes = await store.studies.themeCounts(id);
  const fit = <T>(list: T[], chars: number) => (page ? fitList(list, chars).items : list);
  const study = studyView(row);
  const clipped = page ? (['decision', 'description', 'participant_criteria'] as const).filter((f) => study[f] !== null && jsonChars(study[f]) > STUDY_TEXT_CHARS) : [];
  for (const f of clipped) study[f] = clipJson(study[f]!, STUDY_TEXT_CHARS);
  const view = {
    study,
    questions: allQuestions,
    questions_total: allQuestions.length,
    next_cursor: null as string | null,
    counts,
    composition: { tags: fit(tags, STUDY_LIST_CHARS.tags), tags_total: sizes.tags, lifecycle_groups: sampleGroupsCovered(tags) },
    attributes: fit(attributes, STUDY_LIST_CHARS.attributes),
    attributes_total: attributes.length,
    themes: fit(themes, STUDY_LIST_CHARS.themes),
    themes_total: sizes.themes,
    readiness: { ready: checks.every((c) => c.status === 'ok'), checks },
    segmentations: (await store.segmentations.list(id, page ? 10 : 20)).map(({ id: segmentation_id, ...rest }) => ({ segmentation_id, ...rest })),
    shortened: clipped as string[],
    resource_uri: studyUri(id),
  };
  if (!page) return view;
  // The questions get what the rest leaves, in position order from the cursor; at least one a page.
  const after = page.cursor ? decodeCursor(page.cursor, 'question') : 0;
  const rest = allQuestions.filter((q) => q.position > after);
  const shown = rest.slice(0, countFitting(rest, STRUCTURED_BUDGET - jsonChars({ ...view, questions: [] }), 1));
  const last = shown[shown.length - 1];
  return { ...view, questions: shown, next_cursor: shown.length < rest.length && last ? encodeCursor('question', last.position) : null };
}

/** Appends questions, all or none: every problem is reported at once. */
export async function addQuestions(store: Store, studyId: number, drafts: QuestionDraft[]) {
  await store.studies.get(studyId);
  const existing = await store.studies.questions(studyId);
  const taken = new Set(existing.map((q) => q.key));
  let position = existing.reduce((max, q) => Math.max(max, q.position), 0);
  const problems: string[] = [];
  if (existing.length + drafts.length > MAX_QUESTIONS_PER_STUDY) {
    problems.push(`questions: the study has ${existing.length} question(s) and a study takes at most ${MAX_QUESTIONS_PER_STUDY}; ${Math.max(0, MAX_QUESTIONS_PER_STUDY - existing.length)} more can be added`);
  }
  const added: Question[] = [];
  drafts.forEach((draft, i) => {
    const { question, problems: found } = normalizeQuestion(draft, ++position, taken, `questions[${i}]`);
    problems.push(...found);
    added.push(question);
  });
  if (problems.length > 0) throw new ValidationError(problems, 'No questions were added. Fix these and call again:');
  await store.studies.insertQuestions(studyId, added);
  const all = [...existing, ...added];
  // Every key comes back; the questions themselves as far as they fit (the caller just sent them).
  const shown = fitList(added, STRUCTURED_BUDGET - 4000, 1);
  return {
    study_id: studyId,
    keys: added.map((q) => q.key),
    questions: shown.items,
    total_questions: all.length,
    structured_questions: all.filter((q) => STRUCTURED_TYPES.includes(q.type)).length,
    open_ended_questions: all.filter((q) => q.type === 'open_ended').length,
  };
}
