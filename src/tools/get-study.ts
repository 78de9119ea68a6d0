import * as z from 'zod';
import { studyDetail } from '../app/studies.js';
import { defineTool, readOnly } from './define.js';
import { attributeType, cursor, questionOut, studyId, studyOut } from './params.js';
import { capList } from '../domain/format.js';

const checkOut = z.object({ check: z.string(), status: z.enum(['ok', 'warn', 'missing']), message: z.string() });

export const getStudyTool = defineTool({
  name: 'get_study',
  title: 'Get a study',
  description: `A study's questions (paged), counts, sample by tag, attributes, themes, segmentations and readiness checklist (decision, 30–50 interviews, structured questions, churned and expanded customers).
Use this tool when you need to: find question keys and attribute names, or advise what to do next.`,
  input: z.object({ study_id: studyId, cursor: cursor.describe('next_cursor of the previous call: the next questions.') }),
  output: z.object({
    study: studyOut,
    questions: z.array(questionOut),
    questions_total: z.number(),
    next_cursor: z.string().nullable(),
    counts: z.object({ participants: z.number(), interviews_completed: z.number(), interviews_partial: z.number(), not_interviewed: z.number() }),
    composition: z.object({
      tags: z.array(z.object({ tag: z.string(), count: z.number() })),
      tags_total: z.number(),
      lifecycle_groups: z.array(z.object({ group: z.string(), tags: z.array(z.string()), participants: z.number() })),
    }),
    attributes: z.array(
      z.object({
        name: z.string(),
        type: attributeType,
        unit: z.string().nullable().describe('"%" or a currency code, for display.'),
        format: z.string().nullable().describe('How the values are read: "1,234.56" / "1.234,56" for numbers, "M/D/YYYY" / "D/M/YYYY" / "YYYY-MM-DD" for dates.'),
      }),
    ),
    attributes_total: z.number(),
    themes: z.array(z.object({ code: z.string(), participants: z.number() })),
    themes_total: z.number(),
    readiness: z.object({ ready: z.boolean(), checks: z.array(checkOut) }),
    segmentations: z
      .array(z.object({ segmentation_id: z.number(), method: z.enum(['kmeans', 'rules', 'rfm']), k: z.number(), named: z.number(), created_at: z.string() }))
      .describe('Newest first (up to 20); the "segment" field of query_participants uses the first.'),
    shortened: z.array(z.string()),
    resource_uri: z.string(),
  }),
  annotations: readOnly,
  run: ({ study_id, cursor }, { store }) => studyDetail(store, study_id, { cursor }),
  render: (r) => {
    const lines = [
      `Study ${r.study.study_id} "${r.study.name}" (${r.study.mode}, probing depth ${r.study.probing_depth})`,
      `Decision: ${r.study.decision ?? '(none named)'}`,
      `Participants ${r.counts.participants}; interviews completed ${r.counts.interviews_completed}, partial ${r.counts.interviews_partial}, not yet ${r.counts.not_interviewed}.`,
      `Questions (${r.questions_total}${r.next_cursor ? `; ${r.questions.length} here, more with next_cursor` : ''}): ${capList(r.questions.map((q) => `${q.key} [${q.type}]`), 12) || 'none'}`,
      `Attributes (${r.attributes_total}): ${capList(r.attributes.map((a) => `${a.name} (${a.type}${a.unit ? `, ${a.unit}` : ''})`), 12) || 'none'}`,
      `Tags (${r.composition.tags_total}): ${capList(r.composition.tags.map((t) => `${t.tag} ${t.count}`), 10) || 'none'}`,
      `Readiness: ${r.readiness.ready ? 'ready for segmentation' : 'not ready yet'}`,
      ...r.readiness.checks.filter((c) => c.status !== 'ok').map((c) => `- [${c.status}] ${c.message}`),
      ...(r.segmentations.length ? [`Segmentations: ${r.segmentations.map((x) => `${x.segmentation_id} (${x.method}, k = ${x.k}, ${x.named} named)`).join('; ')}`] : []),
    ];
    return lines.join('\n');
  },
});
