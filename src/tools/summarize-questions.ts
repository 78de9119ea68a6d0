import * as z from 'zod';
import { includePartial, populationOut, questionType, studyId } from './params.js';
import { defineTool, readOnly } from './define.js';
import { summarizeQuestions } from '../app/summaries.js';
import { decimal, percent } from '../domain/format.js';
import type { QuestionStats } from '../domain/question-stats.js';

const stats = z.object({
  n: z.number().describe('Respondents who answered.'),
  mean: z.number().nullable().optional(),
  median: z.number().nullable().optional(),
  sd: z.number().nullable().optional().describe('Sample standard deviation (n − 1).'),
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
  distribution: z.array(z.object({ value: z.number(), count: z.number(), share: z.number() })).optional(),
  top2_box: z.number().nullable().optional().describe('Share in the top two scale points.'),
  bottom2_box: z.number().nullable().optional().describe('Share in the bottom two scale points.'),
  nps: z
    .object({ score: z.number(), promoters: z.number(), passives: z.number(), detractors: z.number() })
    .nullable()
    .optional()
    .describe('Net Promoter Score, for 0–10 scales.'),
  options: z
    .array(
      z.object({
        option: z.string(),
        count: z.number().optional(),
        share: z.number().optional().describe('Share of respondents choosing the option.'),
        mean_rank: z.number().nullable().optional().describe('Average rank among those who ranked it (1 = first).'),
        borda_score: z.number().optional().describe('Borda points: rank r of m earns m − r + 1.'),
        first_choice_share: z.number().optional(),
        ranked_by: z.number().optional(),
        positions: z.array(z.number()).optional().describe('Respondents per rank position (index 0 = ranked first).'),
      }),
    )
    .optional(),
  mean_selections: z.number().nullable().optional(),
  none_count: z.number().optional().describe('multiple_choice: respondents who chose none of the options (answered []).'),
  none_share: z.number().optional().describe('multiple_choice: share of respondents who chose none of the options.'),
  yes_count: z.number().optional(),
  yes_share: z.number().nullable().optional(),
  yes_share_ci95: z.object({ low: z.number(), high: z.number() }).nullable().optional().describe('Wilson 95% interval of yes_share.'),
  top_terms: z.array(z.object({ term: z.string(), count: z.number() })).optional().describe('Most frequent words, counted once per answer.'),
  themes: z.array(z.object({ code: z.string(), participants: z.number() })).optional(),
});

function headline(type: string, s: QuestionStats): string {
  if (s.n === 0) return 'no answers';
  switch (type) {
    case 'scale':
      return `mean ${decimal(s.mean)}, median ${decimal(s.median)}, sd ${decimal(s.sd)}, top-2-box ${percent(s.top2_box)}${s.nps ? `, NPS ${decimal(s.nps.score, 1)}` : ''}`;
    case 'single_choice':
      return (s.options ?? []).slice(0, 5).map((o) => `${o.option} ${percent(o.share)}`).join(', ');
    case 'multiple_choice':
      return [...(s.options ?? []).slice(0, 5).map((o) => `${o.option} ${percent(o.share)}`), ...(s.none_count ? [`none of these ${percent(s.none_share)}`] : [])].join(', ');
    case 'ranking':
      return (s.options ?? []).slice(0, 5).map((o) => `${o.option} (mean rank ${decimal(o.mean_rank)}, first ${percent(o.first_choice_share)})`).join(', ');
    case 'yes_no':
      return `yes ${percent(s.yes_share)} (95% CI ${percent(s.yes_share_ci95?.low)}–${percent(s.yes_share_ci95?.high)})`;
    default:
      return `terms: ${(s.top_terms ?? []).slice(0, 6).map((t) => t.term).join(', ') || '–'}${s.themes?.length ? `; themes: ${s.themes.slice(0, 4).map((t) => `${t.code} ${t.participants}`).join(', ')}` : ''}`;
  }
}

export const summarizeQuestionsTool = defineTool({
  name: 'summarize_questions',
  title: 'Summarize answers per question',
  description: `Summarizes a study's answers question by question, by type: scale (n, mean, median, sd, distribution, top-2-box, bottom-2-box, NPS on 0–10 scales); single_choice (counts, shares); multiple_choice (counts, share of respondents, mean selections); ranking (mean rank, Borda score, first-choice share, position distribution); yes_no (share yes with a Wilson 95% interval); open_ended (answered count, most frequent terms over the answers of the 1,000 most recently added participants per group, themes).
Optional \`by\` splits every question into side-by-side groups: an attribute (attr.plan; numbers in quartiles), a tag, a theme, interview status, a segment (by: "segment"), or a structured answer (answer.<key>). Counts completed interviews only unless include_partial is true.
Use this tool when you need to: answer "how do participants rate X", "which group cares most about price", or get the numbers behind a chart.`,
  input: z.object({
    study_id: studyId,
    questions: z.array(z.string()).max(100).optional().describe('Question keys to summarize (default: all).'),
    by: z.string().optional().describe('Group by attr.<name>, answer.<key>, tag, theme, status or segment.'),
    segmentation_id: z.number().int().positive().optional().describe('For by: "segment", which segmentation (default: the study\'s latest).'),
    include_partial: includePartial,
  }),
  output: z.object({
    study_id: z.number(),
    population: populationOut.extend({ participants: z.number().describe('The same as n (kept for older clients).') }),
    by: z
      .object({
        field: z.string(),
        groups: z.array(z.object({ group: z.string(), participants: z.number() })),
        overlapping: z.boolean().describe('True when a participant can be in several groups (tags, themes, multiple_choice).'),
        note: z.string().optional(),
      })
      .nullable(),
    questions: z.array(stats.extend({ key: z.string(), type: questionType, text: z.string(), groups: z.array(stats.extend({ group: z.string() })).optional() })),
    warnings: z.array(z.string()),
  }),
  annotations: readOnly,
  run: ({ study_id, questions, by, include_partial, segmentation_id }, { store }) =>
    summarizeQuestions(store, { studyId: study_id, questions, by, segmentationId: segmentation_id, includePartial: include_partial }),
  render: (r) => {
    const lines = [`${r.population.participants} participant(s) with ${r.population.statuses.join(' or ')} interviews${r.by ? `, by ${r.by.field}${r.by.note ? ` (${r.by.note})` : ''}` : ''}.`];
    for (const q of r.questions) {
      lines.push(`${q.key} [${q.type}] n=${q.n}: ${headline(q.type, q)}`);
      for (const g of q.groups ?? []) lines.push(`    ${g.group} (n=${g.n}): ${headline(q.type, g)}`);
    }
    lines.push(...r.warnings.map((w) => `Warning: ${w}`));
    return lines.join('\n');
  },
});
