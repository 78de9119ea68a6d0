import * as z from 'zod';
import { segmentationView } from '../app/segmentation-view.js';
import { segmentLabel } from '../domain/segments/labels.js';
import { defineTool, readOnly } from './define.js';
import { cursor, limit } from './params.js';
import { comparisonOut, formatQ, otherSegmentsOut, segmentationId, segmentRef } from './segmentation-params.js';
import { clip, takeLines } from '../domain/budget.js';
import { capList } from '../domain/format.js';
import { segmentCard } from '../store/segmentation-json.js';

const playbookOut = z.object({ product: z.string().optional(), marketing: z.string().optional(), sales: z.string().optional(), customer_success: z.string().optional() });

const input = z.object({
  segmentation_id: segmentationId,
  segment_id: segmentRef.optional(),
  limit: limit(20, 500),
  cursor,
});

export const getSegmentationTool = defineTool({
  name: 'get_segmentation',
  title: 'Get a segmentation',
  description: `A segmentation's segments (size, stability, rule, profile, distinguishing features, quotes, playbook, a persona card citing participant ids) and a page of members; segment_id shows one in full.
Use this tool when you need to: read or present segments.`,
  input,
  output: z.object({
    segmentation_id: z.number(),
    study_id: z.number(),
    method: z.enum(['kmeans', 'rules', 'rfm']),
    k: z.number(),
    overlapping: z.boolean(),
    created_at: z.string(),
    parameters: z.record(z.string(), z.unknown()),
    warnings: z.array(z.string()),
    cards_current: z.boolean().describe('false: the persona cards were built before the latest data changes and are being rebuilt (sizes and shares are current).'),
    cards_data_version: z.number().describe("The study's data version the persona cards were built at."),
    segments: z.array(
      z.object({
        segment_id: z.number(),
        name: z.string().nullable(),
        description: z.string().nullable(),
        size: z.number(),
        share: z.number(),
        stability: z.object({ jaccard: z.number(), verdict: z.string() }).nullable(),
        definition: z.string().nullable(),
        profile: z.array(z.object({ field: z.string(), label: z.string(), measure: z.string(), n: z.number(), values: z.array(z.object({ option: z.string().nullable(), value: z.number() })) })),
        distinguishing: z.array(comparisonOut),
        representatives: z.array(z.object({ participant_id: z.string(), distance: z.number().nullable() })),
        quotes: z.array(z.object({ participant_id: z.string(), text: z.string() })),
        distinctive_words: z.array(z.object({ word: z.string(), z: z.number(), count: z.number() })),
        playbook: playbookOut.nullable(),
        persona: z.object({ name: z.string(), ...segmentCard.shape, narrative: z.string().nullable() }),
        shortened: z.array(z.string()).describe('Parts cut to fit the output budget (segment_id shows one segment with more room).'),
      }),
    ),
    other_segments: otherSegmentsOut,
    members: z.object({
      total: z.number(),
      participants: z.array(z.object({ participant_id: z.string(), name: z.string().nullable(), email: z.string().nullable(), segment_id: z.number(), distance: z.number().nullable(), assigned_by: z.enum(['fit', 'assign']) })),
      next_cursor: z.string().nullable(),
      size_limited: z.boolean().describe('Fewer rows than limit, to stay within the output budget; continue with next_cursor.'),
    }),
  }),
  annotations: readOnly,
  run: ({ segmentation_id, segment_id, limit, cursor }, { store }) => segmentationView(store, { segmentationId: segmentation_id, segment: segment_id, limit, cursor }),
  render: (r) => {
    const lines = [`Segmentation ${r.segmentation_id} (${r.method}, ${r.k} segments${r.overlapping ? ', overlapping' : ''}) of study ${r.study_id}:`];
    if (!r.cards_current) lines.push('The persona cards are from before the latest data changes and are being refreshed (sizes and shares are current); call again later for refreshed cards.');
    for (const s of r.segments) {
      lines.push(`\n${segmentLabel(s)} — ${s.size} (${Math.round(s.share * 100)}%)${s.stability ? `, ${s.stability.verdict}` : ''}${s.definition ? `; rule: ${s.definition}` : ''}`);
      if (s.description) lines.push(`  ${s.description}`);
      for (const d of s.distinguishing.slice(0, 4)) lines.push(`  • ${d.description} (${formatQ(d.q)})`);
      const p = s.persona;
      if (p.role) lines.push(`  Role: ${p.role.text}`);
      if (p.context.length) lines.push(`  Context: ${p.context.map((c) => c.text).join('; ')}`);
      if (p.goals.length) lines.push(`  Goals: ${p.goals.map((c) => c.text).join(' | ')}`);
      if (p.frustrations.length) lines.push(`  Frustrations: ${p.frustrations.map((c) => c.text).join(' | ')}`);
      if (p.quote) lines.push(`  Quote: "${p.quote.text}" (${p.quote.participant_id})`);
      if (s.playbook) lines.push(`  Playbook: ${Object.entries(s.playbook).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
    }
    if (r.other_segments.length) lines.push(`\n${r.other_segments.length} more segment(s) (segment_id shows each): ${capList(r.other_segments.map((o) => `${o.segment_id}${o.name ? ` "${o.name}"` : ''} ${o.size}`), 8)}`);
    lines.push(`\nMembers: ${r.members.total}${r.members.next_cursor ? ` (${r.members.participants.length} in this page; more with next_cursor)` : ''}: ${capList(r.members.participants.map((m) => `${m.participant_id}→${m.segment_id}`), 10)}`);
    for (const w of r.warnings) lines.push(`Warning: ${w}`);
    return takeLines(lines.map((l) => clip(l, 400)));
  },
});
