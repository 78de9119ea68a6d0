/**
 * Gathers everything a study report says into one plain object (model.ts; also the JSON
 * format): summary, method and sample, the analyses (analyses.ts: question charts, themes,
 * crosstabs, drivers) and the segmentation section (segmentation-section.ts). Sections that
 * cannot be built are listed as omitted or failed (sections.ts). Rendering is separate.
 */
import { percent } from '../domain/format.js';
import { population, populationRule } from '../domain/population.js';
import { sampleGroupsCovered, TARGET_INTERVIEWS } from '../domain/study-health.js';
import type { Logger } from '../log.js';
import { throwIfCancelled } from '../app/call-options.js';
import { studyCounts } from '../app/studies.js';
import type { Store } from '../store/index.js';
import { joinAnalyses, reportAnalyses, type ReportAnalyses } from './analyses.js';
import type { Report } from './model.js';
import { analysesOnWorker, analysesPart, bothInTurnOnWorker, segmentationOnWorker, segmentationPart, type SegmentationPart } from './parallel.js';
import { segmentationSection } from './segmentation-section.js';
import { SectionRecorder } from './sections.js';

const METHOD_NAMES: Record<string, string> = { kmeans: 'k-means', rules: 'rules', rfm: 'RFM' };

/**
 * From this many participants the analyses run on a worker thread with its own read connection,
 * beside the segmentation section on this one (each takes seconds at 100,000 participants).
 */
export const PARALLEL_REPORT_FROM = 20_000;
/**
 * From this many participants the two parts run one after the other, on one worker: each holds
 * its own copy of the members' facts or answer columns (hundreds of MB at 1,000,000 participants),
 * so at once they would double the peak; in turn the report takes longer by the shorter part. One
 * worker rather than two in turn: a second worker does not reuse what the first freed (the C
 * allocator keeps it for the process: ~300 MB at 1,000,000), one worker does after a full collection.
 */
export const SEQUENTIAL_REPORT_FROM = 250_000;
/**
 * That worker's young generation (V8's default is 16 MB semi-spaces, sized for the main thread):
 * it reads members' facts and answers in chunks whose short-lived values a small one promotes to
 * the old generation, where they wait for a full collection; a large one is itself memory. At
 * 1,000,000 participants: 192 MB gave peaks of 0.98–1.0 GB, 64 MB 0.86–0.98 GB, 32 MB 0.98 GB
 * (loaded machine, one run each but 64 MB's three). Not for smaller studies, whose parts run at
 * once on two workers (100,000: 385 MB → 493 MB with a larger one).
 */
const SEGMENTATION_LIMITS = { maxYoungGenerationSizeMb: 64 };

export interface BuildOptions {
  /** From this many participants the report is built on workers (default PARALLEL_REPORT_FROM). */
  parallelFrom?: number;
  /** From this many participants the workers run one after the other (default SEQUENTIAL_REPORT_FROM). */
  sequentialFrom?: number;
  /** Where failed sections are logged with their ref. */
  log?: Logger;
  /** The population rule: count partial interviews too (default: completed only). */
  includePartial?: boolean;
  /** The number attribute segments are sized by across the base (default: the first named like revenue, MRR, ARR, amount). */
  revenueAttribute?: string | undefined;
  /** Aborted when the client cancels: the build stops (its workers end) and nothing is written. */
  signal?: AbortSignal | undefined;
}

export async function buildReport(store: Store, studyId: number, segmentationId?: number, options: BuildOptions = {}): Promise<Report> {
  const sections = new SectionRecorder();
  const study = await store.studies.get(studyId);
  // Kept counts (counted on a worker when a large study's are unknown): 0.6–1.2 s of counting here held every session at 1M.
  const counts = await studyCounts(store, studyId);
  const questions = await store.studies.questions(studyId);
  const segmentation = segmentationId ?? (await store.segmentations.list(studyId, 1))[0]?.id;

  const interviewed = counts.interviews_completed + counts.interviews_partial;
  // The report's figures are over answers: the interviewed count.
  const rule = populationRule(options.includePartial, true);
  // Workers open the SQLite file themselves: a store in memory (or on another engine) builds here.
  const workerFile = counts.participants >= (options.parallelFrom ?? PARALLEL_REPORT_FROM) ? store.file() : null;
  let seg: Report['segmentation'];
  let analyses: ReportAnalyses;
  if (workerFile !== null) {
    // Both parts on workers, at once or (large studies) in turn on one; a failed or cancelled part stops the other.
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const segmentationRequest = segmentation === undefined ? null : segmentationPart(segmentation, options.revenueAttribute);
    const analysesRequest = analysesPart(studyId, segmentation, interviewed, rule.include_partial);
    let segmented: SegmentationPart | null;
    let analysed: ReportAnalyses;
    if (counts.participants >= (options.sequentialFrom ?? SEQUENTIAL_REPORT_FROM)) {
      if (segmentationRequest) {
        // The segmentation part, then the drivers, on one worker; the other analyses (SQL aggregates,
        // little memory) on a second worker once the segmentation part, the peak, is done.
        let segmentationBuilt!: () => void;
        const built = new Promise<void>((resolve) => (segmentationBuilt = resolve));
        const first = bothInTurnOnWorker(workerFile, segmentationRequest, { ...analysesRequest, only: 'drivers' }, signal, SEGMENTATION_LIMITS, segmentationBuilt);
        const second = Promise.race([built, first.then(() => undefined)]).then(async () => await analysesOnWorker(workerFile, { ...analysesRequest, only: 'without drivers' }, signal));
        for (const part of [first, second]) part.catch(() => stop.abort());
        const [[segmentationResult, drivers], rest] = await Promise.all([first, second]);
        segmented = segmentationResult;
        analysed = joinAnalyses(rest, drivers);
      } else {
        segmented = null;
        analysed = await analysesOnWorker(workerFile, analysesRequest, signal);
      }
    } else {
      const parts = [segmentationRequest ? segmentationOnWorker(workerFile, segmentationRequest, signal) : Promise.resolve(null), analysesOnWorker(workerFile, analysesRequest, signal)] as const;
      for (const part of parts) part.catch(() => stop.abort());
      [segmented, analysed] = await Promise.all(parts);
    }
    if (segmented) sections.merge(segmented.sections);
    seg = segmented?.segmentation ?? null;
    analyses = analysed;
  } else {
    // A cancellation already sent is read before the work starts.
    await new Promise((resolve) => setImmediate(resolve));
    throwIfCancelled(options.signal);
    seg = segmentation === undefined ? null : await sections.attempt('segments', async () => await segmentationSection(store, segmentation, sections, options.revenueAttribute));
    analyses = await reportAnalyses(store, studyId, segmentation, interviewed, rule.include_partial);
  }
  const { tags, questions: questionSections, themes, crosstabs, drivers, sections: analysed } = analyses;
  sections.merge(analysed);

  const readiness = sampleGroupsCovered(tags);
  const summary: string[] = [];
  summary.push(`${counts.participants} participants; ${counts.interviews_completed} completed interviews${counts.interviews_partial ? ` and ${counts.interviews_partial} partial` : ''}.`);
  const missingGroups = readiness.filter((g) => g.participants === 0).map((g) => g.group);
  if (missingGroups.length) summary.push(`The sample has no ${missingGroups.join(' or ')} customers: segments that matter for retention or growth may be missing.`);
  if (seg) {
    summary.push(`${seg.k} segments (${METHOD_NAMES[seg.method]}): ${seg.segments.map((s) => `${s.name} ${percent(s.share)}`).join(', ')}.`);
    summary.push(`Validation: ${seg.validation.overall.toUpperCase()}${seg.validation.criteria.filter((c) => c.verdict !== 'pass').length ? ` — ${seg.validation.criteria.filter((c) => c.verdict !== 'pass').map((c) => `${c.name} ${c.verdict}`).join(', ')}` : ''}.`);
    if (seg.base) {
      const b = seg.base;
      summary.push(`Across all ${b.participants} participants (CRM typing model): ${b.segments.map((s) => `${s.name} ${percent(s.share)}${s.revenue_share !== null ? ` (${percent(s.revenue_share)} of ${b.revenue_attribute})` : ''}`).join(', ')}. ${b.statement}`);
    }
    if (seg.prioritization) summary.push(`Beachhead: ${seg.prioritization.beachhead} — ${seg.prioritization.reason}`);
  }
  if (themes[0]) summary.push(`Most common theme: ${themes[0].code.replace(/_/g, ' ')} (${themes[0].participants} of ${interviewed} interviewed).`);
  if (drivers?.top[0] && drivers.top[0].r !== null) summary.push(`Strongest driver of ${drivers.outcome.replace('answer.', '')}: ${drivers.top[0].driver} (r = ${drivers.top[0].r}${drivers.top[0].share !== null ? `, ${percent(drivers.top[0].share)} of R²` : ''}).`);
  if (crosstabs[0]) summary.push(`Sharpest difference: ${crosstabs[0].columns.replace('answer.', '')} by ${crosstabs[0].rows} (Cramér's V ${crosstabs[0].cramers_v}).`);

  return {
    version: 1,
    generated_at: new Date().toISOString(),
    study: { study_id: study.id, name: study.name, decision: study.decision, description: study.description, mode: study.mode },
    summary,
    method: {
      participants: counts.participants,
      interviews_completed: counts.interviews_completed,
      interviews_partial: counts.interviews_partial,
      not_interviewed: counts.not_interviewed,
      composition: tags,
      lifecycle_groups: readiness.map((g) => ({ group: g.group, participants: g.participants })),
      questions: questions.map((q) => ({ key: q.key, type: q.type, text: q.text })),
      attributes: (await store.studies.attributes(studyId)).length,
      population: population(rule, counts.interviews_completed + (rule.include_partial ? counts.interviews_partial : 0)),
      readiness: {
        ready: missingGroups.length === 0 && counts.interviews_completed >= TARGET_INTERVIEWS.min,
        open_items: [...(counts.interviews_completed < TARGET_INTERVIEWS.min ? [`${counts.interviews_completed} completed interviews (${TARGET_INTERVIEWS.min}–${TARGET_INTERVIEWS.max} advised)`] : []), ...missingGroups.map((g) => `no ${g} customers`)],
      },
    },
    questions: questionSections,
    themes,
    themes_chart: themes.length
      ? { kind: 'bars', id: 'themes-chart', title: 'Themes: share of interviewed participants', format: 'percent', items: themes.map((t) => ({ label: t.code.replace(/_/g, ' '), value: t.share, note: `(${t.participants})` })), max: 1 }
      : null,
    segmentation: seg,
    crosstabs,
    drivers,
    ...sections.report(options.log),
  };
}
