import * as z from 'zod';
import { updateSegment } from '../app/segment-naming.js';
import { defineTool } from './define.js';
import { segmentationId, segmentRef } from './segmentation-params.js';

export const updateSegmentTool = defineTool({
  name: 'update_segment',
  title: 'Name and describe a segment',
  description: `Names a segment and records its description, persona narrative and playbook (product, marketing, sales, customer success). Names should describe behaviour or motivation ("The Pragmatist", "The Risk-Averse Buyer"), not demographics ("Enterprise 35–50"); a demographic-sounding name is saved with a warning. Only the fields given change; a playbook merges into the existing one.
Use this tool when you need to: name segments after reading get_segmentation, or write what each team should do differently for a segment (validate_segmentation checks that playbooks exist and differ).`,
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
