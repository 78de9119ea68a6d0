/** assign_participants: scores participants against a stored segmentation (nearest centre, stored rules, or RFM). */
import { nearestCentres } from '../domain/clustering/kmeans.js';
import { pushTo } from '../domain/collections.js';
import { capList } from '../domain/format.js';
import { matrix } from '../domain/matrix.js';
import { encodeParticipants, MAX_MISSING_SHARE, missingFeatures } from '../domain/segments/encoding.js';
import type { ParticipantFacts } from '../domain/segments/facts.js';
import { scoreParticipants } from '../domain/segments/rfm.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { MemberDetail } from '../store/segmentation-json.js';
import type { SegmentRow } from '../store/segmentations.js';

/** A k-means segment's centre (encoded units). */
export function centreOf(segment: SegmentRow): number[] {
  if (!segment.definition.centre) throw new Error(`segment ${segment.segment_id} has no stored centre`);
  return segment.definition.centre;
}

/** `participantIds` (external ids) re-scores those; by default everyone not yet in the segmentation is scored. */
export function assignParticipants(store: Store, segmentation_id: number, participant_ids?: string[]) {
  const segmentation = store.segmentations.get(segmentation_id);
  const segments = store.segmentations.segments(segmentation_id);
  const studyId = segmentation.study_id;
  const allFacts = store.facts.facts(studyId);
  const current = new Map<number, number[]>();
  for (const m of store.segmentations.memberships(segmentation_id)) pushTo(current, m.id, m.segment_id);
  let targets: ParticipantFacts[];
  if (participant_ids) {
    const byExternal = new Map(allFacts.map((f) => [f.participant_id, f]));
    const unknown = participant_ids.filter((id) => !byExternal.has(id));
    if (unknown.length) throw new UserError(`participant_ids: not in study ${studyId}: ${capList(unknown)}.`);
    targets = [...new Set(participant_ids)].map((id) => byExternal.get(id)!);
  } else {
    targets = allFacts.filter((f) => !current.has(f.id));
  }

  const placements: { f: ParticipantFacts; segments: number[]; distance: number | null; detail: MemberDetail | null }[] = [];
  const unassigned: { participant_id: string; reason: string }[] = [];
  if (segmentation.method === 'kmeans') {
    const encoding = segmentation.encoding;
    const limit = encoding.features.length * MAX_MISSING_SHARE;
    const scorable = targets.filter((f) => {
      const missing = missingFeatures(encoding, f);
      if (missing.length > limit) unassigned.push({ participant_id: f.participant_id, reason: `missing ${missing.length} of ${encoding.features.length} features (${capList(missing, 4)})` });
      return missing.length <= limit;
    });
    const centres = matrix(segments.length, encoding.features.reduce((s, f) => s + f.columns.length, 0));
    segments.forEach((s, g) => centres.data.set(centreOf(s), g * centres.cols));
    const { assignments, distances } = nearestCentres(encodeParticipants(encoding, scorable), centres);
    scorable.forEach((f, i) => placements.push({ f, segments: [segments[assignments[i]!]!.segment_id], distance: Math.sqrt(distances[i]!), detail: null }));
  } else if (segmentation.method === 'rules') {
    const rules = segments.map((s) => ({ id: s.segment_id, where: s.definition.conditions ?? [] }));
    const fields = store.fieldCatalog(studyId);
    const restRule = rules.find((r) => r.where.length === 0);
    const matched = rules.filter((r) => r.where.length > 0).map((r) => ({ id: r.id, ids: new Set(store.search.matchingIds(studyId, r.where, fields)) }));
    for (const f of targets) {
      const hits = matched.filter((m) => m.ids.has(f.id)).map((m) => m.id);
      const chosen = segmentation.overlapping ? hits : hits.slice(0, 1);
      if (chosen.length === 0 && restRule) chosen.push(restRule.id);
      if (chosen.length === 0) unassigned.push({ participant_id: f.participant_id, reason: 'matches no rule' });
      else placements.push({ f, segments: chosen, distance: null, detail: null });
    }
  } else {
    const rfm = segmentation.parameters.rfm;
  if (!rfm) throw new Error(`RFM segmentation ${segmentation_id} has no stored rfm parameters`);
    const recencyIsDate = store.facts.catalog(studyId).attributes.find((a) => a.name === rfm.recency.replace(/^attr\./, ''))?.type === 'date';
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
    store.segmentations.assign(
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
    participants: placements.slice(0, 50).map((p) => ({ participant_id: p.f.participant_id, segment_ids: p.segments, previous: current.get(p.f.id) ?? [], distance: p.distance })),
    unassigned,
  };
  }
