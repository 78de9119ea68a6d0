/** Parameters and result pieces shared by several tools, each described for the model. */
import * as z from 'zod';
import { OPERATORS } from '../domain/fields.js';
import { QUESTION_TYPES } from '../domain/questions.js';
import { ATTRIBUTE_TYPES } from '../domain/attributes.js';

export const studyId = z
  .number()
  .int()
  .positive()
  .describe('The study id returned by create_study (list_studies shows all studies).');

export const participantId = z
  .string()
  .min(1)
  .max(200)
  .describe('The participant\'s external id within the study, as imported (the CSV id column); query_participants lists them.');

export const questionType = z.enum(QUESTION_TYPES);
export const attributeType = z.enum(ATTRIBUTE_TYPES);

export const attributeValue = z.union([z.string(), z.number(), z.boolean()]);
export const answerValue = z.union([z.string(), z.number(), z.array(z.string())]);

export const field = z
  .string()
  .min(1)
  .describe(
    'attr.<name> (CRM attribute), answer.<key> (question), answer.<key>:<option> (a ranking option\'s rank, 1 = first; or whether a multiple_choice option was chosen), tag, theme, status (completed | partial | not_interviewed), participant_id, email or name.',
  );

export const condition = z.object({
  field,
  op: z
    .enum(OPERATORS)
    .describe(
      'eq, neq, gt, gte, lt, lte, in (value is a list), contains (text, tag or selected option), exists (value true/false, default true). For a ranking answer, eq/in test the first choice and contains tests "ranked at all".',
    ),
  value: z
    .union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))])
    .optional()
    .describe('What to compare with. Text comparisons ignore case; choices are matched to the option text.'),
});

export const lineError = z.object({ line: z.number().int(), message: z.string() });

export const limit = (defaultValue: number, max: number) =>
  z.number().int().min(1).max(max).default(defaultValue).describe(`Rows per page (default ${defaultValue}, max ${max}).`);

export const cursor = z.string().optional().describe('next_cursor from the previous page; omit for the first page.');

export const questionOut = z.object({
  key: z.string(),
  type: questionType,
  text: z.string(),
  options: z.array(z.string()).nullable(),
  scale_min: z.number().nullable(),
  scale_max: z.number().nullable(),
  min_label: z.string().nullable(),
  max_label: z.string().nullable(),
  max_selections: z.number().nullable(),
  min_selections: z.number().nullable().describe('multiple_choice: the fewest options an answer selects; null allows [] (none of these).'),
  required: z.boolean(),
  probing_depth: z.number().nullable(),
  position: z.number(),
});


export const studyMode = z.enum(['exploratory', 'hybrid', 'structured']);

export const studyOut = z.object({
  study_id: z.number(),
  name: z.string(),
  decision: z.string().nullable(),
  description: z.string().nullable(),
  mode: studyMode,
  probing_depth: z.number(),
  participant_criteria: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** The population rule's argument, the same on every analysis (domain/population.ts). */
export const includePartial = z
  .boolean()
  .default(false)
  .describe('Also count participants with a partial interview. An analysis over answers or themes counts completed interviews by default; one over CRM attributes, tags, status or segments only counts every participant.');

/** The population line of a text rendering. */
export function populationText(p: { rule: string; n: number }): string {
  return `Counted: ${p.n} ${p.rule}.`;
}

/** Who an analysis counted: the rule and n. */
export const populationOut = z
  .object({
    rule: z.string(),
    scope: z.enum(['interviews', 'crm_base']).describe('interviews: the analysis reads answers or themes, so the interviewed count; crm_base: it reads only CRM data, so every participant counts.'),
    include_partial: z.boolean(),
    statuses: z.array(z.enum(['completed', 'partial', 'not_interviewed'])),
    n: z.number().describe('Participants the rule counts in this study (each figure\'s own n may be smaller: those with a value).'),
  })
  .describe('Who counts: over answers or themes, completed interviews (include_partial: also partial ones); over CRM data only, every participant.');
