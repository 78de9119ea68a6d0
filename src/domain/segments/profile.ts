/**
 * Segments in words and numbers: each segment's profile in original units, and every feature
 * compared between two groups (a segment against the rest, or two segments) with an effect size,
 * a test and a Benjamini–Hochberg adjusted p-value. Imputed values never enter these numbers.
 */
import { decimal } from '../format.js';
import { benjaminiHochberg, chiSquareTest, cohenD, cohenH, fisherExact, moments, welchT, type SampleMoments } from '../significance.js';
import { readRaw, widthOf, type EncodedColumn, type EncodedFeature, type Encoding } from './encoding.js';
import type { ParticipantFacts } from './facts.js';

export const SIGNIFICANCE = 0.05;

export interface FeatureProfile {
  field: string;
  label: string;
  /** mean: average value; share: share of participants (0–1); rank_points: mean rank points (m = first). */
  measure: 'mean' | 'share' | 'rank_points';
  n: number;
  values: { option: string | null; value: number }[];
}

export interface FeatureComparison {
  column: string;
  field: string;
  option: string | null;
  measure: 'mean' | 'share' | 'rank_points';
  a: number | null;
  b: number | null;
  n_a: number;
  n_b: number;
  difference: number | null;
  effect_size: number | null;
  effect_measure: 'cohen_d' | 'cohen_h';
  test: 'welch_t' | 'chi_square' | 'fisher_exact' | null;
  p: number | null;
  q: number | null;
  significant: boolean;
  description: string;
}

function measureOf(feature: EncodedFeature): FeatureProfile['measure'] {
  return feature.kind === 'number' ? 'mean' : feature.kind === 'rank_points' ? 'rank_points' : 'share';
}

function short(field: string): string {
  return field.replace(/^(answer|attr)\./, '');
}

/** A feature's raw values among a group, read once into one block (participants missing the feature left out). */
function featureValues(feature: EncodedFeature, group: ParticipantFacts[]): { values: Float64Array; count: number; width: number } {
  const width = widthOf(feature);
  const values = new Float64Array(group.length * width);
  let count = 0;
  for (const f of group) if (readRaw(feature, f, values, count * width)) count++;
  return { values, count, width };
}

/** One column of those values. */
function columnOf(feature: EncodedFeature, column: EncodedColumn, raw: { values: Float64Array; count: number; width: number }): Float64Array {
  const index = column.option === null ? 0 : feature.options.indexOf(column.option);
  // A stored column whose option is gone from the feature has no values.
  if (index < 0 || index >= raw.width) return new Float64Array(0);
  const out = new Float64Array(raw.count);
  for (let r = 0; r < raw.count; r++) out[r] = raw.values[r * raw.width + index]!;
  return out;
}

export function profileGroup(encoding: Encoding, group: ParticipantFacts[], maxOptions = 5): FeatureProfile[] {
  return encoding.features.map((feature) => {
    const measure = measureOf(feature);
    const values: FeatureProfile['values'] = [];
    const raws = featureValues(feature, group);
    let n = 0;
    for (const column of feature.columns) {
      const xs = columnOf(feature, column, raws);
      n = Math.max(n, xs.length);
      if (xs.length > 0) values.push({ option: column.option, value: xs.reduce((s, x) => s + x, 0) / xs.length });
    }
    values.sort((x, y) => y.value - x.value);
    return { field: feature.field, label: feature.label, measure, n, values: values.slice(0, maxOptions) };
  });
}

function format(measure: FeatureProfile['measure'], x: number): string {
  if (measure === 'share') return `${Math.round(x * 100)}%`;
  return decimal(x, 1);
}

function describe(feature: EncodedFeature, column: EncodedColumn, measure: FeatureProfile['measure'], a: number, b: number, sides: [string, string]): string {
  const name = column.option === null ? short(feature.field) : `${short(feature.field)} = ${column.option}`;
  const direction = a > b ? 'higher' : a < b ? 'lower' : 'the same';
  if (measure === 'rank_points') {
    return `${short(feature.field)}: ranks ${column.option} ${direction} (${format(measure, a)} vs ${format(measure, b)} points of ${feature.options.length})`;
  }
  const what = feature.kind === 'themes' ? `theme ${column.option}` : name;
  return `${what}: ${format(measure, a)} ${sides[0]} vs ${format(measure, b)} ${sides[1]}`;
}

/**
 * Every encoded column compared between groups a and b. Numbers and rank points: Welch's t and
 * Cohen's d. Shares: Pearson's χ² on the 2×2 table, or Fisher's exact test when an expected count
 * is below 5, and Cohen's h. q is left null here: adjust over the whole family with `adjust`.
 */
export function compareGroups(encoding: Encoding, a: ParticipantFacts[], b: ParticipantFacts[], sides: [string, string] = ['in segment', 'elsewhere']): FeatureComparison[] {
  return compareSummaries(encoding, groupSummaries(encoding, a), groupSummaries(encoding, b), sides);
}

/** What the tests need of one column in one group: its moments and, for a 0/1 column, how many ones. */
export interface ColumnSummary {
  moments: SampleMoments;
  ones: number;
}

/**
 * A group's column summaries (per feature, per column), computed once: comparing one group with
 * many others (every pair of fifty segments) then costs a few operations per column and pair.
 */
export function groupSummaries(encoding: Encoding, group: ParticipantFacts[]): ColumnSummary[][] {
  return encoding.features.map((feature) => {
    const raw = featureValues(feature, group);
    return feature.columns.map((column) => {
      const xs = columnOf(feature, column, raw);
      let ones = 0;
      for (const x of xs) if (x === 1) ones++;
      return { moments: moments(xs), ones };
    });
  });
}

/** compareGroups over summaries made by groupSummaries. */
export function compareSummaries(encoding: Encoding, summariesA: ColumnSummary[][], summariesB: ColumnSummary[][], sides: [string, string] = ['in segment', 'elsewhere']): FeatureComparison[] {
  const out: FeatureComparison[] = [];
  for (const [f, feature] of encoding.features.entries()) {
    const measure = measureOf(feature);
    for (const [c, column] of feature.columns.entries()) {
      const sa = summariesA[f]![c]!;
      const sb = summariesB[f]![c]!;
      const ma = sa.moments;
      const mb = sb.moments;
      const base = { column: column.name, field: feature.field, option: column.option, measure, n_a: ma.n, n_b: mb.n, q: null, significant: false };
      if (ma.n === 0 || mb.n === 0) {
        out.push({ ...base, a: null, b: null, difference: null, effect_size: null, effect_measure: column.binary ? 'cohen_h' : 'cohen_d', test: null, p: null, description: `${column.name}: not enough answers to compare` });
        continue;
      }
      const description = describe(feature, column, measure, ma.mean, mb.mean, sides);
      if (column.binary) {
        const ya = sa.ones;
        const yb = sb.ones;
        const table = [
          [ya, ma.n - ya],
          [yb, mb.n - yb],
        ];
        const chi = chiSquareTest(table);
        const exact = !chi || chi.min_expected < 5;
        const p = exact ? fisherExact(ya, ma.n - ya, yb, mb.n - yb) : chi.p;
        out.push({ ...base, a: ma.mean, b: mb.mean, difference: ma.mean - mb.mean, effect_size: cohenH(ma.mean, mb.mean), effect_measure: 'cohen_h', test: exact ? 'fisher_exact' : 'chi_square', p, description });
      } else {
        const t = welchT(ma, mb);
        const d = cohenD(ma, mb);
        out.push({ ...base, a: ma.mean, b: mb.mean, difference: ma.mean - mb.mean, effect_size: d, effect_measure: 'cohen_d', test: t ? 'welch_t' : null, p: t?.p ?? null, description });
      }
    }
  }
  return out;
}

/** Benjamini–Hochberg over a family of comparisons; marks q < 0.05 as significant. */
export function adjust(comparisons: FeatureComparison[]): FeatureComparison[] {
  const q = benjaminiHochberg(comparisons.map((c) => c.p));
  return comparisons.map((c, i) => ({ ...c, q: q[i] ?? null, significant: q[i] !== null && q[i]! < SIGNIFICANCE }));
}

/** The features that set a group apart, strongest effect first. */
export function distinguishing(comparisons: FeatureComparison[], max = 6): FeatureComparison[] {
  const strength = (c: FeatureComparison) => Math.abs(c.effect_size ?? 0);
  return comparisons
    .filter((c) => c.significant)
    .sort((x, y) => strength(y) - strength(x))
    .slice(0, max);
}
