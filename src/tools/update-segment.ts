import * as z from 'zod';
import { UserError } from '../errors.js';
import { demographicName } from '../domain/segments/validation.js';
import { defineTool } from './define.js';
import { resolveSegment, segmentationId, segmentRef } from './segmentation-common.js';


export const updateSegment = defineTool({
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
  run(args, { store }) {
    store.segments.get(args.segmentation_id);
    const segments = store.segments.segments(args.segmentation_id);
    const segment = resolveSegment(segments, args.segment_id);
    const updated = (['name', 'description', 'persona', 'playbook'] as const).filter((k) => args[k] !== undefined);
    if (updated.length === 0) throw new UserError('Nothing to update: give name, description, persona or playbook.');
    const warnings: string[] = [];
    if (args.name !== undefined) {
      const clash = segments.find((s) => s !== segment && s.name?.toLowerCase() === args.name!.toLowerCase());
      if (clash) throw new UserError(`name: segment ${clash.segment_id} is already called "${clash.name}"; names must differ within a segmentation.`);
      if (demographicName(args.name)) warnings.push(`"${args.name}" reads as a demographic bucket; names that describe behaviour or motivation ("The Pragmatist", "The Risk-Averse Buyer") are easier for teams to act on.`);
    }
    const playbook = args.playbook ? { ...(segment.playbook ?? {}), ...args.playbook } : undefined;
    store.transaction(() => store.segments.updateSegment(args.segmentation_id, segment.segment_id, { name: args.name, description: args.description, persona: args.persona, playbook }));
    const after = store.segments.segments(args.segmentation_id).find((s) => s.segment_id === segment.segment_id)!;
    return { segmentation_id: args.segmentation_id, segment_id: after.segment_id, name: after.name, description: after.description, persona: after.persona, playbook: after.playbook, updated, warnings };
  },
  render: (r) =>
    [`Segment ${r.segment_id} of segmentation ${r.segmentation_id}${r.name ? ` is now "${r.name}"` : ''}; updated ${r.updated.join(', ')}.`, ...r.warnings.map((w) => `Warning: ${w}`)].join('\n'),
});
