import * as z from 'zod';
import { listOf, UserError } from '../errors.js';
import { parseField } from '../domain/fields.js';
import type { ParticipantFacts } from '../domain/segments/facts.js';
import { FACTORS, normalizeWeights, rankSegments, scaleToScores, type Factor } from '../domain/segments/prioritize.js';
import { round } from '../domain/stats.js';
import { defineTool } from './define.js';
import { loadSegmentation, resolveSegment, segmentationId, segmentLabel, segmentRef } from './segmentation-common.js';

const factorScores = Object.fromEntries(FACTORS.map((f) => [f, z.number().min(1).max(10).optional()])) as Record<Factor, z.ZodOptional<z.ZodNumber>>;
const scoreOut = z.object({ score: z.number(), source: z.string() });
/** An object keyed by factor names only; an unknown key is named with the allowed ones. */
const byFactor = <T extends z.ZodType>(value: T) =>
  z.strictObject(Object.fromEntries(FACTORS.map((f) => [f, value.optional()])) as Record<Factor, z.ZodOptional<T>>, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown factor ${issue.keys.map((k) => `"${k}"`).join(', ')}; factors: ${FACTORS.join(', ')}` : undefined),
  });

export const prioritizeSegments = defineTool({
  name: 'prioritize_segments',
  title: 'Prioritize segments',
  description: `Ranks segments with the weighted scoring matrix: market size 25%, revenue potential 25%, fit with product 20%, acquisition ease 15%, strategic value 15% by default (weights adjustable, rescaled to sum to 1). Each factor is scored 1–10 per segment, either given by you (scores) or derived from data (derive): market size from the segment's share (the default), revenue potential from the segment's total of a number attribute such as MRR (willingness to pay × volume), other factors from the segment mean of an attribute or scale answer; prefix a field with "-" when lower is better (e.g. "-attr.evaluation_days" for acquisition ease). Derived values are scaled so the lowest segment scores 1 and the highest 10.
Returns the ranked table, the beachhead candidate (the top segment: ties go to easier acquisition), and which factors still lack scores. The matrix is saved with the segmentation for reports.
Use this tool when you need to: decide which segment to serve first, or show the trade-offs between segments.`,
  input: z.object({
    segmentation_id: segmentationId,
    weights: byFactor(z.number().min(0).max(100)).optional().describe('Relative weights (fractions or percentages); missing factors keep their default.'),
    scores: z.array(z.strictObject({ segment: segmentRef, ...factorScores }, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}; give segment and any of ${FACTORS.join(', ')}` : undefined) })).max(50).optional().describe('Scores 1–10 you assign, per segment.'),
    derive: byFactor(z.string().min(1))
      .optional()
      .describe('Fields to derive factors from, e.g. {revenue_potential: "attr.mrr", fit: "answer.core_value_importance", acquisition_ease: "-attr.evaluation_days"}; market_size accepts "share" (default).'),
  }),
  output: z.object({
    segmentation_id: z.number(),
    weights: z.record(z.string(), z.number()),
    ranking: z.array(
      z.object({
        rank: z.number(),
        segment_id: z.number(),
        name: z.string().nullable(),
        size: z.number(),
        scores: z.record(z.string(), scoreOut),
        total: z.number(),
        unscored: z.array(z.string()),
      }),
    ),
    beachhead: z.object({ segment_id: z.number(), name: z.string().nullable(), reason: z.string() }),
    missing: z.array(z.string()).describe('Factors no segment has a score for.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run(args, { store }) {
    const ctx = loadSegmentation(store, args.segmentation_id);
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
        if (!given.has(`${s.segment_id}:${f}`)) scores.get(s.segment_id)![f] = { score: scaled[g]!, source: `${source}: ${round(Math.abs(values[g]!), 2)}` };
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
    const result = { segmentation_id: args.segmentation_id, weights: Object.fromEntries(FACTORS.map((f) => [f, round(weights[f], 4)])), ranking, beachhead: { segment_id: top.segment_id, name: top.name, reason }, missing };
    store.transaction(() => store.segments.savePrioritization(args.segmentation_id, result));
    return result;
  },
  render: (r) => {
    const lines = [`Prioritization of segmentation ${r.segmentation_id} (weights ${FACTORS.map((f) => `${f} ${Math.round(r.weights[f]! * 100)}%`).join(', ')}):`];
    lines.push(`rank | segment | ${FACTORS.join(' | ')} | total`);
    for (const row of r.ranking) lines.push(`${row.rank} | ${segmentLabel(row)} | ${FACTORS.map((f) => row.scores[f]?.score ?? '–').join(' | ')} | ${row.total}`);
    lines.push(`Beachhead: ${segmentLabel(r.beachhead)} — ${r.beachhead.reason}`);
    return lines.join('\n');
  },
});

/** Reads a number per participant from attr.<number> or answer.<scale>. */
function numericReader(field: string, attributes: Map<string, string>, questions: { key: string; type: string }[], where: string): (f: ParticipantFacts) => number | null {
  const ref = parseField(field);
  if (ref.kind === 'attr') {
    const type = attributes.get(ref.name);
    if (type !== 'number') throw new UserError(`${where}: "${field}" must be a number attribute${type ? ` (it is ${type})` : `; attributes: ${listOf([...attributes.keys()])}`}.`);
    return (f) => (typeof f.attributes[ref.name] === 'number' ? (f.attributes[ref.name] as number) : null);
  }
  if (ref.kind === 'answer' && ref.option === null) {
    const q = questions.find((x) => x.key === ref.key);
    if (!q || (q.type !== 'scale' && q.type !== 'yes_no')) throw new UserError(`${where}: "${field}" must be a scale or yes/no question; keys: ${listOf(questions.filter((x) => x.type === 'scale' || x.type === 'yes_no').map((x) => x.key))}.`);
    return (f) => (typeof f.answers.get(ref.key) === 'number' ? (f.answers.get(ref.key) as number) : null);
  }
  throw new UserError(`${where}: "${field}" must be attr.<number attribute> or answer.<scale question>.`);
}

