import * as z from 'zod';
import { queryParticipants } from '../app/participants.js';
import { answerValue, attributeValue, condition, cursor, field, limit, studyId } from './params.js';
import { defineTool, readOnly } from './define.js';
import { clip } from '../domain/budget.js';

/** Rows the text rendering lists; the structured result has the whole page. */
const TEXT_ROWS = 10;

export const queryParticipantsTool = defineTool({
  name: 'query_participants',
  title: 'Query participants',
  description: `Finds participants by conditions (where) and by what they said (text: full-text search with snippets); rows show the fields used and include. Paginated, with a total.
Use this tool when you need to: list or count who matches, e.g. where [{field: "tag", op: "eq", value: "churned"}].`,
  input: z.object({
    study_id: studyId,
    where: z.array(condition).max(20).default([]).describe('Conditions, all of which must hold.'),
    text: z.string().max(500).optional().describe('Full-text search over what participants said.'),
    segmentation_id: z.number().int().positive().optional().describe('For the "segment" field (default: the latest).'),
    include: z.array(field).max(20).default([]).describe('Fields to show in each row, e.g. ["attr.plan"].'),
    limit: limit(20, 200),
    cursor,
  }),
  output: z.object({
    total: z.number().describe('Participants matching, across all pages.'),
    total_exact: z.boolean().describe('false: total is estimated from the participants counted so far; each page counts more.'),
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
    size_limited: z.boolean().describe('Fewer rows than limit, to stay within the output budget; continue with next_cursor.'),
  }),
  annotations: readOnly,
  run: ({ study_id, where, text, include, limit, cursor, segmentation_id }, { store }) => queryParticipants(store, { studyId: study_id, where, text, include, limit, cursor, segmentationId: segmentation_id }),
  render: (r) => {
    if (r.total === 0) return 'No participants match.';
    const lines = [`${r.total_exact ? '' : 'About '}${r.total} participant(s) match${r.next_cursor ? ` (${r.returned} in this page${r.size_limited ? ', fewer than limit to fit the output budget' : ''}; more with next_cursor)` : ''}:`];
    for (const p of r.participants.slice(0, TEXT_ROWS)) {
      const values = Object.entries(p.values).map(([k, v]) => `${k}=${clip(Array.isArray(v) ? v.join(' > ') : String(v), 60)}`);
      lines.push(clip(`- ${p.participant_id}${p.name ? ` (${p.name})` : ''} [${p.status}]${p.tags.length ? ` tags: ${p.tags.join(', ')}` : ''}${values.length ? `; ${values.join('; ')}` : ''}`, 300));
      for (const s of p.snippets.slice(0, 1)) lines.push(`    ${s.source}: ${clip(s.text.replace(/\s+/g, ' '), 160)}`);
    }
    if (r.returned > TEXT_ROWS) lines.push(`… ${r.returned - TEXT_ROWS} more rows of this page in the structured result.`);
    return lines.join('\n');
  },
});
