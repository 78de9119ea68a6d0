import * as z from 'zod';
import { recordInterview } from '../app/interviews.js';
import { MAX_ANSWER_CHARS, MAX_TRANSCRIPT_CHARS } from '../domain/input-limits.js';
import { attributeValue, participantId, studyId } from './params.js';
import { defineTool } from './define.js';

const transcriptTooLong = `transcript is longer than ${MAX_TRANSCRIPT_CHARS.toLocaleString('en')} characters (about 15 hours of speech), the most one interview holds; trim it (timestamps, repeated boilerplate) or record the relevant part`;
const turn = z.object({ speaker: z.string().min(1).max(100), text: z.string().min(1).max(MAX_TRANSCRIPT_CHARS, transcriptTooLong) });

export const recordInterviewTool = defineTool({
  name: 'record_interview',
  title: 'Record an interview',
  description: `Records one participant's interview: answers (checked against each question's type; nothing saved until all are valid), transcript, quotes, themes with evidence, notes, status. Re-recording replaces what it names; \`participant\` creates someone new.
Use this tool when you need to: save what a participant said.`,
  input: z.object({
    study_id: studyId,
    participant_id: participantId,
    answers: z
      .array(z.object({ question: z.string().min(1).describe('The question key (get_study lists them).'), value: z.union([z.string().max(MAX_ANSWER_CHARS, `an answer holds at most ${MAX_ANSWER_CHARS.toLocaleString('en')} characters (ten pages); keep the rest in the transcript`), z.number(), z.boolean(), z.array(z.string().max(200)).max(50)]).describe('A number, an option, a list of options, true/false or text, as the question\'s type takes.') }))
      .default([])
      .describe('Answers to the study\'s questions.'),
    transcript: z
      .union([z.string().min(1).max(MAX_TRANSCRIPT_CHARS, transcriptTooLong), z.array(turn).min(1).max(MAX_TRANSCRIPT_CHARS / 10)])
      .optional()
      .describe(`Plain text or speaker turns [{speaker, text}], at most ${MAX_TRANSCRIPT_CHARS.toLocaleString('en')} characters in all; replaces an earlier one.`),
    quotes: z
      .array(
        z.object({
          text: z.string().trim().min(1).max(4000).describe('The participant\'s words, verbatim.'),
          question: z.string().optional().describe('The question key the quote answers.'),
          themes: z.array(z.string().min(1)).optional().describe('Theme codes the quote is evidence for, e.g. ["pricing_concern"].'),
        }),
      )
      .default([])
      .describe('Telling verbatim quotes.'),
    themes: z
      .array(
        z.object({
          code: z.string().trim().min(1).max(100).describe('Theme code, e.g. "needs_social_proof" (normalised to snake_case).'),
          quote: z.string().trim().max(4000).optional().describe('The evidence: the words that show the theme.'),
          question: z.string().optional().describe('The question key where it came up.'),
        }),
      )
      .default([])
      .describe('Themes observed in this participant, each with evidence.'),
    notes: z.string().max(20_000).optional().describe('Interviewer notes. Replaces earlier notes.'),
    status: z.enum(['completed', 'partial']).default('completed').describe('completed (default) or partial.'),
    interviewed_at: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().describe('When the interview took place (ISO 8601); default now.'),
    participant: z
      .object({
        email: z.string().email().optional(),
        name: z.string().max(200).optional(),
        attributes: z.record(z.string(), attributeValue).optional(),
        tags: z.array(z.string().min(1)).optional(),
      })
      .optional()
      .describe('Creates the participant if new.'),
  }),
  output: z.object({
    study_id: z.number(),
    participant_id: z.string(),
    participant_created: z.boolean(),
    status: z.enum(['completed', 'partial']),
    answers_recorded: z.number(),
    answers_total: z.number().describe('Answers this participant now has, including earlier ones.'),
    required_unanswered: z.array(z.string()).describe('Keys of required questions still without an answer.'),
    quotes_added: z.number(),
    themes_added: z.number().describe('New theme-evidence links.'),
    warnings: z.array(z.string()),
  }),
    // destructive: re-recording replaces the answers it names; idempotent: the same call twice leaves the same state.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  run: (args, { store }) =>
    recordInterview(store, {
      studyId: args.study_id,
      participantId: args.participant_id,
      answers: args.answers,
      transcript: args.transcript,
      quotes: args.quotes,
      themes: args.themes,
      notes: args.notes,
      status: args.status,
      interviewedAt: args.interviewed_at,
      participant: args.participant,
    }),
  render: (r) =>
    [
      `Recorded ${r.status} interview for ${r.participant_id}${r.participant_created ? ' (new participant)' : ''}: ${r.answers_recorded} answer(s) (now ${r.answers_total}), ${r.quotes_added} new quote(s), ${r.themes_added} new theme link(s).`,
      ...r.warnings.map((w) => `Warning: ${w}`),
    ].join('\n'),
});
