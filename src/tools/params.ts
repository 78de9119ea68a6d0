/** Parameters and result pieces shared by several tools, each described for the model. */
import * as z from 'zod';
import { OPERATORS } from '../domain/fields.js';
import { QUESTION_TYPES } from '../domain/questions.js';
import { ATTRIBUTE_TYPES } from '../domain/attributes.js';

export const studyId = z
  .number()
  .int()
  .positive()
  .describe('Study id (list_studies, create_study).');

export const participantId = z
  .string()
  .min(1)
  .max(200)
  .describe('Participant id as imported (query_participants lists them).');

export const questionType = z.enum(QUESTION_TYPES);
export const attributeType = z.enum(ATTRIBUTE_TYPES);

export const attributeValue = z.union([z.string(), z.number(), z.boolean()]);
export const answerValue = z.union([z.string(), z.number(), z.array(z.string())]);

export const field = z
  .string()
  .min(1)
  .describe(
    'attr.<name>, answer.<key>, answer.<key>:<option> (a ranking option\'s rank, or whether a multiple_choice option was chosen), tag, theme, status (completed | partial | not_interviewed), participant_id, email, name.',
  );

export const condition = z.object({
  field,
  op: z
    .enum(OPERATORS)
    .describe(
      'in takes a list; contains: text, tag or selected option; exists: value true/false (default true). On a ranking, eq/in test the first choice, contains "ranked at all".',
    ),
  value: z
    .union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))])
    .optional()
    .describe('Text compares case-insensitively; choices match the option text.'),
});

export const lineError = z.object({ line: z.number().int(), message: z.string() });

export const limit = (defaultValue: number, max: number) =>
  z.number().int().min(1).max(max).default(defaultValue).describe('Most rows per page.');

export const cursor = z.string().optional().describe('next_cursor of the previous page.');

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
  .describe('Also count partial interviews.');

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
