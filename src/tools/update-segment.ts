import * as z from 'zod';
import { updateSegment } from '../app/segment-naming.js';
import { defineTool } from './define.js';
import { segmentationId, segmentRef } from './segmentation-params.js';

export const updateSegmentTool = defineTool({
  name: 'update_segment',
  title: 'Name and describe a segment',
  description: `Names a segment and saves its description, persona narrative and playbook; only the fields given change. Name for behaviour or motivation, not demographics.
Use this tool when you need to: name and describe segments.`,
  input: z.object({
    segmentation_id: segmentationId,
    segment_id: segmentRef,
    name: z.string().trim().min(1).max(80).optional(),
    description: z.string().trim().max(2000).optional(),
    persona: z.string().trim().max(4000).optional().describe('Persona narrative in prose.'),
    playbook: z
      .object({
        product: z.string().trim().max(2000).optional(),
        marketing: z.string().trim().max(2000).optional(),
        sales: z.string().trim().max(2000).optional(),
        customer_success: z.string().trim().max(2000).optional(),
      })
      .strict()
      .optional()
      .describe('What each team does differently for this segment.'),
  }),
  output: z.object({
    segmentation_id: z.number(),
    segment_id: z.number(),
    name: z.string().nullable(),
    description: z.string().nullable(),
    persona: z.string().nullable(),
    playbook: z.object({ product: z.string().optional(), marketing: z.string().optional(), sales: z.string().optional(), customer_success: z.string().optional() }).nullable(),
    updated: z.array(z.string()),
    warnings: z.array(z.string()),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run: (args, { store }) => updateSegment(store, { segmentationId: args.segmentation_id, segment: args.segment_id, name: args.name, description: args.description, persona: args.persona, playbook: args.playbook }),
  render: (r) =>
    [`Segment ${r.segment_id} of segmentation ${r.segmentation_id}${r.name ? ` is now "${r.name}"` : ''}; updated ${r.updated.join(', ')}.`, ...r.warnings.map((w) => `Warning: ${w}`)].join('\n'),
});
