/**
 * Builds a study's report and writes it in all three formats to the reports folder
 * (<outputDir>/study-<id>/report.{md,html,json}); the MCP resources serve these files.
 */
import { readOutputFile, writeOutputFile } from '../app/output-files.js';
import { REPORT_FORMATS, type ReportFormat } from '../app/report-formats.js';
import type { Store } from '../store/index.js';
import { throwIfCancelled, type Progress } from '../app/call-options.js';
import { buildReport, type BuildOptions } from './build.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './model.js';

export interface WrittenReport {
  report: Report;
  texts: Record<ReportFormat, string>;
  paths: Record<ReportFormat, string>;
}

/** The report's place below the output folder. */
export function reportFile(studyId: number, format: ReportFormat): string {
  return `study-${studyId}/report.${REPORT_FORMATS[format]}`;
}


export async function writeReport(store: Store, outputDir: string, studyId: number, segmentationId?: number, options: BuildOptions & { progress?: Progress | undefined } = {}): Promise<WrittenReport> {
  const report = await buildReport(store, studyId, segmentationId, options);
  // Cancelled while building: nothing is written.
  await options.progress?.(1, 2, 'Writing the report');
  throwIfCancelled(options.signal);
  const texts = { markdown: renderMarkdown(report), html: renderHtml(report), json: `${JSON.stringify(report, null, 2)}\n` };
  const paths = {} as Record<ReportFormat, string>;
  for (const format of Object.keys(REPORT_FORMATS) as ReportFormat[]) paths[format] = writeOutputFile(outputDir, reportFile(studyId, format), texts[format]);
  return { report, texts, paths };
}

/** The latest written report in one format, generating it first if there is none yet. */
export async function readReport(store: Store, outputDir: string, studyId: number, format: ReportFormat, options: BuildOptions = {}): Promise<string> {
  await store.studies.get(studyId);
  return readOutputFile(outputDir, reportFile(studyId, format)) ?? (await writeReport(store, outputDir, studyId, undefined, options)).texts[format];
}
