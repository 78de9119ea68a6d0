import { readable } from '../domain/format.js';
import * as z from 'zod';
import { clip, takeLines } from '../domain/budget.js';
import { otherSegmentsOut } from './segmentation-params.js';
import { driverAnalysis, MAX_DRIVERS } from '../app/drivers.js';
import { defineTool, readOnly } from './define.js';
import { includePartial, populationOut, populationText, studyId } from './params.js';

const correlationOut = z.object({ r: z.number().nullable(), p: z.number().nullable(), n: z.number() });
const resultOut = z.object({
  n_outcome: z.number(),
  complete_cases: z.number().describe('Participants with the outcome and every driver (relative weights use these).'),
  r_squared: z.number().nullable(),
  drivers: z.array(
    z.object({
      driver: z.string(),
      field: z.string(),
      n: z.number(),
      pearson: correlationOut,
      spearman: correlationOut,
      relative_weight: z.number().nullable().describe("Johnson's relative weight: this driver's part of R²."),
      share_of_r_squared: z.number().nullable(),
    }),
  ),
  dropped: z.array(z.object({ driver: z.string(), reason: z.string() })),
  warnings: z.array(z.string()),
});

const input = z.object({
  study_id: studyId,
  outcome: z.string().min(1).describe('answer.<scale or yes/no key>, or attr.<number attribute>.'),
  drivers: z.array(z.string().min(1)).max(MAX_DRIVERS).optional().describe('answer.<key>[:<option>], attr.<name>, theme.'),
  method: z.enum(['all', 'correlation', 'relative_weights']).default('all').describe('all, correlation, or relative_weights (with correlations).'),
  segmentation_id: z.number().int().positive().optional().describe('Also analyse within each segment of this segmentation.'),
  include_partial: includePartial,
});

export const driverAnalysisTool = defineTool({
  name: 'driver_analysis',
  title: 'Key driver analysis',
  description: `What moves an outcome (a scale, yes/no or number): Pearson and Spearman with p and n, and Johnson's relative weights, overall and per segment.
Use this tool when you need to: find what drives satisfaction, NPS or revenue.`,
  input,
  output: z.object({
    outcome: z.string(),
    population: populationOut,
    overall: resultOut,
    segments: z.array(z.object({ segment_id: z.number(), name: z.string().nullable(), drivers_total: z.number().describe('Drivers tested in the segment; the strongest 5 are shown.') }).extend(resultOut.shape)),
    other_segments: otherSegmentsOut,
  }),
  annotations: readOnly,
  run: ({ study_id, outcome, drivers, method, segmentation_id, include_partial }, { store }) => driverAnalysis(store, { studyId: study_id, outcome, drivers, method, segmentationId: segmentation_id, includePartial: include_partial }),
  render: (r) => {
    const fmt = (x: number | null) => readable(x);
    const p = (x: number | null) => (x === null ? '–' : x < 0.001 ? '< 0.001' : x.toFixed(3));
    const block = (label: string, res: z.infer<typeof resultOut>) => {
      const lines = [`${label}: n = ${res.n_outcome}${res.r_squared !== null ? `, R² = ${readable(res.r_squared)} (${res.complete_cases} complete cases)` : ''}`];
      for (const d of res.drivers.slice(0, 10)) {
        lines.push(`- ${d.driver}: r = ${fmt(d.pearson.r)} (p ${p(d.pearson.p)}), ρ = ${fmt(d.spearman.r)}${d.share_of_r_squared !== null ? `, ${Math.round(d.share_of_r_squared * 100)}% of R²` : ''}, n = ${d.n}`);
      }
      for (const w of res.warnings) lines.push(`  Warning: ${w}`);
      return lines;
    };
    const others = r.other_segments.length ? [`${r.other_segments.length} more segment(s) not shown (give fewer drivers, or a segmentation with fewer segments).`] : [];
    return takeLines([`Drivers of ${r.outcome}`, populationText(r.population), ...block('Overall', r.overall), ...r.segments.flatMap((s) => block(s.name ? `${s.name} (segment ${s.segment_id})` : `Segment ${s.segment_id}`, s)), ...others].map((l) => clip(l, 300)));
  },
});
