import * as z from 'zod';
import type { Store } from '../store/index.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { personaCard } from '../domain/segments/persona.js';
import type { FeatureComparison, FeatureProfile } from '../domain/segments/profile.js';
import { defineTool, readOnly } from './define.js';
import { cursor, limit } from './params.js';
import { comparisonOut, conditionText, formatQ, loadSegmentation, resolveSegment, segmentationId, segmentLabel, segmentRef } from './segmentation-common.js';
import type { SegmentationContext } from './segmentation-common.js';

const claim = z.object({ text: z.string(), participant_ids: z.array(z.string()) });
const playbookOut = z.object({ product: z.string().optional(), marketing: z.string().optional(), sales: z.string().optional(), customer_success: z.string().optional() });

const input = z.object({
  segmentation_id: segmentationId,
  segment_id: segmentRef.optional(),
  limit: limit(20, 500),
  cursor,
});

export const getSegmentation = defineTool({
  name: 'get_segmentation',
  title: 'Get a segmentation',
  description: `Reads a stored segmentation (k-means or rules): each segment's size, share, stability, definition, profile in original units (means and shares), distinguishing features with effect sizes and q-values, representative participants and quotes, name, playbook, and a persona card built from the data (role and context from the commonest attributes and tags, goals and frustrations from over-represented themes and outcome answers, behaviours from distinguishing answers, a representative quote) where every claim cites participant ids. Members are paginated (limit, cursor).
Use this tool when you need to: describe or name segments, write personas, or list who is in a segment. Give segment_id to focus on one segment.`,
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
        persona: z.object({
          name: z.string(),
          role: claim.nullable(),
          context: z.array(claim),
          goals: z.array(claim),
          frustrations: z.array(claim),
          behaviours: z.array(claim),
          quote: z.object({ text: z.string(), participant_id: z.string() }).nullable(),
          narrative: z.string().nullable(),
        }),
      }),
    ),
    members: z.object({
      total: z.number(),
      participants: z.array(z.object({ participant_id: z.string(), name: z.string().nullable(), email: z.string().nullable(), segment_id: z.number(), distance: z.number().nullable(), assigned_by: z.enum(['fit', 'assign']) })),
      next_cursor: z.string().nullable(),
    }),
  }),
  annotations: readOnly,
  run({ segmentation_id, segment_id, limit, cursor }, { store }) {
    return segmentationView(store, { segmentation_id, segment_id, limit, cursor });

  },
  render: (r) => {
    const lines = [`Segmentation ${r.segmentation_id} (${r.method}, ${r.k} segments${r.overlapping ? ', overlapping' : ''}) of study ${r.study_id}:`];
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
    lines.push(`\nMembers: ${r.members.total}${r.members.next_cursor ? ` (showing ${r.members.participants.length}; more with next_cursor)` : ''}: ${r.members.participants.map((m) => `${m.participant_id}→${m.segment_id}`).join(', ')}`);
    for (const w of r.warnings) lines.push(`Warning: ${w}`);
    return lines.join('\n');
  },
});

/** The handler's work, shared with generate_report. */
export function segmentationView(store: Store, { segmentation_id, segment_id, limit, cursor }: z.output<typeof input>, loaded?: SegmentationContext) {
    const ctx = loaded ?? loadSegmentation(store, segmentation_id);
    const { segmentation } = ctx;
    const focus = segment_id === undefined ? null : resolveSegment(ctx.segments, segment_id);
    const stability = ((segmentation.diagnostics as { stability?: { jaccard: number; verdict: string }[] } | null)?.stability ?? null);
    const population = (segmentation.summary.participants_clustered as number | undefined) ?? ctx.facts.length;
    const memberIds = ctx.facts.map((f) => f.id);
    const evidence = store.segments.themeEvidence(segmentation.study_id, memberIds);
    const texts = store.segments.texts(segmentation.study_id, memberIds);

    const segments = ctx.segments
      .filter((s) => focus === null || s.segment_id === focus.segment_id)
      .map((s) => {
        const g = ctx.segments.indexOf(s);
        const members = ctx.groups[g]!.map((i) => ctx.facts[i]!);
        const inSegment = new Set(ctx.groups[g]);
        const rest = ctx.facts.filter((_, i) => !inSegment.has(i));
        const stored = s.profile as { profile: FeatureProfile[]; distinguishing: FeatureComparison[]; representatives: { participant_id: string; distance: number | null }[]; quotes: { participant_id: string; text: string }[]; distinctive_words: { word: string; z: number; count: number }[] };
        const definition = segmentation.method === 'kmeans' ? null : conditionText(((s.definition as { conditions?: { field: string; op: string; value?: unknown }[] }).conditions) ?? []);
        return {
          segment_id: s.segment_id,
          name: s.name,
          description: s.description,
          size: s.size,
          share: Math.round((s.size / population) * 10000) / 10000,
          stability: stability?.[g] ?? null,
          definition: segmentation.method === 'rfm' ? ((s.definition as { label?: string }).label ?? definition) : definition,
          profile: stored.profile,
          distinguishing: stored.distinguishing,
          representatives: stored.representatives,
          quotes: stored.quotes,
          distinctive_words: stored.distinctive_words,
          playbook: s.playbook,
          persona: personaCard({
            name: s.name ?? `Segment ${s.segment_id}`,
            narrative: s.persona,
            members,
            rest,
            catalog: ctx.catalog,
            distinguishing: stored.distinguishing,
            evidence,
            texts,
            quote: stored.quotes[0] ?? null,
          }),
        };
      });

    const after = cursor ? decodeCursor(cursor, 'member') : 0;
    const rows = store.segments.members(segmentation_id, { segmentId: focus?.segment_id, after: { participant: Math.floor(after / 100), segment: after % 100 }, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      segmentation_id,
      study_id: segmentation.study_id,
      method: segmentation.method,
      k: segmentation.k,
      overlapping: segmentation.overlapping,
      created_at: segmentation.created_at,
      parameters: segmentation.parameters,
      warnings: (segmentation.summary.warnings as string[] | undefined) ?? [],
      segments,
      members: {
        total: store.segments.memberCount(segmentation_id, focus?.segment_id),
        participants: page.map((m) => ({ participant_id: m.participant_id, name: m.name, email: m.email, segment_id: m.segment_id, distance: m.distance === null ? null : Math.round(m.distance * 1000) / 1000, assigned_by: m.assigned_by })),
        next_cursor: rows.length > limit && last ? encodeCursor('member', last.id * 100 + last.segment_id) : null,
      },
    };
}
