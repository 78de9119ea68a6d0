import * as z from 'zod';
import { assignParticipants } from '../app/assignment.js';
import { segmentLabel } from '../domain/segments/labels.js';
import { defineTool } from './define.js';
import { participantId } from './params.js';
import { segmentationId } from './segmentation-params.js';

export const assignParticipantsTool = defineTool({
  name: 'assign_participants',
  title: 'Assign participants to stored segments',
  description: `Scores participants against a stored segmentation — continuous segment listening. k-means: each participant is encoded with the segmentation's stored encoding (same means, scales and categories) and placed at the nearest segment centre; participants missing more than half the features are left unassigned and listed. Rules: the stored rules are applied (first match or overlapping). RFM: quintiles are recomputed over the study's current participants.
By default scores every participant not yet in the segmentation (new imports); give participant_ids to re-score specific people, e.g. after re-importing their CRM data or recording their interview. Segment centres do not move; run cluster_participants again (and segment_migration) to re-fit.
Use this tool when you need to: place newly imported customers into known segments, or check whether someone's segment changed.`,
  input: z.object({
    segmentation_id: segmentationId,
    participant_ids: z.array(participantId).min(1).max(10000).optional().describe('Participants to (re-)score; default: everyone not yet assigned.'),
  }),
  output: z.object({
    segmentation_id: z.number(),
    method: z.string(),
    scored: z.number(),
    assigned: z.number(),
    changed: z.number().describe('Already members whose segment changed.'),
    by_segment: z.array(z.object({ segment_id: z.number(), name: z.string().nullable(), added: z.number() })),
    participants: z.array(z.object({ participant_id: z.string(), segment_ids: z.array(z.number()), previous: z.array(z.number()), distance: z.number().nullable() })).describe('First 50 scored.'),
    unassigned: z.array(z.object({ participant_id: z.string(), reason: z.string() })),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run: ({ segmentation_id, participant_ids }, { store }) => assignParticipants(store, segmentation_id, participant_ids),
  render: (r) => {
    if (r.scored === 0) return `Nothing to score: every participant is already in segmentation ${r.segmentation_id}. Give participant_ids to re-score someone.`;
    const lines = [`Scored ${r.scored} participant(s) against segmentation ${r.segmentation_id} (${r.method}): ${r.assigned} assigned, ${r.changed} changed segment, ${r.unassigned.length} unassigned.`];
    lines.push(r.by_segment.filter((s) => s.added > 0).map((s) => `${segmentLabel(s)} +${s.added}`).join('; '));
    for (const p of r.participants.slice(0, 10)) lines.push(`- ${p.participant_id} → ${p.segment_ids.join(', ')}${p.previous.length && p.previous.join() !== p.segment_ids.join() ? ` (was ${p.previous.join(', ')})` : ''}`);
    for (const u of r.unassigned.slice(0, 10)) lines.push(`- ${u.participant_id}: unassigned, ${u.reason}`);
    return lines.join('\n');
  },
});
