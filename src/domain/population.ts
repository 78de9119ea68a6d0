/**
 * Who counts in an analysis: one rule for summarize_questions, crosstab, driver_analysis,
 * compare_segments, cluster_participants and the report, so two tools never give two answers
 * to one question.
 * - An analysis that reads interview data (answers, themes) counts participants with a completed
 *   interview; include_partial adds partial ones. Never-interviewed participants have no answers to
 *   count, and are not imputed.
 * - An analysis that reads only what the CRM knows (attributes, tags, interview status, segment
 *   membership) counts every participant of the study, interviewed or not: it describes the base.
 * The interviewed segments reach the rest of the base through the CRM typing model (assign_participants
 * method "crm_model").
 */
import { parseField } from './fields.js';

export type InterviewStatus = 'completed' | 'partial' | 'not_interviewed';
export type CountedStatus = Exclude<InterviewStatus, 'not_interviewed'>;

export interface PopulationRule {
  /** interviews: the interviewed (by status); crm_base: every participant. */
  scope: 'interviews' | 'crm_base';
  include_partial: boolean;
  /** Interview statuses counted. */
  statuses: InterviewStatus[];
  /** The rule in words, stated in every result. */
  rule: string;
}

/** The rule and the number of participants it counted. */
export interface Population extends PopulationRule {
  n: number;
}

/** Whether a field reads interview data (answers, themes) rather than what a CRM has. */
export function readsInterviews(field: string): boolean {
  const kind = parseField(field).kind;
  return kind === 'answer' || kind === 'theme';
}

/** Whether an analysis over `fields` reads interview data (and so counts the interviewed). */
export function overInterviews(fields: string[]): boolean {
  return fields.length === 0 || fields.some(readsInterviews);
}

/** The rule for an analysis that reads interview data (`interviews`) or CRM data only, widened by include_partial. */
export function populationRule(includePartial: boolean | undefined, interviews: boolean): PopulationRule {
  if (!interviews) {
    return { scope: 'crm_base', include_partial: includePartial === true, statuses: ['completed', 'partial', 'not_interviewed'], rule: 'every participant, interviewed or not (the analysis reads only CRM attributes, tags, status or segments)' };
  }
  return includePartial
    ? { scope: 'interviews', include_partial: true, statuses: ['completed', 'partial'], rule: 'participants with a completed or partial interview (include_partial)' }
    : { scope: 'interviews', include_partial: false, statuses: ['completed'], rule: 'participants with a completed interview (include_partial adds partial ones)' };
}

export function counted(rule: PopulationRule, status: InterviewStatus): boolean {
  return rule.statuses.includes(status);
}

export function population(rule: PopulationRule, n: number): Population {
  return { ...rule, n };
}
