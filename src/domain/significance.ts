/**
 * Significance tests and effect sizes, with the special functions they need.
 * Distribution tails use the classic continued fractions (Numerical Recipes §6.2–6.4); tests
 * compare against SciPy 1.10 (see test/domain/significance.test.ts for the reference values).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-15;
const TINY = 1e-300;

function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x). */
export function upperIncompleteGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnFront = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * Math.exp(lnFront);
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(lnFront) * h;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** P(X ≥ x) for X ~ χ²(df). */
export function chiSquareSurvival(x: number, df: number): number {
  return upperIncompleteGamma(df / 2, x / 2);
}

export interface SampleMoments {
  n: number;
  mean: number;
  /** Sample variance (n − 1 denominator). */
  variance: number;
}

export function moments(values: readonly number[] | Float64Array): SampleMoments {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / (n || 1);
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  const variance = n > 1 ? squares / (n - 1) : 0;
  return { n, mean, variance };
}

export interface TestResult {
  statistic: number;
  df: number;
  p: number;
}

/** Welch's unequal-variance t-test (scipy.stats.ttest_ind(equal_var=False)). */
export function welchT(a: SampleMoments, b: SampleMoments): TestResult | null {
  if (a.n < 2 || b.n < 2) return null;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = va + vb;
  if (se === 0) return a.mean === b.mean ? { statistic: 0, df: a.n + b.n - 2, p: 1 } : null;
  const statistic = (a.mean - b.mean) / Math.sqrt(se);
  const df = (se * se) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return { statistic, df, p: tTwoSidedP(statistic, df) };
}

/** Cohen's d with the pooled standard deviation; null when both groups are constant. */
export function cohenD(a: SampleMoments, b: SampleMoments): number | null {
  if (a.n + b.n <= 2) return null;
  const pooled = Math.sqrt(((a.n - 1) * a.variance + (b.n - 1) * b.variance) / (a.n + b.n - 2));
  if (pooled === 0) return null;
  return (a.mean - b.mean) / pooled;
}

/** Cohen's h for two proportions: 2·asin√p1 − 2·asin√p2 (0.2 small, 0.5 medium, 0.8 large). */
export function cohenH(p1: number, p2: number): number {
  return 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2));
}

export interface ChiSquareResult extends TestResult {
  expected: number[][];
  /** Smallest expected count: below 5 the χ² approximation is doubtful. */
  min_expected: number;
}

/** Pearson's χ² test of independence on an r × c table (scipy.stats.chi2_contingency, correction=False). */
export function chiSquareTest(table: readonly (readonly number[])[]): ChiSquareResult | null {
  const rowTotals = table.map((r) => r.reduce((s, v) => s + v, 0));
  const colTotals = table[0]!.map((_, j) => table.reduce((s, r) => s + r[j]!, 0));
  const keptRows = rowTotals.map((t, i) => (t > 0 ? i : -1)).filter((i) => i >= 0);
  const keptCols = colTotals.map((t, j) => (t > 0 ? j : -1)).filter((j) => j >= 0);
  if (keptRows.length < 2 || keptCols.length < 2) return null;
  const total = rowTotals.reduce((s, v) => s + v, 0);
  let statistic = 0;
  let minExpected = Infinity;
  const expected = table.map((r, i) => r.map((_, j) => (rowTotals[i]! * colTotals[j]!) / total));
  for (const i of keptRows) {
    for (const j of keptCols) {
      const e = expected[i]![j]!;
      minExpected = Math.min(minExpected, e);
      statistic += (table[i]![j]! - e) ** 2 / e;
    }
  }
  const df = (keptRows.length - 1) * (keptCols.length - 1);
  return { statistic, df, p: chiSquareSurvival(statistic, df), expected, min_expected: minExpected };
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * Fisher's exact test on [[a, b], [c, d]], two-sided as in scipy.stats.fisher_exact: the sum of
 * the probabilities of all tables with the same margins no more likely than the observed one.
 */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  const lo = Math.max(0, col1 - (n - row1));
  const hi = Math.min(row1, col1);
  const logDenominator = logChoose(n, col1);
  const probability = (x: number) => Math.exp(logChoose(row1, x) + logChoose(n - row1, col1 - x) - logDenominator);
  const observed = probability(a);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const px = probability(x);
    if (px <= observed * (1 + 1e-7)) p += px;
  }
  return Math.min(1, p);
}

/** Benjamini–Hochberg adjusted p-values (q-values), in the input order; nulls stay null. */
export function benjaminiHochberg(pValues: readonly (number | null)[]): (number | null)[] {
  const indexed = pValues.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null);
  const m = indexed.length;
  indexed.sort((x, y) => y.p - x.p);
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 1;
  indexed.forEach(({ p, i }, rankFromTop) => {
    const rank = m - rankFromTop;
    running = Math.min(running, (p * m) / rank);
    adjusted[i] = Math.min(1, running);
  });
  return adjusted;
}
