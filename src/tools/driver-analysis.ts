import { readable } from '../domain/format.js';
import * as z from 'zod';
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
  drivers: z.array(z.string().min(1)).max(MAX_DRIVERS).optional().describe('Fields to test: answer.<key>, answer.<key>:<option>, attr.<name>, theme.'),
  method: z.enum(['all', 'correlation', 'relative_weights']).default('all').describe('all (default), correlation only, or relative weights (still with correlations).'),
  segmentation_id: z.number().int().positive().optional().describe('Also analyse within each segment of this segmentation.'),
  include_partial: includePartial,
});

export const driverAnalysisTool = defineTool({
  name: 'driver_analysis',
  title: 'Key driver analysis',
  description: `Finds which answers or attributes move an outcome — a scale answer such as satisfaction or likelihood to recommend, a yes/no answer, or a numeric attribute such as MRR. For each driver: Pearson and Spearman correlations with p-values and n, and Johnson's relative weights (each driver's share of R², fair to correlated drivers). Overall, and per segment when segmentation_id is given. Drivers default to every scale and yes/no answer and every number attribute; choices expand into one 0/1 driver per option (single choice: all but the least chosen), ranking options into rank points, themes into 0/1 per theme. Warns when n is small.
Use this tool when you need to: say what matters most for an outcome ("does onboarding drive satisfaction, and for which segment?"), or rank levers by importance.`,
  input,
  output: z.object({
    outcome: z.string(),
    population: populationOut,
    overall: resultOut,
    segments: z.array(z.object({ segment_id: z.number(), name: z.string().nullable() }).extend(resultOut.shape)),
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
    return [`Drivers of ${r.outcome}`, populationText(r.population), ...block('Overall', r.overall), ...r.segments.flatMap((s) => block(s.name ? `${s.name} (segment ${s.segment_id})` : `Segment ${s.segment_id}`, s))].join('\n');
  },
});
