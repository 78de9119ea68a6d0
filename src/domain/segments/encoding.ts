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

/**
 * A participant's raw values for one feature, before transform and standardizing (one number
 * per option for the multi-column kinds), or null when the feature is missing for them.
 */
const parsedFields = new Map<string, ReturnType<typeof parseField>>();

export function rawValues(feature: Pick<EncodedFeature, 'field' | 'kind' | 'options' | 'source'>, f: ParticipantFacts): number[] | null {
  // Called per participant and feature: parse each field name once.
  let ref = parsedFields.get(feature.field);
  if (!ref) {
    ref = parseField(feature.field);
    parsedFields.set(feature.field, ref);
  }
  const value: unknown = ref.kind === 'answer' ? f.answers.get(ref.key) : ref.kind === 'attr' ? f.attributes[ref.name] : undefined;
  const options = feature.options;
  switch (feature.kind) {
    case 'themes':
      return f.status === 'not_interviewed' ? null : options.map((c) => (f.themes.has(c) ? 1 : 0));
    case 'number': {
      if (feature.source.type === 'attr' && feature.source.attribute_type === 'date') {
        const t = typeof value === 'string' ? Date.parse(value) : NaN;
        return Number.isFinite(t) ? [t / DAY_MS] : null;
      }
      const x = num(value);
      return x === null ? null : [x];
    }
    case 'binary':
      if (typeof value === 'boolean') return [value ? 1 : 0];
      return num(value) === null ? null : [num(value)!];
    case 'one_hot':
      if (typeof value !== 'string') return null;
      return options.map((o) => (o === value || (o === OTHER && !options.includes(value)) ? 1 : 0));
    case 'multi_hot':
      return Array.isArray(value) ? options.map((o) => (value.includes(o) ? 1 : 0)) : null;
    case 'rank_points':
      if (!Array.isArray(value)) return null;
      return options.map((o) => {
        const rank = (value as string[]).indexOf(o);
        return rank < 0 ? 0 : options.length - rank;
      });
  }
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
          const values = facts.map((f) => num(f.attributes[a.name]));
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
            const v = f.attributes[a.name];
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
  /** keepAll: describe everyone (rule segments), never leave participants out or fail on no features. */
  options: { keepAll?: boolean } = {},
): FitResult {
  if (fields.length === 0 && !options.keepAll) throw new UserError('No features to cluster on: add structured questions or numeric attributes, or name features.');
  for (const [key, weight] of Object.entries(weights)) {
    if (!fields.includes(key)) throw new UserError(`weights: "${key}" is not one of the features (${listOf(fields)}).`);
    if (!(weight >= 0)) throw new UserError(`weights: "${key}" must be a non-negative number.`);
  }
  const plans = plan([...new Set(fields)], catalog, facts);
  const included: ParticipantFacts[] = [];
  const includedRaws: (number[] | null)[][] = [];
  const excluded: FitResult['excluded'] = [];
  for (const f of facts) {
    const raw = plans.map((p) => rawValues(p, f));
    const missing = plans.filter((_, j) => raw[j] === null).map((p) => p.field);
    if (!options.keepAll && missing.length > plans.length * MAX_MISSING_SHARE) excluded.push({ participant_id: f.participant_id, missing });
    else {
      included.push(f);
      includedRaws.push(raw);
    }
  }
  if (included.length === 0 && !options.keepAll) throw new UserError('Every participant misses most of the features (no answers yet?); nothing to cluster.');

  const notes: FeatureNote[] = [];
  const features: EncodedFeature[] = [];
  const imputed: FitResult['imputed'] = [];
  plans.forEach((p, j) => {
    const present = includedRaws.map((r) => r[j]).filter((v): v is number[] => v !== null && v !== undefined);
    imputed.push({ field: p.field, count: includedRaws.length - present.length });
    const width = p.kind === 'number' || p.kind === 'binary' ? 1 : p.options.length;
    if (p.transform === 'log1p') notes.push({ field: p.field, note: 'heavy-tailed (skewness > 1): clustered on log(1 + x)' });
    if (p.transform === 'days') notes.push({ field: p.field, note: 'date: clustered as days since 1970-01-01' });
    const columns: EncodedColumn[] = [];
    for (let c = 0; c < width; c++) {
      const option = width === 1 && (p.kind === 'number' || p.kind === 'binary') ? null : p.options[c]!;
      const name = option === null ? p.field : `${p.field}:${option}`;
      const xs = present.map((v) => applyTransform(p.transform, v[c]!));
      if (xs.length === 0) {
        notes.push({ field: name, note: 'no values among the participants: left out' });
        continue;
      }
      const binary = p.kind !== 'number' && p.kind !== 'rank_points';
      const impute = binary ? mean(xs) : median(xs);
      // Standardize over the values after imputation, as StandardScaler would see them.
      const missingCount = includedRaws.length - xs.length;
      const centre = (xs.reduce((s, x) => s + x, 0) + impute * missingCount) / includedRaws.length;
      const ss = xs.reduce((s, x) => s + (x - centre) ** 2, 0) + missingCount * (impute - centre) ** 2;
      const scale = Math.sqrt(ss / includedRaws.length);
      if (!(scale > 1e-12)) {
        notes.push({ field: name, note: 'the same value for everyone: left out (it cannot separate segments)' });
        continue;
      }
      columns.push({ name, option, binary, centre, scale, impute, factor: 0 });
    }
    const weight = weights[p.field] ?? 1;
    for (const column of columns) column.factor = weight / Math.sqrt(columns.length);
    if (columns.length > 0) features.push({ ...p, weight, columns });
  });
  if (features.length === 0 && !options.keepAll) throw new UserError('None of the features varies between participants; nothing to cluster on.');
  const encoding: Encoding = { version: 1, features };
  return { encoding, matrix: encodeParticipants(encoding, included), included, excluded, imputed, notes };
}

function applyTransform(transform: EncodedFeature['transform'], x: number): number {
  return transform === 'log1p' ? Math.log1p(Math.max(0, x)) : x;
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
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
  facts.forEach((f, i) => {
    let c = 0;
    for (const feature of encoding.features) {
      const raw = rawValues(feature, f);
      for (const column of feature.columns) {
        const index = column.option === null ? 0 : feature.options.indexOf(column.option);
        const value = raw === null ? null : raw[index];
        const x = value === null || value === undefined ? column.impute : applyTransform(feature.transform, value);
        m.data[i * cols + c] = ((x - column.centre) / column.scale) * column.factor;
        c++;
      }
    }
  });
  return m;
}

/** How many of the encoding's features a participant is missing. */
export function missingFeatures(encoding: Encoding, f: ParticipantFacts): string[] {
  return encoding.features.filter((feature) => rawValues(feature, f) === null).map((feature) => feature.field);
}
