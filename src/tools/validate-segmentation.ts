import * as z from 'zod';
import { validateSegmentation } from '../app/validation.js';
import { segmentLabel } from '../domain/segments/labels.js';
import { defineTool, readOnly } from './define.js';
import { crmModelFields, segmentationId } from './segmentation-params.js';

const check = z.object({ verdict: z.enum(['pass', 'warn', 'fail']), evidence: z.string() });

const input = z.object({ segmentation_id: segmentationId });

export const validateSegmentationTool = defineTool({
  name: 'validate_segmentation',
  title: 'Validate a segmentation',
  description: `Checks a segmentation against the five criteria researchers use, per segment and overall, each pass / warn / fail with its evidence:
measurable — a shallow decision tree over CRM attributes and answers (the "typing tool") that reproduces membership, with its rules, precision, recall and cross-validated accuracy, so a CRM can find each segment; substantial — share and head count against thresholds; accessible — members reachable by email or a contact attribute; differentiable — bootstrap stability, silhouette, and a significant difference from every other segment; actionable — a playbook exists and differs from the others'.
Also flags the anti-patterns: too many segments, segments on demographics alone, only happy customers sampled, demographic names.
Use this tool when you need to: decide whether segments are ready to hand to product, marketing, sales and customer success, or explain what to fix first.`,
  input,
  output: z.object({
    segmentation_id: z.number(),
    method: z.string(),
    overall: z.object({ verdict: z.enum(['pass', 'warn', 'fail']), criteria: z.record(z.string(), check) }),
    segments: z.array(z.object({ segment_id: z.number(), name: z.string().nullable(), verdict: z.enum(['pass', 'warn', 'fail']), criteria: z.object({ measurable: check, substantial: check, accessible: check, differentiable: check, actionable: check }) })),
    typing_tool: z
      .object({
        ...crmModelFields,
        grown_on: z.number().nullable().describe('Participants in the seeded sample the tree was grown on (above 4,000); accuracy is over everyone.'),
      })
      .nullable()
      .describe('k-means only: the CRM typing model — rules over CRM attributes and tags (query_participants grammar, usable in segment_by_rules) that find each segment, cross-validated.'),
    anti_patterns: z.array(z.object({ name: z.string(), verdict: z.enum(['pass', 'warn', 'fail']), evidence: z.string() })),
    thresholds: z.record(z.string(), z.unknown()),
  }),
  annotations: readOnly,
  run: ({ segmentation_id }, { store }) => validateSegmentation(store, segmentation_id),
  render: (r) => {
    const mark = (v: string) => (v === 'pass' ? '✓' : v === 'warn' ? '!' : '✗');
    const lines = [`Segmentation ${r.segmentation_id}: overall ${r.overall.verdict.toUpperCase()}`];
    for (const [c, v] of Object.entries(r.overall.criteria)) lines.push(`${mark(v.verdict)} ${c}: ${v.evidence}`);
    for (const s of r.segments) {
      lines.push(`${segmentLabel(s)}: ${s.verdict}`);
      for (const [c, v] of Object.entries(s.criteria)) if (v.verdict !== 'pass') lines.push(`  ${mark(v.verdict)} ${c}: ${v.evidence}`);
    }
    if (r.typing_tool) {
      lines.push(`CRM typing model (${Math.round(r.typing_tool.accuracy * 100)}% correct${r.typing_tool.cross_validated_accuracy !== null ? `, ${Math.round(r.typing_tool.cross_validated_accuracy * 100)}% cross-validated` : ''}): ${r.typing_tool.statement}`);
      for (const rule of r.typing_tool.rules) lines.push(`  → segment ${rule.segment_id} if ${rule.text} (${rule.participants}, ${Math.round(rule.purity * 100)}% pure)`);
    }
    for (const a of r.anti_patterns) if (a.verdict !== 'pass') lines.push(`${mark(a.verdict)} ${a.name}: ${a.evidence}`);
    return lines.join('\n');
  },
});
