import * as z from 'zod';
import type { Store } from '../store/index.js';
import { UserError } from '../errors.js';
import { orderCategories, perOptionTests, tableStatistics } from '../domain/crosstab.js';
import { benjaminiHochberg } from '../domain/significance.js';
import { round } from '../domain/stats.js';
import { MAX_CATEGORIES, SCALE_BINS } from '../store/analysis.js';
import { defineTool, readOnly } from './define.js';
import { studyId } from './params.js';

const crossField = z.string().min(1).describe('answer.<key> (or answer.<key>:<option>), attr.<name>, tag, theme, status or segment.');

const input = z.object({
  study_id: studyId,
  rows: crossField,
  columns: crossField,
  segmentation_id: z.number().int().positive().optional().describe('For the "segment" field: which segmentation (default: the study\'s latest).'),
  bins: z.enum(SCALE_BINS).default('auto').describe('How scale answers are grouped: auto (each value up to 7 points, NPS groups for 0–10, else thirds), values, thirds, nps, top2.'),
});

export const crosstab = defineTool({
  name: 'crosstab',
  title: 'Cross-tabulate two fields',
  description: `Cross-tabulates any two of: an answer (answer.<key>, or answer.<key>:<option> for one ranking option's rank or one multiple-choice option), an attribute (attr.<name>; numbers in quartiles, dates by month), tag, theme, status, segment. Returns counts, row and column shares, Pearson's χ² with df and p, the likelihood-ratio G², Cramér's V, adjusted standardized residuals with the cells beyond ±1.96 flagged (more or fewer than independence predicts), Fisher's exact test for 2×2 tables, and a warning when expected counts are too small (Cochran). Multi-valued sides (multiple choice, tags, themes) are tested per option. Scale answers can be binned: values, thirds, nps (0–10 scales), top2.
Use this tool when you need to: answer "does X differ by Y?" — e.g. which segment rates onboarding lowest, whether churned customers rank price first more often — with a significance test, not an impression.`,
  input,
  output: z.object({
    rows: z.object({ field: z.string(), categories: z.array(z.string()), totals: z.array(z.number()), multi: z.boolean(), note: z.string().nullable() }),
    columns: z.object({ field: z.string(), categories: z.array(z.string()), totals: z.array(z.number()), multi: z.boolean(), note: z.string().nullable() }),
    n: z.number().describe('Participants with a value on both sides (counted once per category pair on multi-valued sides).'),
    counts: z.array(z.array(z.number())),
    row_shares: z.array(z.array(z.number())).describe('Each cell as a share of its row (0–1).'),
    column_shares: z.array(z.array(z.number())).describe('Each cell as a share of its column (0–1).'),
    statistics: z
      .object({
        chi_square: z.number().nullable(),
        df: z.number().nullable(),
        p: z.number().nullable(),
        g_squared: z.number().nullable(),
        g_squared_p: z.number().nullable(),
        cramers_v: z.number().nullable(),
        fisher_p: z.number().nullable(),
        min_expected: z.number().nullable(),
      })
      .nullable()
      .describe('Whole-table tests; null when a side is multi-valued (see per_option).'),
    residuals: z.array(z.array(z.number().nullable())).describe('Adjusted standardized residuals (Agresti); beyond ±1.96 stands out.'),
    flagged: z.array(z.object({ row: z.string(), column: z.string(), count: z.number(), expected: z.number(), residual: z.number(), direction: z.enum(['more', 'fewer']) })),
    per_option: z
      .array(z.object({ option: z.string(), chi_square: z.number().nullable(), p: z.number().nullable(), test: z.enum(['chi_square', 'fisher_exact']).nullable(), cramers_v: z.number().nullable(), q: z.number().nullable() }))
      .describe('For a multi-valued side: each option vs not choosing it, Benjamini–Hochberg adjusted.'),
    warnings: z.array(z.string()),
  }),
  annotations: readOnly,
  run({ study_id, rows, columns, segmentation_id, bins }, { store }) {
    return computeCrosstab(store, { study_id, rows, columns, segmentation_id, bins });

  },
  render: (r) => {
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    const lines = [`${r.rows.field} × ${r.columns.field} (n = ${r.n})${r.rows.note ? `; rows: ${r.rows.note}` : ''}${r.columns.note ? `; columns: ${r.columns.note}` : ''}`];
    lines.push(`| ${r.rows.field} | ${r.columns.categories.join(' | ')} | total |`);
    r.rows.categories.forEach((cat, i) => lines.push(`| ${cat} | ${r.counts[i]!.map((x, j) => `${x} (${pct(r.row_shares[i]![j]!)})`).join(' | ')} | ${r.rows.totals[i]} |`));
    if (r.statistics) {
      const s = r.statistics;
      lines.push(`χ² = ${s.chi_square} (df ${s.df}), p = ${s.p === null ? '–' : s.p < 0.001 ? '< 0.001' : s.p.toFixed(3)}; G² = ${s.g_squared}; Cramér's V = ${s.cramers_v}${s.fisher_p !== null ? `; Fisher p = ${s.fisher_p.toFixed(4)}` : ''}`);
    }
    for (const o of r.per_option.filter((x) => x.q !== null && x.q < 0.05)) lines.push(`- ${o.option}: differs (q = ${o.q!.toFixed(3)}, V = ${o.cramers_v})`);
    for (const f of r.flagged.slice(0, 6)) lines.push(`- ${f.row} × ${f.column}: ${f.count} vs ${f.expected} expected (${f.direction}, z = ${f.residual})`);
    for (const w of r.warnings) lines.push(`Warning: ${w}`);
    return lines.join('\n');
  },
});

/** The handler's work, shared with generate_report. */
export function computeCrosstab(store: Store, { study_id, rows, columns, segmentation_id, bins }: z.output<typeof input>) {
    store.studies.get(study_id);
    if (rows.trim() === columns.trim()) throw new UserError('rows and columns are the same field; cross-tabulate two different fields.');
    const context = store.query.context(study_id, segmentation_id);
    const rowSide = store.analysis.categories(study_id, rows, context, bins);
    const colSide = store.analysis.categories(study_id, columns, context, bins);
    const cells = store.analysis.crosstab(rowSide, colSide);
    const rowPresent = new Map<string, number>();
    const colPresent = new Map<string, number>();
    for (const c of cells) {
      rowPresent.set(c.r, (rowPresent.get(c.r) ?? 0) + c.n);
      colPresent.set(c.c, (colPresent.get(c.c) ?? 0) + c.n);
    }
    const rowCats = orderCategories(rowPresent, rowSide.order);
    const colCats = orderCategories(colPresent, colSide.order);
    if (rowCats.length > MAX_CATEGORIES || colCats.length > MAX_CATEGORIES) {
      throw new UserError(`${rowCats.length > MAX_CATEGORIES ? rows : columns} has more than ${MAX_CATEGORIES} categories; group it first (a category attribute with fewer values, bins for scales) or use query_participants.`);
    }
    const counts = rowCats.map((r) => colCats.map((c) => cells.find((x) => x.r === r && x.c === c)?.n ?? 0));
    const rowTotals = counts.map((r) => r.reduce((s, x) => s + x, 0));
    const colTotals = colCats.map((_, j) => counts.reduce((s, r) => s + r[j]!, 0));
    const n = rowTotals.reduce((s, x) => s + x, 0);
    const warnings: string[] = [];
    if (n === 0) throw new UserError(`No participant has a value for both ${rows} and ${columns}.`);

    const multi = rowSide.multi || colSide.multi;
    const stats = tableStatistics(counts);
    let per_option: { option: string; chi_square: number | null; p: number | null; test: 'chi_square' | 'fisher_exact' | null; cramers_v: number | null; q: number | null }[] = [];
    if (rowSide.multi && colSide.multi) {
      warnings.push('Both sides are multi-valued: counts only; test one option at a time (answer.<key>:<option>) for significance.');
    } else if (multi) {
      const multiSide = rowSide.multi ? rowSide : colSide;
      const other = rowSide.multi ? colSide : rowSide;
      const otherCats = rowSide.multi ? colCats : rowCats;
      const respondents = store.analysis.respondents(multiSide, other);
      const base = otherCats.map((c) => respondents.find((x) => x.cat === c)?.n ?? 0);
      const matrix = rowSide.multi ? counts : colCats.map((_, j) => counts.map((r) => r[j]!));
      const tests = perOptionTests(rowSide.multi ? rowCats : colCats, matrix, base);
      const q = benjaminiHochberg(tests.map((t) => t.p));
      per_option = tests.map((t, i) => ({ ...t, p: t.p === null ? null : round(t.p, 6), q: q[i] === null ? null : round(q[i]!, 6) }));
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
      counts,
      row_shares: counts.map((r, i) => r.map((x) => (rowTotals[i] ? round(x / rowTotals[i]!) : 0))),
      column_shares: counts.map((r) => r.map((x, j) => (colTotals[j] ? round(x / colTotals[j]!) : 0))),
      statistics: multi
        ? null
        : { chi_square: stats.chi_square, df: stats.df, p: stats.p === null ? null : round(stats.p, 8), g_squared: stats.g_squared, g_squared_p: stats.g_squared_p === null ? null : round(stats.g_squared_p, 8), cramers_v: stats.cramers_v, fisher_p: stats.fisher_p === null ? null : round(stats.fisher_p, 8), min_expected: stats.min_expected },
      residuals: stats.residuals,
      flagged: flagged.slice(0, 20),
      per_option,
      warnings,
    };
}
