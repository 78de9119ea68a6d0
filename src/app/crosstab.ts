/** crosstab: two fields against each other, with counts, shares, χ², G², Cramér's V, residuals and per-option tests. */
import { orderCategories, perOptionTests, tableStatistics, type ScaleBins } from '../domain/crosstab.js';
import { benjaminiHochberg } from '../domain/significance.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import { populationSql } from '../store/population.js';
import { population, overInterviews, populationRule } from '../domain/population.js';

/** More categories than this on one side is a listing, not a table. */
const MAX_CROSSTAB_CATEGORIES = 30;

export interface CrosstabRequest {
  studyId: number;
  rows: string;
  columns: string;
  /** For the `segment` field (default: the study's latest segmentation). */
  segmentationId?: number | undefined;
  bins?: ScaleBins | undefined;
  /** The population rule: completed interviews, plus partial ones when true. */
  includePartial?: boolean | undefined;
}

/** Counts, shares and tests of two fields against each other. */
export function crosstab(store: Store, { studyId: study_id, rows, columns, segmentationId: segmentation_id, bins = 'auto', includePartial = false }: CrosstabRequest) {
  store.studies.get(study_id);
  if (rows.trim() === columns.trim()) throw new UserError('rows and columns are the same field; cross-tabulate two different fields.');
  const context = store.fieldCatalog(study_id, segmentation_id);
  const rowSide = store.analysis.categories(study_id, rows, context, bins);
  const colSide = store.analysis.categories(study_id, columns, context, bins);
  const rule = populationRule(includePartial, overInterviews([rows, columns]));
  const counted = populationSql(study_id, rule);
  const cells = store.analysis.crosstab(rowSide, colSide, counted);
  const rowPresent = new Map<string, number>();
  const colPresent = new Map<string, number>();
  for (const c of cells) {
    rowPresent.set(c.r, (rowPresent.get(c.r) ?? 0) + c.n);
    colPresent.set(c.c, (colPresent.get(c.c) ?? 0) + c.n);
  }
  const rowCats = orderCategories(rowPresent, rowSide.order);
  const colCats = orderCategories(colPresent, colSide.order);
  if (rowCats.length > MAX_CROSSTAB_CATEGORIES || colCats.length > MAX_CROSSTAB_CATEGORIES) {
    throw new UserError(`${rowCats.length > MAX_CROSSTAB_CATEGORIES ? rows : columns} has more than ${MAX_CROSSTAB_CATEGORIES} categories; group it first (a category attribute with fewer values, bins for scales) or use query_participants.`);
  }
  const counts = rowCats.map((r) => colCats.map((c) => cells.find((x) => x.r === r && x.c === c)?.n ?? 0));
  const rowTotals = counts.map((r) => r.reduce((s, x) => s + x, 0));
  const colTotals = colCats.map((_, j) => counts.reduce((s, r) => s + r[j]!, 0));
  const n = rowTotals.reduce((s, x) => s + x, 0);
  const warnings: string[] = [];
  if (n === 0) throw new UserError(`No participant counted (${rule.rule}) has a value for both ${rows} and ${columns}.`);

  const multi = rowSide.multi || colSide.multi;
  const stats = tableStatistics(counts);
  let per_option: { option: string; chi_square: number | null; p: number | null; test: 'chi_square' | 'fisher_exact' | null; cramers_v: number | null; q: number | null }[] = [];
  if (rowSide.multi && colSide.multi) {
    warnings.push('Both sides are multi-valued: counts only; test one option at a time (answer.<key>:<option>) for significance.');
  } else if (multi) {
    const multiSide = rowSide.multi ? rowSide : colSide;
    const other = rowSide.multi ? colSide : rowSide;
    const otherCats = rowSide.multi ? colCats : rowCats;
    const respondents = store.analysis.respondents(multiSide, other, counted);
    const base = otherCats.map((c) => respondents.find((x) => x.cat === c)?.n ?? 0);
    const matrix = rowSide.multi ? counts : colCats.map((_, j) => counts.map((r) => r[j]!));
    const tests = perOptionTests(rowSide.multi ? rowCats : colCats, matrix, base);
    const q = benjaminiHochberg(tests.map((t) => t.p));
    per_option = tests.map((t, i) => ({ ...t, q: q[i] ?? null }));
  }
  if (!multi && stats.small_expected) {
    warnings.push(`Expected counts are small (smallest ${stats.min_expected}; Cochran: none below 1, at most 20% below 5): read the χ² p-value with caution${stats.fisher_p !== null ? " and prefer Fisher's exact test" : '; combine categories or use bins'}.`);
  }
  if (n < 30) warnings.push(`Only ${n} participants in the table: differences are directional.`);
  const flagged = [];
  for (let i = 0; i < rowCats.length; i++) {
    for (let j = 0; j < colCats.length; j++) {
      const z = stats.residuals[i]![j];
      if (z !== null && z !== undefined && Math.abs(z) > 1.96) flagged.push({ row: rowCats[i]!, column: colCats[j]!, count: counts[i]![j]!, expected: stats.expected[i]![j]!, residual: z, direction: z > 0 ? ('more' as const) : ('fewer' as const) });
    }
  }
  if (multi) warnings.push('Residuals on a multi-valued side count a participant once per category: read them as descriptive.');
  flagged.sort((a, b) => Math.abs(b.residual) - Math.abs(a.residual));
  return {
    rows: { field: rows, categories: rowCats, totals: rowTotals, multi: rowSide.multi, note: rowSide.note },
    columns: { field: columns, categories: colCats, totals: colTotals, multi: colSide.multi, note: colSide.note },
    n,
    population: population(rule, store.analysis.counted(study_id, rule).size),
    counts,
    row_shares: counts.map((r, i) => r.map((x) => (rowTotals[i] ? x / rowTotals[i]! : 0))),
    column_shares: counts.map((r) => r.map((x, j) => (colTotals[j] ? x / colTotals[j]! : 0))),
    statistics: multi
      ? null
      : { chi_square: stats.chi_square, df: stats.df, p: stats.p, g_squared: stats.g_squared, g_squared_p: stats.g_squared_p, cramers_v: stats.cramers_v, fisher_p: stats.fisher_p, min_expected: stats.min_expected },
    residuals: stats.residuals,
    flagged: flagged.slice(0, 20),
    per_option,
    warnings,
  };
}
