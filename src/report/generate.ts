/** generate_report's use case: check the request, write the report in every format, and say what it holds. */
import { clipJson, jsonChars } from '../domain/budget.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import type { CallOptions } from '../app/call-options.js';
import { REPORT_FORMATS, type ReportFormat } from '../app/report-formats.js';
import { reportUri } from '../app/uris.js';
import type { Store } from '../store/index.js';
import { reportCharts } from './model.js';
import { writeReport } from './write.js';
import { revenueAttribute as checkRevenueAttribute } from '../app/crm-model.js';

/** A report this small comes back inline as well; a larger one as a preview and resource links. */
const INLINE_REPORT_CHARS = 9000;
/** The beginning of the report every result shows. */
const PREVIEW_CHARS = 1500;

export interface ReportRequest {
  studyId: number;
  /** Default: the study's latest segmentation, if any. */
  segmentationId?: number | undefined;
  /** What comes back inline. */
  format: ReportFormat;
  /** The population rule: count partial interviews too. */
  includePartial?: boolean | undefined;
  /** The number attribute segments are sized by across the base. */
  revenueAttribute?: string | undefined;
}

export async function generateReport(store: Store, outputDir: string, { studyId: study_id, segmentationId: segmentation_id, format, includePartial = false, revenueAttribute }: ReportRequest, log?: Logger, { signal, progress }: CallOptions = {}) {
  const started = performance.now();
  await store.studies.get(study_id);
  if (segmentation_id !== undefined && (await store.segmentations.get(segmentation_id)).study_id !== study_id) {
    throw new UserError(`segmentation_id: segmentation ${segmentation_id} belongs to another study; get_study ${study_id} lists this study's segmentations.`);
  }
  // A wrong name is the caller's mistake: say so before building, not as a failed section.
  if (revenueAttribute !== undefined) await checkRevenueAttribute(store, study_id, revenueAttribute);
  await progress?.(0, 2, 'Building the report');
  const written = await writeReport(store, outputDir, study_id, segmentation_id, { log, includePartial, revenueAttribute, signal, progress });
  const r = written.report;
  const sections = ['summary', 'method', ...(r.questions.length ? ['questions'] : []), ...(r.themes.length ? ['themes'] : []), ...(r.segmentation ? ['segments', 'comparison', 'validation'] : []), ...(r.segmentation?.prioritization ? ['prioritization'] : []), ...(r.segmentation?.migration ? ['migration'] : []), ...(r.crosstabs.length || r.drivers ? ['crosstabs_and_drivers'] : []), ...(r.segmentation ? ['appendix'] : [])];
  const resources = Object.fromEntries((Object.keys(REPORT_FORMATS) as ReportFormat[]).map((f) => [f, reportUri(study_id, f)])) as Record<ReportFormat, string>;
  return {
    result: {
      study_id,
      segmentation_id: r.segmentation?.segmentation_id ?? null,
      format,
      generated_at: r.generated_at,
      generation_ms: Math.round(performance.now() - started),
      sections,
      failed_sections: r.failed_sections,
      population: r.method.population,
      charts: reportCharts(r).length,
      files: written.paths,
      resources,
      bytes: { markdown: Buffer.byteLength(written.texts.markdown), html: Buffer.byteLength(written.texts.html), json: Buffer.byteLength(written.texts.json) },
      // The report inline only while it is small; otherwise a preview, and the resources have it whole.
      ...(format === 'markdown' && jsonChars(written.texts.markdown) <= INLINE_REPORT_CHARS ? { markdown: written.texts.markdown } : {}),
      ...(format === 'json' && jsonChars(r) <= INLINE_REPORT_CHARS ? { report: r as unknown as Record<string, unknown> } : {}),
      preview: clipJson(written.texts[format === 'html' ? 'markdown' : format], PREVIEW_CHARS),
    },
    report: r,
  };
}
