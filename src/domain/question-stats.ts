/**
 * A question's statistics from its answer counts, by type: scale (mean, median, sd,
 * distribution, box shares, NPS), choices (counts and shares of respondents), ranking (mean
 * rank, Borda, first choice, positions) and yes/no (share with a Wilson interval). The store
 * counts; these functions turn the few buckets into numbers.
 */
import type { QuestionType } from './questions.js';
import { boxShares, netPromoterScore, summarizeNumbers, summarizeRanking, wilsonInterval, type Bucket } from './stats.js';

/** The statistics of one question for one group of participants (or everyone). */
export interface QuestionStats {
  n: number;
  mean?: number | null;
  median?: number | null;
  sd?: number | null;
  min?: number | null;
  max?: number | null;
  distribution?: { value: number; count: number; share: number }[];
  top2_box?: number | null;
  bottom2_box?: number | null;
  nps?: { score: number; promoters: number; passives: number; detractors: number } | null;
  options?: {
    option: string;
    count?: number;
    share?: number;
    mean_rank?: number | null;
    borda_score?: number;
    first_choice_share?: number;
    ranked_by?: number;
    positions?: number[];
  }[];
  mean_selections?: number | null;
  /** multiple_choice: respondents who chose none of the options ([]), and their share of n. */
  none_count?: number;
  none_share?: number;
  yes_count?: number;
  yes_share?: number | null;
  yes_share_ci95?: { low: number; high: number } | null;
  top_terms?: { term: string; count: number }[];
  themes?: { code: string; participants: number }[];
}

export interface QuestionSummary extends QuestionStats {
  key: string;
  type: QuestionType;
  text: string;
  groups?: ({ group: string } & QuestionStats)[];
}


/** Scale answers counted by value. */
export function scaleStats(counts: Iterable<[number, number]>, scale: { min: number; max: number }): QuestionStats {
  const buckets: Bucket<number>[] = [...counts].map(([value, count]) => ({ value, count }));
  const stats = summarizeNumbers(buckets);
  const n = stats.n;
  return {
    ...stats,
    distribution: buckets.sort((a, b) => a.value - b.value).map((b) => ({ value: b.value, count: b.count, share: b.count / n })),
    ...boxShares(buckets, scale.min, scale.max),
    ...(scale.min === 0 && scale.max === 10 ? { nps: netPromoterScore(buckets) } : {}),
  };
}

/** Single-choice answers counted by option; options in order of count. */
export function singleChoiceStats(options: string[], counts: ReadonlyMap<string, number>): QuestionStats {
  const n = [...counts.values()].reduce((sum, x) => sum + x, 0);
  const rows = options.map((option) => {
    const count = counts.get(option) ?? 0;
    return { option, count, share: n ? count / n : 0 };
  });
  return { n, options: rows.sort((a, b) => b.count - a.count) };
}

/** Multiple-choice answers counted by the whole list chosen; share = share of respondents choosing an option (shares can add up to more than 1). */
export function multipleChoiceStats(options: string[], lists: Iterable<[string[], number]>): QuestionStats {
  const counts = new Map<string, number>();
  let n = 0;
  let selections = 0;
  let none = 0;
  for (const [list, count] of lists) {
    n += count;
    if (list.length === 0) none += count;
    for (const option of list) {
      counts.set(option, (counts.get(option) ?? 0) + count);
      selections += count;
    }
  }
  const rows = options.map((option) => {
    const count = counts.get(option) ?? 0;
    return { option, count, share: n ? count / n : 0 };
  });
  // Everyone who answered counts, "none of these" ([]) included.
  return { n, options: rows.sort((a, b) => b.count - a.count), mean_selections: n ? selections / n : null, none_count: none, none_share: n ? none / n : 0 };
}

/** Rankings counted by the whole ordering given. */
export function rankingStats(options: string[], lists: Iterable<[string[], number]>): QuestionStats {
  const positions = new Map<string, Map<number, number>>();
  let n = 0;
  for (const [list, count] of lists) {
    n += count;
    list.forEach((option, i) => {
      let byPosition = positions.get(option);
      if (!byPosition) positions.set(option, (byPosition = new Map()));
      byPosition.set(i + 1, (byPosition.get(i + 1) ?? 0) + count);
    });
  }
  const counts = [...positions].flatMap(([option, byPosition]) => [...byPosition].map(([position, count]) => ({ option, position, count })));
  return { n, options: summarizeRanking(options, counts, n) };
}

export function yesNoStats(yes: number, no: number): QuestionStats {
  const n = yes + no;
  return { n, yes_count: yes, yes_share: n ? yes / n : null, yes_share_ci95: wilsonInterval(yes, n) };
}
