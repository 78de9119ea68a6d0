/**
 * Descriptive statistics over aggregated counts (SQL counts, JS does the arithmetic on a few
 * buckets). Pure; each function cites the definition it follows.
 */
import { decimal } from './format.js';

export interface Bucket<T> {
  value: T;
  count: number;
}

export interface NumericSummary {
  n: number;
  mean: number | null;
  median: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
}

/**
 * Mean, median (average of the two middle values for even n, as numpy.median) and the
 * sample standard deviation (n − 1 denominator, as numpy.std(ddof=1) and R's sd()).
 */
export function summarizeNumbers(buckets: Bucket<number>[]): NumericSummary {
  const sorted = buckets.filter((b) => b.count > 0).sort((a, b) => a.value - b.value);
  const n = sorted.reduce((s, b) => s + b.count, 0);
  if (n === 0) return { n: 0, mean: null, median: null, sd: null, min: null, max: null };
  const mean = sorted.reduce((s, b) => s + b.value * b.count, 0) / n;
  const ss = sorted.reduce((s, b) => s + b.count * (b.value - mean) ** 2, 0);
  const nth = (k: number): number => {
    // k is 0-based in the sorted expansion of the buckets.
    let seen = 0;
    for (const b of sorted) {
      seen += b.count;
      if (k < seen) return b.value;
    }
    return sorted[sorted.length - 1]!.value;
  };
  const median = n % 2 === 1 ? nth((n - 1) / 2) : (nth(n / 2 - 1) + nth(n / 2)) / 2;
  return {
    n,
    mean,
    median,
    sd: n > 1 ? Math.sqrt(ss / (n - 1)) : null,
    min: sorted[0]!.value,
    max: sorted[sorted.length - 1]!.value,
  };
}

/** Share of answers in the top (or bottom) two points of a scale: e.g. 4–5 on 1–5, 9–10 on 0–10. */
export function boxShares(buckets: Bucket<number>[], scaleMin: number, scaleMax: number): { top2_box: number | null; bottom2_box: number | null } {
  const n = buckets.reduce((s, b) => s + b.count, 0);
  if (n === 0) return { top2_box: null, bottom2_box: null };
  const top = buckets.filter((b) => b.value >= scaleMax - 1).reduce((s, b) => s + b.count, 0);
  const bottom = buckets.filter((b) => b.value <= scaleMin + 1).reduce((s, b) => s + b.count, 0);
  return { top2_box: top / n, bottom2_box: bottom / n };
}

export interface Nps {
  score: number;
  promoters: number;
  passives: number;
  detractors: number;
}

/** Net Promoter Score on a 0–10 scale: % promoters (9–10) − % detractors (0–6), from −100 to 100. */
export function netPromoterScore(buckets: Bucket<number>[]): Nps | null {
  const n = buckets.reduce((s, b) => s + b.count, 0);
  if (n === 0) return null;
  const promoters = buckets.filter((b) => b.value >= 9).reduce((s, b) => s + b.count, 0);
  const detractors = buckets.filter((b) => b.value <= 6).reduce((s, b) => s + b.count, 0);
  return {
    score: ((promoters - detractors) / n) * 100,
    promoters: promoters / n,
    passives: (n - promoters - detractors) / n,
    detractors: detractors / n,
  };
}

/**
 * Wilson score interval for a proportion (Wilson 1927), at 95% by default: the interval
 * statsmodels.stats.proportion.proportion_confint(method='wilson') gives.
 */
export function wilsonInterval(successes: number, n: number, z = 1.959963984540054): { low: number; high: number } | null {
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface RankedOption {
  option: string;
  mean_rank: number | null;
  borda_score: number;
  first_choice_share: number;
  ranked_by: number;
  /** positions[i] = how many respondents put the option at rank i + 1. */
  positions: number[];
}

/**
 * Ranking summary from counts of (option, position). Borda count: with m options, rank r earns
 * m − r + 1 points and an unranked option 0 (so partial rankings count what was ranked).
 * mean_rank is over the respondents who ranked the option. Sorted by Borda score.
 */
export function summarizeRanking(options: string[], counts: { option: string; position: number; count: number }[], respondents: number): RankedOption[] {
  const m = options.length;
  const rows = options.map((option) => {
    const positions = new Array<number>(m).fill(0);
    for (const c of counts) if (c.option === option && c.position >= 1 && c.position <= m) positions[c.position - 1]! += c.count;
    const rankedBy = positions.reduce((s, x) => s + x, 0);
    const rankSum = positions.reduce((s, x, i) => s + x * (i + 1), 0);
    const borda = positions.reduce((s, x, i) => s + x * (m - i), 0);
    return {
      option,
      mean_rank: rankedBy > 0 ? rankSum / rankedBy : null,
      borda_score: borda,
      first_choice_share: respondents > 0 ? positions[0]! / respondents : 0,
      ranked_by: rankedBy,
      positions,
    };
  });
  return rows.sort((a, b) => b.borda_score - a.borda_score || (a.mean_rank ?? Infinity) - (b.mean_rank ?? Infinity));
}

const STOPWORDS = new Set(
  `a about above after again against all am an and any are aren't as at be because been before being below between both but by can
  can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from further had hadn't has hasn't have
  haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it
  it's its itself just let's like me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves out
  over own really same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them themselves
  then there there's these they they'd they'll they're they've this those through to too under until up us very was wasn't we we'd
  we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's with won't would wouldn't
  you you'd you'll you're you've your yours yourself yourselves also got get one thing things kind lot much many well yeah um uh
  actually basically pretty maybe even still going want wanted know think said say way something need needed use used make made
  really just`.split(/\s+/),
);

/** Most frequent content words (lower-cased, stopwords and very short words dropped), counted once per text. */
export function topTerms(texts: string[], limit = 10): { term: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    const words = new Set((text.toLowerCase().match(/[\p{L}][\p{L}\p{N}'-]*/gu) ?? []).filter((w) => w.length > 2 && !STOPWORDS.has(w)));
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([term, count]) => ({ term, count }));
}

/** Quartile cut points (type 7, as numpy.quantile's default and R's quantile()) for binning. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Quartile cut points of sorted values and labels for the four bins (≤ q1, q1–q2, q2–q3, > q3). */
export function quartileBins(sorted: readonly number[]): { cuts: [number, number, number]; labels: [string, string, string, string] } {
  const cuts = [0.25, 0.5, 0.75].map((q) => quantile(sorted, q)) as [number, number, number];
  const fmt = (x: number) => decimal(x);
  return { cuts, labels: [`≤ ${fmt(cuts[0])}`, `${fmt(cuts[0])}–${fmt(cuts[1])}`, `${fmt(cuts[1])}–${fmt(cuts[2])}`, `> ${fmt(cuts[2])}`] };
}

