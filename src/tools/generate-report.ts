import * as z from 'zod';
import { REPORT_FORMATS, REPORT_MIME } from '../app/report-formats.js';
import { renderChart } from '../report/charts.js';
import { generateReport } from '../report/generate.js';
import { reportCharts } from '../report/model.js';
import { defineTool, WithAttachments } from './define.js';
import { includePartial, populationOut, studyId } from './params.js';

const MAX_IMAGES = 12;

const formats = z.object({ markdown: z.string(), html: z.string(), json: z.string() });

export const generateReportTool = defineTool({
  name: 'generate_report',
  title: 'Generate the study report',
  description: `Writes the study report (method, charts, themes, segments with personas and playbooks, validation, priorities, drivers) as Markdown, HTML and JSON resources; returns links and a preview.
Use this tool when you need to: share the findings.`,
  input: z.object({
    study_id: studyId,
    segmentation_id: z.number().int().positive().optional().describe("Default: the study's latest."),
    format: z.enum(['markdown', 'html', 'json']).default('markdown'),
    include_chart_images: z.boolean().default(false).describe(`Also return the charts as PNG images (up to ${MAX_IMAGES}).`),
    include_partial: includePartial,
    revenue_attribute: z.string().trim().min(1).max(200).optional().describe('A number attribute (e.g. attr.mrr) to size segments by; default: one named like revenue, MRR, ARR or amount.'),
  }),
  output: z.object({
    study_id: z.number(),
    segmentation_id: z.number().nullable(),
    format: z.enum(['markdown', 'html', 'json']),
    generated_at: z.string(),
    generation_ms: z.number(),
    sections: z.array(z.string()),
    population: populationOut,
    failed_sections: z.array(z.object({ section: z.string(), ref: z.string() })).describe('Sections that could not be built (the server log has the details under ref); empty when all went well.'),
    charts: z.number(),
    files: formats.describe('Where each format was written.'),
    resources: formats.describe('MCP resource URIs of each format.'),
    bytes: z.object({ markdown: z.number(), html: z.number(), json: z.number() }),
    markdown: z.string().optional().describe('The whole report (format markdown) when small; else read the resource.'),
    report: z.record(z.string(), z.unknown()).optional().describe('The report object (format json) when small; else read the resource.'),
    preview: z.string().describe('The beginning of the report (Markdown, or JSON for format json).'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run({ study_id, segmentation_id, format, include_chart_images, include_partial, revenue_attribute }, { store, files, log, signal, progress }) {
    const { result, report } = await generateReport(store, files.outputDir, { studyId: study_id, segmentationId: segmentation_id, format, includePartial: include_partial, revenueAttribute: revenue_attribute }, log, { signal, progress });
    const links = (['html', 'markdown', 'json'] as const).map((f) => ({ type: 'resource_link' as const, uri: result.resources[f], name: `report.${REPORT_FORMATS[f]}`, mimeType: REPORT_MIME[f], description: `Study ${study_id} report (${f})` }));
    if (!include_chart_images) return new WithAttachments(result, links);
    // resvg's native module loads only when images are asked for (it costs start-up time otherwise).
    const { svgToPng } = await import('../report/png.js');
    const images = reportCharts(report)
      .slice(0, MAX_IMAGES)
      .map((c) => ({ type: 'image' as const, data: svgToPng(renderChart(c)).toString('base64'), mimeType: 'image/png' }));
    return new WithAttachments(result, [...links, ...images]);
  },
  render: (r) => {
    const head = `Report for study ${r.study_id}${r.segmentation_id ? ` (segmentation ${r.segmentation_id})` : ''}: ${r.sections.length} sections, ${r.charts} charts, generated in ${r.generation_ms} ms.\nHTML: ${r.files.html} (${Math.round(r.bytes.html / 1024)} kB; resource ${r.resources.html})`;
    return `${head}\nThe whole report: ${r.resources[r.format]} (resources/read)${r.markdown || r.report ? ', and in the structured result' : ''}. It begins:\n\n${r.preview}`;
  },
});
