import * as z from 'zod';
import { UserError } from '../errors.js';
import { nearestCentres } from '../domain/clustering/kmeans.js';
import { encodeParticipants, MAX_MISSING_SHARE, missingFeatures } from '../domain/segments/encoding.js';
import { scoreParticipants } from '../domain/segments/rfm.js';
import { matrix } from '../domain/matrix.js';
import type { ParticipantFacts } from '../domain/segments/facts.js';
import type { Condition } from '../store/query.js';
import { defineTool } from './define.js';
import { capList, participantId } from './params.js';
import { segmentationId, segmentLabel } from './segmentation-common.js';
import { pushTo } from '../domain/collections.js';

export const assignParticipants = defineTool({
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
  run({ segmentation_id, participant_ids }, { store }) {
    const segmentation = store.segments.get(segmentation_id);
    const segments = store.segments.segments(segmentation_id);
    const studyId = segmentation.study_id;
    const allFacts = store.segments.facts(studyId);
    const current = new Map<number, number[]>();
    for (const m of store.segments.memberships(segmentation_id)) pushTo(current, m.id, m.segment_id);
    let targets: ParticipantFacts[];
    if (participant_ids) {
      const byExternal = new Map(allFacts.map((f) => [f.participant_id, f]));
      const unknown = participant_ids.filter((id) => !byExternal.has(id));
      if (unknown.length) throw new UserError(`participant_ids: not in study ${studyId}: ${capList(unknown)}.`);
      targets = [...new Set(participant_ids)].map((id) => byExternal.get(id)!);
    } else {
      targets = allFacts.filter((f) => !current.has(f.id));
    }

    const placements: { f: ParticipantFacts; segments: number[]; distance: number | null; detail: unknown }[] = [];
    const unassigned: { participant_id: string; reason: string }[] = [];
    if (segmentation.method === 'kmeans') {
      const encoding = segmentation.encoding as Parameters<typeof encodeParticipants>[0];
      const limit = encoding.features.length * MAX_MISSING_SHARE;
      const scorable = targets.filter((f) => {
        const missing = missingFeatures(encoding, f);
        if (missing.length > limit) unassigned.push({ participant_id: f.participant_id, reason: `missing ${missing.length} of ${encoding.features.length} features (${capList(missing, 4)})` });
        return missing.length <= limit;
      });
      const centres = matrix(segments.length, encoding.features.reduce((s, f) => s + f.columns.length, 0));
      segments.forEach((s, g) => centres.data.set((s.definition as { centre: number[] }).centre, g * centres.cols));
      const { assignments, distances } = nearestCentres(encodeParticipants(encoding, scorable), centres);
      scorable.forEach((f, i) => placements.push({ f, segments: [segments[assignments[i]!]!.segment_id], distance: Math.sqrt(distances[i]!), detail: null }));
    } else if (segmentation.method === 'rules') {
      const rules = segments.map((s) => ({ id: s.segment_id, where: (s.definition as { conditions: Condition[] }).conditions }));
      const context = store.query.context(studyId);
      const restRule = rules.find((r) => r.where.length === 0);
      const matched = rules.filter((r) => r.where.length > 0).map((r) => ({ id: r.id, ids: new Set(store.query.matchingIds(studyId, r.where, context)) }));
      for (const f of targets) {
        const hits = matched.filter((m) => m.ids.has(f.id)).map((m) => m.id);
        const chosen = segmentation.overlapping ? hits : hits.slice(0, 1);
        if (chosen.length === 0 && restRule) chosen.push(restRule.id);
        if (chosen.length === 0) unassigned.push({ participant_id: f.participant_id, reason: 'matches no rule' });
        else placements.push({ f, segments: chosen, distance: null, detail: null });
      }
    } else {
      const rfm = (segmentation.parameters.rfm ?? {}) as { recency: string; frequency: string; monetary: string };
      const recencyIsDate = store.segments.catalog(studyId).attributes.find((a) => a.name === rfm.recency.replace(/^attr\./, ''))?.type === 'date';
      const scores = scoreParticipants(allFacts, rfm, recencyIsDate);
      const index = new Map(allFacts.map((f, i) => [f.id, i]));
      for (const f of targets) {
        const score = scores[index.get(f.id)!];
        const segment = score ? segments.find((s) => s.name === score.segment) : undefined;
        if (!score) unassigned.push({ participant_id: f.participant_id, reason: 'missing a recency, frequency or monetary value' });
        else if (!segment) unassigned.push({ participant_id: f.participant_id, reason: `scores ${score.code} (${score.segment}), a segment this segmentation does not have; re-run segment_by_rules` });
        else placements.push({ f, segments: [segment.segment_id], distance: null, detail: { r: score.r, f: score.f, m: score.m, code: score.code } });
      }
    }

    store.transaction(() =>
      store.segments.assign(
        segmentation_id,
        placements.flatMap((p) => p.segments.map((segment_id) => ({ participant: p.f.id, segment_id, distance: p.distance, detail: p.detail }))),
      ),
    );
    const added = new Map<number, number>();
    for (const p of placements) for (const s of p.segments) added.set(s, (added.get(s) ?? 0) + 1);
    const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    return {
      segmentation_id,
      method: segmentation.method,
      scored: targets.length,
      assigned: placements.length,
      changed: placements.filter((p) => current.has(p.f.id) && !same(current.get(p.f.id)!, p.segments)).length,
      by_segment: segments.map((s) => ({ segment_id: s.segment_id, name: s.name, added: added.get(s.segment_id) ?? 0 })),
      participants: placements.slice(0, 50).map((p) => ({ participant_id: p.f.participant_id, segment_ids: p.segments, previous: current.get(p.f.id) ?? [], distance: p.distance === null ? null : Math.round(p.distance * 1000) / 1000 })),
      unassigned,
    };
  },
  render: (r) => {
    if (r.scored === 0) return `Nothing to score: every participant is already in segmentation ${r.segmentation_id}. Give participant_ids to re-score someone.`;
    const lines = [`Scored ${r.scored} participant(s) against segmentation ${r.segmentation_id} (${r.method}): ${r.assigned} assigned, ${r.changed} changed segment, ${r.unassigned.length} unassigned.`];
    lines.push(r.by_segment.filter((s) => s.added > 0).map((s) => `${segmentLabel(s)} +${s.added}`).join('; '));
    for (const p of r.participants.slice(0, 10)) lines.push(`- ${p.participant_id} → ${p.segment_ids.join(', ')}${p.previous.length && p.previous.join() !== p.segment_ids.join() ? ` (was ${p.previous.join(', ')})` : ''}`);
    for (const u of r.unassigned.slice(0, 10)) lines.push(`- ${u.participant_id}: unassigned, ${u.reason}`);
    return lines.join('\n');
  },
});
