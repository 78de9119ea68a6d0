/**
 * Contingency-table statistics (Agresti 2007, An Introduction to Categorical Data Analysis, ch. 2):
 * Pearson's χ², the likelihood-ratio G², Cramér's V, adjusted standardized residuals (flagged
 * beyond ±1.96), Fisher's exact test for small 2×2 tables, and Cochran's rule for expected counts.
 */
import { chiSquareSurvival, chiSquareTest, fisherExact } from './significance.js';

/** How scale answers are grouped in a table: auto, each value, thirds of the scale, NPS groups, top-2 box vs the rest. */
export const SCALE_BINS = ['auto', 'values', 'thirds', 'nps', 'top2'] as const;
export type ScaleBins = (typeof SCALE_BINS)[number];

export interface TableStatistics {
  n: number;
  chi_square: number | null;
  df: number | null;
  p: number | null;
  g_squared: number | null;
  g_squared_p: number | null;
  cramers_v: number | null;
  fisher_p: number | null;
  /** Adjusted standardized residual per cell; |z| > 1.96 stands out at the 5% level. */
  residuals: (number | null)[][];
  expected: number[][];
  min_expected: number | null;
  /** Cochran: no expected count below 1 and at most 20% below 5. */
  small_expected: boolean;
}

export function tableStatistics(counts: number[][]): TableStatistics {
  const rows = counts.length;
  const cols = counts[0]?.length ?? 0;
  const rowTotals = counts.map((r) => r.reduce((s, x) => s + x, 0));
  const colTotals = Array.from({ length: cols }, (_, j) => counts.reduce((s, r) => s + r[j]!, 0));
  const n = rowTotals.reduce((s, x) => s + x, 0);
  const expected = counts.map((r, i) => r.map((_, j) => (n ? (rowTotals[i]! * colTotals[j]!) / n : 0)));
  const residuals = counts.map((r, i) =>
    r.map((o, j) => {
      const e = expected[i]![j]!;
      const v = e * (1 - rowTotals[i]! / n) * (1 - colTotals[j]! / n);
      return v > 0 ? (o - e) / Math.sqrt(v) : null;
    }),
  );
  const chi = rows >= 2 && cols >= 2 && n > 0 ? chiSquareTest(counts) : null;
  const live = expected.flatMap((r, i) => r.filter((_, j) => rowTotals[i]! > 0 && colTotals[j]! > 0));
  const minExpected = live.length ? Math.min(...live) : null;
  const small = live.length > 0 && (live.some((e) => e < 1) || live.filter((e) => e < 5).length > 0.2 * live.length);
  let g2: number | null = null;
  if (chi) {
    g2 = 0;
    counts.forEach((r, i) => r.forEach((o, j) => { if (o > 0) g2! += 2 * o * Math.log(o / expected[i]![j]!); }));
  }
  const keptRows = rowTotals.filter((t) => t > 0).length;
  const keptCols = colTotals.filter((t) => t > 0).length;
  const v = chi && Math.min(keptRows, keptCols) > 1 ? Math.sqrt(chi.statistic / (n * (Math.min(keptRows, keptCols) - 1))) : null;
  const fisher = rows === 2 && cols === 2 && n > 0 ? fisherExact(counts[0]![0]!, counts[0]![1]!, counts[1]![0]!, counts[1]![1]!) : null;
  return {
    n,
    chi_square: chi ? chi.statistic : null,
    df: chi?.df ?? null,
    p: chi ? chi.p : null,
    g_squared: g2,
    g_squared_p: g2 === null || !chi ? null : chiSquareSurvival(g2, chi.df),
    cramers_v: v,
    fisher_p: fisher,
    residuals,
    expected,
    min_expected: minExpected,
    small_expected: small,
  };
}

/** Orders categories: the preferred order first (those present), then the rest by total count. */
export function orderCategories(present: Map<string, number>, preferred: string[] | null): string[] {
  const first = (preferred ?? []).filter((c) => present.has(c));
  const rest = [...present.entries()].filter(([c]) => !first.includes(c)).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
  return [...first, ...rest];
}

export interface OptionTest {
  option: string;
  /** 2 × c (or r × 2) table: the option chosen vs not, among participants on both sides. */
  chi_square: number | null;
  p: number | null;
  test: 'chi_square' | 'fisher_exact' | null;
  cramers_v: number | null;
  q: number | null;
}

/**
 * Per-option tests for a multi-valued side (a participant can be in several of its categories,
 * so one χ² over the whole table would count people twice): each option against not choosing it.
 * `respondents[j]` is the number of participants in category j of the other side who answered.
 */
export function perOptionTests(options: string[], counts: number[][], respondents: number[]): Omit<OptionTest, 'q'>[] {
  return options.map((option, k) => {
    const table = [counts[k]!, counts[k]!.map((x, j) => Math.max(0, respondents[j]! - x))];
    const s = tableStatistics(table);
    const small = s.min_expected !== null && s.min_expected < 5;
    const useFisher = small && table[0]!.length === 2 && s.fisher_p !== null;
    return {
      option,
      chi_square: s.chi_square,
      p: useFisher ? s.fisher_p : s.p,
      test: s.p === null ? null : useFisher ? 'fisher_exact' : 'chi_square',
      cramers_v: s.cramers_v,
    };
  });
}
