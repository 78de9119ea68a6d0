import * as z from 'zod';
import { cursor, includePartial, populationOut, questionType, studyId } from './params.js';
import { clip, takeLines, TEXT_BUDGET } from '../domain/budget.js';
import { DATE_UNITS } from '../domain/grouping.js';
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
  description: `Per-question statistics: scales (mean, sd, distribution, top-2-box, NPS), choices (shares), rankings (mean rank, Borda), yes_no (share, Wilson interval), open-ended (terms, themes); \`by\` splits into groups (dates by month, quarter or year; many values as the largest plus "Other"). Paged.
Use this tool when you need to: see what participants answered, overall or by group.`,
  input: z.object({
    study_id: studyId,
    questions: z.array(z.string()).max(100).optional().describe('Question keys to summarize (default: all).'),
    by: z.string().optional().describe('Group by attr.<name>, answer.<key>, tag, theme, status or segment.'),
    segmentation_id: z.number().int().positive().optional().describe('For by "segment" (default: the latest).'),
    include_partial: includePartial,
    date_unit: z.enum(DATE_UNITS).default('auto').describe('Date grouping: month, quarter, year or auto (at most 24 groups).'),
    cursor,
  }),
  output: z.object({
    study_id: z.number(),
    population: populationOut.extend({ participants: z.number().describe('The same as n (kept for older clients).') }),
    by: z
      .object({
        field: z.string(),
        groups: z.array(z.object({ group: z.string(), participants: z.number() })),
        groups_total: z.number().describe('Distinct values before the smallest were folded into "Other".'),
        date_unit: z.enum(['month', 'quarter', 'year']).optional(),
        overlapping: z.boolean().describe('True when a participant can be in several groups (tags, themes, multiple_choice).'),
        note: z.string().optional(),
      })
      .nullable(),
    questions: z.array(stats.extend({ key: z.string(), type: questionType, text: z.string(), groups: z.array(stats.extend({ group: z.string() })).optional(), reduced: z.string().optional() })),
    questions_total: z.number(),
    next_cursor: z.string().nullable(),
    warnings: z.array(z.string()),
  }),
  annotations: readOnly,
  run: ({ study_id, questions, by, include_partial, segmentation_id, date_unit, cursor }, { store }) =>
    summarizeQuestions(store, { studyId: study_id, questions, by, segmentationId: segmentation_id, includePartial: include_partial, dateUnit: date_unit, cursor }),
  render: (r) => {
    const lines = [`${r.population.participants} participant(s) with ${r.population.statuses.join(' or ')} interviews${r.by ? `, by ${r.by.field}${r.by.note ? ` (${r.by.note})` : ''}` : ''}.`];
    if (r.next_cursor) lines.push(`${r.questions.length} of ${r.questions_total} questions here (as many as fit the output budget); more with next_cursor.`);
    for (const q of r.questions) {
      lines.push(clip(`${q.key} [${q.type}] n=${q.n}: ${headline(q.type, q)}`, 240));
      for (const g of q.groups ?? []) lines.push(clip(`    ${g.group} (n=${g.n}): ${headline(q.type, g)}`, 160));
    }
    lines.push(...r.warnings.map((w) => `Warning: ${w}`));
    return takeLines(lines, TEXT_BUDGET);
  },
});
