import * as z from 'zod';
import { listOf, UserError, ValidationError } from '../errors.js';
import { checkAnswer, slugify, type AnswerValue } from '../domain/questions.js';
import type { StoredQuestion } from '../store/studies.js';
import { attributeValue, participantId, studyId } from './params.js';
import { defineTool } from './define.js';

const turn = z.object({ speaker: z.string().min(1).max(100), text: z.string().min(1) });

/** Theme codes are slugs so "Pricing concern" and "pricing_concern" are one theme. */
export function themeCode(code: string): string {
  return slugify(code);
}

export const recordInterview = defineTool({
  name: 'record_interview',
  title: 'Record an interview',
  description: `Records one participant's interview: structured answers, transcript, quotes, coded themes, notes and status.
Answers are checked against each question's type: scale = a number in range; single_choice = one option (matched case-insensitively); multiple_choice = distinct options within max_selections; ranking = distinct options in order, first = most important (partial rankings allowed); yes_no = true/false or "yes"/"no"; open_ended = non-empty text. Every problem is reported at once and nothing is saved until all answers are valid.
Re-recording is safe: it replaces the answers it names and keeps the others; quotes and themes already recorded are not duplicated.
Use this tool when you need to: save what a participant said after (or during) an interview. An unknown participant is an error unless \`participant\` details are given, which creates them.`,
  input: z.object({
    study_id: studyId,
    participant_id: participantId,
    answers: z
      .array(z.object({ question: z.string().min(1).describe('The question key (get_study lists them).'), value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).describe('The answer, in the form its question type takes: a number, an option, a list of options, true/false, or text.') }))
      .default([])
      .describe('Answers to the study\'s questions.'),
    transcript: z
      .union([z.string().min(1), z.array(turn).min(1)])
      .optional()
      .describe('The interview transcript: plain text, or speaker turns [{speaker, text}]. Replaces an earlier transcript.'),
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
      .describe('Details to create the participant if they are not in the study yet.'),
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
  run(args, { store }) {
    store.studies.get(args.study_id);
    const questions = store.studies.questions(args.study_id);
    const byKey = new Map(questions.map((q) => [q.key, q]));
    const keys = questions.map((q) => q.key);
    const problems: string[] = [];

    const questionFor = (key: string | undefined, where: string): StoredQuestion | null => {
      if (key === undefined) return null;
      const question = byKey.get(key.trim());
      if (!question) problems.push(`${where}: unknown question key "${key}"; valid keys: ${keys.length ? listOf(keys) : '(none: add_questions first)'}`);
      return question ?? null;
    };

    const answers: { questionId: number; value: AnswerValue }[] = [];
    const seen = new Set<string>();
    args.answers.forEach((a, i) => {
      const question = questionFor(a.question, `answers[${i}]`);
      if (!question) return;
      if (seen.has(question.key)) {
        problems.push(`answers[${i}]: question "${question.key}" is answered twice in this call`);
        return;
      }
      seen.add(question.key);
      const checked = checkAnswer(question, a.value);
      if (checked.ok) answers.push({ questionId: question.id, value: checked.value });
      else problems.push(`answers[${i}]: ${checked.message}`);
    });
    const quotes = args.quotes.map((q, i) => ({
      text: q.text,
      questionId: questionFor(q.question, `quotes[${i}].question`)?.id ?? null,
      themes: [...new Set((q.themes ?? []).map(themeCode))],
    }));
    const themes = args.themes.map((t, i) => ({
      code: themeCode(t.code),
      evidence: t.quote ?? '',
      questionId: questionFor(t.question, `themes[${i}].question`)?.id ?? null,
    }));
    if (problems.length > 0) throw new ValidationError(problems);

    const transcript =
      args.transcript === undefined
        ? undefined
        : typeof args.transcript === 'string'
          ? { text: args.transcript, turns: null }
          : { text: args.transcript.map((t) => `${t.speaker}: ${t.text}`).join('\n'), turns: args.transcript };
    const interviewedAt = args.interviewed_at ?? new Date().toISOString();

    return store.transaction(() => {
      let participant = store.participants.find(args.study_id, args.participant_id);
      let created = false;
      if (!participant) {
        if (!args.participant) {
          throw new UserError(
            `No participant "${args.participant_id}" in study ${args.study_id}. Import them with import_participants, or call again with \`participant\` details (email, name, attributes, tags) to create them.`,
          );
        }
        participant = store.participants.create(args.study_id, { external_id: args.participant_id, ...args.participant });
        created = true;
      }
      const written = store.interviews.record({
        participantId: participant.id,
        studyId: args.study_id,
        answers,
        transcript,
        quotes,
        themes,
        notes: args.notes,
        status: args.status,
        interviewedAt,
      });
      const answered = store.interviews.answeredQuestionIds(participant.id);
      const requiredUnanswered = questions.filter((q) => q.required && !answered.has(q.id)).map((q) => q.key);
      const warnings: string[] = [];
      if (requiredUnanswered.length > 0) {
        warnings.push(`Required question(s) without an answer: ${requiredUnanswered.join(', ')}.${args.status === 'completed' ? ' Record them, or set status "partial".' : ''}`);
      }
      if (answers.length === 0 && !transcript && quotes.length === 0 && themes.length === 0 && !args.notes) {
        warnings.push('Nothing but the status was recorded: no answers, transcript, quotes, themes or notes were given.');
      }
      return {
        study_id: args.study_id,
        participant_id: args.participant_id,
        participant_created: created,
        status: args.status,
        answers_recorded: written.answers_recorded,
        answers_total: answered.size,
        required_unanswered: requiredUnanswered,
        quotes_added: written.quotes_added,
        themes_added: written.themes_added,
        warnings,
      };
    });
  },
  render: (r) =>
    [
      `Recorded ${r.status} interview for ${r.participant_id}${r.participant_created ? ' (new participant)' : ''}: ${r.answers_recorded} answer(s) (now ${r.answers_total}), ${r.quotes_added} new quote(s), ${r.themes_added} new theme link(s).`,
      ...r.warnings.map((w) => `Warning: ${w}`),
    ].join('\n'),
});
