import * as z from 'zod';
import { addQuestions } from '../app/studies.js';
import { questionOut, questionType, studyId } from './params.js';
import { defineTool } from './define.js';

const questionIn = z.object({
  key: z.string().trim().min(1).max(48).optional().describe('Stable snake_case key used to record and query answers, e.g. "price_importance". Generated from the text if absent.'),
  type: questionType.describe('open_ended | scale | single_choice | multiple_choice | ranking | yes_no.'),
  text: z.string().trim().min(1).max(2000).describe('The question as asked.'),
  options: z.array(z.string().max(200)).max(50).optional().describe('Options for single_choice, multiple_choice and ranking (at least 2, distinct).'),
  scale_min: z.number().optional().describe('Scale lower bound (default 1; use 0 with scale_max 10 for NPS-style questions).'),
  scale_max: z.number().optional().describe('Scale upper bound (default 10).'),
  min_label: z.string().max(100).optional().describe('Label of the scale minimum, e.g. "Not at all important".'),
  max_label: z.string().max(100).optional().describe('Label of the scale maximum, e.g. "Critical".'),
  max_selections: z.number().int().min(1).optional().describe('multiple_choice only: the most options one participant may choose.'),
  min_selections: z.number().int().min(0).optional().describe('multiple_choice only: the fewest options an answer selects. Without it (or 0), [] is an answer: none of the options applies.'),
  required: z.boolean().optional().describe('Whether every interview should answer it (default false); record_interview warns when it is missing.'),
  probing_depth: z.number().int().min(0).max(3).optional().describe('Follow-ups for this question, 0–3 (default: the study\'s).'),
});

export const addQuestionsTool = defineTool({
  name: 'add_questions',
  title: 'Add questions to a study',
  description: `Adds interview questions, all or none: open_ended, scale (range, labels), single_choice, multiple_choice (max_selections, min_selections; [] = none of these), ranking (partial allowed), yes_no. Each gets a stable key (answer.<key>). At most 200 questions a study, 50 options and 5,000 characters a question.
Use this tool when you need to: design the interview guide (3–5 open-ended, 3–4 structured questions).`,
  input: z.object({
    study_id: studyId,
    questions: z.array(questionIn).min(1).max(50).describe('The questions to add.'),
  }),
  output: z.object({
    study_id: z.number(),
    keys: z.array(z.string()),
    questions: z.array(questionOut),
    total_questions: z.number(),
    structured_questions: z.number(),
    open_ended_questions: z.number(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  run: ({ study_id, questions }, { store }) => addQuestions(store, study_id, questions),
  render: (r) =>
    [
      `Added ${r.keys.length} question(s) to study ${r.study_id} (now ${r.open_ended_questions} open-ended, ${r.structured_questions} structured):`,
      ...r.keys.map((key, i) => {
        const q = r.questions[i];
        return `- ${key}${q ? ` [${q.type}${q.type === 'scale' ? ` ${q.scale_min}–${q.scale_max}` : ''}${q.options ? `, ${q.options.length} options` : ''}]` : ''}`;
      }),
    ].join('\n'),
});
