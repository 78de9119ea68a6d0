/** The report's segmentation section: segments with personas, how they compare, validation, prioritization, migration, method appendix. */
import { segmentMigration } from '../app/migration.js';
import { loadedSegmentViews } from '../app/segmentation-view.js';
import { describeConditions, segmentName } from '../domain/segments/labels.js';
import { validateSegmentation } from '../app/validation.js';
import { loadSegmentation } from '../app/segmentations.js';
import { crmPlacements, CRM_MODEL_METHOD, crmModelApplies, crmRules, revenueAttribute, sizeAcrossBase, trainCrmModel } from '../app/crm-model.js';
import { decimal, percent } from '../domain/format.js';
import type { Store } from '../store/index.js';
import type { Report, ReportSegment } from './model.js';
import type { SectionRecorder } from './sections.js';

/** Features in the side-by-side comparison: the strongest distinguishing ones of every segment. */
const MAX_COMPARED_FEATURES = 14;
const DISTINGUISHING_PER_SEGMENT = 4;
const METHOD_NAMES = { kmeans: 'k-means', rules: 'rules', rfm: 'RFM' } as const;

export async function segmentationSection(store: Store, segmentationId: number, sections: SectionRecorder, revenueName?: string): Promise<NonNullable<Report['segmentation']>> {
  // Members' data is loaded once for the views, personas and validation below.
  const loaded = await loadSegmentation(store, segmentationId);
  const row = loaded.segmentation;
  const views = await loadedSegmentViews(store, loaded);
  const segments: ReportSegment[] = views.map((s) => ({
    segment_id: s.segment_id,
    name: segmentName(s),
    description: s.description,
    size: s.size,
    share: s.share,
    stability: s.stability ? `${s.stability.verdict} (Jaccard ${decimal(s.stability.jaccard, 3)})` : null,
    definition: s.definition,
    distinguishing: s.distinguishing.slice(0, 5).map((d) => d.description),
    persona: s.persona,
    playbook: s.playbook,
  }));

  // Side by side: the features that distinguish any segment, each segment's mean or share.
  const wanted = [...new Set(views.flatMap((s) => s.distinguishing.slice(0, DISTINGUISHING_PER_SEGMENT).map((d) => d.column)))].slice(0, MAX_COMPARED_FEATURES);
  const comparison = {
    columns: segments.map((s) => s.name),
    rows: wanted.map((column) => {
      const [field, option] = column.includes(':') ? [column.slice(0, column.indexOf(':')), column.slice(column.indexOf(':') + 1)] : [column, null];
      let measure = 'mean';
      const values = views.map((s) => {
        const p = s.profile.find((f) => f.field === field);
        if (!p) return null;
        measure = p.measure;
        return p.values.find((v) => v.option === option)?.value ?? (option === null ? null : 0);
      });
      return { feature: option ? `${field.replace(/^(answer|attr)\./, '')} = ${option}` : field.replace(/^(answer|attr)\./, ''), measure, values };
    }),
  };

  // The CRM typing model: trained once, for validation's typing rules and for sizing the segments across the base.
  const model = crmModelApplies(loaded) ? await trainCrmModel(store, segmentationId, loaded) : null;
  const v = await validateSegmentation(store, segmentationId, loaded, model);
  const base = model
    ? await sections.attempt('base sizes', async () => ({
        ...sizeAcrossBase(await crmPlacements(store, model), loaded.segments, await revenueAttribute(store, row.study_id, revenueName)),
        method: CRM_MODEL_METHOD,
        cross_validated_accuracy: model.typing.cross_validated_accuracy,
        majority_share: model.typing.majority_share,
        verdict: model.typing.verdict,
        statement: model.statement,
      }))
    : null;
  const validation = {
    overall: v.overall.verdict,
    criteria: Object.entries(v.overall.criteria).map(([name, c]) => ({ name, verdict: c.verdict, evidence: c.evidence })),
    per_segment: v.segments.map((s) => ({ segment: segmentName(s), verdicts: Object.fromEntries(Object.entries(s.criteria).map(([k, c]) => [k, c.verdict])) })),
    anti_patterns: v.anti_patterns.map((a) => ({ name: a.name, verdict: a.verdict, evidence: a.evidence })),
    typing_rules: (v.typing_tool?.rules ?? (model ? crmRules(model.typing, loaded.segments) : [])).map((r) => `${segments.find((s) => s.segment_id === r.segment_id)?.name ?? r.segment_id} ← ${r.text} (${r.participants}, ${percent(r.purity)} pure)`),
  };

  const stored = row.prioritization;
  const prioritization = stored
    ? {
        weights: stored.weights,
        rows: stored.ranking.map((r) => ({ rank: r.rank, segment: segmentName(r), scores: Object.fromEntries(Object.keys(stored.weights).map((f) => [f, r.scores[f]?.score ?? null])), total: r.total })),
        beachhead: segmentName(stored.beachhead),
        reason: stored.beachhead.reason,
      }
    : null;

  // Migration from the study's previous segmentation, when there is one to compare with.
  const previous = (await store.segmentations.list(row.study_id, 50)).find((s) => s.id < segmentationId);
  const moved = previous && !row.overlapping ? await sections.attempt('migration', async () => await segmentMigration(store, previous.id, segmentationId)) : null;
  const migration = moved && previous ? { from_segmentation_id: previous.id, stayed: moved.stayed, moved: moved.moved, new: moved.new, gone: moved.gone, rows: moved.matrix.rows, columns: moved.matrix.columns, counts: moved.matrix.counts } : null;

  const params = row.parameters;
  return {
    segmentation_id: segmentationId,
    method: row.method,
    k: segments.length,
    created_at: row.created_at,
    size_chart: { kind: 'bars', id: 'segment-sizes', title: 'Segment sizes', subtitle: `${METHOD_NAMES[row.method]}, segmentation ${segmentationId}`, format: 'percent', items: segments.map((s) => ({ label: s.name, value: s.share, note: `(${s.size})` })), max: Math.max(...segments.map((s) => s.share), 0.01) },
    segments,
    comparison,
    validation,
    prioritization,
    base,
    migration,
    appendix: {
      features: (params.features ?? []).concat((params.segments ?? []).map((s) => `${s.name}: ${describeConditions(s.where)}`)),
      parameters: params,
      diagnostics: row.diagnostics?.table ?? [],
      recommendation: row.diagnostics?.recommendation.reason ?? null,
      warnings: row.summary.warnings,
      notes: row.summary.notes,
    },
  };
}
