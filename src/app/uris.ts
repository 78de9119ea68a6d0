/** The seglab:// resource URIs, built in one place (resources, tool results and reports link to them). */
import { REPORT_FORMATS, type ReportFormat } from './report-formats.js';

export const STUDY_URI_TEMPLATE = 'seglab://studies/{study_id}';
export const PARTICIPANT_URI_TEMPLATE = 'seglab://studies/{study_id}/participants/{participant_id}';
export const EXPORT_URI_TEMPLATE = 'seglab://studies/{study_id}/exports/{file}';
export const EXPORT_PART_URI_TEMPLATE = 'seglab://studies/{study_id}/exports/{file}/parts/{part}';
export const reportUriTemplate = (format: ReportFormat) => `seglab://studies/{study_id}/report.${REPORT_FORMATS[format]}`;

export function studyUri(studyId: number): string {
  return `seglab://studies/${studyId}`;
}

export function participantUri(studyId: number, participantId: string): string {
  return `seglab://studies/${studyId}/participants/${encodeURIComponent(participantId)}`;
}

export function reportUri(studyId: number, format: ReportFormat): string {
  return `seglab://studies/${studyId}/report.${REPORT_FORMATS[format]}`;
}

/** A quote and a segment, as search results name them (ChatGPT cites these; they are not readable resources). */
export function quoteUri(studyId: number, quoteId: number | string): string {
  return `seglab://studies/${studyId}/quotes/${quoteId}`;
}

export function segmentUri(studyId: number, segmentationId: number | string, segmentId: number | string): string {
  return `seglab://studies/${studyId}/segmentations/${segmentationId}/segments/${segmentId}`;
}

/** A file export_segments wrote, readable through resources/read. */
export function exportUri(studyId: number, file: string): string {
  return `seglab://studies/${studyId}/exports/${encodeURIComponent(file)}`;
}

/** One part of a large export (each part a CSV with the header row). */
export function exportPartUri(studyId: number, file: string, part: number): string {
  return `${exportUri(studyId, file)}/parts/${part}`;
}
