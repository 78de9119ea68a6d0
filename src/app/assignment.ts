/** assign_participants: scores participants against a stored segmentation (nearest centre, stored rules, or RFM). */
import { nearestCentres } from '../domain/clustering/kmeans.js';
import { pushTo } from '../domain/collections.js';
import { capList } from '../domain/format.js';
import { matrix } from '../domain/matrix.js';
import { encodeParticipants, MAX_MISSING_SHARE, missingFeatures } from '../domain/segments/encoding.js';
import type { ParticipantFacts } from '../domain/segments/facts.js';
import { scoreParticipants } from '../domain/segments/rfm.js';
import { clipJson, fitList } from '../domain/budget.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { MemberDetail } from '../store/segmentation-json.js';
import type { SegmentRow } from '../store/segmentations.js';
import { applyCrmModel, crmModelSummary, revenueAttribute, sizeAcrossBase, trainCrmModel } from './crm-model.js';

/** Output budget shares of the examples of placed and unassigned participants. */
const RESULT_CHARS = { participants: 3500, unassigned: 3000 } as const;

/** A k-means segment's centre (encoded units). */
export function centreOf(segment: SegmentRow): number[] {
  if (!segment.definition.centre) throw new Error(`segment ${segment.segment_id} has no stored centre`);
  return segment.definition.centre;
}

/** Participants listed in a result (the rest are counted). */
const LISTED = 50;

/**
 * `participantIds` (external ids) re-scores those; by default everyone not yet in the segmentation is scored.
 * method "crm_model" instead places every participant of the study (or those listed) with the CRM typing model.
 */
export async function assignParticipants(store: Store, segmentation_id: number, participant_ids?: string[], method: 'segmentation' | 'crm_model' = 'segmentation') {
  if (method === 'crm_model') return await assignByCrmModel(store, segmentation_id, participant_ids);
  const segmentation = await store.segmentations.get(segmentation_id);
  const segments = await store.segmentations.segments(segmentation_id);
  const studyId = segmentation.study_id;
  const allFacts = await store.facts.facts(studyId);
  const current = new Map<number, number[]>();
  for (const m of await store.segmentations.memberships(segmentation_id)) pushTo(current, m.id, m.segment_id);
  let targets: ParticipantFacts[];
  if (participant_ids) {
    targets = listed(allFacts, participant_ids, studyId);
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
    const fields = await store.fieldCatalog(studyId);
    const restRule = rules.find((r) => r.where.length === 0);
    const matched = [];
    for (const r of rules.filter((x) => x.where.length > 0)) matched.push({ id: r.id, ids: new Set(await store.search.matchingIds(studyId, r.where, fields)) });
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
    const recencyIsDate = (await store.facts.catalog(studyId)).attributes.find((a) => a.name === rfm.recency.replace(/^attr\./, ''))?.type === 'date';
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

  await store.transaction(async (tx) =>
    await tx.segmentations.assign(
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
    // Examples of each, as far as they fit; the counts say how many there were.
    participants: fitList(placements.slice(0, LISTED).map((p) => ({ participant_id: p.f.participant_id, segment_ids: p.segments, previous: current.get(p.f.id) ?? [], distance: p.distance })), RESULT_CHARS.participants).items,
    unassigned: fitList(unassigned.slice(0, LISTED).map((u) => ({ ...u, reason: clipJson(u.reason, 200) })), RESULT_CHARS.unassigned).items,
    unassigned_total: unassigned.length,
    crm_model: null,
  };
}

/** The participants named by external id, or a clear error naming the unknown ones. */
function listed(allFacts: ParticipantFacts[], participantIds: string[], studyId: number): ParticipantFacts[] {
  const byExternal = new Map(allFacts.map((f) => [f.participant_id, f]));
  const unknown = participantIds.filter((id) => !byExternal.has(id));
  if (unknown.length) throw new UserError(`participant_ids: not in study ${studyId}: ${capList(unknown)}.`);
  return [...new Set(participantIds)].map((id) => byExternal.get(id)!);
}

/** assign_participants method "crm_model": predicted segments with their confidence for the whole base (or those listed). */
async function assignByCrmModel(store: Store, segmentation_id: number, participant_ids?: string[]) {
  const model = await trainCrmModel(store, segmentation_id);
  const { segments, segmentation } = model.loaded;
  const allFacts = await store.facts.facts(segmentation.study_id);
  const targets = participant_ids ? listed(allFacts, participant_ids, segmentation.study_id) : allFacts;
  const placed = await applyCrmModel(store, model, targets);
  const previous = new Map((await store.segmentations.predictions(segmentation_id)).map((p) => [p.id, p.segment_id]));
  await store.transaction(async (tx) =>
    await tx.segmentations.savePredictions(segmentation_id, placed.map((p) => ({ participant: p.facts.id, segment_id: p.predicted_segment_id, confidence: p.confidence })), participant_ids === undefined),
  );
  const predicted = placed.filter((p) => !p.observed);
  // Those not in the segmentation first: they are what the model adds.
  const shown = [...predicted, ...placed.filter((p) => p.observed)].slice(0, LISTED);
  return {
    segmentation_id,
    method: 'crm_model',
    scored: placed.length,
    assigned: predicted.length,
    changed: placed.filter((p) => previous.has(p.facts.id) && previous.get(p.facts.id) !== p.predicted_segment_id).length,
    by_segment: segments.map((s) => ({ segment_id: s.segment_id, name: s.name, added: predicted.filter((p) => p.segment_id === s.segment_id).length })),
    participants: fitList(shown.map((p) => ({ participant_id: p.facts.participant_id, segment_ids: [p.segment_id], previous: [], distance: null, source: p.observed ? ('observed' as const) : ('predicted' as const), confidence: p.confidence, predicted_segment_id: p.predicted_segment_id })), RESULT_CHARS.participants).items,
    unassigned: [],
    unassigned_total: 0,
    crm_model: { ...crmModelSummary(model), base: sizeAcrossBase(placed, segments, await revenueAttribute(store, segmentation.study_id)) },
  };
}
