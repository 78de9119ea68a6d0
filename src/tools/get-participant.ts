import * as z from 'zod';
import { participantProfile, TRANSCRIPT_PREVIEW } from '../app/participants.js';
import { answerValue, attributeValue, participantId, questionType, studyId } from './params.js';
import { defineTool, readOnly } from './define.js';
import { capList } from '../domain/format.js';

const profileOut = z.object({
  study_id: z.number(),
  participant_id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  attributes: z.record(z.string(), attributeValue),
  tags: z.array(z.string()),
  status: z.enum(['completed', 'partial', 'not_interviewed']),
  interviewed_at: z.string().nullable(),
  answers: z.array(z.object({ question: z.string(), type: questionType, text: z.string(), value: answerValue })),
  quotes: z.array(z.object({ text: z.string(), question: z.string().nullable(), themes: z.array(z.string()) })),
  themes: z.array(z.object({ code: z.string(), evidence: z.array(z.string()) })),
  notes: z.string().nullable(),
  segments: z.array(z.object({ segmentation_id: z.number(), method: z.string(), segment_id: z.number(), name: z.string().nullable() })).describe('Segments the participant is in, newest segmentation first (up to 10).'),
  transcript: z.string().nullable(),
  transcript_truncated: z.boolean(),
  transcript_chars: z.number(),
  resource_uri: z.string(),
});

export const getParticipantTool = defineTool({
  name: 'get_participant',
  title: 'Get a participant profile',
  description: `Returns one participant's full profile: CRM attributes, tags, interview status, answers by question, quotes, themes with evidence, notes and the transcript (first ${TRANSCRIPT_PREVIEW} characters unless include_transcript is true).
Use this tool when you need to: understand one person before naming a segment or quoting them, or check what was recorded. Find participant ids with query_participants.`,
  input: z.object({
    study_id: studyId,
    participant_id: participantId,
    include_transcript: z.boolean().default(false).describe('Return the whole transcript instead of its beginning.'),
  }),
  output: profileOut,
  annotations: readOnly,
  run: ({ study_id, participant_id, include_transcript }, { store }) => participantProfile(store, study_id, participant_id, { fullTranscript: include_transcript }),
  render: (r) => {
    const attrs = Object.entries(r.attributes).map(([k, v]) => `${k}=${v}`);
    return [
      `${r.participant_id}${r.name ? ` (${r.name})` : ''}${r.email ? ` <${r.email}>` : ''}: ${r.status}${r.interviewed_at ? ` on ${r.interviewed_at.slice(0, 10)}` : ''}`,
      `Tags: ${r.tags.join(', ') || 'none'}`,
      `Attributes: ${capList(attrs, 15) || 'none'}`,
      ...r.answers.map((a) => `- ${a.question}: ${Array.isArray(a.value) ? a.value.join(' > ') : a.value}`),
      ...(r.themes.length ? [`Themes: ${r.themes.map((t) => t.code).join(', ')}`] : []),
      ...(r.segments.length ? [`Segments: ${r.segments.map((s) => `${s.name ?? `segment ${s.segment_id}`} (segmentation ${s.segmentation_id})`).join('; ')}`] : []),
      ...r.quotes.slice(0, 5).map((q) => `> "${q.text}"`),
    ].join('\n');
  },
});
