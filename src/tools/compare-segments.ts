import { readable } from '../domain/format.js';
import * as z from 'zod';
import { clip, takeLines } from '../domain/budget.js';
import { compareSegments } from '../app/comparison.js';
import { defineTool, readOnly } from './define.js';
import { includePartial, populationOut, populationText } from './params.js';
import { comparisonOut, formatQ, segmentationId, segmentRef } from './segmentation-params.js';

const wordOut = z.object({ word: z.string(), z: z.number(), count: z.number() });
const sideOut = z.object({ label: z.string(), size: z.number(), words: z.array(wordOut), quotes: z.array(z.object({ participant_id: z.string(), text: z.string() })) });

export const compareSegmentsTool = defineTool({
  name: 'compare_segments',
  title: 'Compare two segments',
  description: `Compares segment a with b, or with the rest: every feature with both sides' values, effect size and Benjamini–Hochberg q, plus themes, distinctive words and quotes.
Use this tool when you need to: say what sets a segment apart.`,
  input: z.object({
    segmentation_id: segmentationId,
    a: segmentRef,
    b: segmentRef.optional().describe('The other segment; omit to compare a with the rest.'),
    limit: z.number().int().min(1).max(500).default(40).describe('Most feature rows, strongest first.'),
    include_partial: includePartial,
  }),
  output: z.object({
    segmentation_id: z.number(),
    population: populationOut.describe('Who counts on either side: members with a completed interview (include_partial: or partial); n is both sides together.'),
    a: sideOut,
    b: sideOut,
    features: z.array(comparisonOut),
    features_total: z.number(),
    size_limited: z.boolean().describe('Fewer features than limit, to stay within the output budget.'),
    significant: z.number().describe('Features with q < 0.05.'),
    themes: z.array(comparisonOut),
    themes_total: z.number(),
  }),
  annotations: readOnly,
  run: ({ segmentation_id, a, b, limit, include_partial }, { store }) => compareSegments(store, { segmentationId: segmentation_id, a, b, limit, includePartial: include_partial }),
  render: (r) => {
    const lines = [`${r.a.label} (${r.a.size}) vs ${r.b.label} (${r.b.size}): ${r.significant} of ${r.features_total} features differ (q < 0.05).`, populationText(r.population)];
    for (const f of r.features.slice(0, 12)) lines.push(`- ${f.description}; ${f.effect_measure} ${readable(f.effect_size)}, ${f.test ?? 'no test'}, ${formatQ(f.q)}${f.significant ? '' : ' (not significant)'}`);
    const themes = r.themes.filter((t) => t.significant);
    if (themes.length) lines.push(`Themes: ${themes.slice(0, 6).map((t) => t.description).join('; ')}`);
    if (r.a.words.length) lines.push(`Words ${r.a.label} uses more: ${r.a.words.map((w) => w.word).join(', ')}`);
    if (r.b.words.length) lines.push(`Words ${r.b.label} uses more: ${r.b.words.map((w) => w.word).join(', ')}`);
    for (const q of r.a.quotes.slice(0, 2)) lines.push(`  ${r.a.label}: "${q.text}" (${q.participant_id})`);
    for (const q of r.b.quotes.slice(0, 2)) lines.push(`  ${r.b.label}: "${q.text}" (${q.participant_id})`);
    return takeLines(lines.map((l) => clip(l, 400)));
  },
});
