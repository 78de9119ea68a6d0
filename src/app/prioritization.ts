/** prioritize_segments: the weighted scoring matrix from given or data-derived scores, and the beachhead. */
import { clipJson, fitList } from '../domain/budget.js';
import { parseField } from '../domain/fields.js';
import type { ParticipantFacts } from '../domain/segments/facts.js';
import { segmentLabel } from '../domain/segments/labels.js';
import { FACTORS, normalizeWeights, rankSegments, scaleToScores, type Factor } from '../domain/segments/prioritize.js';
import { decimal } from '../domain/format.js';
import { listOf, UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import { loadSegmentation, resolveSegment } from './segmentations.js';

/** Output budget share of the ranking (the best-ranked segments first). */
const RANKING_CHARS = 10_000;

export interface PrioritizationRequest {
  segmentationId: number;
  /** Relative weights (fractions or percentages); missing factors keep their default. */
  weights?: Partial<Record<Factor, number>> | undefined;
  /** Scores 1–10 given per segment. */
  scores?: ({ segment: number | string } & Partial<Record<Factor, number>>)[] | undefined;
  /** Fields factors are derived from; market_size accepts "share" (the default). */
  derive?: Partial<Record<Factor, string>> | undefined;
}

export async function prioritizeSegments(store: Store, args: PrioritizationRequest) {
  const ctx = await loadSegmentation(store, args.segmentationId);
  const weights = normalizeWeights(args.weights ?? {});
  const scores = new Map<number, Partial<Record<Factor, { score: number; source: string }>>>(ctx.segments.map((s) => [s.segment_id, {}]));
  const derive: Partial<Record<Factor, string>> = { market_size: 'share', ...(args.derive ?? {}) };
  const given = new Set<string>();
  for (const entry of args.scores ?? []) {
    const segment = resolveSegment(ctx.segments, entry.segment, 'scores.segment');
    for (const f of FACTORS) {
      if (entry[f] !== undefined) {
        scores.get(segment.segment_id)![f] = { score: entry[f]!, source: 'given' };
        given.add(`${segment.segment_id}:${f}`);
      }
    }
  }
  const members = ctx.groups.map((rows) => rows.map((i) => ctx.facts[i]!));
  const attributeTypes = new Map(ctx.catalog.attributes.map((a) => [a.name, a.type]));
  for (const f of FACTORS) {
    const spec = derive[f];
    if (!spec) continue;
    let values: number[];
    let source: string;
    if (spec === 'share') {
      if (f !== 'market_size') throw new UserError(`derive.${f}: "share" applies to market_size only; name a field such as attr.mrr.`);
      values = members.map((m) => m.length);
      source = 'share of participants';
    } else {
      const reversed = spec.startsWith('-');
      const field = reversed ? spec.slice(1) : spec;
      const value = numericReader(field, attributeTypes, ctx.catalog.questions, `derive.${f}`);
      const total = f === 'revenue_potential';
      values = members.map((m) => {
        const xs = m.map(value).filter((x): x is number => x !== null);
        const v = xs.length === 0 ? 0 : total ? xs.reduce((s, x) => s + x, 0) : xs.reduce((s, x) => s + x, 0) / xs.length;
        return reversed ? -v : v;
      });
      source = `${total ? 'total' : 'mean'} of ${field}${reversed ? ' (lower is better)' : ''}`;
    }
    const scaled = scaleToScores(values);
    ctx.segments.forEach((s, g) => {
      if (!given.has(`${s.segment_id}:${f}`)) scores.get(s.segment_id)![f] = { score: scaled[g]!, source: `${source}: ${decimal(Math.abs(values[g]!))}` };
    });
  }
  const ranked = rankSegments(
    ctx.segments.map((s) => ({ segment_id: s.segment_id, scores: Object.fromEntries(Object.entries(scores.get(s.segment_id)!).map(([k, v]) => [k, v.score])) })),
    weights,
  );
  const bySegment = new Map(ctx.segments.map((s) => [s.segment_id, s]));
  const ranking = ranked.map((r) => ({
    rank: r.rank,
    segment_id: r.segment_id,
    name: bySegment.get(r.segment_id)!.name,
    size: bySegment.get(r.segment_id)!.size,
    scores: scores.get(r.segment_id)! as Record<string, { score: number; source: string }>,
    total: r.total,
    unscored: r.unscored,
  }));
  const top = ranking[0]!;
  const second = ranking[1];
  const missing = FACTORS.filter((f) => ranking.every((r) => r.unscored.includes(f)));
  const reason = `Highest weighted score (${top.total}${second ? ` vs ${second.total} for ${segmentLabel(second)}` : ''})${missing.length ? `; scored without ${missing.join(', ')}, so give scores for ${missing.length > 1 ? 'them' : 'it'} before committing` : ''}.`;
  const result = { segmentation_id: args.segmentationId, weights: Object.fromEntries(FACTORS.map((f) => [f, weights[f]])), ranking, beachhead: { segment_id: top.segment_id, name: top.name, reason }, missing };
  await store.transaction(async (tx) => await tx.segmentations.savePrioritization(args.segmentationId, result));
  // The whole matrix is stored (the report shows it); the result ranks as many as fit, best first.
  const shown = ranking.map((r) => ({ ...r, scores: Object.fromEntries(Object.entries(r.scores).map(([f, v]) => [f, { ...v, source: clipJson(v.source, 160) }])) }));
  return { ...result, ranking: fitList(shown, RANKING_CHARS, 1).items, ranking_total: ranking.length, beachhead: { ...result.beachhead, reason: clipJson(result.beachhead.reason, 600) } };
  }

/** Reads a number per participant from attr.<number> or answer.<scale>. */
function numericReader(field: string, attributes: Map<string, string>, questions: { key: string; type: string }[], where: string): (f: ParticipantFacts) => number | null {
  const ref = parseField(field);
  if (ref.kind === 'attr') {
    const type = attributes.get(ref.name);
    if (type !== 'number') throw new UserError(`${where}: "${field}" must be a number attribute${type ? ` (it is ${type})` : `; attributes: ${listOf([...attributes.keys()])}`}.`);
    return (f) => (typeof f.attribute(ref.name) === 'number' ? (f.attribute(ref.name) as number) : null);
  }
  if (ref.kind === 'answer' && ref.option === null) {
    const q = questions.find((x) => x.key === ref.key);
    if (!q || (q.type !== 'scale' && q.type !== 'yes_no')) throw new UserError(`${where}: "${field}" must be a scale or yes/no question; keys: ${listOf(questions.filter((x) => x.type === 'scale' || x.type === 'yes_no').map((x) => x.key))}.`);
    return (f) => (typeof f.answer(ref.key) === 'number' ? (f.answer(ref.key) as number) : null);
  }
  throw new UserError(`${where}: "${field}" must be attr.<number attribute> or answer.<scale question>.`);
}

