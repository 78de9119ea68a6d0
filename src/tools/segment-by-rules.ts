import * as z from 'zod';
import { segmentByRules } from '../app/rule-segments.js';
import { capList } from '../domain/format.js';
import { defineTool } from './define.js';
import { condition, studyId } from './params.js';
import { otherSegmentsOut, renderSegments, segmentSummaryOut } from './segmentation-params.js';
import { takeLines } from '../domain/budget.js';

const attributeName = z.string().min(1).describe('A number attribute (recency: or a date).');

export const segmentByRulesTool = defineTool({
  name: 'segment_by_rules',
  title: 'Segment participants by rules or RFM',
  description: `Makes a segmentation from named rules in the query_participants grammar (first_match or overlapping) or the RFM preset (recency, frequency, monetary quintiles: Champions, At Risk, …).
Use this tool when you need to: define segments by known criteria instead of clustering.`,
  input: z.object({
    study_id: studyId,
    segments: z
      .array(z.object({ name: z.string().trim().min(1).max(80), where: z.array(condition).max(20).describe('Conditions that must all hold; [] = everyone not yet placed.'), description: z.string().max(2000).optional() }))
      .min(1)
      .max(50)
      .optional(),
    mode: z.enum(['first_match', 'overlapping']).default('first_match'),
    rest_name: z.string().trim().min(1).max(80).optional().describe('Name for a final segment holding everyone no rule matched.'),
    rfm: z.object({ recency: attributeName, frequency: attributeName, monetary: attributeName }).optional(),
  }),
  output: z.object({
    segmentation_id: z.number(),
    study_id: z.number(),
    method: z.enum(['rules', 'rfm']),
    k: z.number(),
    participants: z.number().describe('Participants in the study.'),
    segmented: z.number().describe('Participants placed in at least one segment.'),
    unassigned: z.object({ count: z.number(), participants: z.array(z.string()) }).describe('Matched no rule, or (RFM) missing a value (first 20 listed).'),
    segments: z.array(segmentSummaryOut),
    other_segments: otherSegmentsOut,
    warnings: z.array(z.string()),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  run: (args, { store }) => segmentByRules(store, { studyId: args.study_id, segments: args.segments, mode: args.mode, restName: args.rest_name, rfm: args.rfm }),
  render: (r) => {
    const lines = [`Segmentation ${r.segmentation_id}: ${r.method === 'rfm' ? 'RFM' : 'rules'}, ${r.k} segments; ${r.segmented} of ${r.participants} participants placed${r.unassigned.count ? `, ${r.unassigned.count} unassigned (${capList(r.unassigned.participants, 5)})` : ''}.`];
    lines.push(...renderSegments(r.segments, r.other_segments));
    for (const w of r.warnings) lines.push(`Warning: ${w}`);
    return takeLines(lines);
  },
});
