/** summarize_questions: each question's statistics by type, overall or by a grouping. */
import { population, populationRule } from '../domain/population.js';
import type { Store } from '../store/index.js';

export interface SummaryRequest {
  studyId: number;
  /** Question keys (default: all). */
  questions?: string[] | undefined;
  /** A grouping: attr.<name>, answer.<key>, tag, theme, status or segment. */
  by?: string | undefined;
  segmentationId?: number | undefined;
  includePartial: boolean;
}

/** Groups smaller than this are flagged: their numbers are anecdotes. */
const SMALL_GROUP = 5;

export function summarizeQuestions(store: Store, request: SummaryRequest) {
  store.studies.get(request.studyId);
  const fields = store.fieldCatalog(request.studyId, request.segmentationId);
  const result = store.summaries.summarize(request.studyId, fields, { questions: request.questions, by: request.by, include_partial: request.includePartial });
  const warnings: string[] = [];
  if (result.population.participants === 0) {
    warnings.push(`No ${request.includePartial ? 'completed or partial' : 'completed'} interviews yet${request.includePartial ? '' : ' (include_partial counts partial ones)'}.`);
  }
  const small = result.by?.groups.filter((g) => g.participants < SMALL_GROUP).map((g) => g.group) ?? [];
  if (small.length > 0) warnings.push(`Groups with fewer than ${SMALL_GROUP} participants (read their numbers as anecdotes): ${small.slice(0, 10).join(', ')}.`);
  return { study_id: request.studyId, ...result, population: { ...result.population, ...population(populationRule(request.includePartial, true), result.population.participants) }, warnings };
}
