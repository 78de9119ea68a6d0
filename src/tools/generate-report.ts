import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { UserError } from '../errors.js';
import { reportCharts, type Report } from '../report/build.js';
import { renderChart } from '../report/charts.js';
import { MIME, REPORT_FORMATS, writeReport, type ReportFormat } from '../report/write.js';
import { defineTool } from './define.js';
import { studyId } from './params.js';

const MAX_IMAGES = 12;

export function reportUri(studyId: number, format: ReportFormat): string {
  return `seglab://studies/${studyId}/report.${REPORT_FORMATS[format]}`;
}

const formats = z.object({ markdown: z.string(), html: z.string(), json: z.string() });

export const generateReport = defineTool({
  name: 'generate_report',
  title: 'Generate the study report',
  description: `Writes the study's report — for a person or a leadership team — and returns it. Sections: summary and decision; method and sample (composition by lifecycle tags); a chart per structured question (distribution for scales, bars for choices, average position for rankings, yes/no split), by segment where there is a segmentation; themes with counts and quotes; segments with definition, size, profile, persona and playbook, how they compare, the validation checklist, the prioritization matrix and migration from the previous segmentation; notable cross-tabs and key drivers; an appendix with the method (features, k diagnostics, seed).
Written as Markdown, a self-contained HTML page (inline SVG charts and CSS, no network) and JSON to the reports folder beside the database, and served as resources seglab://studies/{id}/report.md, .html and .json. format picks what comes back inline: markdown (default, for chat), json (the report object) or html (a link and the file path). include_chart_images also returns each chart as a PNG image.
Use this tool when you need to: hand over results, or refresh the report after new interviews or a new segmentation (it uses the study's latest segmentation unless segmentation_id is given).`,
  input: z.object({
    study_id: studyId,
    segmentation_id: z.number().int().positive().optional().describe("The segmentation to report on (default: the study's latest, if any)."),
    format: z.enum(['markdown', 'html', 'json']).default('markdown'),
    include_chart_images: z.boolean().default(false).describe(`Also return the charts as PNG images (up to ${MAX_IMAGES}).`),
  }),
  output: z.object({
    study_id: z.number(),
    segmentation_id: z.number().nullable(),
    format: z.enum(['markdown', 'html', 'json']),
    generated_at: z.string(),
    generation_ms: z.number(),
    sections: z.array(z.string()),
    charts: z.number(),
    files: formats.describe('Where each format was written.'),
    resources: formats.describe('MCP resource URIs of each format.'),
    bytes: z.object({ markdown: z.number(), html: z.number(), json: z.number() }),
    markdown: z.string().optional().describe('The report (format markdown).'),
    report: z.record(z.string(), z.unknown()).optional().describe('The report object (format json).'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run({ study_id, segmentation_id, format }, { store, files }) {
    const started = performance.now();
    store.studies.get(study_id);
    if (segmentation_id !== undefined && store.segments.get(segmentation_id).study_id !== study_id) {
      throw new UserError(`segmentation_id: segmentation ${segmentation_id} belongs to another study; get_study ${study_id} lists this study's segmentations.`);
    }
    const written = await writeReport(store, files.outputDir, study_id, segmentation_id);
    const r = written.report;
    const sections = ['summary', 'method', ...(r.questions.length ? ['questions'] : []), ...(r.themes.length ? ['themes'] : []), ...(r.segmentation ? ['segments', 'comparison', 'validation'] : []), ...(r.segmentation?.prioritization ? ['prioritization'] : []), ...(r.segmentation?.migration ? ['migration'] : []), ...(r.crosstabs.length || r.drivers ? ['crosstabs_and_drivers'] : []), ...(r.segmentation ? ['appendix'] : [])];
    return {
      study_id,
      segmentation_id: r.segmentation?.segmentation_id ?? null,
      format,
      generated_at: r.generated_at,
      generation_ms: Math.round(performance.now() - started),
      sections,
      charts: reportCharts(r).length,
      files: written.paths,
      resources: { markdown: reportUri(study_id, 'markdown'), html: reportUri(study_id, 'html'), json: reportUri(study_id, 'json') },
      bytes: { markdown: Buffer.byteLength(written.texts.markdown), html: Buffer.byteLength(written.texts.html), json: Buffer.byteLength(written.texts.json) },
      ...(format === 'markdown' ? { markdown: written.texts.markdown } : {}),
      ...(format === 'json' ? { report: r as unknown as Record<string, unknown> } : {}),
    };
  },
  render: (r) => {
    const head = `Report for study ${r.study_id}${r.segmentation_id ? ` (segmentation ${r.segmentation_id})` : ''}: ${r.sections.length} sections, ${r.charts} charts, generated in ${r.generation_ms} ms.\nHTML: ${r.files.html} (${Math.round(r.bytes.html / 1024)} kB; resource ${r.resources.html})`;
    return r.format === 'markdown' && r.markdown ? `${head}\n\n${r.markdown}` : head;
  },
  attachments: async (r, args) => {
    const links = (['html', 'markdown', 'json'] as const).map((f) => ({ type: 'resource_link' as const, uri: r.resources[f], name: `report.${REPORT_FORMATS[f]}`, mimeType: MIME[f], description: `Study ${r.study_id} report (${f})` }));
    if (!args.include_chart_images) return links;
    // The charts of the report just written: the same data the HTML page draws.
    const report = JSON.parse(readFileSync(r.files.json, 'utf8')) as Report;
    // resvg's native module loads only when images are asked for (it costs start-up time otherwise).
    const { svgToPng } = await import('../report/png.js');
    const images = reportCharts(report)
      .slice(0, MAX_IMAGES)
      .map((c) => ({ type: 'image' as const, data: svgToPng(renderChart(c)).toString('base64'), mimeType: 'image/png' }));
    return [...links, ...images];
  },
});
