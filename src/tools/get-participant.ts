import * as z from 'zod';
import { fittedParticipantProfile, TRANSCRIPT_PREVIEW } from '../app/participants.js';
import { answerValue, attributeValue, participantId, questionType, studyId } from './params.js';
import { defineTool, readOnly } from './define.js';
import { clip } from '../domain/budget.js';
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
  attributes_total: z.number(),
  answers_total: z.number(),
  quotes_total: z.number(),
  themes_total: z.number(),
  shortened: z.array(z.string()).describe('Parts shortened to fit; resource_uri has the whole profile.'),
  resource_uri: z.string(),
});

export const getParticipantTool = defineTool({
  name: 'get_participant',
  title: 'Get a participant profile',
  description: `One participant's profile: attributes, tags, status, answers, quotes, themes, notes and the transcript's beginning (include_transcript: as much as fits); resource_uri has it all.
Use this tool when you need to: understand one person before quoting them or naming a segment.`,
  input: z.object({
    study_id: studyId,
    participant_id: participantId,
    include_transcript: z.boolean().default(false).describe('Return the whole transcript instead of its beginning.'),
  }),
  output: profileOut,
  annotations: readOnly,
  run: ({ study_id, participant_id, include_transcript }, { store }) => fittedParticipantProfile(store, study_id, participant_id, { fullTranscript: include_transcript }),
  render: (r) => {
    const attrs = Object.entries(r.attributes).map(([k, v]) => `${k}=${v}`);
    return [
      `${r.participant_id}${r.name ? ` (${r.name})` : ''}${r.email ? ` <${r.email}>` : ''}: ${r.status}${r.interviewed_at ? ` on ${r.interviewed_at.slice(0, 10)}` : ''}`,
      `Tags: ${capList(r.tags, 10) || 'none'}`,
      `Attributes (${r.attributes_total}): ${capList(attrs.map((a) => clip(a, 80)), 15) || 'none'}`,
      ...r.answers.slice(0, 15).map((a) => `- ${a.question}: ${clip(Array.isArray(a.value) ? a.value.join(' > ') : String(a.value), 150)}`),
      ...(r.answers_total > 15 ? [`- … ${r.answers_total - 15} more answers`] : []),
      ...(r.themes.length ? [`Themes (${r.themes_total}): ${capList(r.themes.map((t) => t.code), 10)}`] : []),
      ...(r.segments.length ? [`Segments: ${r.segments.map((s) => `${s.name ?? `segment ${s.segment_id}`} (segmentation ${s.segmentation_id})`).join('; ')}`] : []),
      ...r.quotes.slice(0, 3).map((q) => `> "${clip(q.text, 200)}"`),
      ...(r.shortened.length ? [`Shortened to fit: ${r.shortened.join(', ')} (the whole profile: ${r.resource_uri})`] : []),
    ].join('\n');
  },
});
