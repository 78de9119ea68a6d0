/**
 * The CRM typing model of a segmentation: a CART tree over CRM attributes and tags only (never
 * answers), trained on the segmentation's members and cross-validated, that places every
 * participant of the study — interviewed or not — in a segment with a confidence. Used by
 * assign_participants (method "crm_model"), validate_segmentation (measurable) and the report
 * (typing rules, sizes across the whole base).
 */
import { percent } from '../domain/format.js';
import type { ParticipantFacts } from '../domain/segments/facts.js';
import { describeConditions, segmentName } from '../domain/segments/labels.js';
import { CV_FOLDS, MIN_LIFT, predictWithConfidence, typingTool, type TypingTool } from '../domain/segments/typing-tool.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { SegmentRow } from '../store/segmentations.js';
import { loadSegmentation, type LoadedSegmentation } from './segmentations.js';

/** Tree depth: three questions a CRM user can still read as a rule. */
const DEPTH = 3;
/** Rules listed in a result (a depth-3 tree has at most 8 leaves). */
const MAX_RULES = 8;
/** Above this many segments the confusion matrix is left out of results (it grows with k²). */
const MAX_CONFUSION_SEGMENTS = 12;
/** Attribute names that read as revenue, for sizing segments by revenue when none is named. */
const REVENUE_NAME = /revenue|mrr|arr|acv|ltv|amount|spend|value/i;

export const CRM_MODEL_METHOD = `CART decision tree (Gini impurity, depth ${DEPTH}) over CRM attributes and tags only, trained on the segmentation's members; accuracy by seeded ${CV_FOLDS}-fold cross-validation`;

export interface CrmModel {
  typing: TypingTool;
  loaded: LoadedSegmentation;
  /** Whether the CRM can tell the segments apart, in words. */
  statement: string;
}

/** Whether a segmentation can have a CRM typing model: one segment per participant, and CRM data to split on. */
export function crmModelApplies(loaded: LoadedSegmentation): boolean {
  return !loaded.segmentation.overlapping && loaded.segments.length >= 2 && (loaded.catalog.attributes.length > 0 || loaded.facts.some((f) => f.tagCount > 0));
}

/** Trains the model on the members of a (non-overlapping) segmentation. */
export async function trainCrmModel(store: Store, segmentationId: number, known?: LoadedSegmentation): Promise<CrmModel> {
  const loaded = known ?? (await loadSegmentation(store, segmentationId));
  const { segmentation, segments, facts, groups, catalog } = loaded;
  if (segmentation.overlapping) throw new UserError('The CRM typing model places each participant in one segment; this segmentation lets segments overlap. Use a first-match segmentation.');
  if (segments.length < 2) throw new UserError('The CRM typing model needs at least 2 segments.');
  if (catalog.attributes.length === 0 && facts.every((f) => f.tagCount === 0)) {
    throw new UserError('The study has no CRM attributes or tags to build a CRM typing model from; import them with import_participants.');
  }
  const labels = new Array<number>(facts.length).fill(-1);
  groups.forEach((rows, g) => rows.forEach((i) => (labels[i] = g)));
  const typing = typingTool(facts, labels, segments.length, catalog, { maxDepth: DEPTH, seed: segmentation.parameters.seed ?? 0, crm: true });
  return { typing, loaded, statement: crmStatement(typing) };
}

/** In words: whether the CRM can tell the segments apart. */
export function crmStatement(typing: TypingTool): string {
  const cv = typing.cross_validated_accuracy;
  const base = `always guessing the largest segment is right ${percent(typing.majority_share)} of the time`;
  if (cv === null) return `Too few members (< 20) to cross-validate the CRM typing model: treat its predictions as untested (training accuracy ${percent(typing.accuracy)}; ${base}).`;
  if (typing.verdict === 'cannot_tell') {
    return `The CRM cannot tell these segments apart: the model is right ${percent(cv)} of the time in cross-validation and ${base}. Predicted segments are no better than a guess; find the attribute that separates them (or interview more of the base).`;
  }
  if (typing.verdict === 'weak') return `The CRM tells these segments apart only weakly: ${percent(cv)} right in cross-validation, where ${base} (less than ${percent(2 * MIN_LIFT)} better). Read predicted segments as leanings.`;
  return `The CRM tells these segments apart: ${percent(cv)} right in cross-validation, where ${base}.`;
}

/** The model as results show it: rules, accuracy overall and per segment, confusion matrix (bounded). */
export function crmModelSummary(model: CrmModel) {
  const { typing, loaded } = model;
  const segments = loaded.segments;
  return {
    method: CRM_MODEL_METHOD,
    trained_on: loaded.facts.length,
    accuracy: typing.accuracy,
    cross_validated_accuracy: typing.cross_validated_accuracy,
    majority_share: typing.majority_share,
    verdict: typing.verdict,
    statement: model.statement,
    per_segment: typing.per_segment.map((p) => ({ segment_id: segments[p.label]!.segment_id, name: segments[p.label]!.name, members: loaded.groups[p.label]!.length, precision: p.precision, recall: p.recall, cross_validated_accuracy: p.cross_validated_recall })),
    confusion:
      typing.confusion && segments.length <= MAX_CONFUSION_SEGMENTS
        ? { segment_ids: segments.map((s) => s.segment_id), counts: typing.confusion, note: 'counts[actual][predicted] over the held-out folds' }
        : null,
    rules: crmRules(typing, segments).slice(0, MAX_RULES),
  };
}

export function crmRules(typing: TypingTool, segments: SegmentRow[]) {
  return typing.rules.filter((r) => r.label >= 0).map((r) => ({ segment_id: segments[r.label]!.segment_id, name: segments[r.label]!.name, conditions: r.conditions, text: describeConditions(r.conditions), participants: r.n, purity: r.purity }));
}

export interface BasePrediction {
  facts: ParticipantFacts;
  /** Observed segment (members) or predicted one. */
  segment_id: number;
  observed: boolean;
  /** 1 for members; the leaf's purity for predictions. */
  confidence: number;
  predicted_segment_id: number;
}

/** Every participant of the study (or `only`): members keep their observed segment; the others get the predicted one. */
export async function applyCrmModel(store: Store, model: CrmModel, only?: ParticipantFacts[]): Promise<BasePrediction[]> {
  return [...(await crmPlacements(store, model, only))];
}

/** The same, made one at a time as they are read: nothing is kept per participant (sizing a base of a million). */
export async function crmPlacements(store: Store, model: CrmModel, only?: ParticipantFacts[]): Promise<Iterable<BasePrediction>> {
  const { loaded, typing } = model;
  const { table } = loaded;
  // Each member's observed segment by row of the members' table.
  const observed = new Float64Array(table.size).fill(NaN);
  loaded.groups.forEach((rows, g) => rows.forEach((i) => (observed[loaded.facts[i]!.row] = loaded.segments[g]!.segment_id)));
  const studyId = loaded.segmentation.study_id;
  // Members are often the whole study (a segmentation of the CRM base): their facts serve as everyone's.
  const everyone = only ?? (loaded.facts.length === (await store.facts.participantCount(studyId)) ? loaded.facts : await store.facts.facts(studyId));
  return (function* () {
    for (const f of everyone) {
      const p = predictWithConfidence(typing.tree, f);
      const predicted = loaded.segments[p.label]!.segment_id;
      const row = f.table === table ? f.row : table.rowOf(f.id);
      const own = row >= 0 ? observed[row]! : NaN;
      yield Number.isNaN(own)
        ? { facts: f, segment_id: predicted, observed: false, confidence: p.confidence, predicted_segment_id: predicted }
        : { facts: f, segment_id: own, observed: true, confidence: 1, predicted_segment_id: predicted };
    }
  })();
}

/** The revenue attribute segments are sized by: the one named, else the first number attribute named like revenue. */
export async function revenueAttribute(store: Store, studyId: number, named?: string): Promise<string | null> {
  const numbers = (await store.studies.attributes(studyId)).filter((a) => a.type === 'number');
  if (named !== undefined) {
    const name = named.replace(/^attr\./, '');
    if (!numbers.some((a) => a.name === name)) throw new UserError(`revenue_attribute: "${named}" is not a number attribute of the study; number attributes: ${numbers.map((a) => a.name).join(', ') || 'none'}.`);
    return name;
  }
  return numbers.find((a) => REVENUE_NAME.test(a.name))?.name ?? null;
}

/** Each segment's size across the whole base (observed members + predicted others), with its share of revenue, counted in one pass. */
export function sizeAcrossBase(placed: Iterable<BasePrediction>, segments: SegmentRow[], revenue: string | null) {
  const money = (f: ParticipantFacts) => (revenue !== null && typeof f.attribute(revenue) === 'number' ? (f.attribute(revenue) as number) : 0);
  const slot = new Map(segments.map((s, i) => [s.segment_id, i]));
  const count = segments.map(() => 0);
  const observed = segments.map(() => 0);
  const revenueSum = segments.map(() => 0);
  let total = 0;
  let totalRevenue = 0;
  // Sums in the order placed, as a sum over each segment's list would add them.
  for (const p of placed) {
    const m = money(p.facts);
    total++;
    totalRevenue += m;
    const i = slot.get(p.segment_id);
    if (i === undefined) continue;
    count[i]!++;
    if (p.observed) observed[i]!++;
    revenueSum[i]! += m;
  }
  return {
    participants: total,
    revenue_attribute: revenue,
    segments: segments.map((s, i) => ({
      segment_id: s.segment_id,
      name: segmentName(s),
      observed: observed[i]!,
      predicted: count[i]! - observed[i]!,
      count: count[i]!,
      share: total ? count[i]! / total : 0,
      revenue: revenue === null ? null : revenueSum[i]!,
      revenue_share: revenue === null || totalRevenue === 0 ? null : revenueSum[i]! / totalRevenue,
    })),
  };
}
