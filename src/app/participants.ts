/** One participant's profile (get_participant and the participant resource), and the participant search. */
import { presentAnswer } from '../domain/questions.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { Condition } from '../store/fields-sql.js';
import { participantUri } from './uris.js';

/** Characters of a transcript a profile shows unless the whole one is asked for. */
export const TRANSCRIPT_PREVIEW = 1500;
const MAX_QUOTES = 50;

export function participantProfile(store: Store, studyId: number, externalId: string, options: { fullTranscript: boolean }) {
  store.studies.get(studyId);
  const p = store.participants.get(studyId, externalId);
  const interview = store.interviews.get(p.id);
  const transcript = interview?.transcript ?? null;
  const truncated = !options.fullTranscript && transcript !== null && transcript.length > TRANSCRIPT_PREVIEW;
  return {
    study_id: studyId,
    participant_id: p.external_id,
    name: p.name,
    email: p.email,
    attributes: p.attributes,
    tags: store.participants.tags(p.id),
    status: interview?.status ?? ('not_interviewed' as const),
    interviewed_at: interview?.interviewed_at ?? null,
    answers: store.interviews.answers(p.id).map((a) => ({ question: a.key, type: a.type, text: a.text, value: presentAnswer(a, a.value) })),
    quotes: store.interviews.quotes(p.id, MAX_QUOTES),
    themes: store.interviews.themes(p.id),
    notes: interview?.notes ?? null,
    segments: store.segmentations.segmentsOf(p.id),
    transcript: truncated ? `${transcript!.slice(0, TRANSCRIPT_PREVIEW)}…` : transcript,
    transcript_truncated: truncated,
    transcript_chars: transcript?.length ?? 0,
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

export function queryParticipants(store: Store, query: ParticipantQuery) {
  store.studies.get(query.studyId);
  if (query.text !== undefined && query.text.trim() === '') throw new UserError('`text` is empty; give words to search for, or leave it out.');
  const fields = store.fieldCatalog(query.studyId, query.segmentationId);
  const page = store.search.search(query.studyId, fields, query);
  return { ...page, returned: page.participants.length };
}
