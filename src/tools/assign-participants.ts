import * as z from 'zod';
import { capList } from '../domain/format.js';
import { assignParticipants } from '../app/assignment.js';
import { segmentLabel } from '../domain/segments/labels.js';
import { defineTool } from './define.js';
import { participantId } from './params.js';
import { crmModelOut, segmentationId } from './segmentation-params.js';
import { percent } from '../domain/format.js';

export const assignParticipantsTool = defineTool({
  name: 'assign_participants',
  title: 'Assign participants to stored segments',
  description: `Places participants into a stored segmentation without re-fitting it; default: everyone not yet in it. method "crm_model" predicts a segment and confidence for everyone from CRM attributes and tags and sizes segments across the base.
Use this tool when you need to: place new customers, or size segments across the customer base.`,
  input: z.object({
    segmentation_id: segmentationId,
    participant_ids: z.array(participantId).min(1).max(10000).optional().describe('Participants to (re-)score; default: everyone not yet assigned (crm_model: everyone).'),
    method: z.enum(['segmentation', 'crm_model']).default('segmentation').describe("segmentation: its own way (centre, rules, RFM); crm_model: the CRM typing model, for everyone."),
  }),
  output: z.object({
    segmentation_id: z.number(),
    method: z.string(),
    scored: z.number(),
    assigned: z.number(),
    changed: z.number().describe('Already members whose segment changed.'),
    by_segment: z.array(z.object({ segment_id: z.number(), name: z.string().nullable(), added: z.number() })),
    participants: z
      .array(
        z.object({
          participant_id: z.string(),
          segment_ids: z.array(z.number()),
          previous: z.array(z.number()),
          distance: z.number().nullable(),
          source: z.enum(['observed', 'predicted']).optional().describe('crm_model: a member (observed) or predicted.'),
          confidence: z.number().optional().describe('crm_model: 1 for members; for predictions the share of the leaf\'s members in the predicted segment.'),
          predicted_segment_id: z.number().optional().describe('crm_model: what the model predicts (for members, to compare with their segment).'),
        }),
      )
      .describe('The first scored, as examples (crm_model: predicted ones first).'),
    unassigned: z.array(z.object({ participant_id: z.string(), reason: z.string() })).describe('The first left out, as examples; unassigned_total counts them all.'),
    unassigned_total: z.number(),
    crm_model: crmModelOut.nullable().describe('method crm_model: the model, its accuracy and the segments sized across the base.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run: ({ segmentation_id, participant_ids, method }, { store }) => assignParticipants(store, segmentation_id, participant_ids, method),
  render: (r) => {
    if (r.crm_model) {
      const m = r.crm_model;
      const lines = [`CRM typing model for segmentation ${r.segmentation_id}: ${r.scored} participant(s) placed, ${r.assigned} predicted (not members), trained on ${m.trained_on} members.`, m.statement];
      for (const s of m.base.segments) lines.push(`- ${s.name}: ${s.count} (${percent(s.share)}; ${s.observed} observed, ${s.predicted} predicted)${s.revenue_share !== null ? `, ${percent(s.revenue_share)} of ${m.base.revenue_attribute}` : ''}`);
      for (const rule of m.rules.slice(0, 6)) lines.push(`  → ${rule.name ?? `segment ${rule.segment_id}`} if ${rule.text} (${rule.participants}, ${percent(rule.purity)} pure)`);
      return lines.join('\n');
    }
    if (r.scored === 0) return `Nothing to score: every participant is already in segmentation ${r.segmentation_id}. Give participant_ids to re-score someone.`;
    const lines = [`Scored ${r.scored} participant(s) against segmentation ${r.segmentation_id} (${r.method}): ${r.assigned} assigned, ${r.changed} changed segment, ${r.unassigned_total} unassigned.`];
    lines.push(capList(r.by_segment.filter((s) => s.added > 0).map((s) => `${segmentLabel(s)} +${s.added}`), 12));
    for (const p of r.participants.slice(0, 10)) lines.push(`- ${p.participant_id} → ${p.segment_ids.join(', ')}${p.previous.length && p.previous.join() !== p.segment_ids.join() ? ` (was ${p.previous.join(', ')})` : ''}`);
    for (const u of r.unassigned.slice(0, 10)) lines.push(`- ${u.participant_id}: unassigned, ${u.reason}`);
    if (r.unassigned_total > 10) lines.push(`- … ${r.unassigned_total - 10} more unassigned`);
    return lines.join('\n');
  },
});
