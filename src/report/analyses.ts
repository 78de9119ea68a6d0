/**
 * The parts of a report that do not read the segmentation's members: sample composition,
 * question charts, themes, notable crosstabs and key drivers. Runs on this thread or on the
 * analyses worker (parallel.ts) with its own read-only connection.
 */
import { crosstab } from '../app/crosstab.js';
import { driverAnalysis } from '../app/drivers.js';
import { decimal } from '../domain/format.js';
import type { Store } from '../store/index.js';
import type { StoredQuestion } from '../store/studies.js';
import type { Omission, Report } from './model.js';
import { questionChart, segmentChart } from './question-charts.js';
import { SectionRecorder, type SectionError } from './sections.js';

const OUTCOME = /recommend|satisf|nps|likel|value|importan|overall|happy|effort/i;

/** The parts of a report that do not read the segmentation's members: sample composition, question charts, themes, crosstabs, drivers. */
export interface ReportAnalyses {
  tags: { tag: string; count: number }[];
  questions: Report['questions'];
  themes: Report['themes'];
  crosstabs: Report['crosstabs'];
  drivers: Report['drivers'];
  /** What could not be built, as the section recorder found it. */
  sections: { failures: SectionError[]; omitted: Omission[] };
}

/** Notable crosstabs shown, strongest association first. */
const MAX_CROSSTABS = 5;
/** Drivers shown of the outcome analysed. */
const MAX_DRIVERS_SHOWN = 6;

/**
 * `interviewed`: participants with a completed or partial interview (the themes' base), as the caller counted them.
 * `includePartial`: the population rule (domain/population.ts) the questions, crosstabs and drivers count by.
 */
export async function reportAnalyses(store: Store, studyId: number, segmentation: number | undefined, interviewed: number, includePartial = false, only?: AnalysesSubset): Promise<ReportAnalyses> {
  if (only === 'drivers') {
    const sections = new SectionRecorder();
    return { tags: [], questions: [], themes: [], crosstabs: [], drivers: await reportDrivers(store, studyId, await store.studies.questions(studyId), includePartial, sections), sections: { failures: sections.failures, omitted: sections.omitted } };
  }
  const sections = new SectionRecorder();
  const questions = await store.studies.questions(studyId);
  const tags = await store.studies.tagCounts(studyId, 50);
  const quotes = await store.interviews.themeQuotes(studyId, 2);
  const themes = (await store.studies.themeCounts(studyId, 12)).map((t) => ({ code: t.code, participants: t.participants, share: interviewed ? t.participants / interviewed : 0, quotes: quotes.get(t.code) ?? [] }));
  const fields = await store.fieldCatalog(studyId, segmentation);

  // Questions: overall, and by segment when there is a segmentation.
  const structured = questions.filter((q) => q.type !== 'open_ended').map((q) => q.key);
  // A summary by segment carries the overall figures too: one pass serves both.
  const summaries =
    (structured.length ? await sections.attempt('questions', async () => (await store.summaries.summarize(studyId, fields, { questions: structured, include_partial: includePartial, ...(segmentation !== undefined ? { by: 'segment' } : {}) })).questions) : null) ?? [];
  const overall = summaries;
  const bySegment = segmentation !== undefined ? summaries : [];
  const questionSections = overall.filter((q) => q.n > 0).map((q) => {
    const question = questions.find((x) => x.key === q.key)!;
    const { chart, headline } = questionChart(q, { min: question.scale_min, max: question.scale_max });
    const grouped = bySegment.find((x) => x.key === q.key);
    return { key: q.key, type: q.type, text: q.text, n: q.n, mean: q.mean ?? null, nps: q.nps?.score ?? null, headline, chart, by_segment: grouped ? segmentChart(grouped) : null };
  });

  // Notable crosstabs: segment (or a category attribute) against each structured answer.
  const crosstabs: Report['crosstabs'] = [];
  const against = segmentation !== undefined ? 'segment' : ((await store.studies.attributes(studyId)).find((a) => a.type === 'category')?.name ?? null);
  if (against) {
    const answered = new Set(summaries.filter((q) => q.n > 0).map((q) => q.key));
    // A question nobody answered yet has no table: only answered ones are cross-tabulated.
    for (const q of questions.filter((x) => ['single_choice', 'yes_no', 'scale', 'ranking'].includes(x.type) && (answered.has(x.key) || summaries.length === 0))) {
      const t = await sections.attempt(`crosstab ${q.key}`, async () => await crosstab(store, { studyId, rows: segmentation !== undefined ? 'segment' : `attr.${against}`, columns: `answer.${q.key}`, segmentationId: segmentation, includePartial }));
      const p = t?.statistics?.fisher_p ?? t?.statistics?.p ?? null;
      if (t?.statistics && p !== null && p < 0.05) {
        const top = t.flagged[0];
        crosstabs.push({
          rows: t.rows.field,
          columns: t.columns.field,
          n: t.n,
          chi_square: t.statistics.chi_square,
          df: t.statistics.df,
          p,
          cramers_v: t.statistics.cramers_v,
          headline: top ? `${top.row} × ${top.column}: ${top.count} where ${decimal(top.expected, 1)} were expected (${top.direction}, z = ${decimal(top.residual)})` : 'differs overall',
        });
      }
    }
    crosstabs.sort((a, b) => (b.cramers_v ?? 0) - (a.cramers_v ?? 0));
  }

  const drivers = only === 'without drivers' ? null : await reportDrivers(store, studyId, questions, includePartial, sections);
  return { tags, questions: questionSections, themes, crosstabs: crosstabs.slice(0, MAX_CROSSTABS), drivers, sections: { failures: sections.failures, omitted: sections.omitted } };
}

/** Drivers of the scale question that reads most like an outcome (null: no scale question, or the analysis failed). */
async function reportDrivers(store: Store, studyId: number, questions: StoredQuestion[], includePartial: boolean, sections: SectionRecorder): Promise<Report['drivers']> {
  const scales = questions.filter((q) => q.type === 'scale');
  const outcome = scales.find((q) => OUTCOME.test(q.key) || OUTCOME.test(q.text)) ?? scales[0];
  let drivers: Report['drivers'] = null;
  if (outcome) {
    const d = await sections.attempt('drivers', async () => await driverAnalysis(store, { studyId, outcome: `answer.${outcome.key}`, includePartial }));
    if (d) {
      const top = d.overall.drivers.slice(0, MAX_DRIVERS_SHOWN).map((x) => ({ driver: x.driver, r: x.pearson.r, p: x.pearson.p, share: x.share_of_r_squared }));
      drivers = {
        outcome: `answer.${outcome.key}`,
        n: d.overall.n_outcome,
        r_squared: d.overall.r_squared,
        top,
        warnings: d.overall.warnings,
        chart: top.some((x) => x.share !== null)
          ? { kind: 'bars', id: 'drivers-chart', title: `Relative importance for ${outcome.key} (share of R²${d.overall.r_squared !== null ? ` = ${decimal(d.overall.r_squared, 3)}` : ''})`, format: 'percent', items: top.map((x) => ({ label: x.driver, value: x.share ?? 0, note: `(r = ${decimal(x.r)})` })), max: 1 }
          : null,
      };
    }
  }
  return drivers;
}

/**
 * The two halves a large report builds on two workers: the drivers (a million-element column per
 * driver) beside the segmentation part's worker, the rest (SQL aggregates, little memory) on a second.
 */
export type AnalysesSubset = 'drivers' | 'without drivers';

/** The analyses of both halves as one build of them all gives them. */
export function joinAnalyses(rest: ReportAnalyses, drivers: ReportAnalyses): ReportAnalyses {
  return { ...rest, drivers: drivers.drivers, sections: { failures: [...rest.sections.failures, ...drivers.sections.failures], omitted: [...rest.sections.omitted, ...drivers.sections.omitted] } };
}
