/** Recording interviews (answers checked per question type, transcript, quotes, themes) and coding themes. */
import { MAX_TRANSCRIPT_CHARS } from '../domain/input-limits.js';
import { checkAnswer, slugify, type AnswerValue } from '../domain/questions.js';
import type { AttributeValue } from '../domain/attributes.js';
import { fitList, fitMessages } from '../domain/budget.js';
import { listOf, UserError, ValidationError } from '../errors.js';
import type { Store } from '../store/index.js';
import { normalizeSpeech } from '../store/interviews.js';
import type { ParticipantRow } from '../store/participants.js';
import { newParticipantChange, UNCOUNTED, type StoredQuestion } from '../store/studies.js';

/** Theme codes are slugs so "Pricing concern" and "pricing_concern" are one theme. */
export const themeCode = slugify;

export interface InterviewRecord {
  studyId: number;
  participantId: string;
  answers: { question: string; value: string | number | boolean | string[] }[];
  transcript?: string | { speaker: string; text: string }[] | undefined;
  quotes: { text: string; question?: string | undefined; themes?: string[] | undefined }[];
  themes: { code: string; quote?: string | undefined; question?: string | undefined }[];
  notes?: string | undefined;
  status: 'completed' | 'partial';
  interviewedAt?: string | undefined;
  /** Creates the participant when they are not in the study yet. */
  participant?: { email?: string | undefined; name?: string | undefined; attributes?: Record<string, AttributeValue> | undefined; tags?: string[] | undefined } | undefined;
}

export async function recordInterview(store: Store, input: InterviewRecord) {
  await store.studies.get(input.studyId);
  const questions = await store.studies.questions(input.studyId);
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
  input.answers.forEach((a, i) => {
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
  const quotes = input.quotes.map((q, i) => ({
    text: q.text,
    questionId: questionFor(q.question, `quotes[${i}].question`)?.id ?? null,
    themes: [...new Set((q.themes ?? []).map(themeCode))],
  }));
  const themes = input.themes.map((t, i) => ({
    code: themeCode(t.code),
    evidence: t.quote ?? '',
    questionId: questionFor(t.question, `themes[${i}].question`)?.id ?? null,
  }));
  const transcript =
    input.transcript === undefined
      ? undefined
      : typeof input.transcript === 'string'
        ? { text: input.transcript, turns: null }
        : { text: input.transcript.map((t) => `${t.speaker}: ${t.text}`).join('\n'), turns: input.transcript };
  if (transcript && transcript.text.length > MAX_TRANSCRIPT_CHARS) {
    problems.push(`transcript: ${transcript.text.length.toLocaleString('en')} characters (with the speakers' names) is more than the ${MAX_TRANSCRIPT_CHARS.toLocaleString('en')} a transcript may hold (about 15 hours of speech); trim it (timestamps, repeated boilerplate) or record the relevant part and keep the full text elsewhere`);
  }
  if (problems.length > 0) throw new ValidationError(problems);
  const interviewedAt = input.interviewedAt ?? new Date().toISOString();

  return await store.transaction(async (tx) => {
    let participant = await tx.participants.find(input.studyId, input.participantId);
    let created = false;
    if (!participant) {
      if (!input.participant) {
        throw new UserError(
          `No participant "${input.participantId}" in study ${input.studyId}. Import them with import_participants, or call again with \`participant\` details (email, name, attributes, tags) to create them.`,
        );
      }
      ({ participant, created } = await tx.participants.create(input.studyId, { external_id: input.participantId, ...input.participant }));
    }
    const written = await tx.interviews.record({
      participantId: participant.id,
      studyId: input.studyId,
      answers,
      transcript,
      quotes,
      themes,
      notes: input.notes,
      status: input.status,
      interviewedAt,
    });
    // The new participant counted last: adjusting the kept counts updates the study's row, which every
    // write updates at its end; taken earlier (before the themes' lock) two replicas' writes deadlocked.
    if (created) await tx.studies.adjustListFacts(input.studyId, newParticipantChange([...new Set(input.participant?.tags ?? [])]));
    const answered = await tx.interviews.answeredQuestionIds(participant.id);
    const requiredUnanswered = questions.filter((q) => q.required && !answered.has(q.id)).map((q) => q.key);
    const warnings: string[] = [];
    if (requiredUnanswered.length > 0) {
      warnings.push(`Required question(s) without an answer: ${requiredUnanswered.join(', ')}.${input.status === 'completed' ? ' Record them, or set status "partial".' : ''}`);
    }
    if (answers.length === 0 && !transcript && quotes.length === 0 && themes.length === 0 && !input.notes) {
      warnings.push('Nothing but the status was recorded: no answers, transcript, quotes, themes or notes were given.');
    }
    return {
      study_id: input.studyId,
      participant_id: input.participantId,
      participant_created: created,
      status: input.status,
      answers_recorded: written.answers_recorded,
      answers_total: answered.size,
      required_unanswered: requiredUnanswered,
      quotes_added: written.quotes_added,
      themes_added: written.themes_added,
      warnings,
    };
  });
}

/** Output budget shares of code_themes' lists. */
const RESULT_CHARS = { created: 2500, catalogue: 4000, warnings: 2500 } as const;

export interface ThemeCode {
  participant_id: string;
  question?: string | undefined;
  theme: string;
  quote?: string | undefined;
}

/** Attaches theme codes with their evidence, all or none; a quote not said verbatim is a warning. */
export async function codeThemes(store: Store, studyId: number, codes: ThemeCode[]) {
  await store.studies.get(studyId);
  const questions = new Map((await store.studies.questions(studyId)).map((q) => [q.key, q]));
  const before = new Set((await store.studies.themeCounts(studyId, 100_000)).map((t) => t.code));
  const problems: string[] = [];
  const warnings: string[] = [];
  const said = new Map<number, string>();
  const resolved: { participant: ParticipantRow | undefined; question: StoredQuestion | null | undefined; code: string; quote: string }[] = [];
  for (const [i, c] of codes.entries()) {
    const participant = await store.participants.find(studyId, c.participant_id);
    if (!participant) problems.push(`codes[${i}].participant_id: no participant "${c.participant_id}" in study ${studyId}`);
    const question = c.question === undefined ? null : questions.get(c.question);
    if (c.question !== undefined && !question) problems.push(`codes[${i}].question: no question "${c.question}"; keys: ${[...questions.keys()].join(', ')}`);
    const code = themeCode(c.theme);
    if (!code) problems.push(`codes[${i}].theme: "${c.theme}" has no letters or digits to make a code from`);
    if (participant && c.quote) {
      if (!said.has(participant.id)) said.set(participant.id, await store.interviews.saidText(participant.id));
      if (!said.get(participant.id)!.includes(normalizeSpeech(c.quote))) {
        warnings.push(`codes[${i}]: the quote is not in ${c.participant_id}'s transcript, notes or answers verbatim; evidence should be their own words.`);
      }
    }
    resolved.push({ participant, question, code, quote: c.quote ?? '' });
  }
  if (problems.length) throw new ValidationError(problems);
  let added = 0;
  await store.transaction(async (tx) => {
    for (const r of resolved) added += await tx.interviews.codeTheme(studyId, r.participant!.id, r.code, r.quote, r.question?.id ?? null);
    await tx.studies.touch(studyId, true, UNCOUNTED);
  });
  const created = [...new Set(resolved.map((r) => r.code))].filter((c) => !before.has(c));
  const catalogue = await store.studies.themeCounts(studyId, 100);
  return {
    added,
    unchanged: resolved.length - added,
    themes_created: fitList(created, RESULT_CHARS.created).items,
    themes_created_total: created.length,
    catalogue: fitList(catalogue, RESULT_CHARS.catalogue).items,
    catalogue_total: (await store.studies.vocabularySizes(studyId)).themes,
    warnings: fitMessages(warnings, RESULT_CHARS.warnings),
  };
}
