import * as z from 'zod';
import { clip, takeLines } from '../domain/budget.js';
import { capList } from '../domain/format.js';
import { validateSegmentation } from '../app/validation.js';
import { segmentLabel } from '../domain/segments/labels.js';
import { defineTool, readOnly } from './define.js';
import { crmModelFields, segmentationId } from './segmentation-params.js';

const check = z.object({ verdict: z.enum(['pass', 'warn', 'fail']), evidence: z.string() });

const input = z.object({ segmentation_id: segmentationId });

export const validateSegmentationTool = defineTool({
  name: 'validate_segmentation',
  title: 'Validate a segmentation',
  description: `Checks a segmentation per segment and overall (pass/warn/fail with evidence): measurable (the CRM typing model), substantial, accessible, differentiable, actionable; and anti-patterns.
Use this tool when you need to: judge whether segments are usable.`,
  input,
  output: z.object({
    segmentation_id: z.number(),
    method: z.string(),
    overall: z.object({ verdict: z.enum(['pass', 'warn', 'fail']), criteria: z.record(z.string(), check) }),
    segments: z.array(z.object({ segment_id: z.number(), name: z.string().nullable(), verdict: z.enum(['pass', 'warn', 'fail']), criteria: z.object({ measurable: check, substantial: check, accessible: check, differentiable: check, actionable: check }) })),
    other_segments: z.array(z.object({ segment_id: z.number(), name: z.string().nullable(), verdict: z.enum(['pass', 'warn', 'fail']), failing: z.array(z.string()) })).describe('Segments beyond those shown in full: verdict and the criteria not passed.'),
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
      lines.push(clip(`CRM typing model (${Math.round(r.typing_tool.accuracy * 100)}% correct${r.typing_tool.cross_validated_accuracy !== null ? `, ${Math.round(r.typing_tool.cross_validated_accuracy * 100)}% cross-validated` : ''}): ${r.typing_tool.statement}`, 600));
      for (const rule of r.typing_tool.rules.slice(0, 10)) lines.push(`  → segment ${rule.segment_id} if ${rule.text} (${rule.participants}, ${Math.round(rule.purity * 100)}% pure)`);
    }
    if (r.other_segments.length) lines.push(`${r.other_segments.length} more segment(s): ${capList(r.other_segments.map((s) => `${segmentLabel(s)} ${s.verdict}`), 8)}`);
    for (const a of r.anti_patterns) if (a.verdict !== 'pass') lines.push(`${mark(a.verdict)} ${a.name}: ${a.evidence}`);
    return takeLines(lines.map((l) => clip(l, 300)));
  },
});
