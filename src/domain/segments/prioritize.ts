/**
 * The segment prioritization matrix: weighted scores 1–10 per factor (market size 25%,
 * revenue potential 25%, fit with product 20%, acquisition ease 15%, strategic value 15% by
 * default). Scores come from the caller, or from data: a factor derived from a per-segment
 * quantity is scaled linearly so the smallest segment value scores 1 and the largest 10.
 */

export const FACTORS = ['market_size', 'revenue_potential', 'fit', 'acquisition_ease', 'strategic_value'] as const;
export type Factor = (typeof FACTORS)[number];
export const DEFAULT_WEIGHTS: Record<Factor, number> = { market_size: 0.25, revenue_potential: 0.25, fit: 0.2, acquisition_ease: 0.15, strategic_value: 0.15 };

export interface ScoredSegment {
  segment_id: number;
  scores: Partial<Record<Factor, number>>;
}

export interface RankedSegment extends ScoredSegment {
  total: number;
  /** Factors without a score: the total is over the others, with their weights rescaled. */
  unscored: Factor[];
  rank: number;
}

/** Scales per-segment quantities to 1–10 (all equal → 5.5 each). */
export function scaleToScores(values: number[]): number[] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return values.map((v) => (max === min ? 5.5 : 1 + (9 * (v - min)) / (max - min)));
}

/** Defaults merged with the given weights, rescaled to sum to 1; given values above 1 are read as percentages. */
export function normalizeWeights(weights: Partial<Record<Factor, number>> = {}): Record<Factor, number> {
  const given = Object.entries(weights).filter(([, w]) => w !== undefined) as [Factor, number][];
  const percent = given.some(([, w]) => w > 1);
  const merged = { ...DEFAULT_WEIGHTS, ...Object.fromEntries(given.map(([f, w]) => [f, percent ? w / 100 : w])) };
  const total = FACTORS.reduce((s, f) => s + merged[f], 0);
  if (!(total > 0)) throw new Error('weights sum to zero');
  return Object.fromEntries(FACTORS.map((f) => [f, merged[f] / total])) as Record<Factor, number>;
}

/** Ranks segments by weighted total; ties go to higher acquisition ease, then the larger market. */
export function rankSegments(segments: ScoredSegment[], weights: Record<Factor, number>): RankedSegment[] {
  const ranked = segments.map((s) => {
    const scored = FACTORS.filter((f) => s.scores[f] !== undefined);
    const weightSum = scored.reduce((sum, f) => sum + weights[f], 0);
    const total = weightSum > 0 ? scored.reduce((sum, f) => sum + weights[f] * s.scores[f]!, 0) / weightSum : 0;
    return { ...s, total, unscored: FACTORS.filter((f) => s.scores[f] === undefined), rank: 0 };
  });
  ranked.sort(
    (a, b) =>
      b.total - a.total ||
      (b.scores.acquisition_ease ?? 0) - (a.scores.acquisition_ease ?? 0) ||
      (b.scores.market_size ?? 0) - (a.scores.market_size ?? 0) ||
      a.segment_id - b.segment_id,
  );
  ranked.forEach((r, i) => (r.rank = i + 1));
  return ranked;
}
