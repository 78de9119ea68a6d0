import * as z from 'zod';
import { queryParticipants } from '../app/participants.js';
import { answerValue, attributeValue, condition, cursor, field, limit, studyId } from './params.js';
import { defineTool, readOnly } from './define.js';

export const queryParticipantsTool = defineTool({
  name: 'query_participants',
  title: 'Query participants',
  description: `Finds participants by conditions and by what they said — the back end of "insights chat". Conditions (all must hold) over attr.<name>, answer.<key>, answer.<key>:<option>, tag, theme, status, segment (number or name, in the latest segmentation or segmentation_id); plus a full-text \`text\` search over transcripts, open answers, quotes and notes (stemmed words, "quoted phrases", OR, prefix*), returned with highlighted snippets.
Examples: all participants who mentioned pricing → {text: "pricing"}; confidence score below 5 → {where: [{field: "answer.confidence", op: "lt", value: 5}]}; churned customers who rank price first → {where: [{field: "tag", op: "eq", value: "churned"}, {field: "answer.buying_factors", op: "eq", value: "Price"}]}.
Use this tool when you need to: answer a question about who said or did what, or pick participants to quote or compare. Each row shows the values of the fields used in conditions (and any in include). Paginated: limit (default 20, max 200) and next_cursor; total gives the full count.`,
  input: z.object({
    study_id: studyId,
    where: z.array(condition).max(20).default([]).describe('Conditions, all of which must hold.'),
    text: z.string().max(500).optional().describe('Full-text search over what participants said.'),
    segmentation_id: z.number().int().positive().optional().describe('The segmentation the "segment" field refers to (default: the study\'s latest).'),
    include: z.array(field).max(20).default([]).describe('Extra fields whose values to show in each row, e.g. ["attr.plan", "answer.price_importance"].'),
    limit: limit(20, 200),
    cursor,
  }),
  output: z.object({
    total: z.number().describe('Participants matching, across all pages.'),
    returned: z.number(),
    participants: z.array(
      z.object({
        participant_id: z.string(),
        name: z.string().nullable(),
        email: z.string().nullable(),
        tags: z.array(z.string()),
        status: z.string(),
        values: z.record(z.string(), z.union([attributeValue, answerValue]).nullable()),
        snippets: z.array(z.object({ source: z.string(), text: z.string() })),
      }),
    ),
    next_cursor: z.string().nullable(),
  }),
  annotations: readOnly,
  run: ({ study_id, where, text, include, limit, cursor, segmentation_id }, { store }) => queryParticipants(store, { studyId: study_id, where, text, include, limit, cursor, segmentationId: segmentation_id }),
  render: (r) => {
    if (r.total === 0) return 'No participants match.';
    const lines = [`${r.total} participant(s) match${r.next_cursor ? ` (showing ${r.returned}; more with next_cursor)` : ''}:`];
    for (const p of r.participants) {
      const values = Object.entries(p.values).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(' > ') : v}`);
      lines.push(`- ${p.participant_id}${p.name ? ` (${p.name})` : ''} [${p.status}]${p.tags.length ? ` tags: ${p.tags.join(', ')}` : ''}${values.length ? `; ${values.join('; ')}` : ''}`);
      for (const s of p.snippets) lines.push(`    ${s.source}: ${s.text.replace(/\s+/g, ' ')}`);
    }
    return lines.join('\n');
  },
});
