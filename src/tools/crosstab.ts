import * as z from 'zod';
import { crosstab } from '../app/crosstab.js';
import { percent, pValue, readable } from '../domain/format.js';
import { SCALE_BINS } from '../domain/crosstab.js';
import { DATE_UNITS } from '../domain/grouping.js';
import { clip, takeLines } from '../domain/budget.js';
import { defineTool, readOnly } from './define.js';
import { includePartial, populationOut, populationText, studyId } from './params.js';

const crossField = z.string().min(1).describe('answer.<key>[:<option>], attr.<name>, tag, theme, status or segment.');

const side = z.object({
  field: z.string(),
  categories: z.array(z.string()),
  categories_total: z.number().describe('Distinct values before the smallest were folded into "Other".'),
  totals: z.array(z.number()),
  multi: z.boolean(),
  note: z.string().nullable(),
  date_unit: z.enum(['month', 'quarter', 'year']).optional(),
});

const input = z.object({
  study_id: studyId,
  rows: crossField,
  columns: crossField,
  segmentation_id: z.number().int().positive().optional().describe('For the "segment" field (default: the latest).'),
  include_partial: includePartial,
  date_unit: z.enum(DATE_UNITS).default('auto').describe('How a date side is grouped: month, quarter, year, or auto.'),
  bins: z.enum(SCALE_BINS).default('auto').describe('Scale grouping: auto, values, thirds, nps, top2.'),
});

export const crosstabTool = defineTool({
  name: 'crosstab',
  title: 'Cross-tabulate two fields',
  description: `Cross-tabulates two fields: counts, shares, χ², G², Cramér's V, flagged residuals, Fisher for 2×2; multi-valued sides tested per option. Scales binned, dates by month, quarter or year; at most 144 cells, the rest in "Other".
Use this tool when you need to: test whether two things go together.`,
  input,
  output: z.object({
    rows: side,
    columns: side,
    n: z.number().describe('Participants with a value on both sides (counted once per category pair on multi-valued sides).'),
    population: populationOut,
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
  run: ({ study_id, rows, columns, segmentation_id, bins, date_unit, include_partial }, { store }) => crosstab(store, { studyId: study_id, rows, columns, segmentationId: segmentation_id, bins, dateUnit: date_unit, includePartial: include_partial }),
  render: (r) => {
    const lines = [`${r.rows.field} × ${r.columns.field} (n = ${r.n})${r.rows.note ? `; rows: ${r.rows.note}` : ''}${r.columns.note ? `; columns: ${r.columns.note}` : ''}`, populationText(r.population)];
    // The table as text only while it stays small; the structured result always has it.
    if (r.rows.categories.length * r.columns.categories.length <= 36) {
      lines.push(`| ${r.rows.field} | ${r.columns.categories.map((c) => clip(c, 24)).join(' | ')} | total |`);
      r.rows.categories.forEach((cat, i) => lines.push(`| ${clip(cat, 24)} | ${r.counts[i]!.map((x, j) => `${x} (${percent(r.row_shares[i]![j]!)})`).join(' | ')} | ${r.rows.totals[i]} |`));
    } else lines.push(`${r.rows.categories.length} × ${r.columns.categories.length} table in the structured result (counts, shares, residuals).`);
    if (r.statistics) {
      const s = r.statistics;
      lines.push(`χ² = ${readable(s.chi_square)} (df ${s.df}), ${pValue(s.p)}; G² = ${readable(s.g_squared)}; Cramér's V = ${readable(s.cramers_v)}${s.fisher_p !== null ? `; Fisher ${pValue(s.fisher_p)}` : ''}`);
    }
    for (const o of r.per_option.filter((x) => x.q !== null && x.q < 0.05).slice(0, 8)) lines.push(clip(`- ${o.option}: differs (q = ${o.q!.toFixed(3)}, V = ${readable(o.cramers_v)})`, 200));
    for (const f of r.flagged.slice(0, 6)) lines.push(clip(`- ${f.row} × ${f.column}: ${f.count} vs ${f.expected} expected (${f.direction}, z = ${f.residual})`, 200));
    for (const w of r.warnings) lines.push(`Warning: ${w}`);
    return takeLines(lines);
  },
});
