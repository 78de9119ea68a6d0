/**
 * Turns participants into a numeric matrix for clustering, and back into words.
 *
 * Encoding per feature: scale → number; single_choice → one-hot; multiple_choice → multi-hot;
 * ranking → per-option points (m − rank + 1, unranked 0); yes_no and boolean → 0/1; number
 * attributes → number (log1p when heavy-tailed); date attributes → days since 1970; category
 * attributes → one-hot (12 most common values, the rest as "(other)"); theme → 0/1 per code.
 * Every column is standardized (mean 0, population sd 1, as scikit-learn's StandardScaler) and
 * multiplied by weight / √(columns of its feature), so a question encoded as five columns weighs
 * as much as one encoded as one. Missing values are imputed (median for numbers, the mean share
 * for 0/1 columns) before standardizing. The fitted encoding is plain JSON, stored with the
 * segmentation so new participants can be scored later with exactly the same numbers.
 */
import { UserError, listOf } from '../../errors.js';
import { parseField } from '../fields.js';
import { matrix, type Matrix } from '../matrix.js';
import type { ParticipantFacts, StudyCatalog } from './facts.js';

export type FeatureKind = 'number' | 'one_hot' | 'multi_hot' | 'rank_points' | 'binary' | 'themes';

export interface EncodedColumn {
  /** Stable column name, e.g. "answer.buying_factors:Price" or "attr.mrr". */
  name: string;
  /** The option, category or theme this column stands for. */
  option: string | null;
  /** 0/1 column (shares) rather than a measured number (means). */
  binary: boolean;
  centre: number;
  scale: number;
  impute: number;
  factor: number;
}

export interface EncodedFeature {
  field: string;
  label: string;
  kind: FeatureKind;
  source: { type: 'answer'; question_type: string } | { type: 'attr'; attribute_type: string } | { type: 'theme' };
  weight: number;
  transform: 'none' | 'log1p' | 'days';
  /** Options, categories or theme codes, in the order of the raw values (before dropping constant columns). */
  options: string[];
  columns: EncodedColumn[];
}

export interface Encoding {
  version: 1;
  features: EncodedFeature[];
}

export interface FeatureNote {
  field: string;
  note: string;
}

/** One-hot columns per category attribute: the most common values, the rest folded into OTHER (more columns dilute the feature's weight). */
export const ONE_HOT_CATEGORIES = 12;
export const OTHER = '(other)';
/** Left out when more than this share of a participant's features is missing. */
export const MAX_MISSING_SHARE = 0.5;

type FeaturePlan = Omit<EncodedFeature, 'weight' | 'columns'>;

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

const DAY_MS = 86_400_000;

const parsedFields = new Map<string, ReturnType<typeof parseField>>();

type RawFeature = Pick<EncodedFeature, 'field' | 'kind' | 'options' | 'source'>;

/** Raw values per participant of a feature: one, or one per option for the multi-column kinds. */
export function widthOf(feature: Pick<EncodedFeature, 'kind' | 'options'>): number {
  return feature.kind === 'number' || feature.kind === 'binary' ? 1 : feature.options.length;
}

/**
 * Writes a participant's raw values for one feature (before transform and standardizing) into
 * `out` from `offset`, and says whether the participant has the feature at all.
 */
export function readRaw(feature: RawFeature, f: ParticipantFacts, out: { [index: number]: number }, offset: number): boolean {
  // Called per participant and feature: parse each field name once.
  let ref = parsedFields.get(feature.field);
  if (!ref) {
    ref = parseField(feature.field);
    parsedFields.set(feature.field, ref);
  }
  const value: unknown = ref.kind === 'answer' ? f.answer(ref.key) : ref.kind === 'attr' ? f.attribute(ref.name) : undefined;
  const options = feature.options;
  switch (feature.kind) {
    case 'themes':
      if (f.status === 'not_interviewed') return false;
      for (let o = 0; o < options.length; o++) out[offset + o] = f.hasTheme(options[o]!) ? 1 : 0;
      return true;
    case 'number': {
      const x = feature.source.type === 'attr' && feature.source.attribute_type === 'date' ? (typeof value === 'string' ? Date.parse(value) / DAY_MS : NaN) : num(value);
      if (x === null || !Number.isFinite(x)) return false;
      out[offset] = x;
      return true;
    }
    case 'binary': {
      const x = typeof value === 'boolean' ? (value ? 1 : 0) : num(value);
      if (x === null) return false;
      out[offset] = x;
      return true;
    }
    case 'one_hot': {
      if (typeof value !== 'string') return false;
      const other = !options.includes(value);
      for (let o = 0; o < options.length; o++) out[offset + o] = options[o] === value || (options[o] === OTHER && other) ? 1 : 0;
      return true;
    }
    case 'multi_hot':
      if (!Array.isArray(value)) return false;
      for (let o = 0; o < options.length; o++) out[offset + o] = value.includes(options[o]) ? 1 : 0;
      return true;
    case 'rank_points':
      if (!Array.isArray(value)) return false;
      for (let o = 0; o < options.length; o++) {
        const rank = (value as string[]).indexOf(options[o]!);
        out[offset + o] = rank < 0 ? 0 : options.length - rank;
      }
      return true;
  }
}

/** A participant's raw values for one feature, or null when the feature is missing for them. */
export function rawValues(feature: RawFeature, f: ParticipantFacts): number[] | null {
  const out = new Array<number>(widthOf(feature)).fill(0);
  return readRaw(feature, f, out, 0) ? out : null;
}

/** The default features: every structured question plus numeric attributes. */
export function defaultFeatures(catalog: StudyCatalog): string[] {
  return [
    ...catalog.questions.filter((q) => q.type !== 'open_ended').map((q) => `answer.${q.key}`),
    ...catalog.attributes.filter((a) => a.type === 'number').map((a) => `attr.${a.name}`),
  ];
}

/** Resolves feature names against the study and decides how each is encoded. */
function plan(fields: string[], catalog: StudyCatalog, facts: ParticipantFacts[]): FeaturePlan[] {
  const plans: FeaturePlan[] = [];
  for (const field of fields) {
    const ref = parseField(field);
    if (ref.kind === 'answer') {
      const q = catalog.questions.find((x) => x.key === ref.key);
      if (!q) throw new UserError(`Unknown question key "${ref.key}" in feature "${field}". Question keys: ${listOf(catalog.questions.map((x) => x.key))}.`);
      if (ref.option !== null) throw new UserError(`Feature "${field}": give the whole question (answer.${q.key}); every option becomes its own column.`);
      const base = { field, label: q.text, source: { type: 'answer' as const, question_type: q.type }, transform: 'none' as const };
      const options = q.options ?? [];
      switch (q.type) {
        case 'open_ended':
          throw new UserError(`Feature "${field}" is an open-ended question and cannot be clustered on directly; code its themes (record_interview themes) and use the feature "theme".`);
        case 'scale':
          plans.push({ ...base, kind: 'number', options: [] });
          break;
        case 'yes_no':
          plans.push({ ...base, kind: 'binary', options: [] });
          break;
        case 'single_choice':
          plans.push({ ...base, kind: 'one_hot', options });
          break;
        case 'multiple_choice':
          plans.push({ ...base, kind: 'multi_hot', options });
          break;
        case 'ranking':
          plans.push({ ...base, kind: 'rank_points', options });
          break;
      }
    } else if (ref.kind === 'attr') {
      const a = catalog.attributes.find((x) => x.name === ref.name);
      if (!a) throw new UserError(`Unknown attribute "${ref.name}" in feature "${field}". Attributes: ${listOf(catalog.attributes.map((x) => x.name))}.`);
      const base = { field, label: a.name, source: { type: 'attr' as const, attribute_type: a.type }, options: [] as string[] };
      switch (a.type) {
        case 'number': {
          const values = facts.map((f) => num(f.attribute(a.name)));
          plans.push({ ...base, kind: 'number', transform: heavyTailed(values) ? 'log1p' : 'none' });
          break;
        }
        case 'boolean':
          plans.push({ ...base, kind: 'binary', transform: 'none' });
          break;
        case 'date':
          plans.push({ ...base, kind: 'number', transform: 'days' });
          break;
        case 'category': {
          const counts = new Map<string, number>();
          for (const f of facts) {
            const v = f.attribute(a.name);
            if (typeof v === 'string') counts.set(v, (counts.get(v) ?? 0) + 1);
          }
          const ranked = [...counts.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([v]) => v);
          const options = ranked.length > ONE_HOT_CATEGORIES ? [...ranked.slice(0, ONE_HOT_CATEGORIES - 1), OTHER] : ranked;
          plans.push({ ...base, kind: 'one_hot', transform: 'none', options });
          break;
        }
        case 'text':
          throw new UserError(`Feature "${field}" is a free-text attribute; only number, boolean, date and category attributes can be clustered on.`);
      }
    } else if (ref.kind === 'theme') {
      if (catalog.themes.length === 0) throw new UserError('Feature "theme": the study has no coded themes yet (record_interview themes).');
      plans.push({ field: 'theme', label: 'Coded themes', kind: 'themes', source: { type: 'theme' }, transform: 'none', options: [...catalog.themes] });
    } else {
      throw new UserError(`Feature "${field}" cannot be clustered on; use answer.<key>, attr.<name> or theme.`);
    }
  }
  return plans;
}

/** Heavy-tailed: non-negative with sample skewness above 1 (say, MRR or seat counts). */
export function heavyTailed(values: (number | null)[]): boolean {
  const xs = values.filter((v): v is number => v !== null);
  if (xs.length < 8 || xs.some((x) => x < 0)) return false;
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const m2 = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
  const m3 = xs.reduce((s, x) => s + (x - mean) ** 3, 0) / n;
  return m2 > 0 && m3 / m2 ** 1.5 > 1;
}

export interface FitResult {
  encoding: Encoding;
  matrix: Matrix;
  /** Participants encoded (rows of the matrix, in order). */
  included: ParticipantFacts[];
  /** Participants left out for missing more than half their features. */
  excluded: { participant_id: string; missing: string[] }[];
  /** Values imputed per feature, among the included participants. */
  imputed: { field: string; count: number }[];
  notes: FeatureNote[];
}

/** Fits an encoding to these participants and encodes them. */
export function fitEncoding(
  facts: ParticipantFacts[],
  fields: string[],
  catalog: StudyCatalog,
  weights: Record<string, number> = {},
  options: {
    /** Describe everyone (rule segments), never leave participants out or fail on no features. */
    keepAll?: boolean;
    /** Where the encoded matrix lives (e.g. memory the k-means kernel uses in place). */
    allocate?: (rows: number, cols: number) => Matrix;
  } = {},
): FitResult {
  if (fields.length === 0 && !options.keepAll) throw new UserError('No features to cluster on: add structured questions or numeric attributes, or name features.');
  for (const [key, weight] of Object.entries(weights)) {
    if (!fields.includes(key)) throw new UserError(`weights: "${key}" is not one of the features (${listOf(fields)}).`);
    if (!(weight >= 0)) throw new UserError(`weights: "${key}" must be a non-negative number.`);
  }
  const plans = plan([...new Set(fields)], catalog, facts);
  // Raw values read once, feature by feature into typed blocks (participants × width), with
  // whether each participant has the feature: no arrays per participant.
  const n = facts.length;
  const raws = plans.map((p) => ({ width: widthOf(p), values: new Float64Array(n * widthOf(p)), present: new Uint8Array(n) }));
  const rows: number[] = [];
  const excluded: FitResult['excluded'] = [];
  facts.forEach((f, i) => {
    let missing = 0;
    plans.forEach((p, j) => {
      const raw = raws[j]!;
      if (readRaw(p, f, raw.values, i * raw.width)) raw.present[i] = 1;
      else missing++;
    });
    if (!options.keepAll && missing > plans.length * MAX_MISSING_SHARE) excluded.push({ participant_id: f.participant_id, missing: plans.filter((_, j) => !raws[j]!.present[i]).map((p) => p.field) });
    else rows.push(i);
  });
  if (rows.length === 0 && !options.keepAll) throw new UserError('Every participant misses most of the features (no answers yet?); nothing to cluster.');

  const notes: FeatureNote[] = [];
  const features: EncodedFeature[] = [];
  const imputed: FitResult['imputed'] = [];
  const kept: { feature: EncodedFeature; raw: (typeof raws)[number] }[] = [];
  plans.forEach((p, j) => {
    const raw = raws[j]!;
    const withValue: number[] = [];
    for (const i of rows) if (raw.present[i]) withValue.push(i);
    imputed.push({ field: p.field, count: rows.length - withValue.length });
    if (p.transform === 'log1p') notes.push({ field: p.field, note: 'heavy-tailed (skewness > 1): clustered on log(1 + x)' });
    if (p.transform === 'days') notes.push({ field: p.field, note: 'date: clustered as days since 1970-01-01' });
    const columns: EncodedColumn[] = [];
    for (let c = 0; c < raw.width; c++) {
      const option = raw.width === 1 && (p.kind === 'number' || p.kind === 'binary') ? null : p.options[c]!;
      const name = option === null ? p.field : `${p.field}:${option}`;
      const xs = new Float64Array(withValue.length);
      withValue.forEach((i, x) => (xs[x] = applyTransform(p.transform, raw.values[i * raw.width + c]!)));
      if (xs.length === 0) {
        notes.push({ field: name, note: 'no values among the participants: left out' });
        continue;
      }
      const binary = p.kind !== 'number' && p.kind !== 'rank_points';
      const impute = binary ? mean(xs) : median(xs);
      // Standardize over the values after imputation, as StandardScaler would see them.
      const missingCount = rows.length - xs.length;
      const centre = (sum(xs) + impute * missingCount) / rows.length;
      let ss = 0;
      for (const x of xs) ss += (x - centre) ** 2;
      ss += missingCount * (impute - centre) ** 2;
      const scale = Math.sqrt(ss / rows.length);
      if (!(scale > 1e-12)) {
        notes.push({ field: name, note: 'the same value for everyone: left out (it cannot separate segments)' });
        continue;
      }
      columns.push({ name, option, binary, centre, scale, impute, factor: 0 });
    }
    const weight = weights[p.field] ?? 1;
    for (const column of columns) column.factor = weight / Math.sqrt(columns.length);
    if (columns.length > 0) {
      const feature = { ...p, weight, columns };
      features.push(feature);
      kept.push({ feature, raw });
    }
  });
  if (features.length === 0 && !options.keepAll) throw new UserError('None of the features varies between participants; nothing to cluster.');
  const encoding: Encoding = { version: 1, features };
  // The matrix from the raw blocks, with the same arithmetic as encodeParticipants.
  const cols = columnCount(encoding);
  const m = (options.allocate ?? matrix)(rows.length, cols);
  let c = 0;
  for (const { feature, raw } of kept) {
    for (const column of feature.columns) {
      const index = columnIndex(feature, column);
      rows.forEach((i, r) => (m.data[r * cols + c] = encodeValue(feature, column, raw.present[i] ? raw.values[i * raw.width + index]! : null)));
      c++;
    }
  }
  return { encoding, matrix: m, included: rows.map((i) => facts[i]!), excluded, imputed, notes };
}

/** Where a column's value is among its feature's raw values. */
function columnIndex(feature: EncodedFeature, column: EncodedColumn): number {
  return column.option === null ? 0 : feature.options.indexOf(column.option);
}

/** One encoded value: imputed when missing, transformed, standardized and weighted. */
function encodeValue(feature: EncodedFeature, column: EncodedColumn, value: number | null): number {
  const x = value === null ? column.impute : applyTransform(feature.transform, value);
  return ((x - column.centre) / column.scale) * column.factor;
}

function applyTransform(transform: EncodedFeature['transform'], x: number): number {
  return transform === 'log1p' ? Math.log1p(Math.max(0, x)) : x;
}

function sum(xs: Float64Array): number {
  let total = 0;
  for (const x of xs) total += x;
  return total;
}

function mean(xs: Float64Array): number {
  return sum(xs) / xs.length;
}

function median(xs: Float64Array): number {
  // Numeric order (raw values never hold −0: they come from JSON, counts and ranks).
  const s = xs.slice().sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function columnCount(encoding: Encoding): number {
  return encoding.features.reduce((s, f) => s + f.columns.length, 0);
}

/** Encodes participants with a fitted (possibly stored) encoding: the same numbers every time. */
export function encodeParticipants(encoding: Encoding, facts: ParticipantFacts[]): Matrix {
  const cols = columnCount(encoding);
  const m = matrix(facts.length, cols);
  const features = encoding.features.map((feature) => ({ feature, raw: new Float64Array(widthOf(feature)), indices: feature.columns.map((column) => columnIndex(feature, column)) }));
  facts.forEach((f, i) => {
    let c = i * cols;
    for (const { feature, raw, indices } of features) {
      const present = readRaw(feature, f, raw, 0);
      // A stored column whose option is gone from the feature counts as missing.
      feature.columns.forEach((column, x) => (m.data[c++] = encodeValue(feature, column, present && indices[x]! >= 0 ? raw[indices[x]!]! : null)));
    }
  });
  return m;
}

/** How many of the encoding's features a participant is missing. */
export function missingFeatures(encoding: Encoding, f: ParticipantFacts): string[] {
  return encoding.features.filter((feature) => !readRaw(feature, f, new Float64Array(widthOf(feature)), 0)).map((feature) => feature.field);
}
