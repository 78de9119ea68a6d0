import * as z from 'zod';
import { addQuestions } from '../app/studies.js';
import { questionOut, questionType, studyId } from './params.js';
import { defineTool } from './define.js';

const questionIn = z.object({
  key: z.string().trim().min(1).max(48).optional().describe('snake_case key for answers, e.g. "price_importance"; default: from the text.'),
  type: questionType.describe('open_ended | scale | single_choice | multiple_choice | ranking | yes_no.'),
  text: z.string().trim().min(1).max(2000).describe('The question as asked.'),
  options: z.array(z.string().max(200)).max(50).optional().describe('Choices and rankings: at least 2 distinct options.'),
  scale_min: z.number().optional().describe('Default 1; 0 with scale_max 10 for NPS.'),
  scale_max: z.number().optional().describe('Scale upper bound (default 10).'),
  min_label: z.string().max(100).optional().describe('Label of the scale minimum, e.g. "Not at all important".'),
  max_label: z.string().max(100).optional().describe('Label of the scale maximum, e.g. "Critical".'),
  max_selections: z.number().int().min(1).optional().describe('multiple_choice: the most options one may choose.'),
  min_selections: z.number().int().min(0).optional().describe('multiple_choice: the fewest options an answer selects; without it, [] means none of these.'),
  required: z.boolean().optional().describe('record_interview warns when an interview leaves it out.'),
  probing_depth: z.number().int().min(0).max(3).optional().describe('Follow-ups for this question, 0–3 (default: the study\'s).'),
});

export const addQuestionsTool = defineTool({
  name: 'add_questions',
  title: 'Add questions to a study',
  description: `Adds interview questions, all or none: open_ended, scale, single_choice, multiple_choice ([] = none of these unless min_selections), ranking (partial allowed), yes_no; each gets a key for answer.<key>. Limits: 200 questions a study, 50 options and 5,000 characters a question.
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
