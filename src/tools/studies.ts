/** create_study, list_studies, get_study. */
import * as z from 'zod';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { readinessChecks, sampleGroupsCovered } from '../domain/study-health.js';
import type { Store } from '../store/index.js';
import type { StudyCounts, StudyRow } from '../store/studies.js';
import { attributeType, capList, cursor, limit, questionOut, studyId } from './params.js';
import { defineTool, readOnly } from './define.js';

const mode = z.enum(['exploratory', 'hybrid', 'structured']);

const studyOut = z.object({
  study_id: z.number(),
  name: z.string(),
  decision: z.string().nullable(),
  description: z.string().nullable(),
  mode,
  probing_depth: z.number(),
  participant_criteria: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

function studyView({ id: study_id, ...rest }: StudyRow): z.input<typeof studyOut> {
  return { study_id, ...rest };
}

export const createStudy = defineTool({
  name: 'create_study',
  title: 'Create a segmentation study',
  description: `Creates a customer-segmentation research study and returns its study_id.
Use this tool when you need to: start a new segmentation project ("set up a study for our churned and expanded customers").
Name the decision the segments will inform (segments without a decision are a taxonomy exercise). Exploratory or hybrid mode suits discovery; probing depth 2–3 follow-ups per question captures enough depth.
Next steps: add_questions (3–5 open-ended, 3–4 structured), import_participants (CSV with CRM attributes and tags), record_interview.`,
  input: z.object({
    name: z.string().trim().min(1).max(200).describe('Short name, e.g. "Q3 churn and expansion segmentation".'),
    decision: z.string().trim().max(1000).optional().describe('The decision the segments will inform, e.g. "which segment to build onboarding for first".'),
    description: z.string().trim().max(4000).optional().describe('Background, goals and scope.'),
    mode: mode.default('hybrid').describe('Interview mode: exploratory (open discovery), hybrid (default: open questions plus structured anchors) or structured.'),
    probing_depth: z.number().int().min(0).max(3).default(2).describe('Follow-up questions per question, 0–3 (default 2).'),
    participant_criteria: z.string().trim().max(2000).optional().describe('Who to interview, e.g. "new (first 30 days), long-tenure (12+ months), churned (last 90 days) and expanded customers".'),
  }),
  output: studyOut.extend({ next_steps: z.array(z.string()) }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  run(args, { store }) {
    const study = store.studies.create(args);
    const next_steps = [
      `add_questions {study_id: ${study.id}}: 3–5 open-ended (discovery, decision moment, value realization, ideal outcome) and 3–4 structured anchors.`,
      `import_participants {study_id: ${study.id}}: a CSV with an id column, CRM attributes and lifecycle tags.`,
    ];
    if (!args.decision) next_steps.unshift('Name the decision the segments will inform (no decision was given).');
    return { ...studyView(study), next_steps };
  },
  render: (r) => `Created study ${r.study_id} "${r.name}" (${r.mode}, probing depth ${r.probing_depth}).\nNext:\n${r.next_steps.map((s) => `- ${s}`).join('\n')}`,
});

export const listStudies = defineTool({
  name: 'list_studies',
  title: 'List studies',
  description: `Lists segmentation studies with their participant and interview counts.
Use this tool when you need to: find a study_id, or see what research exists. Paginated (limit, cursor).`,
  input: z.object({ limit: limit(20, 100), cursor }),
  output: z.object({
    total: z.number(),
    studies: z.array(
      z.object({
        study_id: z.number(),
        name: z.string(),
        decision: z.string().nullable(),
        mode,
        participants: z.number(),
        interviews_completed: z.number(),
        interviews_partial: z.number(),
        ready: z.boolean().describe('Whether the readiness checklist of get_study passes.'),
        missing: z.array(z.string()).describe('Checklist items not yet satisfied (get_study explains each).'),
        updated_at: z.string(),
      }),
    ),
    next_cursor: z.string().nullable(),
  }),
  annotations: readOnly,
  run({ limit, cursor }, { store }) {
    const after = cursor ? decodeCursor(cursor, 'study') : 0;
    const rows = store.studies.list(limit + 1, after);
    const page = rows.slice(0, limit);
    return {
      total: store.studies.countAll(),
      studies: page.map((s) => {
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
      next_cursor: rows.length > limit ? encodeCursor('study', page[page.length - 1]!.id) : null,
    };
  },
  render: (r) =>
    r.studies.length === 0
      ? 'No studies yet. Create one with create_study.'
      : [`${r.total} stud${r.total === 1 ? 'y' : 'ies'}:`, ...r.studies.map((s) => `- [${s.study_id}] ${s.name}: ${s.participants} participants, ${s.interviews_completed} interviews completed; ${s.ready ? 'ready' : `missing: ${s.missing.join(', ')}`}`), ...(r.next_cursor ? ['(more: pass next_cursor)'] : [])].join('\n'),
});

const checkOut = z.object({ check: z.string(), status: z.enum(['ok', 'warn', 'missing']), message: z.string() });

export const getStudy = defineTool({
  name: 'get_study',
  title: 'Get a study',
  description: `Returns a study with its questions, counts (participants, interviews completed/partial), sample composition by tag, attribute catalogue, themes, and a readiness checklist: what is still missing for a sound segmentation study (a decision, 30–50 interviews, structured questions, churned and expanded customers in the sample, …).
Use this tool when you need to: see a study's design and progress, find question keys and attribute names for other tools, or advise on what to do next.`,
  input: z.object({ study_id: studyId }),
  output: z.object({
    study: studyOut,
    questions: z.array(questionOut),
    counts: z.object({ participants: z.number(), interviews_completed: z.number(), interviews_partial: z.number(), not_interviewed: z.number() }),
    composition: z.object({
      tags: z.array(z.object({ tag: z.string(), count: z.number() })),
      lifecycle_groups: z.array(z.object({ group: z.string(), tags: z.array(z.string()), participants: z.number() })),
    }),
    attributes: z.array(z.object({ name: z.string(), type: attributeType })),
    themes: z.array(z.object({ code: z.string(), participants: z.number() })),
    readiness: z.object({ ready: z.boolean(), checks: z.array(checkOut) }),
    segmentations: z
      .array(z.object({ segmentation_id: z.number(), method: z.enum(['kmeans', 'rules', 'rfm']), k: z.number(), named: z.number(), created_at: z.string() }))
      .describe('Newest first (up to 20); the "segment" field of query_participants uses the first.'),
    resource_uri: z.string(),
  }),
  annotations: readOnly,
  run({ study_id }, { store }) {
    return studyDetail(store, study_id);
  },
  render: (r) => {
    const lines = [
      `Study ${r.study.study_id} "${r.study.name}" (${r.study.mode}, probing depth ${r.study.probing_depth})`,
      `Decision: ${r.study.decision ?? '(none named)'}`,
      `Participants ${r.counts.participants}; interviews completed ${r.counts.interviews_completed}, partial ${r.counts.interviews_partial}, not yet ${r.counts.not_interviewed}.`,
      `Questions (${r.questions.length}): ${capList(r.questions.map((q) => `${q.key} [${q.type}]`), 12) || 'none'}`,
      `Attributes: ${capList(r.attributes.map((a) => `${a.name} (${a.type})`), 12) || 'none'}`,
      `Tags: ${capList(r.composition.tags.map((t) => `${t.tag} ${t.count}`), 10) || 'none'}`,
      `Readiness: ${r.readiness.ready ? 'ready for segmentation' : 'not ready yet'}`,
      ...r.readiness.checks.filter((c) => c.status !== 'ok').map((c) => `- [${c.status}] ${c.message}`),
      ...(r.segmentations.length ? [`Segmentations: ${r.segmentations.map((x) => `${x.segmentation_id} (${x.method}, k = ${x.k}, ${x.named} named)`).join('; ')}`] : []),
    ];
    return lines.join('\n');
  },
});

/** The readiness checklist of one study. */
function studyChecks(store: Store, study: StudyRow, counts: StudyCounts, tags = store.studies.tagCounts(study.id)) {
  const id = study.id;
  return readinessChecks({
    decision: study.decision,
    mode: study.mode,
    probing_depth: study.probing_depth,
    questionTypes: store.studies.questions(id).map((q) => q.type),
    participants: counts.participants,
    interviewsCompleted: counts.interviews_completed,
    tags,
  });
}

/** The full study view, shared by get_study and the study resource. */
export function studyDetail(store: Store, id: number) {
  const row = store.studies.get(id);
  const study = studyView(row);
  const questions = store.studies.questions(id).map(({ id: _id, ...q }) => q);
  const counts = store.studies.counts(id);
  const tags = store.studies.tagCounts(id);
  const checks = studyChecks(store, row, counts, tags);
  return {
    study,
    questions,
    counts,
    composition: { tags, lifecycle_groups: sampleGroupsCovered(tags) },
    attributes: store.studies.attributes(id),
    themes: store.studies.themeCounts(id),
    readiness: { ready: checks.every((c) => c.status === 'ok'), checks },
    segmentations: store.segments.list(id).map(({ id: segmentation_id, ...rest }) => ({ segmentation_id, ...rest })),
    resource_uri: `seglab://studies/${id}`,
  };
}
