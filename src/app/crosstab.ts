/** crosstab: two fields against each other, with counts, shares, χ², G², Cramér's V, residuals and per-option tests. */
import { orderCategories, perOptionTests, tableStatistics, type ScaleBins } from '../domain/crosstab.js';
import { parseField } from '../domain/fields.js';
import { largestGroups, MAX_DATE_GROUPS, type DateUnitRequest } from '../domain/grouping.js';
import type { CategorySide } from '../store/analysis.js';
import { benjaminiHochberg } from '../domain/significance.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import { populationSql } from '../store/population.js';
import { population, overInterviews, populationRule } from '../domain/population.js';

/**
 * A table has at most MAX_TABLE_CELLS cells (its counts, shares and residuals then fit the output
 * budget) and a side at most MAX_DATE_GROUPS categories: a date side takes a coarser unit, any
 * other side keeps its largest categories and folds the rest into "Other" (a multi-valued side,
 * where a participant can be in several, shows its largest and leaves the rest out).
 */
const MAX_TABLE_CELLS = 144;

export interface CrosstabRequest {
  studyId: number;
  rows: string;
  columns: string;
  /** For the `segment` field (default: the study's latest segmentation). */
  segmentationId?: number | undefined;
  bins?: ScaleBins | undefined;
  /** How a date side is grouped. */
  dateUnit?: DateUnitRequest | undefined;
  /** The population rule: completed interviews, plus partial ones when true. */
  includePartial?: boolean | undefined;
}

/** How many categories each side may keep so the table has at most MAX_TABLE_CELLS cells. */
export function sideCaps(rows: number, columns: number): [number, number] {
  const capped = [Math.min(rows, MAX_DATE_GROUPS), Math.min(columns, MAX_DATE_GROUPS)] as [number, number];
  if (capped[0] * capped[1] <= MAX_TABLE_CELLS) return capped;
  const even = Math.floor(Math.sqrt(MAX_TABLE_CELLS));
  if (Math.min(...capped) > even) return [even, even];
  return capped[0] <= capped[1] ? [capped[0], Math.floor(MAX_TABLE_CELLS / capped[0])] : [Math.floor(MAX_TABLE_CELLS / capped[1]), capped[1]];
}

interface Side {
  side: CategorySide;
  /** Category → the category it is shown as (itself, "Other", or null: left out). */
  shownAs: (category: string) => string | null;
  categories: string[];
  note: string | null;
}

/** Orders a side's categories and folds them to `cap` (see MAX_TABLE_CELLS). */
function shapeSide(side: CategorySide, present: Map<string, number>, cap: number): Side {
  const preferred = side.date_unit ? [...present.keys()].sort() : side.order;
  const ordered = orderCategories(present, preferred);
  if (present.size <= cap) return { side, shownAs: (c) => c, categories: ordered, note: side.note };
  const withNote = (note: string) => [side.note, note].filter(Boolean).join('; ');
  if (side.multi) {
    const kept = new Set([...present].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, cap).map(([c]) => c));
    return {
      side,
      shownAs: (c) => (kept.has(c) ? c : null),
      categories: ordered.filter((c) => kept.has(c)),
      note: withNote(`the ${kept.size} largest of ${present.size} categories (a participant can be in several, so the rest are left out rather than folded)`),
    };
  }
  const fold = largestGroups(present, cap)!;
  return {
    side,
    shownAs: (c) => (fold.kept.has(c) ? c : fold.other),
    categories: [...ordered.filter((c) => fold.kept.has(c)), fold.other],
    note: withNote(`the ${fold.kept.size} largest of ${present.size} categories, the rest in "${fold.other}"`),
  };
}

/** Counts, shares and tests of two fields against each other. */
export async function crosstab(store: Store, { studyId: study_id, rows, columns, segmentationId: segmentation_id, bins = 'auto', dateUnit = 'auto', includePartial = false }: CrosstabRequest) {
  await store.studies.get(study_id);
  if (rows.trim() === columns.trim()) throw new UserError('rows and columns are the same field; cross-tabulate two different fields.');
  const context = await store.fieldCatalog(study_id, segmentation_id);
  const isDate = (field: string) => {
    const ref = parseField(field);
    return ref.kind === 'attr' && context.attributes.get(ref.name) === 'date';
  };
  // Two date sides share the cells: each auto-groups into at most 12.
  const dateGroups = isDate(rows) && isDate(columns) ? Math.floor(Math.sqrt(MAX_TABLE_CELLS)) : MAX_DATE_GROUPS;
  const read = (field: string, maxGroups: number) => store.analysis.categories(study_id, field, context, bins, { unit: dateUnit, maxGroups });
  let rowSide = await read(rows, dateGroups);
  let colSide = await read(columns, dateGroups);
  const presence = (cells: { r: string; c: string; n: number }[]) => {
    const r = new Map<string, number>();
    const c = new Map<string, number>();
    for (const x of cells) {
      r.set(x.r, (r.get(x.r) ?? 0) + x.n);
      c.set(x.c, (c.get(x.c) ?? 0) + x.n);
    }
    return [r, c] as const;
  };
  const rule = populationRule(includePartial, overInterviews([rows, columns]));
  const counted = populationSql(study_id, rule);
  let cells = await store.analysis.crosstab(rowSide, colSide, counted);
  let [rowPresent, colPresent] = presence(cells);
  let [rowCap, colCap] = sideCaps(rowPresent.size, colPresent.size);
  // A date side over its share of the cells takes the coarser unit that fits, before any folding.
  if ((rowSide.date_unit && rowPresent.size > rowCap) || (colSide.date_unit && colPresent.size > colCap)) {
    if (rowSide.date_unit && rowPresent.size > rowCap) rowSide = await read(rows, rowCap);
    if (colSide.date_unit && colPresent.size > colCap) colSide = await read(columns, colCap);
    cells = await store.analysis.crosstab(rowSide, colSide, counted);
    [rowPresent, colPresent] = presence(cells);
    [rowCap, colCap] = sideCaps(rowPresent.size, colPresent.size);
  }
  const rowShape = shapeSide(rowSide, rowPresent, rowCap);
  const colShape = shapeSide(colSide, colPresent, colCap);
  const rowCats = rowShape.categories;
  const colCats = colShape.categories;
  const folded = new Map<string, number>();
  for (const x of cells) {
    const r = rowShape.shownAs(x.r);
    const c = colShape.shownAs(x.c);
    if (r === null || c === null) continue;
    const key = JSON.stringify([r, c]);
    folded.set(key, (folded.get(key) ?? 0) + x.n);
  }
  const counts = rowCats.map((r) => colCats.map((c) => folded.get(JSON.stringify([r, c])) ?? 0));
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
    const otherShape = rowSide.multi ? colShape : rowShape;
    const respondents = new Map<string, number>();
    for (const x of await store.analysis.respondents(multiSide, other, counted)) {
      const shown = otherShape.shownAs(x.cat);
      if (shown !== null) respondents.set(shown, (respondents.get(shown) ?? 0) + x.n);
    }
    const base = otherCats.map((c) => respondents.get(c) ?? 0);
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
    rows: { field: rows, categories: rowCats, categories_total: rowPresent.size, totals: rowTotals, multi: rowSide.multi, note: rowShape.note, ...(rowSide.date_unit ? { date_unit: rowSide.date_unit } : {}) },
    columns: { field: columns, categories: colCats, categories_total: colPresent.size, totals: colTotals, multi: colSide.multi, note: colShape.note, ...(colSide.date_unit ? { date_unit: colSide.date_unit } : {}) },
    n,
    population: population(rule, (await store.analysis.counted(study_id, rule)).size),
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
