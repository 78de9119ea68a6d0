/** One participant's profile (get_participant and the participant resource), and the participant search. */
import { clipJson, fitList, jsonChars, STRUCTURED_BUDGET } from '../domain/budget.js';
import { presentAnswer, type AnswerValue } from '../domain/questions.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { Condition } from '../store/fields-sql.js';
import { participantUri } from './uris.js';

/** Characters of a transcript a profile shows unless the whole one is asked for. */
export const TRANSCRIPT_PREVIEW = 1500;
const MAX_QUOTES = 50;

/** Output budget shares of a profile's parts when it is fitted (get_participant); the transcript gets the rest. */
const PROFILE_CHARS = { attributes: 2000, tags: 600, answers: 4000, quotes: 2000, themes: 1200, notes: 800, segments: 800 } as const;
/** In a fitted profile: a question's text, an answer, a quote, a piece of evidence, an attribute value at most this long. */
const PROFILE_ITEM_CHARS = { question: 150, answer: 600, quote: 500, evidence: 200, attribute: 200 } as const;

function clipAnswer(value: AnswerValue, max: number): AnswerValue {
  if (typeof value === 'string') return clipJson(value, max);
  if (!Array.isArray(value) || jsonChars(value) <= max) return value;
  return fitList(value, max, 1).items;
}

/**
 * get_participant's profile, shaped to the output budget: long texts as previews, long lists cut
 * (each with its total), the transcript from what is left (the whole one with `fullTranscript`,
 * as far as it fits). `shortened` names what was cut; the participant resource has everything.
 */
export async function fittedParticipantProfile(store: Store, studyId: number, externalId: string, options: { fullTranscript: boolean }) {
  const profile = await participantProfile(store, studyId, externalId, options);
  const shortened: string[] = [];
  const cut = <T>(field: string, list: T[], chars: number): T[] => {
    const { items } = fitList(list, chars);
    if (items.length < list.length || jsonChars(items) < jsonChars(list)) shortened.push(field);
    return items;
  };
  const attributes = Object.fromEntries(
    cut('attributes', Object.entries(profile.attributes).map(([k, v]): [string, typeof v] => [k, typeof v === 'string' ? clipJson(v, PROFILE_ITEM_CHARS.attribute) : v]), PROFILE_CHARS.attributes),
  );
  const fitted = {
    ...profile,
    attributes,
    tags: cut('tags', profile.tags, PROFILE_CHARS.tags),
    answers: cut('answers', profile.answers.map((a) => ({ ...a, text: clipJson(a.text, PROFILE_ITEM_CHARS.question), value: clipAnswer(a.value, PROFILE_ITEM_CHARS.answer) })), PROFILE_CHARS.answers),
    quotes: cut('quotes', profile.quotes.map((q) => ({ ...q, text: clipJson(q.text, PROFILE_ITEM_CHARS.quote) })), PROFILE_CHARS.quotes),
    themes: cut('themes', profile.themes.map((t) => ({ code: t.code, evidence: t.evidence.slice(0, 2).map((e) => clipJson(e, PROFILE_ITEM_CHARS.evidence)) })), PROFILE_CHARS.themes),
    notes: profile.notes === null ? null : clipJson(profile.notes, PROFILE_CHARS.notes),
    segments: cut('segments', profile.segments, PROFILE_CHARS.segments),
    shortened,
  };
  if (fitted.notes !== profile.notes) shortened.push('notes');
  // The transcript gets what the rest leaves (the preview, or as much of the whole as fits).
  const transcript = profile.transcript;
  if (transcript !== null) {
    const room = Math.max(0, STRUCTURED_BUDGET - jsonChars({ ...fitted, transcript: '' }));
    const shown = clipJson(transcript, options.fullTranscript ? room : Math.min(room, jsonChars(transcript)));
    if (shown !== transcript) {
      fitted.transcript = shown;
      fitted.transcript_truncated = true;
      if (options.fullTranscript) shortened.push('transcript');
    }
  }
  return fitted;
}

/** A participant's whole profile (the participant resource), the transcript as a preview unless `fullTranscript`. */
export async function participantProfile(store: Store, studyId: number, externalId: string, options: { fullTranscript: boolean }) {
  await store.studies.get(studyId);
  const p = await store.participants.get(studyId, externalId);
  const interview = await store.interviews.get(p.id);
  const transcript = interview?.transcript ?? null;
  const truncated = !options.fullTranscript && transcript !== null && transcript.length > TRANSCRIPT_PREVIEW;
  const quotes = await store.interviews.quotes(p.id, MAX_QUOTES);
  const answers = (await store.interviews.answers(p.id)).map((a) => ({ question: a.key, type: a.type, text: a.text, value: presentAnswer(a, a.value) }));
  const themes = await store.interviews.themes(p.id);
  return {
    study_id: studyId,
    participant_id: p.external_id,
    name: p.name,
    email: p.email,
    attributes: p.attributes,
    tags: await store.participants.tags(p.id),
    status: interview?.status ?? ('not_interviewed' as const),
    interviewed_at: interview?.interviewed_at ?? null,
    answers,
    quotes,
    quotes_total: quotes.length < MAX_QUOTES ? quotes.length : await store.interviews.quoteCount(p.id),
    themes,
    notes: interview?.notes ?? null,
    segments: await store.segmentations.segmentsOf(p.id),
    transcript: truncated ? `${transcript!.slice(0, TRANSCRIPT_PREVIEW)}…` : transcript,
    transcript_truncated: truncated,
    transcript_chars: transcript?.length ?? 0,
    attributes_total: Object.keys(p.attributes).length,
    answers_total: answers.length,
    themes_total: themes.length,
    /** Parts a fitted profile shortened (none here: this is the whole profile). */
    shortened: [] as string[],
    resource_uri: participantUri(studyId, p.external_id),
  };
}

export interface ParticipantQuery {
  studyId: number;
  where: Condition[];
  text?: string | undefined;
  /** Extra fields whose values each row shows. */
  include: string[];
  /** The segmentation the `segment` field refers to (default: the study's latest). */
  segmentationId?: number | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function queryParticipants(store: Store, query: ParticipantQuery) {
  await store.studies.get(query.studyId);
  if (query.text !== undefined && query.text.trim() === '') throw new UserError('`text` is empty; give words to search for, or leave it out.');
  const fields = await store.fieldCatalog(query.studyId, query.segmentationId);
  const page = await store.search.search(query.studyId, fields, { ...query, maxChars: STRUCTURED_BUDGET });
  return { ...page, returned: page.participants.length };
}
