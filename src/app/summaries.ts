/** summarize_questions: each question's statistics by type, overall or by a grouping, a budget-sized page of questions at a time. */
import { jsonChars, STRUCTURED_BUDGET } from '../domain/budget.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import type { DateUnitRequest } from '../domain/grouping.js';
import { population, populationRule } from '../domain/population.js';
import type { QuestionStats, QuestionSummary } from '../domain/question-stats.js';
import type { Store } from '../store/index.js';

export interface SummaryRequest {
  studyId: number;
  /** Question keys (default: all). */
  questions?: string[] | undefined;
  /** A grouping: attr.<name>, answer.<key>, tag, theme, status or segment. */
  by?: string | undefined;
  segmentationId?: number | undefined;
  includePartial: boolean;
  /** How a date `by` is grouped. */
  dateUnit?: DateUnitRequest | undefined;
  /** Continues after the last question of the previous page. */
  cursor?: string | undefined;
}

/** Groups smaller than this are flagged: their numbers are anecdotes. */
const SMALL_GROUP = 5;

/** The most one question's summary may take: a larger one is shown with less detail (`reduced` says what). */
const QUESTION_CHARS = 9000;

type Summary = QuestionSummary & { reduced?: string };

/**
 * Ever less detail, until the summary fits `max`: first the per-group position and value
 * distributions, then each group's options beyond the question's top ones, then the overall
 * positions and options past the first twenty. What was left out is said in `reduced`.
 */
export function fitQuestionSummary(summary: QuestionSummary, max = QUESTION_CHARS): Summary {
  if (jsonChars(summary) <= max) return summary;
  const steps: { note: string; apply: (s: Summary) => Summary }[] = [
    { note: 'per-group distributions and rank positions left out', apply: (s) => ({ ...s, groups: s.groups?.map(({ distribution: _d, ...g }) => ({ ...g, options: g.options?.map(({ positions: _p, ...o }) => o) })) }) },
    { note: "each group shows the question's 5 leading options", apply: (s) => ({ ...s, groups: s.groups?.map((g) => ({ ...g, options: g.options?.filter((o) => leading(s, 5).has(o.option)), top_terms: g.top_terms?.slice(0, 3), themes: g.themes?.slice(0, 3) })) }) },
    { note: 'overall rank positions left out and at most 20 options shown', apply: (s) => ({ ...s, options: s.options?.slice(0, 20).map(({ positions: _p, ...o }) => o) }) },
    { note: 'each group shows the 2 leading options', apply: (s) => ({ ...s, groups: s.groups?.map((g) => ({ ...g, options: g.options?.filter((o) => leading(s, 2).has(o.option)) })) }) },
    { note: 'groups show only their size and headline figures', apply: (s) => ({ ...s, groups: s.groups?.map((g) => headlineOnly(g)) }) },
  ];
  let fitted: Summary = summary;
  const notes: string[] = [];
  for (const step of steps) {
    fitted = step.apply(fitted);
    notes.push(step.note);
    if (jsonChars({ ...fitted, reduced: notes.join('; ') }) <= max) break;
  }
  return { ...fitted, reduced: `${notes.join('; ')} (crosstab gives one question by one field in full)` };
}

/** The question's first `n` options (they come ordered by count, or by mean rank for rankings). */
function leading(summary: QuestionSummary, n: number): Set<string> {
  return new Set((summary.options ?? []).slice(0, n).map((o) => o.option));
}

function headlineOnly<G extends QuestionStats & { group: string }>(g: G): QuestionStats & { group: string } {
  const { options: _o, distribution: _d, top_terms: _t, themes: _th, ...rest } = g;
  return rest;
}

export async function summarizeQuestions(store: Store, request: SummaryRequest) {
  await store.studies.get(request.studyId);
  const fields = await store.fieldCatalog(request.studyId, request.segmentationId);
  // Questions in position order after the cursor; each summary is fitted, and the page ends
  // where the next would not fit (the rest is not computed).
  const after = request.cursor ? decodeCursor(request.cursor, 'question') : 0;
  const positions = new Map([...fields.questions.values()].map((q) => [q.key, q.position]));
  const asked = (request.questions?.length ? [...new Set(request.questions.map((k) => k.trim()))] : [...fields.questions.keys()]).sort((a, b) => (positions.get(a) ?? 0) - (positions.get(b) ?? 0));
  const keys = asked.filter((key) => !positions.has(key) || positions.get(key)! > after);
  const page: Summary[] = [];
  let room = STRUCTURED_BUDGET - 3000;
  const result = await store.summaries.summarize(request.studyId, fields, {
    questions: keys,
    by: request.by,
    include_partial: request.includePartial,
    date_unit: request.dateUnit,
    accept: (summary) => {
      const fitted = fitQuestionSummary(summary);
      const size = jsonChars(fitted) + 1;
      if (page.length > 0 && size > room) return false;
      room -= size;
      page.push(fitted);
      return true;
    },
  });
  const warnings: string[] = [];
  if (result.population.participants === 0) {
    warnings.push(`No ${request.includePartial ? 'completed or partial' : 'completed'} interviews yet${request.includePartial ? '' : ' (include_partial counts partial ones)'}.`);
  }
  const small = result.by?.groups.filter((g) => g.participants < SMALL_GROUP).map((g) => g.group) ?? [];
  if (small.length > 0) warnings.push(`Groups with fewer than ${SMALL_GROUP} participants (read their numbers as anecdotes): ${small.slice(0, 10).join(', ')}.`);
  const last = page[page.length - 1];
  const more = result.stopped_at !== null && last !== undefined;
  return {
    study_id: request.studyId,
    population: { ...result.population, ...population(populationRule(request.includePartial, true), result.population.participants) },
    by: result.by,
    questions: page,
    questions_total: asked.length,
    next_cursor: more ? encodeCursor('question', positions.get(last.key)!) : null,
    warnings,
  };
}
