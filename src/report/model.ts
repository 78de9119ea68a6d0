/**
 * The study report as one plain object (also its JSON format): what build.ts gathers and the
 * Markdown and HTML renderers draw.
 */
import type { Population } from '../domain/population.js';
import type { PersonaCard } from '../domain/segments/persona.js';
import type { Chart } from './charts.js';

/** A section that could not be built: the report says so and the server log has the details under `ref`. */
export interface SectionFailure {
  section: string;
  ref: string;
}

/** Something left out for a stated reason (e.g. a table with more categories than a table can show). */
export interface Omission {
  section: string;
  reason: string;
}

export interface ReportSegment {
  segment_id: number;
  name: string;
  description: string | null;
  size: number;
  share: number;
  stability: string | null;
  definition: string | null;
  distinguishing: string[];
  persona: PersonaCard;
  playbook: Record<string, string> | null;
}

export interface Report {
  version: 1;
  generated_at: string;
  study: { study_id: number; name: string; decision: string | null; description: string | null; mode: string };
  summary: string[];
  method: {
    participants: number;
    interviews_completed: number;
    interviews_partial: number;
    not_interviewed: number;
    composition: { tag: string; count: number }[];
    lifecycle_groups: { group: string; participants: number }[];
    questions: { key: string; type: string; text: string }[];
    attributes: number;
    readiness: { ready: boolean; open_items: string[] };
    /** Who the questions, crosstabs and drivers count (domain/population.ts). */
    population: Population;
  };
  questions: { key: string; type: string; text: string; n: number; mean: number | null; nps: number | null; headline: string; chart: Chart; by_segment: Chart | null }[];
  themes: { code: string; participants: number; share: number; quotes: { participant_id: string; text: string }[] }[];
  themes_chart: Chart | null;
  segmentation: null | {
    segmentation_id: number;
    method: string;
    k: number;
    created_at: string;
    size_chart: Chart;
    segments: ReportSegment[];
    comparison: { columns: string[]; rows: { feature: string; measure: string; values: (number | null)[] }[] };
    validation: { overall: string; criteria: { name: string; verdict: string; evidence: string }[]; per_segment: { segment: string; verdicts: Record<string, string> }[]; anti_patterns: { name: string; verdict: string; evidence: string }[]; typing_rules: string[] };
    prioritization: null | { weights: Record<string, number>; rows: { rank: number; segment: string; scores: Record<string, number | null>; total: number }[]; beachhead: string; reason: string };
    /** Each segment across the whole base through the CRM typing model (null: no CRM data, or overlapping segments). */
    base: null | {
      participants: number;
      revenue_attribute: string | null;
      method: string;
      cross_validated_accuracy: number | null;
      majority_share: number;
      verdict: string;
      statement: string;
      segments: { segment_id: number; name: string; observed: number; predicted: number; count: number; share: number; revenue: number | null; revenue_share: number | null }[];
    };
    migration: null | { from_segmentation_id: number; stayed: number; moved: number; new: number; gone: number; rows: string[]; columns: string[]; counts: number[][] };
    appendix: { features: string[]; parameters: Record<string, unknown>; diagnostics: Record<string, unknown>[]; recommendation: string | null; warnings: string[]; notes: string[] };
  };
  crosstabs: { rows: string; columns: string; n: number; chi_square: number | null; df: number | null; p: number | null; cramers_v: number | null; headline: string }[];
  drivers: null | { outcome: string; n: number; r_squared: number | null; top: { driver: string; r: number | null; p: number | null; share: number | null }[]; warnings: string[]; chart: Chart | null };
  /** Sections that failed to build (each logged with its ref). */
  failed_sections: SectionFailure[];
  omitted: Omission[];
}

/** Every chart of a report, in page order. */
export function reportCharts(r: Report): Chart[] {
  return [
    ...r.questions.flatMap((q) => [q.chart, ...(q.by_segment ? [q.by_segment] : [])]),
    ...(r.themes_chart ? [r.themes_chart] : []),
    ...(r.segmentation ? [r.segmentation.size_chart] : []),
    ...(r.drivers?.chart ? [r.drivers.chart] : []),
  ];
}

/** Items of the "not shown" list rendered before folding the rest into a count. */
const NOT_SHOWN_LISTED = 12;

/** What the report could not show and why, one line each: failures first (with their log ref), then omissions. */
export function notShown(r: Report): string[] {
  const lines = [
    ...r.failed_sections.map((f) => `${f.section}: could not be built (ref ${f.ref}; the server log has the details)`),
    ...r.omitted.map((o) => `${o.section}: ${o.reason}`),
  ];
  return lines.length > NOT_SHOWN_LISTED ? [...lines.slice(0, NOT_SHOWN_LISTED), `… and ${lines.length - NOT_SHOWN_LISTED} more`] : lines;
}
