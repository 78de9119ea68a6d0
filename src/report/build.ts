/**
 * Gathers everything a study report says into one plain object (also the JSON format): the
 * summary, method and sample, a chart per structured question, themes with quotes, the
 * segments with personas, comparison, validation, prioritization and migration, notable
 * crosstabs and drivers, and the method appendix. Rendering to Markdown and HTML is separate.
 */
import type { PersonaCard } from '../domain/segments/persona.js';
import { round } from '../domain/stats.js';
import type { QuestionSummary } from '../store/summary.js';
import type { Store } from '../store/index.js';
import { computeCrosstab } from '../tools/crosstab.js';
import { computeDrivers } from '../tools/driver-analysis.js';
import { segmentationView } from '../tools/get-segmentation.js';
import { migration } from '../tools/segment-migration.js';
import { conditionText, loadSegmentation } from '../tools/segmentation-common.js';
import { validate } from '../tools/validate-segmentation.js';
import { sampleGroupsCovered } from '../domain/study-health.js';
import type { Chart } from './charts.js';
import { analysesOnWorker } from './parallel.js';

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
  };
  questions: { key: string; type: string; text: string; n: number; headline: string; chart: Chart; by_segment: Chart | null }[];
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
    migration: null | { from_segmentation_id: number; stayed: number; moved: number; new: number; gone: number; rows: string[]; columns: string[]; counts: number[][] };
    appendix: { features: string[]; parameters: Record<string, unknown>; diagnostics: Record<string, unknown>[]; recommendation: string | null; warnings: string[]; notes: string[] };
  };
  crosstabs: { rows: string; columns: string; n: number; chi_square: number | null; df: number | null; p: number | null; cramers_v: number | null; headline: string }[];
  drivers: null | { outcome: string; n: number; r_squared: number | null; top: { driver: string; r: number | null; p: number | null; share: number | null }[]; warnings: string[]; chart: Chart | null };
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

const pct = (x: number) => `${Math.round(x * 100)}%`;

function questionChart(q: QuestionSummary, scale: { min: number | null; max: number | null }): { chart: Chart; headline: string } {
  const id = `q-${q.key}`;
  switch (q.type) {
    case 'scale': {
      // Every point of the scale, answered or not, so the shape is honest.
      const counts = new Map((q.distribution ?? []).map((d) => [d.value, d.count]));
      const whole = scale.min !== null && scale.max !== null && Number.isInteger(scale.min) && Number.isInteger(scale.max) && scale.max - scale.min <= 20;
      const values = whole ? Array.from({ length: scale.max! - scale.min! + 1 }, (_, i) => scale.min! + i) : [...counts.keys()];
      const items = values.map((v) => ({ label: String(v), value: counts.get(v) ?? 0 }));
      const headline = `n = ${q.n}; mean ${q.mean === null || q.mean === undefined ? '–' : round(q.mean, 2)}, median ${q.median ?? '–'}${q.top2_box !== undefined && q.top2_box !== null ? `, top-2 box ${pct(q.top2_box)}` : ''}${q.nps ? `, NPS ${q.nps.score}` : ''}`;
      return { chart: { kind: 'columns', id, title: q.text, subtitle: headline, items }, headline };
    }
    case 'single_choice':
    case 'multiple_choice': {
      const items = (q.options ?? []).map((o) => ({ label: o.option, value: o.share ?? 0, note: `(${o.count})` }));
      const top = items[0];
      const headline = `n = ${q.n}${top ? `; most ${q.type === 'multiple_choice' ? 'chosen' : 'common'}: ${top.label} (${pct(top.value)})` : ''}${q.type === 'multiple_choice' ? ' — shares of respondents' : ''}`;
      return { chart: { kind: 'bars', id, title: q.text, subtitle: headline, format: 'percent', items, max: 1 }, headline };
    }
    case 'ranking': {
      const options = [...(q.options ?? [])].sort((a, b) => (a.mean_rank ?? 99) - (b.mean_rank ?? 99));
      const m = options.length;
      const items = options.map((o) => ({ label: o.option, value: o.mean_rank === null || o.mean_rank === undefined ? 0 : round(m + 1 - o.mean_rank, 2), note: `(avg pos ${o.mean_rank === null || o.mean_rank === undefined ? '–' : round(o.mean_rank, 2)}; 1st ${pct(o.first_choice_share ?? 0)})` }));
      const headline = `n = ${q.n}; ranked first on average: ${options[0]?.option ?? '–'} (average position ${options[0]?.mean_rank === null || options[0]?.mean_rank === undefined ? '–' : round(options[0].mean_rank, 2)})`;
      return { chart: { kind: 'bars', id, title: q.text, subtitle: `By average position (bar = ${m} + 1 − average position); ${headline}`, format: 'number', items, max: m }, headline };
    }
    case 'yes_no': {
      const yes = q.yes_count ?? 0;
      const headline = `n = ${q.n}; yes ${q.yes_share === null || q.yes_share === undefined ? '–' : pct(q.yes_share)}${q.yes_share_ci95 ? ` (95% CI ${pct(q.yes_share_ci95.low)}–${pct(q.yes_share_ci95.high)})` : ''}`;
      return { chart: { kind: 'split', id, title: q.text, subtitle: headline, parts: [{ label: 'yes', value: yes }, { label: 'no', value: q.n - yes }] }, headline };
    }
    default:
      throw new Error(`no chart for ${q.type}`);
  }
}

function segmentChart(q: QuestionSummary): Chart | null {
  const groups = q.groups ?? [];
  if (groups.length < 2) return null;
  const id = `q-${q.key}-by-segment`;
  switch (q.type) {
    case 'scale':
      return { kind: 'bars', id, title: q.text, subtitle: 'Mean by segment', format: 'number', items: groups.map((g) => ({ label: g.group, value: g.mean ?? 0, note: `(n = ${g.n})` })), max: Math.max(...groups.map((g) => g.mean ?? 0)) };
    case 'yes_no':
      return { kind: 'bars', id, title: q.text, subtitle: 'Share answering yes, by segment', format: 'percent', items: groups.map((g) => ({ label: g.group, value: g.yes_share ?? 0, note: `(n = ${g.n})` })), max: 1 };
    case 'single_choice':
    case 'ranking': {
      const options = (q.options ?? []).map((o) => o.option);
      const value = (g: (typeof groups)[number], option: string) => {
        const o = g.options?.find((x) => x.option === option);
        return q.type === 'ranking' ? (o?.first_choice_share ?? 0) : (o?.count ?? 0);
      };
      return { kind: 'stacked', id, title: q.text, subtitle: q.type === 'ranking' ? 'First choice, by segment' : 'Answers by segment', series: options, rows: groups.map((g) => ({ label: g.group, values: options.map((o) => value(g, o)) })) };
    }
    default:
      return null;
  }
}

const OUTCOME = /recommend|satisf|nps|likel|value|importan|overall|happy|effort/i;

/** The parts of a report that do not read the segmentation's members: sample composition, question charts, themes, crosstabs, drivers. */
export interface ReportAnalyses {
  tags: { tag: string; count: number }[];
  questions: Report['questions'];
  themes: Report['themes'];
  crosstabs: Report['crosstabs'];
  drivers: Report['drivers'];
}

/** `interviewed`: participants with a completed or partial interview (the themes' base), as the caller counted them. */
export function reportAnalyses(store: Store, studyId: number, segmentation: number | undefined, interviewed: number): ReportAnalyses {
  const questions = store.studies.questions(studyId);
  const tags = store.studies.tagCounts(studyId, 50);
  const quotes = store.interviews.themeQuotes(studyId, 2);
  const themes = store.studies.themeCounts(studyId, 12).map((t) => ({ code: t.code, participants: t.participants, share: interviewed ? round(t.participants / interviewed, 3) : 0, quotes: quotes.get(t.code) ?? [] }));
  const context = store.query.context(studyId, segmentation);

  // Questions: overall, and by segment when there is a segmentation.
  const structured = questions.filter((q) => q.type !== 'open_ended').map((q) => q.key);
  // A summary by segment carries the overall figures too: one pass serves both.
  const summaries = structured.length
    ? store.summaries.summarize(studyId, context, { questions: structured, include_partial: true, ...(segmentation !== undefined ? { by: 'segment' } : {}) }).questions
    : [];
  const overall = summaries;
  const bySegment = segmentation !== undefined ? summaries : [];
  const questionSections = overall.filter((q) => q.n > 0).map((q) => {
    const question = questions.find((x) => x.key === q.key)!;
    const { chart, headline } = questionChart(q, { min: question.scale_min, max: question.scale_max });
    const grouped = bySegment.find((x) => x.key === q.key);
    return { key: q.key, type: q.type, text: q.text, n: q.n, headline, chart, by_segment: grouped ? segmentChart(grouped) : null };
  });

  // Notable crosstabs: segment (or a category attribute) against each structured answer.
  const crosstabs: Report['crosstabs'] = [];
  const against = segmentation !== undefined ? 'segment' : (store.studies.attributes(studyId).find((a) => a.type === 'category')?.name ?? null);
  if (against) {
    for (const q of questions.filter((x) => ['single_choice', 'yes_no', 'scale', 'ranking'].includes(x.type))) {
      try {
        const t = computeCrosstab(store, { study_id: studyId, rows: segmentation !== undefined ? 'segment' : `attr.${against}`, columns: `answer.${q.key}`, segmentation_id: segmentation, bins: 'auto' });
        const p = t.statistics?.fisher_p ?? t.statistics?.p ?? null;
        if (t.statistics && p !== null && p < 0.05) {
          const top = t.flagged[0];
          crosstabs.push({
            rows: t.rows.field,
            columns: t.columns.field,
            n: t.n,
            chi_square: t.statistics.chi_square,
            df: t.statistics.df,
            p,
            cramers_v: t.statistics.cramers_v,
            headline: top ? `${top.row} × ${top.column}: ${top.count} where ${top.expected} were expected (${top.direction}, z = ${top.residual})` : 'differs overall',
          });
        }
      } catch {
        // A question without answers yet simply has no table.
      }
    }
    crosstabs.sort((a, b) => (b.cramers_v ?? 0) - (a.cramers_v ?? 0));
  }

  // Drivers of the scale question that reads most like an outcome.
  const scales = questions.filter((q) => q.type === 'scale');
  const outcome = scales.find((q) => OUTCOME.test(q.key) || OUTCOME.test(q.text)) ?? scales[0];
  let drivers: Report['drivers'] = null;
  if (outcome) {
    try {
      const d = computeDrivers(store, { study_id: studyId, outcome: `answer.${outcome.key}`, method: 'all' });
      const top = d.overall.drivers.slice(0, 6).map((x) => ({ driver: x.driver, r: x.pearson.r, p: x.pearson.p, share: x.share_of_r_squared }));
      drivers = {
        outcome: `answer.${outcome.key}`,
        n: d.overall.n_outcome,
        r_squared: d.overall.r_squared,
        top,
        warnings: d.overall.warnings,
        chart: top.some((x) => x.share !== null)
          ? { kind: 'bars', id: 'drivers-chart', title: `Relative importance for ${outcome.key} (share of R²${d.overall.r_squared !== null ? ` = ${d.overall.r_squared}` : ''})`, format: 'percent', items: top.map((x) => ({ label: x.driver, value: x.share ?? 0, note: `(r = ${x.r})` })), max: 1 }
          : null,
      };
    } catch {
      drivers = null;
    }
  }
  return { tags, questions: questionSections, themes, crosstabs: crosstabs.slice(0, 5), drivers };
}

/**
 * From this many participants the analyses run on a worker thread with its own read connection,
 * beside the segmentation section on this one (each takes seconds at 100,000 participants).
 */
export const PARALLEL_REPORT_FROM = 20_000;

export async function buildReport(store: Store, studyId: number, segmentationId?: number, options: { parallelFrom?: number } = {}): Promise<Report> {
  const study = store.studies.get(studyId);
  const counts = store.studies.counts(studyId);
  const questions = store.studies.questions(studyId);
  const segmentation = segmentationId ?? store.segments.list(studyId, 1)[0]?.id;

  const interviewed = counts.interviews_completed + counts.interviews_partial;
  const parallel = !store.db.memory && counts.participants >= (options.parallelFrom ?? PARALLEL_REPORT_FROM);
  const analyses = parallel ? analysesOnWorker(store.db.name, studyId, segmentation, interviewed) : Promise.resolve(reportAnalyses(store, studyId, segmentation, interviewed));

  const seg = segmentation === undefined ? null : segmentationSection(store, segmentation);
  const { tags, questions: questionSections, themes, crosstabs, drivers } = await analyses;

  const readiness = sampleGroupsCovered(tags);
  const summary: string[] = [];
  summary.push(`${counts.participants} participants; ${counts.interviews_completed} completed interviews${counts.interviews_partial ? ` and ${counts.interviews_partial} partial` : ''}.`);
  const missingGroups = readiness.filter((g) => g.participants === 0).map((g) => g.group);
  if (missingGroups.length) summary.push(`The sample has no ${missingGroups.join(' or ')} customers: segments that matter for retention or growth may be missing.`);
  if (seg) {
    summary.push(`${seg.k} segments (${seg.method === 'kmeans' ? 'k-means' : seg.method === 'rfm' ? 'RFM' : 'rules'}): ${seg.segments.map((s) => `${s.name} ${pct(s.share)}`).join(', ')}.`);
    summary.push(`Validation: ${seg.validation.overall.toUpperCase()}${seg.validation.criteria.filter((c) => c.verdict !== 'pass').length ? ` — ${seg.validation.criteria.filter((c) => c.verdict !== 'pass').map((c) => `${c.name} ${c.verdict}`).join(', ')}` : ''}.`);
    if (seg.prioritization) summary.push(`Beachhead: ${seg.prioritization.beachhead} — ${seg.prioritization.reason}`);
  }
  if (themes[0]) summary.push(`Most common theme: ${themes[0].code.replace(/_/g, ' ')} (${themes[0].participants} of ${interviewed} interviewed).`);
  if (drivers?.top[0] && drivers.top[0].r !== null) summary.push(`Strongest driver of ${drivers.outcome.replace('answer.', '')}: ${drivers.top[0].driver} (r = ${drivers.top[0].r}${drivers.top[0].share !== null ? `, ${pct(drivers.top[0].share)} of R²` : ''}).`);
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
      attributes: store.studies.attributes(studyId).length,
      readiness: { ready: missingGroups.length === 0 && counts.interviews_completed >= 30, open_items: [...(counts.interviews_completed < 30 ? [`${counts.interviews_completed} completed interviews (30–50 advised)`] : []), ...missingGroups.map((g) => `no ${g} customers`)] },
    },
    questions: questionSections,
    themes,
    themes_chart: themes.length
      ? { kind: 'bars', id: 'themes-chart', title: 'Themes: share of interviewed participants', format: 'percent', items: themes.map((t) => ({ label: t.code.replace(/_/g, ' '), value: t.share, note: `(${t.participants})` })), max: 1 }
      : null,
    segmentation: seg,
    crosstabs,
    drivers,
  };
}

function segmentationSection(store: Store, segmentationId: number): NonNullable<Report['segmentation']> {
  // Members' data is loaded once for the views, personas and validation below.
  const loaded = loadSegmentation(store, segmentationId);
  const view = segmentationView(store, { segmentation_id: segmentationId, limit: 1 }, loaded);
  const row = store.segments.get(segmentationId);
  const segments: ReportSegment[] = view.segments.map((s) => ({
    segment_id: s.segment_id,
    name: s.name ?? `Segment ${s.segment_id}`,
    description: s.description,
    size: s.size,
    share: s.share,
    stability: s.stability ? `${s.stability.verdict} (Jaccard ${s.stability.jaccard})` : null,
    definition: s.definition,
    distinguishing: s.distinguishing.slice(0, 5).map((d) => d.description),
    persona: s.persona,
    playbook: s.playbook as Record<string, string> | null,
  }));

  // Side by side: the features that distinguish any segment, each segment's mean or share.
  const wanted = [...new Set(view.segments.flatMap((s) => s.distinguishing.slice(0, 4).map((d) => d.column)))].slice(0, 14);
  const comparison = {
    columns: segments.map((s) => s.name),
    rows: wanted.map((column) => {
      const [field, option] = column.includes(':') ? [column.slice(0, column.indexOf(':')), column.slice(column.indexOf(':') + 1)] : [column, null];
      let measure = 'mean';
      const values = view.segments.map((s) => {
        const p = s.profile.find((f) => f.field === field);
        if (!p) return null;
        measure = p.measure;
        return p.values.find((v) => v.option === option)?.value ?? (option === null ? null : 0);
      });
      return { feature: option ? `${field.replace(/^(answer|attr)\./, '')} = ${option}` : field.replace(/^(answer|attr)\./, ''), measure, values };
    }),
  };

  const v = validate(store, { segmentation_id: segmentationId }, loaded);
  const validation = {
    overall: v.overall.verdict,
    criteria: Object.entries(v.overall.criteria).map(([name, c]) => ({ name, verdict: c.verdict, evidence: c.evidence })),
    per_segment: v.segments.map((s) => ({ segment: s.name ?? `Segment ${s.segment_id}`, verdicts: Object.fromEntries(Object.entries(s.criteria).map(([k, c]) => [k, c.verdict])) })),
    anti_patterns: v.anti_patterns.map((a) => ({ name: a.name, verdict: a.verdict, evidence: a.evidence })),
    typing_rules: (v.typing_tool?.rules ?? []).map((r) => `${segments.find((s) => s.segment_id === r.segment_id)?.name ?? r.segment_id} ← ${r.text} (${r.participants}, ${pct(r.purity)} pure)`),
  };

  const stored = row.prioritization as { weights: Record<string, number>; ranking: { rank: number; segment_id: number; name: string | null; scores: Record<string, { score: number }>; total: number }[]; beachhead: { name: string | null; segment_id: number; reason: string } } | null;
  const prioritization = stored
    ? {
        weights: stored.weights,
        rows: stored.ranking.map((r) => ({ rank: r.rank, segment: r.name ?? `Segment ${r.segment_id}`, scores: Object.fromEntries(Object.keys(stored.weights).map((f) => [f, r.scores[f]?.score ?? null])), total: r.total })),
        beachhead: stored.beachhead.name ?? `Segment ${stored.beachhead.segment_id}`,
        reason: stored.beachhead.reason,
      }
    : null;

  // Migration from the study's previous segmentation, when there is one to compare with.
  const previous = store.segments.list(row.study_id, 50).find((s) => s.id < segmentationId);
  let migrationSection: NonNullable<Report['segmentation']>['migration'] = null;
  if (previous && !row.overlapping) {
    try {
      const m = migration(store, { from_segmentation_id: previous.id, to_segmentation_id: segmentationId });
      migrationSection = { from_segmentation_id: previous.id, stayed: m.stayed, moved: m.moved, new: m.new, gone: m.gone, rows: m.matrix.rows, columns: m.matrix.columns, counts: m.matrix.counts };
    } catch {
      migrationSection = null;
    }
  }

  const diagnostics = row.diagnostics as { table?: Record<string, unknown>[]; recommendation?: { reason: string } } | null;
  const params = row.parameters;
  return {
    segmentation_id: segmentationId,
    method: row.method,
    k: segments.length,
    created_at: row.created_at,
    size_chart: { kind: 'bars', id: 'segment-sizes', title: 'Segment sizes', subtitle: `${row.method === 'kmeans' ? 'k-means' : row.method === 'rfm' ? 'RFM' : 'rules'}, segmentation ${segmentationId}`, format: 'percent', items: segments.map((s) => ({ label: s.name, value: s.share, note: `(${s.size})` })), max: Math.max(...segments.map((s) => s.share), 0.01) },
    segments,
    comparison,
    validation,
    prioritization,
    migration: migrationSection,
    appendix: {
      features: ((params.features as string[] | undefined) ?? []).concat(params.segments ? (params.segments as { name: string; where: { field: string; op: string; value?: unknown }[] }[]).map((s) => `${s.name}: ${conditionText(s.where)}`) : []),
      parameters: params,
      diagnostics: diagnostics?.table ?? [],
      recommendation: diagnostics?.recommendation?.reason ?? null,
      warnings: (row.summary.warnings as string[] | undefined) ?? [],
      notes: (row.summary.notes as string[] | undefined) ?? [],
    },
  };
}
