/**
 * The JSON columns of segmentations, segments and segment_members, each parsed once by a zod
 * schema where the store reads it, so nothing above the store casts stored JSON. Objects that
 * later versions may extend are loose: unknown keys pass through untouched.
 */
import * as z from 'zod';
import { OPERATORS } from '../domain/fields.js';
import type { Encoding } from '../domain/segments/encoding.js';
import type { PersonaCard } from '../domain/segments/persona.js';
import type { FeatureComparison, FeatureProfile } from '../domain/segments/profile.js';

const conditionValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]);
export const storedCondition = z.object({ field: z.string(), op: z.enum(OPERATORS), value: conditionValue.optional() });

const stability = z.object({ jaccard: z.number(), verdict: z.enum(['stable', 'doubtful', 'dissolved']) });
const recommendation = z.object({ k: z.number(), rule: z.string(), reason: z.string() });

/** The call that made a segmentation; which keys are set depends on the method. */
export const segmentationParameters = z.looseObject({
  // k-means
  features: z.array(z.string()).optional(),
  weights: z.record(z.string(), z.number()).optional(),
  k: z.union([z.number(), z.literal('auto')]).optional(),
  k_min: z.number().optional(),
  k_max: z.number().optional(),
  seed: z.number().optional(),
  restarts: z.number().optional(),
  bootstraps: z.number().optional(),
  // rules
  segments: z.array(z.object({ name: z.string(), where: z.array(storedCondition), description: z.string().optional() })).optional(),
  mode: z.enum(['first_match', 'overlapping']).optional(),
  rest_name: z.string().nullable().optional(),
  // RFM
  rfm: z.object({ recency: z.string(), frequency: z.string(), monetary: z.string() }).optional(),
});

const encodedColumn = z.object({ name: z.string(), option: z.string().nullable(), binary: z.boolean(), centre: z.number(), scale: z.number(), impute: z.number(), factor: z.number() });
export const encoding = z.object({
  version: z.literal(1),
  features: z.array(
    z.object({
      field: z.string(),
      label: z.string(),
      kind: z.enum(['number', 'one_hot', 'multi_hot', 'rank_points', 'binary', 'themes']),
      source: z.union([
        z.object({ type: z.literal('answer'), question_type: z.string() }),
        z.object({ type: z.literal('attr'), attribute_type: z.string() }),
        z.object({ type: z.literal('theme') }),
      ]),
      weight: z.number(),
      transform: z.enum(['none', 'log1p', 'days']),
      options: z.array(z.string()),
      columns: z.array(encodedColumn),
    }),
  ),
}) satisfies z.ZodType<Encoding>;

/** k-means only: the per-k table, the recommendation and each segment's bootstrap stability. */
export const segmentationDiagnostics = z.looseObject({
  table: z.array(
    z.object({
      k: z.number(),
      inertia: z.number(),
      silhouette: z.number().nullable(),
      silhouette_exact: z.boolean(),
      calinski_harabasz: z.number().nullable(),
      davies_bouldin: z.number().nullable(),
      stability: z.number(),
      min_jaccard: z.number(),
      smallest_segment: z.number(),
    }),
  ),
  recommendation,
  stability: z.array(stability),
});

export const segmentationSummary = z.looseObject({
  warnings: z.array(z.string()).default([]),
  notes: z.array(z.string()).default([]),
  participants_clustered: z.number().optional(),
  excluded: z.array(z.object({ participant_id: z.string(), missing: z.array(z.string()) })).optional(),
  imputed: z.array(z.object({ field: z.string(), count: z.number() })).optional(),
  recommendation: recommendation.optional(),
  unassigned: z.array(z.string()).optional(),
});

const factorScore = z.object({ score: z.number(), source: z.string() });
export const prioritizationMatrix = z.looseObject({
  segmentation_id: z.number(),
  weights: z.record(z.string(), z.number()),
  ranking: z.array(
    z.object({ rank: z.number(), segment_id: z.number(), name: z.string().nullable(), size: z.number(), scores: z.record(z.string(), factorScore), total: z.number(), unscored: z.array(z.string()) }),
  ),
  beachhead: z.object({ segment_id: z.number(), name: z.string().nullable(), reason: z.string() }),
  missing: z.array(z.string()),
});

/** A segment's definition: its centre (k-means, encoded units), its conditions (rules) or its R·F cells (RFM). */
export const segmentDefinition = z.looseObject({
  centre: z.array(z.number()).optional(),
  conditions: z.array(storedCondition).optional(),
  rfm: z.object({ recency: z.string(), frequency: z.string(), monetary: z.string() }).optional(),
  cells: z.string().optional(),
  label: z.string().optional(),
});

const measure = z.enum(['mean', 'share', 'rank_points']);
const featureProfile = z.object({ field: z.string(), label: z.string(), measure, n: z.number(), values: z.array(z.object({ option: z.string().nullable(), value: z.number() })) }) satisfies z.ZodType<FeatureProfile>;
export const featureComparison = z.object({
  column: z.string(),
  field: z.string(),
  option: z.string().nullable(),
  measure,
  a: z.number().nullable(),
  b: z.number().nullable(),
  n_a: z.number(),
  n_b: z.number(),
  difference: z.number().nullable(),
  effect_size: z.number().nullable(),
  effect_measure: z.enum(['cohen_d', 'cohen_h']),
  test: z.enum(['welch_t', 'chi_square', 'fisher_exact']).nullable(),
  p: z.number().nullable(),
  q: z.number().nullable(),
  significant: z.boolean(),
  description: z.string(),
}) satisfies z.ZodType<FeatureComparison>;

/** A segment's description as computed when the segmentation was made. */
export const segmentProfile = z.object({
  profile: z.array(featureProfile),
  distinguishing: z.array(featureComparison),
  representatives: z.array(z.object({ participant_id: z.string(), distance: z.number().nullable() })),
  quotes: z.array(z.object({ participant_id: z.string(), text: z.string() })),
  distinctive_words: z.array(z.object({ word: z.string(), z: z.number(), count: z.number() })),
});

export const playbook = z.object({ product: z.string().optional(), marketing: z.string().optional(), sales: z.string().optional(), customer_success: z.string().optional() });

const claim = z.object({ text: z.string(), participant_ids: z.array(z.string()) });
/** A segment's persona card as built from its members' data; its name and narrative are read from the segment when shown. */
export const segmentCard = z.object({
  role: claim.nullable(),
  context: z.array(claim),
  goals: z.array(claim),
  frustrations: z.array(claim),
  behaviours: z.array(claim),
  quote: z.object({ text: z.string(), participant_id: z.string() }).nullable(),
}) satisfies z.ZodType<Omit<PersonaCard, 'name' | 'narrative'>>;
/** A segment's card as stored, with the segment's size (memberships) when it was built. */
export const storedCard = z.object({ size: z.number(), card: segmentCard });

const totals = z.object({ participants: z.number(), without_email: z.number() });
/** export_segments' totals as counted at the study's data version `version`: of the members, and with the predicted participants. */
export const exportTotals = z.object({ version: z.number(), members: totals.optional(), with_predicted: totals.optional() });

/** Per member: RFM scores and code. */
export const memberDetail = z.looseObject({ r: z.number(), f: z.number(), m: z.number(), code: z.string() });

export type SegmentationParameters = z.infer<typeof segmentationParameters>;
export type SegmentationDiagnostics = z.infer<typeof segmentationDiagnostics>;
export type SegmentationSummary = z.infer<typeof segmentationSummary>;
/** As written: warnings and notes default to none. */
export type NewSegmentationSummary = z.input<typeof segmentationSummary>;
export type PrioritizationMatrix = z.infer<typeof prioritizationMatrix>;
export type SegmentDefinition = z.infer<typeof segmentDefinition>;
export type SegmentProfile = z.infer<typeof segmentProfile>;
export type Playbook = z.infer<typeof playbook>;
export type MemberDetail = z.infer<typeof memberDetail>;
export type SegmentCard = z.infer<typeof segmentCard>;
export type StoredCard = z.infer<typeof storedCard>;
export type ExportTotals = z.infer<typeof exportTotals>;

/** Parses a JSON column with its schema; NULL stays null. */
export function parseJson<S extends z.ZodType>(schema: S, text: string | null): z.output<S> | null {
  return text === null ? null : schema.parse(JSON.parse(text));
}
